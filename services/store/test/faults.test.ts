// The member under network faults on the simulated cluster: lost, delayed and duplicated messages,
// the leader cut off and healed, a member crashed (losing what it had not fsynced) and restarted.
// Afterwards every acknowledged write reads back and every member holds the same state.

import { RemoteError, subjects, type Envelope } from '@skiff/bus';
import { SeededRandom } from '@skiff/core';
import { prefixRangeEnd, utf8, type KeyValue } from '@skiff/mvcc';
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

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A put retried with the same seq until acknowledged (or given up after `attempts`). */
async function put(c: SimCluster, key: string, value: string, seq: number, attempts = 40): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    try {
      const r = await c.ask<Reply>(s.storeLeader, { type: 'store.command', command: { type: 'put', key: utf8(key), value: utf8(value), clientId: 'faults', seq } }, 1_000);
      if (r.response.type === 'put') return true;
    } catch (err) {
      if (err instanceof RemoteError && !['NotLeader', 'Unavailable'].includes(err.code)) throw err;
    }
    await c.run(100);
  }
  return false;
}

describe.each(Array.from({ length: 10 }, (_, i) => i + 1))('faults, seed %i', (seed) => {
  it('loses no acknowledged write and converges', async () => {
    const c = await startCluster(names, { snapshotEveryEntries: 25 }, { seed });
    cluster = c;
    const random = new SeededRandom(seed * 7919);
    await c.waitForLeader();
    c.network.drop(0.05);
    c.network.duplicate(0.02);
    c.network.delay({ minMs: 0, maxMs: 20 });
    const acked = new Map<string, string>();
    let seq = 0;
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 15; i++) {
        const key = `/f/${random.int(0, 20)}`;
        const value = `r${round}-${i}`;
        if (await put(c, key, value, ++seq)) acked.set(key, value);
      }
      const leader = c.leader();
      if (round === 1 && leader !== undefined) {
        c.network.isolate(leader.name);
        await c.run(3_000);
        c.network.heal();
      }
      if (round === 2) {
        const victim = random.pick(names);
        c.crash(victim);
        await c.run(1_000);
        await c.restart(victim);
      }
    }
    c.network.clearFaults();
    await c.run(3_000);
    const leader = await c.waitForLeader();
    const read = await c.ask<Reply>(s.storeLeader, { type: 'store.command', command: { type: 'range', key: utf8('/f/'), rangeEnd: prefixRangeEnd(utf8('/f/')) } });
    const stored = new Map((read.response['kvs'] as KeyValue[]).map((kv) => [text(kv.key), text(kv.value)]));
    for (const [key, value] of acked) expect(stored.get(key), key).toBe(value);
    expect(acked.size).toBeGreaterThan(10);
    await c.run(1_000);
    for (const m of c.members.values()) {
      expect(m.appliedIndex, m.name).toBe(leader.appliedIndex);
      expect(m.mvcc.revision, m.name).toBe(leader.mvcc.revision);
      const all = m.mvcc.range({ key: utf8('/f/'), rangeEnd: prefixRangeEnd(utf8('/f/')) });
      expect(all, m.name).toEqual(leader.mvcc.range({ key: utf8('/f/'), rangeEnd: prefixRangeEnd(utf8('/f/')) }));
    }
  });
});
