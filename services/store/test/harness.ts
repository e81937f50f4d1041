// Test harness: store members over a MemoryNetwork (auto delivery), each with a MemoryWal on its
// own MemoryDisk, all on one SimulationClock. `run(ms)` advances simulated time in small steps and
// lets promises (fsyncs, deliveries) settle between them, so elections and commits happen in
// simulated time, independently of the machine's speed.

import { silentLogger, startServiceHost, type ServiceHost } from '@skiff/actors';
import { call, MemoryNetwork, type Bus, type Envelope } from '@skiff/bus';
import { SeededRandom, SimulationClock } from '@skiff/core';
import { MemoryDisk, MemoryWal } from '@skiff/wal';
import { createStoreMember, type StoreMember, type StoreMemberOptions } from '../src/index.js';

export interface SimCluster {
  readonly clock: SimulationClock;
  readonly network: MemoryNetwork;
  readonly client: Bus;
  readonly members: Map<string, StoreMember>;
  readonly disks: Map<string, MemoryDisk>;
  readonly wals: Map<string, MemoryWal>;
  run(ms: number): Promise<void>;
  /** Sends a request and advances time until its answer arrives (bounded by `ms`). */
  ask<T extends Envelope = Envelope>(subject: string, msg: { readonly type: string; readonly [f: string]: unknown }, ms?: number): Promise<T>;
  leader(): StoreMember | undefined;
  waitForLeader(ms?: number): Promise<StoreMember>;
  crash(name: string): void;
  restart(name: string): Promise<StoreMember>;
  stop(): Promise<void>;
}

const STEP_MS = 5;

export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface ClusterOptions {
  readonly seed?: number;
  /** Each member on its own service host (its Raft actor inspected), as in a real process. */
  readonly withHost?: boolean;
}

export async function startCluster(names: readonly string[], options: StoreMemberOptions = {}, cluster: ClusterOptions = {}): Promise<SimCluster> {
  const seed = cluster.seed ?? 1;
  const hosts: ServiceHost[] = [];
  const clock = new SimulationClock(1_000_000);
  const random = new SeededRandom(seed);
  const network = new MemoryNetwork({ random: random.fork(), clock, mode: 'auto' });
  const members = new Map<string, StoreMember>();
  const disks = new Map<string, MemoryDisk>();
  const wals = new Map<string, MemoryWal>();

  const startMember = async (name: string): Promise<StoreMember> => {
    const disk = disks.get(name) ?? new MemoryDisk();
    disks.set(name, disk);
    const { wal, state } = await MemoryWal.open(disk, { fsync: true });
    wals.set(name, wal);
    const bus = network.connect(name);
    const logger = silentLogger('store', name);
    const host = cluster.withHost === true ? await startServiceHost({ bus, cluster: 'test', service: 'store', instance: name, version: '0.1.0', description: 'test', clock, logger }) : undefined;
    if (host !== undefined) hosts.push(host);
    const member = createStoreMember({
      name,
      members: names,
      cluster: 'test',
      bus,
      ...(host === undefined ? {} : { host }),
      wal,
      recovered: state,
      clock,
      random: random.fork(),
      logger,
      options,
    });
    members.set(name, member);
    await member.start();
    return member;
  };
  for (const name of names) await startMember(name);
  const client = network.connect('client');

  const run = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += STEP_MS) {
      clock.advance(STEP_MS);
      await settle();
    }
  };
  const leader = (): StoreMember | undefined => [...members.values()].find((m) => m.role === 'leader');
  const sim: SimCluster = {
    clock,
    network,
    client,
    members,
    disks,
    wals,
    run,
    leader,
    async ask<T extends Envelope = Envelope>(subject: string, msg: { readonly type: string; readonly [f: string]: unknown }, ms = 10_000): Promise<T> {
      let result: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
      call<T>(client, subject, msg, ms).then(
        (value) => (result = { ok: true, value }),
        (error: unknown) => (result = { ok: false, error }),
      );
      for (let t = 0; t <= ms && result === undefined; t += STEP_MS) {
        await settle();
        if (result === undefined) {
          clock.advance(STEP_MS);
          await settle();
        }
      }
      if (result === undefined) throw new Error(`no answer to ${msg.type} on ${subject}`);
      if (!result.ok) throw result.error;
      return result.value;
    },
    async waitForLeader(ms = 10_000): Promise<StoreMember> {
      for (let t = 0; t < ms; t += STEP_MS) {
        const l = leader();
        // The leader serves once its Ready with the role change is handled.
        if (l !== undefined && l.status().role === 'leader' && l.appliedIndex > 0) {
          await run(50);
          return l;
        }
        await run(STEP_MS);
      }
      throw new Error('no leader elected');
    },
    crash(name: string): void {
      members.get(name)?.halt();
      wals.get(name)?.crash({ loseUnsynced: true });
      network.crash(name);
      members.delete(name);
    },
    restart: (name: string) => startMember(name),
    async stop(): Promise<void> {
      for (const m of members.values()) m.halt();
      for (const h of hosts) await h.stop();
      for (const w of wals.values()) await w.close().catch(() => undefined);
    },
  };
  return sim;
}
