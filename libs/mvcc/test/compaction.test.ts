// Compaction after etcd's Compact RPC: history below the revision is gone, the latest version of
// each live key stays, reads below it get Compacted, compacting again or ahead is refused.

import { describe, expect, it } from 'vitest';
import { MvccStore, prefixRange } from '../src/index.js';
import { b, del, err, get, ok, put, valueOf } from './helpers.js';

function history(): MvccStore {
  const store = new MvccStore();
  put(store, 'a', 'a1'); // 2
  put(store, 'a', 'a2'); // 3
  put(store, 'b', 'b1'); // 4
  del(store, 'b'); // 5
  put(store, 'a', 'a3'); // 6
  put(store, 'c', 'c1'); // 7
  return store;
}

describe('compaction', () => {
  it('reads at the compact revision still work; below it they fail with the compact revision', () => {
    const store = history();
    ok(store.apply({ type: 'compact', revision: 4 }), 'compact');
    expect(store.compactRevision).toBe(4);
    expect(valueOf(get(store, 'a', 4))).toBe('a2');
    expect(valueOf(get(store, 'b', 4))).toBe('b1');
    expect(err(store.range({ key: b('a'), revision: 3 }))).toMatchObject({ code: 'Compacted', compactRevision: 4 });
    expect(valueOf(get(store, 'a'))).toBe('a3');
  });

  it('keeps the latest version of live keys and drops deleted keys entirely', () => {
    const store = history();
    expect(store.keyCount).toBe(3);
    store.apply({ type: 'compact', revision: 7 });
    expect(store.keyCount).toBe(2);
    expect(ok(store.range({ ...prefixRange(''), revision: 7 }), 'range').kvs.map((kv) => valueOf(kv))).toEqual(['a3', 'c1']);
    expect(get(store, 'a')).toMatchObject({ createRevision: 2, version: 3, modRevision: 6 });
  });

  it('keeps later versions and tombstones above the compact revision', () => {
    const store = history();
    store.apply({ type: 'compact', revision: 3 });
    expect(valueOf(get(store, 'b', 4))).toBe('b1');
    expect(get(store, 'b', 5)).toBeUndefined();
    expect(valueOf(get(store, 'a', 5))).toBe('a2');
  });

  it('refuses a revision at or below the current compaction, and a future one', () => {
    const store = history();
    ok(store.apply({ type: 'compact', revision: 5 }), 'compact');
    expect(err(store.apply({ type: 'compact', revision: 5 }))).toMatchObject({ code: 'Compacted', compactRevision: 5 });
    expect(err(store.apply({ type: 'compact', revision: 4 })).code).toBe('Compacted');
    expect(err(store.apply({ type: 'compact', revision: 99 })).code).toBe('FutureRevision');
    expect(store.compactRevision).toBe(5);
  });

  it('does not bump the revision and trims the event history', () => {
    const store = history();
    expect(store.history.length).toBe(6);
    ok(store.apply({ type: 'compact', revision: 6 }), 'compact');
    expect(store.revision).toBe(7);
    expect(store.history.length).toBe(1);
    expect(store.history.at(0)?.revision).toBe(7);
  });

  it('hands out retained change batches for catch-up, and Compacted below the floor', () => {
    const store = history();
    const since = store.changesSince(5, 10);
    expect(Array.isArray(since) && since.map((c) => c.revision)).toEqual([5, 6, 7]);
    expect(Array.isArray(store.changesSince(2, 2)) && (store.changesSince(2, 2) as unknown[]).length).toBe(2);
    store.apply({ type: 'compact', revision: 6 });
    expect(err(store.changesSince(6))).toMatchObject({ code: 'Compacted', compactRevision: 6 });
  });

  it('keeps per-key version lists short under churn', () => {
    const store = new MvccStore();
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 100; i++) put(store, `k${i}`, `${round}`);
      store.apply({ type: 'compact', revision: store.revision });
    }
    // Every key keeps exactly its latest version: a read one revision back is compacted.
    expect(err(store.range({ key: b('k1'), revision: store.revision - 1 })).code).toBe('Compacted');
    expect(ok(store.range({ ...prefixRange('k'), countOnly: true }), 'range').count).toBe(100);
    expect(store.keyCount).toBe(100);
    expect(store.history.length).toBe(0);
  });
});
