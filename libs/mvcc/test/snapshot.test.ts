// Snapshot and restore: a restored member answers the same commands with the same responses and
// ends in the same state; garbage is refused without touching the current state.

import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { MvccStore, prefixRange, WatchRegistry, type Command } from '../src/index.js';
import { b, err, get, ok, prng, put, valueOf } from './helpers.js';

/** A deterministic mix of every command kind, seeded. */
function workload(seed: number, count: number, startMs: number): Command[] {
  const rnd = prng(seed);
  const key = (): Uint8Array => b(`k/${rnd.int(40)}`);
  const out: Command[] = [];
  for (let i = 0; i < count; i++) {
    const nowMs = startMs + i * 100;
    const meta = { clientId: `c${rnd.int(5)}`, seq: i + 1, nowMs };
    const r = rnd.int(10);
    if (r < 4) out.push({ type: 'put', key: key(), value: b(`v${i}`), lease: rnd.int(4) === 0 ? 1 + rnd.int(3) : 0, ...meta });
    else if (r === 4) out.push({ type: 'deleteRange', key: key(), prevKv: true, ...meta });
    else if (r === 5) out.push({ type: 'leaseGrant', id: 1 + rnd.int(3), ttlSeconds: 5 + rnd.int(10), nowMs });
    else if (r === 6) out.push({ type: 'leaseRevoke', id: 1 + rnd.int(3), ...meta });
    else if (r === 7) out.push({ type: 'leaseKeepAlive', id: 1 + rnd.int(3), nowMs });
    else if (r === 8) {
      const k = key();
      out.push({ type: 'txn', compare: [{ target: 'version', result: '>', key: k, value: 1 }], success: [{ type: 'deleteRange', key: k }], failure: [{ type: 'put', key: k, value: b('t') }], ...meta });
    } else out.push({ type: 'range', ...prefixRange('k/'), limit: 5, nowMs });
  }
  return out;
}

function replay(store: MvccStore, commands: readonly Command[]): unknown[] {
  return commands.map((c) => store.apply(c));
}

describe('snapshot and restore', () => {
  for (const withHistory of [false, true]) {
    it(`gives the same responses and state after restore (withHistory ${withHistory})`, () => {
      const original = new MvccStore();
      replay(original, workload(1, 400, 0));
      const restored = new MvccStore();
      expect(restored.restore(original.snapshot({ withHistory }))).toEqual({ ok: true, revision: original.revision });
      const next = workload(2, 300, 40_000);
      expect(replay(restored, next)).toEqual(replay(original, next));
      expect(restored.snapshot()).toEqual(original.snapshot());
      expect(restored.leases()).toEqual(original.leases());
      expect(restored.expiredLeases(80_000)).toEqual(original.expiredLeases(80_000));
    });
  }

  it('keeps the dedup table: a retry after restore gets the saved response', () => {
    const original = new MvccStore();
    const first = put(original, 'k', 'v', { clientId: 'c', seq: 7 });
    const restored = new MvccStore();
    restored.restore(original.snapshot());
    expect(put(restored, 'k', 'v', { clientId: 'c', seq: 7 }).response).toEqual(first.response);
    expect(get(restored, 'k')?.version).toBe(1);
  });

  it('without history, serves reads and watches only from the snapshot revision', () => {
    const original = new MvccStore();
    put(original, 'k', '1');
    put(original, 'k', '2');
    const restored = new MvccStore();
    restored.restore(original.snapshot());
    expect(restored.compactRevision).toBe(0);
    expect(restored.historyFloor).toBe(3);
    expect(err(restored.range({ key: b('k'), revision: 2 }))).toMatchObject({ code: 'Compacted', compactRevision: 3 });
    expect(valueOf(get(restored, 'k', 3))).toBe('2');
    const watches = new WatchRegistry(restored);
    expect(err(watches.create({ key: b('k'), startRevision: 2 })).code).toBe('Compacted');
  });

  it('with history, replays watches and past reads from before the snapshot', () => {
    const original = new MvccStore();
    put(original, 'k', '1'); // 2
    put(original, 'j', 'x'); // 3
    put(original, 'k', '2', { prevKv: true }); // 4
    original.apply({ type: 'deleteRange', key: b('j') }); // 5
    const restored = new MvccStore();
    restored.restore(original.snapshot({ withHistory: true }));
    expect(valueOf(get(restored, 'k', 2))).toBe('1');
    const watchOriginal = new WatchRegistry(original);
    const watchRestored = new WatchRegistry(restored);
    for (const w of [watchOriginal, watchRestored]) w.create({ ...prefixRange(''), startRevision: 2, prevKv: true });
    expect(watchRestored.poll()).toEqual(watchOriginal.poll());
  });

  it('keeps compaction across restore', () => {
    const original = new MvccStore();
    for (let i = 0; i < 5; i++) put(original, 'k', String(i));
    original.apply({ type: 'compact', revision: 4 });
    const restored = new MvccStore();
    restored.restore(original.snapshot({ withHistory: true }));
    expect(restored.compactRevision).toBe(4);
    expect(err(restored.apply({ type: 'compact', revision: 3 })).code).toBe('Compacted');
    expect(ok(restored.apply({ type: 'compact', revision: 5 }), 'compact').revision).toBe(6);
  });

  it('refuses garbage with a clear error and keeps the current state', () => {
    const store = new MvccStore();
    put(store, 'keep', 'me');
    const good = store.snapshot();
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      Uint8Array.of(0xc1),
      encode('hello'),
      encode({ v: 2, kind: 'skiff.mvcc.snapshot' }),
      encode({ v: 1, kind: 'skiff.mvcc.snapshot', revision: 5, compactRevision: 9, historyFloor: 9, nextLeaseId: 1, keys: [], leases: [], sessions: { clockMs: 0, clients: [] } }),
      encode({ v: 1, kind: 'skiff.mvcc.snapshot', revision: 5, compactRevision: 0, historyFloor: 5, nextLeaseId: 1, keys: [[b('b'), [[2, 0, 2, 1, 0, b('x')]]], [b('a'), [[3, 0, 3, 1, 0, b('x')]]]], leases: [], sessions: { clockMs: 0, clients: [] } }),
      encode({ v: 1, kind: 'skiff.mvcc.snapshot', revision: 5, compactRevision: 0, historyFloor: 5, nextLeaseId: 1, keys: [[b('a'), [[3, 0, 3, 1, 77, b('x')]]]], leases: [], sessions: { clockMs: 0, clients: [] } }),
      good.slice(0, good.length - 3),
    ];
    for (const bytes of bad) {
      const r = store.restore(bytes);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^invalid mvcc snapshot: /);
    }
    expect(valueOf(get(store, 'keep'))).toBe('me');
    expect(store.snapshot()).toEqual(good);
  });
});
