// The StoreClient suite, run over MemoryBus and over NatsBus on a real nats-server (harness.ts),
// against FakeStore (a real MvccStore answering protocol.ts, no Raft).

import { SeededRandom } from '@skiff/actors';
import { encode, NoRespondersError, TimeoutError } from '@skiff/bus';
import { fromUtf8, MvccErrorCode, type Command, type MvccOptions } from '@skiff/mvcc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CompactedError,
  createStoreClient,
  compare,
  op,
  StoreClientClosedError,
  StoreError,
  StoreUnavailableError,
  txnRequest,
  type StoreClient,
  type StoreClientOptions,
  type StoreWatch,
  type WatchBatch,
} from '../src/index.js';
import { FakeStore } from './fake-store.js';
import type { Harness } from './harness.js';

const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : fromUtf8(b));

/** Reads n batches (fewer if the watch ends). */
async function take(w: StoreWatch, n: number): Promise<WatchBatch[]> {
  const it = w[Symbol.asyncIterator]();
  const out: WatchBatch[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done === true) break;
    out.push(r.value);
  }
  return out;
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

export function storeClientSuite(label: string, makeHarness: () => Promise<Harness>): void {
  // Bounded: the slowest test waits ~5 s of real time for a lease to outlive and then lose its TTL.
  describe(`StoreClient over ${label}`, { timeout: 20_000 }, () => {
    let h: Harness;
    let fake: FakeStore;
    let client: StoreClient;
    let cluster = 0;
    let clusterName = '';
    const clients: StoreClient[] = [];

    async function setup(opts: { mvcc?: MvccOptions; members?: readonly string[] | undefined; client?: Partial<StoreClientOptions> } = {}): Promise<void> {
      clusterName = `t${++cluster}`;
      const storeBus = await h.connect(`store-${cluster}`);
      fake = new FakeStore({ bus: storeBus, clock: h.clock, cluster: clusterName, ...(opts.mvcc === undefined ? {} : { mvcc: opts.mvcc }) });
      await fake.start();
      client = await newClient(opts.client ?? {}, 'members' in opts ? opts.members : ['m1', 'm2', 'm3']);
    }

    async function newClient(extra: Partial<StoreClientOptions>, members: readonly string[] | undefined = ['m1', 'm2', 'm3']): Promise<StoreClient> {
      const bus = await h.connect(`api-${cluster}-${clients.length}`);
      const c = createStoreClient({
        bus,
        cluster: clusterName,
        clock: h.clock,
        random: new SeededRandom(1000 + clients.length),
        requestTimeoutMs: h.requestTimeoutMs,
        ...(members === undefined ? {} : { members }),
        ...extra,
      });
      clients.push(c);
      return c;
    }

    /** Polls `cond` on the harness clock (bounded). */
    async function until(cond: () => boolean, what: string): Promise<void> {
      for (let i = 0; i < 500; i++) {
        if (cond()) return;
        await h.sleep(10);
      }
      throw new Error(`timed out waiting for ${what}`);
    }

    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await fake?.stop();
      await h.dispose();
    });

    // ---- KV ---------------------------------------------------------------------------------

    it('puts, gets and ranges with prefix, limit, keysOnly, countOnly and a past revision', async () => {
      await setup();
      const first = await h.run(client.put('/pods/a', 'A1'));
      await h.run(client.put('/pods/b', 'B'));
      await h.run(client.put('/pods/c', 'C'));
      await h.run(client.put('/podsX', 'not in the prefix'));
      const second = await h.run(client.put('/pods/a', 'A2', { prevKv: true }));
      expect(text(second.prevKv?.value)).toBe('A1');

      const a = await h.run(client.get('/pods/a'));
      expect(text(a?.value)).toBe('A2');
      expect(a?.modRevision).toBe(second.revision);
      expect(a?.createRevision).toBe(first.revision);
      expect(await h.run(client.get('/pods/none'))).toBeUndefined();

      const page = await h.run(client.range('/pods/', { prefix: true, limit: 2 }));
      expect(page.kvs.map((kv) => text(kv.key))).toEqual(['/pods/a', '/pods/b']);
      expect(page.more).toBe(true);
      expect(page.count).toBe(3);
      const keys = await h.run(client.range('/pods/', { prefix: true, keysOnly: true }));
      expect(keys.kvs.every((kv) => kv.value.length === 0)).toBe(true);
      const count = await h.run(client.range('/pods/', { prefix: true, countOnly: true }));
      expect([count.count, count.kvs.length]).toEqual([3, 0]);
      const old = await h.run(client.get('/pods/a', { revision: first.revision }));
      expect(text(old?.value)).toBe('A1');
      const explicit = await h.run(client.range('/pods/a', { rangeEnd: '/pods/c' }));
      expect(explicit.kvs.map((kv) => text(kv.key))).toEqual(['/pods/a', '/pods/b']);
    });

    it('deletes one key or a prefix, with prevKv', async () => {
      await setup();
      for (const k of ['/x/1', '/x/2', '/y']) await h.run(client.put(k, k));
      const one = await h.run(client.delete('/y'));
      expect(one.deleted).toBe(1);
      const many = await h.run(client.delete('/x/', { prefix: true, prevKv: true }));
      expect(many.deleted).toBe(2);
      expect(many.prevKvs?.map((kv) => text(kv.value))).toEqual(['/x/1', '/x/2']);
      expect((await h.run(client.range('/', { prefix: true }))).count).toBe(0);
    });

    it('serializable reads go to a member and move on when it does not answer', async () => {
      await setup();
      await h.run(client.put('/k', 'v'));
      const leaderBefore = fake.leaderRequests.length;
      const kv = await h.run(client.get('/k', { serializable: true }));
      expect(text(kv?.value)).toBe('v');
      expect(fake.leaderRequests.length).toBe(leaderBefore);
      await fake.memberDown('m1');
      await fake.memberDown('m2');
      for (let i = 0; i < 4; i++) expect(text((await h.run(client.get('/k', { serializable: true })))?.value)).toBe('v');
      expect(text((await h.run(client.get('/k', { serializable: true, member: 'm3' })))?.value)).toBe('v');
      const err = await caught(h.run(client.get('/k', { serializable: true, member: 'm1', timeoutMs: 500 })));
      expect(err).toBeInstanceOf(StoreUnavailableError);
    });

    // ---- txn --------------------------------------------------------------------------------

    it('compareAndSwap and compareAndDelete follow the modRevision (0: the key must not exist)', async () => {
      await setup();
      const created = await h.run(client.compareAndSwap('/cas', 0, 'one'));
      expect(created.succeeded).toBe(true);
      const again = await h.run(client.compareAndSwap('/cas', 0, 'other'));
      expect(again.succeeded).toBe(false);
      expect(text(again.current?.value)).toBe('one');
      expect(again.current?.modRevision).toBe(created.revision);
      const updated = await h.run(client.compareAndSwap('/cas', created.revision, 'two'));
      expect(updated.succeeded).toBe(true);
      const stale = await h.run(client.compareAndDelete('/cas', created.revision));
      expect([stale.succeeded, text(stale.current?.value)]).toEqual([false, 'two']);
      const deleted = await h.run(client.compareAndDelete('/cas', updated.revision));
      expect(deleted.succeeded).toBe(true);
      expect(await h.run(client.get('/cas'))).toBeUndefined();
      const missing = await h.run(client.compareAndSwap('/cas', updated.revision, 'three'));
      expect(missing).toEqual({ succeeded: false, revision: deleted.revision });
    });

    it('runs a txn built from compare and op helpers', async () => {
      await setup();
      await h.run(client.put('/cfg', 'blue'));
      const r = await h.run(
        client.txn(
          txnRequest({
            compare: [compare.value('/cfg', '=', 'blue'), compare.version('/cfg', '=', 1)],
            success: [op.put('/cfg', 'green'), op.put('/log', 'changed'), op.get('/cfg')],
            failure: [op.delete('/cfg')],
          }),
        ),
      );
      expect(r.succeeded).toBe(true);
      const read = r.responses[2];
      expect(read?.type === 'range' ? text(read.kvs[0]?.value) : undefined).toBe('green');
      const no = await h.run(client.txn(txnRequest({ compare: [compare.value('/cfg', '=', 'blue')], failure: [op.get('/', { prefix: true, countOnly: true })] })));
      expect(no.succeeded).toBe(false);
      const count = no.responses[0];
      expect(count?.type === 'range' ? count.count : -1).toBe(2);
    });

    // ---- errors and retries -----------------------------------------------------------------

    it('surfaces mvcc errors as typed StoreErrors without retrying them', async () => {
      await setup({ mvcc: { maxValueBytes: 16 } });
      const { revision } = await h.run(client.put('/a', '1'));
      const before = fake.leaderRequests.length;
      const future = await caught(h.run(client.get('/a', { revision: revision + 10 })));
      expect(future).toBeInstanceOf(StoreError);
      expect((future as StoreError).code).toBe(MvccErrorCode.FutureRevision);
      expect(fake.leaderRequests.length).toBe(before + 1);
      const big = await caught(h.run(client.put('/a', 'x'.repeat(100))));
      expect((big as StoreError).code).toBe(MvccErrorCode.ValueTooLarge);
      const lease = await caught(h.run(client.leaseKeepAlive(12345)));
      expect((lease as StoreError).code).toBe(MvccErrorCode.LeaseNotFound);
      expect(fake.leaderRequests.length).toBe(before + 3);
    });

    it('retries through NotLeader with the same seq and applies the write once', async () => {
      await setup();
      const revisionBefore = fake.mvcc.revision;
      fake.notLeader(3, 'm2');
      const r = await h.run(client.put('/nl', 'v'));
      // On a slow machine an attempt may also time out and be sent once more: same seq, still once.
      const attempts = fake.commandsOf(client.clientId);
      expect(attempts.length).toBeGreaterThanOrEqual(4);
      expect(new Set(attempts.map((s) => s.seq))).toEqual(new Set([1]));
      expect(fake.seen.slice(0, 4).map((s) => s.answered)).toEqual(['notLeader', 'notLeader', 'notLeader', 'reply']);
      expect(r.revision).toBe(revisionBefore + 1);
      expect(fake.mvcc.revision).toBe(revisionBefore + 1);
    });

    it('a lost reply is retried with the same seq and the store answers from its session (exactly once)', async () => {
      await setup();
      await h.run(client.put('/cas', 'v1'));
      const current = (await h.run(client.get('/cas')))!;
      const revisionBefore = fake.mvcc.revision;
      fake.dropReplies(1, (c) => c.type === 'txn');
      // Applied a second time, this CAS would fail its compare; the saved response says it succeeded.
      const r = await h.run(client.compareAndSwap('/cas', current.modRevision, 'v2'));
      expect(r.succeeded).toBe(true);
      expect(fake.mvcc.revision).toBe(revisionBefore + 1);
      const txns = fake.commandsOf(client.clientId).filter((c) => c.type === 'txn');
      expect(txns.length).toBeGreaterThanOrEqual(2);
      expect(new Set(txns.map((c) => c.seq)).size).toBe(1);
      expect(fake.seen.filter((s) => s.command.type === 'txn').map((s) => s.answered).slice(0, 2)).toEqual(['dropped', 'reply']);
      expect(text((await h.run(client.get('/cas')))?.value)).toBe('v2');
    });

    it('carries ackSeq = the lowest seq still in flight', async () => {
      await setup();
      const isKey = (c: Command, k: string): boolean => c.type === 'put' && text(c.key) === k;
      fake.dropReplies(1, (c) => isKey(c, '/slow'));
      const slow = client.put('/slow', '1');
      const fast = await h.run(Promise.all([client.put('/f1', '1'), client.put('/f2', '2')]));
      expect(fast).toHaveLength(2);
      await h.run(slow);
      const sent = fake.commandsOf(client.clientId);
      const slowSeq = sent.find((c) => isKey(c, '/slow'))!.seq!;
      for (const k of ['/f1', '/f2']) {
        const c = sent.find((x) => isKey(x, k))!;
        expect(c.seq).toBeGreaterThan(slowSeq);
        expect(c.ackSeq).toBe(slowSeq);
      }
      await h.run(client.put('/after', 'x'));
      const after = fake.commandsOf(client.clientId).find((c) => isKey(c, '/after'))!;
      expect(after.ackSeq).toBe(after.seq);
    });

    it('waits out a leaderless store (no responders) and succeeds when a leader appears', async () => {
      await setup();
      await fake.stepDown();
      h.clock.setTimeout(() => void fake.stepUp(), 400);
      const r = await h.run(client.put('/k', 'v'));
      expect(r.revision).toBe(fake.mvcc.revision);
      expect(r.revision).toBe(2);
      expect(fake.commandsOf(client.clientId).every((c) => c.seq === 1)).toBe(true);
    });

    it('gives up at the call deadline with StoreUnavailableError', async () => {
      await setup();
      await fake.stepDown();
      const err = await caught(h.run(client.put('/k', 'v', { timeoutMs: 600 })));
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect((err as StoreUnavailableError).attempts).toBeGreaterThan(1);
      // The last attempt may have been cut short by the deadline (a timeout) on a busy machine.
      const cause = (err as StoreUnavailableError).cause;
      expect(cause instanceof NoRespondersError || cause instanceof TimeoutError).toBe(true);
      expect(fake.mvcc.revision).toBe(1);
    });

    // ---- leases -----------------------------------------------------------------------------

    it('grants, attaches, inspects, keeps alive and revokes leases', async () => {
      await setup();
      const lease = await h.run(client.leaseGrant(30));
      expect(lease.ttlSeconds).toBe(30);
      await h.run(client.put('/leased', 'v', { lease: lease.id }));
      const ttl = await h.run(client.leaseTimeToLive(lease.id, { keys: true }));
      expect([ttl.id, ttl.grantedTtlSeconds, ttl.keys.map((k) => text(k))]).toEqual([lease.id, 30, ['/leased']]);
      expect((await h.run(client.leases())).map((l) => l.id)).toEqual([lease.id]);
      const ka = await h.run(client.leaseKeepAlive(lease.id));
      expect([ka.id, ka.ttlSeconds]).toEqual([lease.id, 30]);
      await h.run(client.leaseRevoke(lease.id));
      expect(await h.run(client.get('/leased'))).toBeUndefined();
      expect((await h.run(client.leaseTimeToLive(lease.id))).ttlSeconds).toBe(-1);
    });

    it('keepAliveLoop keeps a lease past its TTL until stopped; then it expires and a new loop reports it lost', async () => {
      await setup();
      const lease = await h.run(client.leaseGrant(2));
      await h.run(client.put('/held', 'v', { lease: lease.id }));
      const loop = client.keepAliveLoop(lease.id);
      await h.sleep(3_000);
      expect(fake.expireLeases()).toBe(0);
      expect(loop.renewals).toBeGreaterThanOrEqual(1);
      expect(loop.ttlSeconds).toBe(2);
      loop.stop();
      expect(await loop.done).toEqual({ type: 'stopped' });
      await h.sleep(2_200);
      expect(fake.expireLeases()).toBe(1);
      expect(await h.run(client.get('/held'))).toBeUndefined();
      const lost = await h.run(client.keepAliveLoop(lease.id).done);
      expect(lost.type).toBe('lost');
    });

    // ---- maintenance ------------------------------------------------------------------------

    it('compacts: reads below the compact revision get CompactedError', async () => {
      await setup();
      const first = await h.run(client.put('/c', '1'));
      const second = await h.run(client.put('/c', '2'));
      await h.run(client.compact(second.revision));
      const err = await caught(h.run(client.get('/c', { revision: first.revision })));
      expect(err).toBeInstanceOf(CompactedError);
      expect((err as CompactedError).compactRevision).toBe(second.revision);
      const again = await caught(h.run(client.compact(first.revision)));
      expect(again).toBeInstanceOf(CompactedError);
    });

    it('reports status per member, discovers members from the leader, transfers leadership', async () => {
      await setup({ members: undefined });
      await h.run(client.put('/s', 'v'));
      expect(await h.run(client.members())).toEqual(['m1', 'm2', 'm3']);
      await fake.memberDown('m2');
      const all = await h.run(client.statusAll());
      expect(all.map((s) => [s.member, s.ok])).toEqual([
        ['m1', true],
        ['m2', false],
        ['m3', true],
      ]);
      const m1 = all[0]!;
      expect(m1.ok && [m1.status.role, m1.status.revision]).toEqual(['leader', fake.mvcc.revision]);
      const m2 = all[1]!;
      expect(!m2.ok && m2.error).toBeInstanceOf(StoreUnavailableError);
      await h.run(client.transferLeadership('m3'));
      expect(fake.transfers).toEqual(['m3']);
    });

    // ---- watch ------------------------------------------------------------------------------

    it('watch from a revision replays history then follows live writes, filtered to the prefix', async () => {
      await setup();
      const start = await h.run(client.put('/w/a', '1'));
      await h.run(client.put('/other', 'x'));
      await h.run(client.put('/w/b', '2'));
      const w = client.watch('/w/', { prefix: true, fromRevision: start.revision, progressIntervalMs: 200 });
      const replay = await h.run(take(w, 2));
      expect(replay.map((b) => [b.revision, text(b.events[0]?.kv.key)])).toEqual([
        [start.revision, '/w/a'],
        [start.revision + 2, '/w/b'],
      ]);
      await h.run(client.put('/other', 'y'));
      const d = await h.run(client.delete('/w/a'));
      const live = await h.run(take(w, 1));
      expect(live[0]!.revision).toBe(d.revision);
      expect(live[0]!.events.map((e) => [e.type, text(e.kv.key), e.prevKv === undefined])).toEqual([['DELETE', '/w/a', true]]);
      expect(fake.leaderRequests).toContain('store.history');
      w.cancel();
      expect(await h.run(take(w, 1))).toEqual([]);
    });

    it('watch without fromRevision sees only later writes; prevKv on request', async () => {
      await setup();
      await h.run(client.put('/k', 'old'));
      const w = client.watch('/k', { prevKv: true, progressIntervalMs: 200 });
      await until(() => w.revision !== undefined, 'the watch to start');
      const p = await h.run(client.put('/k', 'new'));
      const [b] = await h.run(take(w, 1));
      expect(b!.revision).toBe(p.revision);
      expect([text(b!.events[0]!.kv.value), text(b!.events[0]!.prevKv?.value)]).toEqual(['new', 'old']);
      w.cancel();
    });

    it('watch fills gaps in store.events from history and drops duplicates', async () => {
      await setup();
      const base = fake.mvcc.revision;
      const w = client.watch('/g/', { prefix: true, fromRevision: base + 1, progressIntervalMs: 200 });
      await until(() => w.revision !== undefined && w.revision >= base, 'the watch to catch up');
      fake.duplicateEvents = true;
      fake.suppressEvents = (rev) => rev % 3 === 0;
      for (let i = 0; i < 12; i++) await h.run(client.put(`/g/${i}`, `${i}`));
      const got = await h.run(take(w, 12));
      expect(got.map((b) => b.revision)).toEqual(Array.from({ length: 12 }, (_, i) => base + 1 + i));
      expect(got.map((b) => text(b.events[0]!.kv.key))).toEqual(Array.from({ length: 12 }, (_, i) => `/g/${i}`));
      w.cancel();
    });

    it('watch catches up on a lost last event through its idle probe, and sends progress notifications', async () => {
      await setup();
      const w = client.watch('/p/', { prefix: true, progressIntervalMs: 200, progressNotify: true });
      await until(() => w.revision !== undefined, 'the watch to start');
      fake.suppressEvents = () => true;
      const lost = await h.run(client.put('/p/1', 'v'));
      const [b] = await h.run(take(w, 1));
      expect([b!.revision, text(b!.events[0]?.kv.key)]).toEqual([lost.revision, '/p/1']);
      fake.suppressEvents = () => false;
      const other = await h.run(client.put('/elsewhere', 'v'));
      const [progress] = await h.run(take(w, 1));
      expect(progress).toEqual({ revision: other.revision, events: [] });
      w.cancel();
    });

    it('watch reads history in pages', async () => {
      await setup();
      fake.historyPageMax = 3;
      for (let i = 0; i < 10; i++) await h.run(client.put(`/h/${i}`, 'v'));
      const w = client.watch('/h/', { prefix: true, fromRevision: 2, historyPageRevisions: 4, progressIntervalMs: 200 });
      const got = await h.run(take(w, 10));
      expect(got.map((b) => b.revision)).toEqual(Array.from({ length: 10 }, (_, i) => 2 + i));
      expect(fake.leaderRequests.filter((t) => t === 'store.history').length).toBeGreaterThanOrEqual(4);
      w.cancel();
    });

    it('a watch whose consumer lags keeps bounded buffers and still delivers every revision in order', async () => {
      await setup();
      const base = fake.mvcc.revision;
      const w = client.watch('/b/', { prefix: true, fromRevision: base + 1, bufferedBatchesMax: 2, pendingBatchesMax: 2, progressIntervalMs: 200 });
      for (let i = 0; i < 20; i++) await h.run(client.put(`/b/${i}`, 'v'));
      const got = await h.run(take(w, 20));
      expect(got.map((b) => b.revision)).toEqual(Array.from({ length: 20 }, (_, i) => base + 1 + i));
      w.cancel();
    });

    it('a watch from a compacted revision ends with CompactedError', async () => {
      await setup();
      await h.run(client.put('/c', '1'));
      const second = await h.run(client.put('/c', '2'));
      await h.run(client.compact(second.revision));
      const w = client.watch('/c', { fromRevision: 2, progressIntervalMs: 200 });
      const err = await caught(h.run(take(w, 1)));
      expect(err).toBeInstanceOf(CompactedError);
      expect((err as CompactedError).compactRevision).toBe(second.revision);
    });

    it('a gap that reaches below the compaction ends the watch with CompactedError', async () => {
      await setup();
      const w = client.watch('/z', { progressIntervalMs: 60_000 });
      await until(() => w.revision !== undefined, 'the watch to start');
      fake.suppressEvents = () => true;
      await h.run(client.put('/z', '1'));
      const last = await h.run(client.put('/z', '2'));
      await h.run(client.compact(last.revision));
      fake.suppressEvents = () => false;
      await h.run(client.put('/z', '3'));
      const err = await caught(h.run(take(w, 5)));
      expect(err).toBeInstanceOf(CompactedError);
      expect((err as CompactedError).compactRevision).toBe(last.revision);
    });

    it('a malformed store.events message is skipped', async () => {
      await setup();
      const w = client.watch('/m', { progressIntervalMs: 60_000 });
      await until(() => w.revision !== undefined, 'the watch to start');
      fake.publishRaw(new Uint8Array([1, 2, 3]));
      fake.publishRaw(encode({ type: 'store.events', batches: [{ revision: 'x' }] }));
      const p = await h.run(client.put('/m', 'v'));
      const [b] = await h.run(take(w, 1));
      expect(b!.revision).toBe(p.revision);
      w.cancel();
    });

    it('close ends watches and keep-alive loops and refuses new calls', async () => {
      await setup();
      const w = client.watch('/q', { progressIntervalMs: 200 });
      const lease = await h.run(client.leaseGrant(10));
      const loop = client.keepAliveLoop(lease.id, { initialDelayMs: 1_000 });
      await until(() => w.revision !== undefined, 'the watch to start');
      await h.run(client.close());
      expect(await h.run(take(w, 1))).toEqual([]);
      expect(await loop.done).toEqual({ type: 'stopped' });
      expect(await caught(h.run(client.get('/q')))).toBeInstanceOf(StoreClientClosedError);
    });
  });
}
