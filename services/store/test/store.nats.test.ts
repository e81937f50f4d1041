// Integration over a real nats-server with three store members as processes: elections, a leader
// killed with SIGKILL, restarts from the write-ahead log, catching up through a snapshot, bad input
// on every subject, and a log corrupted in the middle. Every acknowledged write must read back.

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, decode, encode, NatsBus, NoRespondersError, RemoteError, subjects, TimeoutError, type Envelope } from '@skiff/bus';
import { prefixRangeEnd, utf8, type KeyValue } from '@skiff/mvcc';
import type { MemberStatus } from '@skiff/store-client';
import { startNatsServer, type NatsServerProcess } from '@skiff/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberProcess, type MemberProcess } from './processes.js';

const CLUSTER = 'itest';
const s = subjects(CLUSTER);
const NAMES = ['a', 'b', 'c'];
const MAX_VALUE_BYTES = 4096;

let nats: NatsServerProcess;
let bus: NatsBus;
let dataDir: string;
const members = new Map<string, MemberProcess>();
/** Every acknowledged put: key -> value. */
const acked = new Map<string, string>();
let seq = 0;

interface Reply extends Envelope {
  readonly response: { readonly type: string; readonly revision: number; readonly code?: string; readonly [f: string]: unknown };
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function isRetryable(err: unknown): boolean {
  return err instanceof NoRespondersError || err instanceof TimeoutError || (err instanceof RemoteError && ['NotLeader', 'Unavailable'].includes(err.code));
}

/** A request to the leader, retried (same message, same seq) until answered or `deadlineMs` passes. */
async function leaderCall(msg: { readonly type: string; readonly [f: string]: unknown }, deadlineMs = 15_000): Promise<Reply> {
  const until = Date.now() + deadlineMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call<Reply>(bus, s.storeLeader, msg, 2_000);
    } catch (err) {
      if (!isRetryable(err) || Date.now() > until) throw err;
      await sleep(Math.min(50 * 2 ** attempt, 500));
    }
  }
}

async function put(key: string, value: string): Promise<Reply> {
  const reply = await leaderCall({ type: 'store.command', command: { type: 'put', key: utf8(key), value: utf8(value), clientId: 'itest', seq: ++seq } });
  if (reply.response.type === 'put') acked.set(key, value);
  return reply;
}

async function status(name: string): Promise<MemberStatus & { snapshotsInstalled?: number }> {
  return call<MemberStatus & Envelope>(bus, s.storeMember(name), { type: 'store.status' }, 1_000);
}

async function statuses(names: readonly string[]): Promise<(MemberStatus | undefined)[]> {
  return Promise.all(names.map((n) => status(n).catch(() => undefined)));
}

/** Waits until the running members agree on one leader; returns its name. */
async function waitForLeader(running: readonly string[], notThis?: string, timeoutMs = 20_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const all = await statuses(running);
    const leaders = all.filter((st) => st?.role === 'leader');
    const agreed = leaders.length === 1 && all.every((st) => st?.leader === leaders[0]!.member);
    if (agreed && leaders[0]!.member !== notThis) return leaders[0]!.member;
    await sleep(100);
  }
  throw new Error(`no leader among ${running.join(',')}:\n${[...members.values()].map((m) => `--- ${m.name}\n${m.output()}`).join('\n')}`);
}

/** Waits until `name` has applied what the leader has. */
async function waitForCatchUp(name: string, leader: string, timeoutMs = 30_000): Promise<MemberStatus & { snapshotsInstalled?: number }> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    const [mine, theirs] = await statuses([name, leader]);
    last = { mine, theirs };
    if (mine !== undefined && theirs !== undefined && mine.appliedIndex === theirs.appliedIndex && mine.revision === theirs.revision) return mine;
    await sleep(100);
  }
  throw new Error(`${name} did not catch up with ${leader}: ${JSON.stringify(last)}\n${members.get(name)?.output()}`);
}

/** Reads every acknowledged key back through the leader (linearizable) and compares. */
async function expectAllAcked(): Promise<void> {
  const reply = await leaderCall({ type: 'store.command', command: { type: 'range', key: utf8('/k/'), rangeEnd: prefixRangeEnd(utf8('/k/')) } });
  const stored = new Map((reply.response['kvs'] as KeyValue[]).map((kv) => [text(kv.key), text(kv.value)]));
  for (const [key, value] of acked) expect(stored.get(key), key).toBe(value);
}

function startMember(name: string): MemberProcess {
  const args = ['--members', NAMES.join(','), '--data-dir', dataDir, '--nats', nats.url, '--cluster', CLUSTER, '--snapshot-every', '50', '--max-value-bytes', String(MAX_VALUE_BYTES)];
  const m = memberProcess(name, args);
  members.set(name, m);
  return m;
}

