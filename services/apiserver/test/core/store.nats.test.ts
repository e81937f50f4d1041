// Integration: the REST core over the real store. A nats-server, three store members (Raft + MVCC
// + write-ahead log on disk, each on its own NATS connection), a StoreClient and the core on
// another. CRUD, paging, a watch that follows the writes, and the store leader killed in the
// middle: writes go on through the new leader and the open watch misses nothing.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@skiff/actors';
import { NatsBus } from '@skiff/bus';
import { RealClock, SeededRandom } from '@skiff/core';
import { createStoreMember, type StoreMember } from '@skiff/store';
import { createStoreClient, type StoreClient } from '@skiff/store-client';
import { startNatsServer, type NatsServerProcess } from '@skiff/testing';
import { Wal } from '@skiff/wal';
import { createApiCore } from '../../src/core/api-core.js';
import type { ApiCore, ApiRequest, WatchEvent } from '../../src/core/types.js';
import { ADMIN, nextEvents, pod } from './harness.js';

const CLUSTER = 'coreitest';
const NAMES = ['a', 'b', 'c'];

let nats: NatsServerProcess;
let dataDir: string;
const buses: NatsBus[] = [];
const wals: Wal[] = [];
const members = new Map<string, StoreMember>();
let client: StoreClient;
let core: ApiCore;

async function call(r: Partial<ApiRequest> & Pick<ApiRequest, 'verb' | 'resource'>) {
  const res = await core.handle({ group: '', version: 'v1', query: new URLSearchParams(), user: ADMIN, ...r } as ApiRequest);
  if (res.kind !== 'object') throw new Error('expected an object');
  return res.object as Record<string, unknown> & { metadata: Record<string, unknown> };
}

async function startMember(name: string, seed: number): Promise<void> {
  const { wal, state } = await Wal.open(join(dataDir, name), { fsync: true });
  wals.push(wal);
  const bus = await NatsBus.connect({ servers: [nats.url], name: `store-${name}` });
  buses.push(bus);
  const member = createStoreMember({ name, members: NAMES, cluster: CLUSTER, bus, wal, recovered: state, clock: new RealClock(), random: new SeededRandom(seed), logger: silentLogger('store', name) });
  await member.start();
  members.set(name, member);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'skiff-core-itest-'));
  nats = await startNatsServer();
  for (const [i, name] of NAMES.entries()) await startMember(name, i + 1);
  const bus = await NatsBus.connect({ servers: [nats.url], name: 'apiserver' });
  buses.push(bus);
  const clock = new RealClock();
  client = createStoreClient({ bus, cluster: CLUSTER, clock, random: new SeededRandom(42), members: NAMES, callTimeoutMs: 20_000 });
  core = createApiCore({ store: client, clock, random: new SeededRandom(43), tokenSigningKey: 'itest' });
  await core.ready();
}, 60_000);

afterAll(async () => {
  await core?.stop();
  await client?.close();
  for (const m of members.values()) await m.stop().catch(() => m.halt());
  for (const w of wals) await w.close().catch(() => undefined);
  for (const b of buses) await b.close().catch(() => undefined);
  await nats?.dispose();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('REST core over NATS and a 3-member store', () => {
  it('bootstraps, serves CRUD and paging, and keeps a watch through a store leader failover', async () => {
    const namespaces = await call({ verb: 'list', resource: 'namespaces' });
    expect((namespaces['items'] as { metadata: { name: string } }[]).map((n) => n.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);

    const start = await call({ verb: 'list', resource: 'pods', namespace: 'default' });
    const w = await core.handle({ group: '', version: 'v1', resource: 'pods', namespace: 'default', verb: 'watch', query: new URLSearchParams({ resourceVersion: start.metadata['resourceVersion'] as string }), user: ADMIN });
    if (w.kind !== 'watch') throw new Error('expected a watch');
    const events = w.events[Symbol.asyncIterator]();

    for (const n of ['p1', 'p2', 'p3']) await call({ verb: 'create', resource: 'pods', namespace: 'default', body: pod(n, {}, { app: 'web' }) });
    const page = await call({ verb: 'list', resource: 'pods', namespace: 'default', query: new URLSearchParams({ limit: '2' }) });
    expect((page['items'] as unknown[]).length).toBe(2);
    const rest = await call({ verb: 'list', resource: 'pods', namespace: 'default', query: new URLSearchParams({ limit: '2', continue: page.metadata['continue'] as string }) });
    expect((rest['items'] as { metadata: { name: string } }[]).map((p) => p.metadata.name)).toEqual(['p3']);
    const conflict = await core
      .handle({ group: '', version: 'v1', resource: 'pods', namespace: 'default', verb: 'create', body: pod('p1'), query: new URLSearchParams(), user: ADMIN })
      .then(() => undefined, (e: { status?: { code: number } }) => e.status?.code);
    expect(conflict).toBe(409);

    // Kill the store's leader (a crash: no hand-over); the next writes go through a new one.
    const leader = [...members.entries()].find(([, m]) => m.role === 'leader');
    expect(leader).toBeDefined();
    leader![1].halt();
    members.delete(leader![0]);

    await call({ verb: 'patch', resource: 'pods', namespace: 'default', name: 'p1', patchType: 'merge', body: { metadata: { labels: { app: 'db' } } } });
    await call({ verb: 'delete', resource: 'pods', namespace: 'default', name: 'p2' });

    const seen: WatchEvent[] = await nextEvents(events, 5);
    expect(seen.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED p1', 'ADDED p2', 'ADDED p3', 'MODIFIED p1', 'DELETED p2']);
    const rvs = seen.map((e) => Number(e.object.metadata.resourceVersion));
    expect([...rvs].sort((x, y) => x - y)).toEqual(rvs);
    w.cancel();

    const after = await call({ verb: 'list', resource: 'pods', namespace: 'default', query: new URLSearchParams({ labelSelector: 'app=web' }) });
    expect((after['items'] as { metadata: { name: string } }[]).map((p) => p.metadata.name)).toEqual(['p3']);
  }, 60_000);
});
