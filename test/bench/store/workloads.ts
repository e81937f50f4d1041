// The workloads, each run against one system for a bounded time. Closed loops: `concurrency`
// workers each keep one request in flight (etcd benchmark's --clients/--conns model); the watch
// workload is open-loop (a paced writer) so both systems get the same offered load.

import type { Random } from '@skiff/core';
import type { StoreCluster, StoreDriver } from './cluster.js';
import { sleep } from './processes.js';

export interface LoopSample {
  readonly latenciesMs: number[];
  ops: number;
  errors: number;
  elapsedMs: number;
  /** CPU of the system's processes and of this benchmark process during the runs. */
  systemCpuMs: number;
  driverCpuMs: number;
  /** CAS only: compares that failed (another writer, or a stale modRevision). */
  conflicts: number;
  firstError?: string;
}

export function emptySample(): LoopSample {
  return { latenciesMs: [], ops: 0, errors: 0, elapsedMs: 0, systemCpuMs: 0, driverCpuMs: 0, conflicts: 0 };
}

/** One worker's operation: w is the worker's index (its lane is w % lanes). */
export type Op = (w: number) => Promise<void>;

/** Runs `concurrency` workers for durationMs, adding to `into` (latencies, counts, CPU). */
export async function closedLoop(cluster: StoreCluster, op: Op, concurrency: number, durationMs: number, into: LoopSample): Promise<void> {
  const cpu0 = cluster.cpuTimeMs();
  const driver0 = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async (w: number): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await op(w);
        into.latenciesMs.push(performance.now() - t0);
        into.ops++;
      } catch (err) {
        into.errors++;
        into.firstError ??= err instanceof Error ? err.message : String(err);
        await sleep(10);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  into.elapsedMs += performance.now() - start;
  into.systemCpuMs += cluster.cpuTimeMs() - cpu0;
  const d = process.cpuUsage(driver0);
  into.driverCpuMs += (d.user + d.system) / 1_000;
}

export function keyOf(prefix: string, i: number): string {
  return `${prefix}${String(i).padStart(6, '0')}`;
}

export function putOp(driver: StoreDriver, random: Random, keys: number, value: Uint8Array): Op {
  return (w) => driver.put(w, keyOf('/bench/kv/', random.int(0, keys - 1)), value);
}

export function getOp(driver: StoreDriver, random: Random, keys: number): Op {
  return (w) => driver.get(w, keyOf('/bench/kv/', random.int(0, keys - 1)));
}

/**
 * Each worker owns one key and updates it by compare-and-swap on its modRevision (the shape of
 * kube-apiserver's GuaranteedUpdate); a failed compare re-reads the revision from the reply.
 * `known` (worker -> the key's modRevision) is kept by the caller across rounds.
 */
export function casOp(driver: StoreDriver, value: Uint8Array, into: LoopSample, prefix: string, known: Map<number, number>): Op {
  return async (w) => {
    const key = keyOf(prefix, w);
    const r = await driver.casPut(w, key, known.get(w) ?? 0, value);
    known.set(w, r.modRevision);
    if (!r.succeeded) into.conflicts++;
  };
}

/** Writes every key once (so reads find values and CAS keys exist), `concurrency` at a time. */
export async function preload(driver: StoreDriver, keys: number, value: Uint8Array, concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = next++; i < keys; i = next++) await driver.put(w, keyOf('/bench/kv/', i), value);
    }),
  );
}

export interface WatchSample {
  /** Put acknowledged -> event delivered to the watcher (negative: the event came first). */
  readonly ackToEventMs: number[];
  /** Put sent -> event delivered (what a controller waiting for its own write sees). */
  readonly putToEventMs: number[];
  sent: number;
  acked: number;
  delivered: number;
  errors: number;
  elapsedMs: number;
}

export function emptyWatchSample(): WatchSample {
  return { ackToEventMs: [], putToEventMs: [], sent: 0, acked: 0, delivered: 0, errors: 0, elapsedMs: 0 };
}

const WATCH_PREFIX = '/bench/watch/';
const SEQ_BYTES = 8;

/**
 * A watcher on a prefix and a paced writer (ratePerSecond, spread over the lanes): every value
 * carries its sequence number, so each event is matched with its put's send and ack times.
 */
export async function watchLatency(driver: StoreDriver, ratePerSecond: number, durationMs: number, valueBytes: number, into: WatchSample): Promise<void> {
  const sentAt = new Map<number, number>();
  const ackedAt = new Map<number, number>();
  const deliveredAt = new Map<number, number>();
  const end = await driver.watchPrefix(WATCH_PREFIX, (_key, value) => {
    if (value.length < SEQ_BYTES) return;
    const seq = Number(Buffer.from(value.buffer, value.byteOffset, SEQ_BYTES).readBigUInt64BE());
    if (sentAt.has(seq) && !deliveredAt.has(seq)) deliveredAt.set(seq, performance.now());
  });
  const start = performance.now();
  const intervalMs = 1_000 / ratePerSecond;
  const inflight = new Set<Promise<void>>();
  let seq = 0;
  try {
    // Open loop: the n-th put is due at start + n * interval, whatever the previous ones did.
    while (performance.now() - start < durationMs) {
      const due = start + seq * intervalMs;
      const now = performance.now();
      if (due > now) await sleep(Math.max(0, due - now - 0.5));
      if (performance.now() < due) continue;
      const s = seq++;
      const value = Buffer.alloc(valueBytes);
      value.writeBigUInt64BE(BigInt(s), 0);
      sentAt.set(s, performance.now());
      const p = driver
        .put(s, `${WATCH_PREFIX}${s % 1_000}`, value)
        .then(() => void ackedAt.set(s, performance.now()))
        .catch(() => void into.errors++)
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.all(inflight);
    // Events may trail the acks: give them a bounded while.
    const waitUntilMs = performance.now() + 5_000;
    while (deliveredAt.size < ackedAt.size && performance.now() < waitUntilMs) await sleep(10);
  } finally {
    await end();
  }
  into.elapsedMs += performance.now() - start;
  into.sent += seq;
  into.acked += ackedAt.size;
  into.delivered += deliveredAt.size;
  for (const [s, at] of deliveredAt) {
    into.putToEventMs.push(at - sentAt.get(s)!);
    const acked = ackedAt.get(s);
    if (acked !== undefined) into.ackToEventMs.push(at - acked);
  }
}

export interface FailoverRound {
  readonly killed: string;
  /** kill -9 of the leader -> the first put that succeeded after it. */
  readonly unavailableMs: number;
  readonly newLeader: string;
  /** Restart of the killed member -> it applied what the leader had committed. */
  readonly catchUpMs: number;
}

/**
 * One round: kill -9 the leader, time until a probe put succeeds (the probe retries every few
 * ms), then restart the killed member and wait until it has caught up.
 */
export async function failoverRound(cluster: StoreCluster, round: number, value: Uint8Array): Promise<FailoverRound> {
  const leader = await cluster.leader();
  if (leader === '') throw new Error(`${cluster.system}: no leader before failover round ${round}`);
  // The probe's connection is warm, so the first attempt after the kill costs no setup.
  await cluster.probePut(`/bench/failover/warm`, value, 10_000);
  const t0 = performance.now();
  await cluster.kill(leader);
  await cluster.probePut(`/bench/failover/${round}`, value, 60_000);
  const unavailableMs = performance.now() - t0;
  const newLeader = await cluster.leader();
  const r0 = performance.now();
  await cluster.restart(leader);
  await cluster.catchUp(leader, 60_000);
  return { killed: leader, unavailableMs, newLeader, catchUpMs: performance.now() - r0 };
}