beforeAll(async () => {
  nats = await startNatsServer();
  dataDir = mkdtempSync(join(tmpdir(), 'skiff-store-'));
  bus = await NatsBus.connect({ servers: [nats.url], name: 'store-itest' });
  for (const name of NAMES) startMember(name);
}, 30_000);

afterAll(async () => {
  await Promise.all([...members.values()].map((m) => m.kill()));
  await bus?.close();
  await nats?.dispose();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe('store members as processes over nats-server', () => {
  let leader = '';

  it('elect a leader that accepts writes', async () => {
    leader = await waitForLeader(NAMES);
    for (let i = 0; i < 30; i++) expect((await put(`/k/first/${i}`, `v${i}`)).response.type).toBe('put');
    await expectAllAcked();
  }, 60_000);

  it('elect a new leader after kill -9 of the leader and lose no acknowledged write', async () => {
    // Writes keep coming while the leader dies; each is retried with its seq until acknowledged.
    const writer = (async () => {
      for (let i = 0; i < 60; i++) await put(`/k/failover/${i}`, `w${i}`);
    })();
    await sleep(200);
    await members.get(leader)!.kill();
    const old = leader;
    leader = await waitForLeader(NAMES.filter((n) => n !== old), old);
    await writer;
    for (let i = 0; i < 20; i++) await put(`/k/after/${i}`, `x${i}`);
    await expectAllAcked();

    // The killed member comes back from its log and catches up.
    members.get(old)!.start();
    const caught = await waitForCatchUp(old, leader);
    expect(caught.role).toBe('follower');
  }, 90_000);

  it('catch a member up through a snapshot after it missed many writes', async () => {
    const follower = NAMES.find((n) => n !== leader)!;
    await members.get(follower)!.kill();
    for (let i = 0; i < 300; i++) await put(`/k/missed/${i % 120}`, `m${i}`);
    members.get(follower)!.start();
    const caught = await waitForCatchUp(follower, leader);
    expect(caught.snapshotsInstalled).toBeGreaterThanOrEqual(1);
    const local = await call<Reply>(bus, s.storeMember(follower), { type: 'store.range', request: { key: utf8('/k/missed/7') } }, 2_000);
    expect((local.response['kvs'] as KeyValue[]).map((kv) => text(kv.value))).toEqual([acked.get('/k/missed/7')]);
    await expectAllAcked();
  }, 90_000);

  it('answer bad input with errors and keep serving', async () => {
    const follower = NAMES.find((n) => n !== leader)!;
    for (const subject of [s.storeLeader, s.storeMember(follower)]) {
      const reply = decode((await bus.request(subject, new Uint8Array([0xc1, 0x00, 0xff, 0x13]), { timeoutMs: 2_000 })).data);
      expect(reply['code']).toBe('BadRequest');
    }
    bus.publish(s.storeRaft(follower), new Uint8Array([7, 7, 7]));
    bus.publish(s.storeRaft(follower), encode({ type: 'store.raft', from: leader, messages: [{ type: 'Heartbeat', term: 'x' }] }));

    const before = await status(leader);
    const big = await leaderCall({ type: 'store.command', command: { type: 'put', key: utf8('/k/big'), value: new Uint8Array(MAX_VALUE_BYTES + 1), clientId: 'itest', seq: ++seq } });
    expect(big.response).toMatchObject({ type: 'error', code: 'ValueTooLarge' });
    const after = await status(leader);
    expect(after.revision).toBe(before.revision);
    const absent = await leaderCall({ type: 'store.command', command: { type: 'range', key: utf8('/k/big') } });
    expect(absent.response['kvs']).toEqual([]);

    expect((await put('/k/still', 'serving')).response.type).toBe('put');
    expect((await status(follower)).member).toBe(follower);
    expect(members.get(follower)!.output()).toContain('raft input rejected');
  }, 60_000);

  it('refuse to start on a log corrupted in the middle, naming the file and offset', async () => {
    const follower = NAMES.find((n) => n !== leader)!;
    await members.get(follower)!.kill();
    const walDir = join(dataDir, follower, 'wal');
    const segment = readdirSync(walDir).filter((f) => f.endsWith('.wal')).sort().at(-1)!;
    const file = join(walDir, segment);
    const bytes = readFileSync(file);
    const offset = Math.floor(statSync(file).size / 2);
    bytes[offset] = bytes[offset]! ^ 0xff;
    writeFileSync(file, bytes);

    const m = members.get(follower)!;
    m.start();
    const code = await m.exited();
    expect(code).toBe(2);
    expect(m.output()).toContain(file);
    expect(m.output()).toMatch(/refusing to start: corrupt write-ahead log \S+ at byte \d+/);
    // The others go on.
    expect((await put('/k/last', 'ok')).response.type).toBe('put');
    await expectAllAcked();
  }, 60_000);
});
