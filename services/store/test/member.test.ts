// The store member over a simulated network and disk: three members elect a leader and serve the
// store protocol (store-client protocol.ts) end to end through Raft, MVCC and the WAL.

import { decode, encode, RemoteError, subjects, type Envelope } from '@skiff/bus';
import { utf8, type ChangeBatch, type KeyValue } from '@skiff/mvcc';
import { afterEach, describe, expect, it } from 'vitest';
import { startCluster, type SimCluster } from './harness.js';

const s = subjects('test');
const names = ['a', 'b', 'c'];
let cluster: SimCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

interface Reply extends Envelope {
  readonly response: { readonly type: string; readonly revision: number; readonly [f: string]: unknown };
}

const put = (key: string, value: string, seq: number) => ({
  type: 'store.command',
  command: { type: 'put', key: utf8(key), value: utf8(value), clientId: 'tester', seq },
});

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('store member (simulated network and disk)', () => {
  it('elects one leader and answers status on every member', async () => {
    cluster = await startCluster(names);
    const leader = await cluster.waitForLeader();
    for (const name of names) {
      const st = await cluster.ask<Envelope & { role: string; leader: string }>(s.storeMember(name), { type: 'store.status' });
      expect(st['member']).toBe(name);
      expect(st.leader).toBe(leader.name);
      expect(st.role).toBe(name === leader.name ? 'leader' : 'follower');
    }
  });

  it('puts, reads linearizably and serializably, and runs a compare-and-swap txn', async () => {
    cluster = await startCluster(names);
    const leader = await cluster.waitForLeader();
    const first = await cluster.ask<Reply>(s.storeLeader, put('/k', 'v1', 1));
    expect(first.response.type).toBe('put');
    const rev = first.response.revision;

    const read = await cluster.ask<Reply>(s.storeLeader, { type: 'store.command', command: { type: 'range', key: utf8('/k') } });
    const kvs = read.response['kvs'] as KeyValue[];
    expect(kvs.map((kv) => text(kv.value))).toEqual(['v1']);

    const cas = (expected: number, value: string, seq: number) => ({
      type: 'store.command',
      command: {
        type: 'txn',
        compare: [{ target: 'modRevision', result: '=', key: utf8('/k'), value: expected }],
        success: [{ type: 'put', key: utf8('/k'), value: utf8(value) }],
        failure: [{ type: 'range', key: utf8('/k') }],
        clientId: 'tester',
        seq,
      },
    });
    const won = await cluster.ask<Reply>(s.storeLeader, cas(rev, 'v2', 2));
    expect(won.response['succeeded']).toBe(true);
    const lost = await cluster.ask<Reply>(s.storeLeader, cas(rev, 'v3', 3));
    expect(lost.response['succeeded']).toBe(false);

    // Followers apply the same log: a serializable read there sees v2 once it caught up.
    await cluster.run(200);
    for (const name of names.filter((n) => n !== leader.name)) {
      const local = await cluster.ask<Reply>(s.storeMember(name), { type: 'store.range', request: { key: utf8('/k') } });
      expect((local.response['kvs'] as KeyValue[]).map((kv) => text(kv.value))).toEqual(['v2']);
    }
  });

  it('answers a retried write with the saved response (exactly once)', async () => {
    cluster = await startCluster(names);
    await cluster.waitForLeader();
    const a = await cluster.ask<Reply>(s.storeLeader, put('/once', 'x', 7));
    const b = await cluster.ask<Reply>(s.storeLeader, put('/once', 'x', 7));
    expect(b.response.revision).toBe(a.response.revision);
    const read = await cluster.ask<Reply>(s.storeLeader, { type: 'store.command', command: { type: 'range', key: utf8('/once') } });
    expect((read.response['kvs'] as KeyValue[])[0]!.version).toBe(1);
  });

  it('grants a lease, attaches a key, and revokes the lease when it expires on the leader clock', async () => {
    cluster = await startCluster(names);
    await cluster.waitForLeader();
    const grant = await cluster.ask<Reply>(s.storeLeader, { type: 'store.command', command: { type: 'leaseGrant', ttlSeconds: 3, nowMs: 0 } });
    const id = grant.response['id'] as number;
    expect(id).toBeGreaterThan(0);
    await cluster.ask<Reply>(s.storeLeader, { type: 'store.command', command: { type: 'put', key: utf8('/leased'), value: utf8('1'), lease: id } });
    const ttl = await cluster.ask<Envelope & { lease: { ttlSeconds: number; keys: Uint8Array[] } }>(s.storeLeader, { type: 'store.leaseTimeToLive', id });
    expect(ttl.lease.ttlSeconds).toBeGreaterThan(0);
    expect(ttl.lease.keys.map(text)).toEqual(['/leased']);

    await cluster.run(6_000);
    const read = await cluster.ask<Reply>(s.storeLeader, { type: 'store.command', command: { type: 'range', key: utf8('/leased') } });
    expect(read.response['kvs']).toEqual([]);
    const leases = await cluster.ask<Envelope & { leases: unknown[] }>(s.storeMember('a'), { type: 'store.leases' });
    expect(leases.leases).toEqual([]);
  });

  it('publishes every committed revision on store.events, in order', async () => {
    cluster = await startCluster(names);
    await cluster.waitForLeader();
    const seen: ChangeBatch[] = [];
    const sub = cluster.client.subscribe(s.storeEvents);
    void (async () => {
      for await (const m of sub) seen.push(...((decode(m.data)['batches'] as ChangeBatch[]) ?? []));
    })();
    const revisions: number[] = [];
    for (let i = 1; i <= 20; i++) revisions.push((await cluster.ask<Reply>(s.storeLeader, put(`/e/${i % 4}`, `v${i}`, i))).response.revision);
    await cluster.run(100);
    sub.unsubscribe();
    expect(seen.map((b) => b.revision)).toEqual(revisions);
    expect(seen.map((b) => text(b.events[0]!.kv.value))).toEqual(revisions.map((_, i) => `v${i + 1}`));
  });

  it('answers history from a revision, and compactRevision once compacted', async () => {
    cluster = await startCluster(names);
    await cluster.waitForLeader();
    for (let i = 1; i <= 5; i++) await cluster.ask(s.storeLeader, put('/h', `v${i}`, i));
    const h = await cluster.ask<Envelope & { batches: ChangeBatch[]; revision: number }>(s.storeLeader, { type: 'store.history', fromRevision: 3 });
    expect(h.batches.map((b) => b.revision)).toEqual([3, 4, 5, 6]);
    await cluster.ask(s.storeLeader, { type: 'store.command', command: { type: 'compact', revision: 4, clientId: 'tester', seq: 6 } });
    const old = await cluster.ask<Envelope & { compactRevision?: number }>(s.storeMember('b'), { type: 'store.history', fromRevision: 2 });
    expect(old.compactRevision).toBe(4);
  });

  it('refuses a value over the limit with ValueTooLarge and writes nothing', async () => {
    cluster = await startCluster(names, { maxValueBytes: 100 });
    await cluster.waitForLeader();
    const before = await cluster.ask<Envelope & { revision: number; commitIndex: number }>(s.storeLeader, { type: 'store.status' });
    const big = await cluster.ask<Reply>(s.storeLeader, put('/big', 'x'.repeat(101), 1));
    expect(big.response).toMatchObject({ type: 'error', code: 'ValueTooLarge' });
    const after = await cluster.ask<Envelope & { revision: number; commitIndex: number }>(s.storeLeader, { type: 'store.status' });
    expect(after.revision).toBe(before.revision);
    expect(after.commitIndex).toBe(before.commitIndex);
  });

  it('answers garbage with BadRequest, drops garbage Raft input, and keeps serving', async () => {
    cluster = await startCluster(names);
    const leader = await cluster.waitForLeader();
    const follower = names.find((n) => n !== leader.name)!;
    const replies: Envelope[] = [];
    for (const subject of [s.storeLeader, s.storeMember(follower)]) {
      const pending = cluster.client.request(subject, new Uint8Array([0xc1, 0xff, 0x00]), { timeoutMs: 1_000 });
      await cluster.run(20);
      replies.push(decode((await pending).data));
    }
    expect(replies.map((r) => r['code'])).toEqual(['BadRequest', 'BadRequest']);
    const unknown = await cluster.ask(s.storeLeader, { type: 'store.nonsense' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(RemoteError);
    expect((unknown as RemoteError).code).toBe('BadRequest');

    // Garbage on the Raft inbox is counted and dropped.
    cluster.client.publish(s.storeRaft(follower), new Uint8Array([1, 2, 3]));
    cluster.client.publish(s.storeRaft(follower), encode({ type: 'store.raft', from: leader.name, messages: [{ type: 'AppendEntries', term: -1 }] }));
    await cluster.run(50);
    expect(cluster.members.get(follower)!.stats.raftRejected).toBe(2);
    const ok = await cluster.ask<Reply>(s.storeLeader, put('/still', 'fine', 1));
    expect(ok.response.type).toBe('put');
  });

  it('a restarted member recovers from its log and catches up', async () => {
    cluster = await startCluster(names, { snapshotEveryEntries: 20 });
    const leader = await cluster.waitForLeader();
    const follower = names.find((n) => n !== leader.name)!;
    for (let i = 1; i <= 10; i++) await cluster.ask(s.storeLeader, put(`/r/${i}`, 'a', i));
    cluster.crash(follower);
    for (let i = 11; i <= 80; i++) await cluster.ask(s.storeLeader, put(`/r/${i}`, 'b', i));
    const restarted = await cluster.restart(follower);
    await cluster.run(2_000);
    const st = restarted.status();
    expect(st.revision).toBe(leader.mvcc.revision);
    expect(st.appliedIndex).toBe(leader.appliedIndex);
    expect(st.snapshotsInstalled).toBe(1);
    expect(restarted.mvcc.range({ key: utf8('/r/'), rangeEnd: utf8('/r0'), countOnly: true })).toMatchObject({ count: 80 });
  });
});

describe('leadership transfer', () => {
  it('moves leadership on store.transferLeadership, and a stopping leader hands over first', async () => {
    cluster = await startCluster(names);
    const leader = await cluster.waitForLeader();
    const target = names.find((n) => n !== leader.name)!;
    const reply = await cluster.ask<Envelope & { leader: string }>(s.storeLeader, { type: 'store.transferLeadership', to: target });
    expect(reply.leader).toBe(target);
    const next = await cluster.waitForLeader();
    expect(next.name).toBe(target);

    // Without a hand-over nobody would lead when stop() returns: an election needs a timeout first.
    let stopped = false;
    void next.stop().then(() => (stopped = true));
    for (let i = 0; i < 600 && !stopped; i++) await cluster.run(5);
    expect(stopped).toBe(true);
    const third = cluster.leader();
    expect(third?.name).toBeDefined();
    expect(third?.name).not.toBe(target);
    await cluster.waitForLeader();
    // Written after the hand-over, so the new leader serves.
    const ok = await cluster.ask<Reply>(s.storeLeader, put('/after', 'x', 1));
    expect(ok.response.type).toBe('put');
  });
});

describe('inspection', () => {
  it('publishes the Raft actor with a bounded summary, never the whole log', async () => {
    cluster = await startCluster(names, {}, { withHost: true });
    const sizes: number[] = [];
    const raftContexts: string[] = [];
    const sub = cluster.client.subscribe(s.inspectEventsAll);
    void (async () => {
      for await (const m of sub) {
        const env = decode(m.data);
        if (env.type !== 'inspect.snapshot' || env['actorId'] !== 'raft') continue;
        sizes.push(m.data.byteLength);
        raftContexts.push(JSON.stringify(env['context']));
      }
    })();
    await cluster.waitForLeader();
    const value = 'v'.repeat(1_000);
    for (let i = 1; i <= 200; i++) await cluster.ask(s.storeLeader, put(`/i/${i}`, value, i));
    await cluster.run(500);
    sub.unsubscribe();
    expect(raftContexts.length).toBeGreaterThan(0);
    // 200 entries of 1 kB are in every member's log; a summary carries a bounded part of it.
    expect(Math.max(...sizes)).toBeLessThan(32 * 1024);
    expect(raftContexts.some((c) => c.includes('"leader"') || c.includes('"follower"') || c.includes('term'))).toBe(true);
  });
});
