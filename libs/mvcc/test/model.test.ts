// Model check: random puts, deletes, txns and compactions against a naive copy-on-write model
// of every revision; ranges at every retained revision must agree. Enough keys to split the
// index's blocks many times.

import { describe, expect, it } from 'vitest';
import { allKeysRangeEnd, fromUtf8, MvccStore, type KeyValue } from '../src/index.js';
import { b, keysOf, ok, prng } from './helpers.js';

type Model = Map<string, { value: string; createRevision: number; modRevision: number; version: number }>;

function expected(model: Model, from: string, to: string | null, limit: number): { keys: string[]; count: number } {
  const keys = [...model.keys()].filter((k) => k >= from && (to === null || k < to)).sort();
  return { keys: limit > 0 ? keys.slice(0, limit) : keys, count: keys.length };
}

describe('model check', () => {
  it('agrees with a naive model at current and past revisions', () => {
    const rnd = prng(42);
    const store = new MvccStore();
    const models = new Map<number, Model>([[1, new Map()]]);
    let model: Model = new Map();
    const keyName = (): string => `key/${String(rnd.int(1500)).padStart(4, '0')}`;
    for (let step = 0; step < 4000; step++) {
      const r = rnd.int(20);
      const k = keyName();
      if (r < 12) {
        const rev = ok(store.apply({ type: 'put', key: b(k), value: b(`v${step}`) }), 'put').revision;
        const prev = model.get(k);
        model = new Map(model);
        model.set(k, { value: `v${step}`, createRevision: prev?.createRevision ?? rev, modRevision: rev, version: (prev?.version ?? 0) + 1 });
        models.set(rev, model);
      } else if (r < 16) {
        const end = `key/${String(Number(k.slice(4)) + rnd.int(4)).padStart(4, '0')}`;
        const res = ok(store.apply({ type: 'deleteRange', key: b(k), rangeEnd: b(end) }), 'deleteRange');
        const doomed = [...model.keys()].filter((x) => x >= k && x < end);
        expect(res.deleted).toBe(doomed.length);
        if (doomed.length > 0) {
          model = new Map(model);
          for (const x of doomed) model.delete(x);
          models.set(res.revision, model);
        }
      } else if (r < 19) {
        const from = keyName();
        const limit = rnd.int(3) === 0 ? 0 : rnd.int(50);
        const revs = [...models.keys()].filter((x) => x >= Math.max(store.compactRevision, 1));
        // A third of the reads go to the newest state with revision 0 (the block-count path).
        const at = rnd.int(3) === 0 ? store.revision : (revs[rnd.int(revs.length)] as number);
        const countOnly = rnd.int(8) === 0;
        const revision = at === store.revision && rnd.int(2) === 0 ? 0 : at;
        const res = ok(store.range({ key: b(from), rangeEnd: allKeysRangeEnd, limit, revision, countOnly }), 'range');
        expect(res.more).toBe(!countOnly && limit > 0 && expected(models.get(at) as Model, from, null, 0).count > limit);
        if (countOnly) {
          expect(res).toMatchObject({ kvs: [], count: expected(models.get(at) as Model, from, null, 0).count });
          continue;
        }
        const want = expected(models.get(at) as Model, from, null, limit);
        expect(keysOf(res.kvs)).toEqual(want.keys);
        expect(res.count).toBe(want.count);
        for (const kv of res.kvs as KeyValue[]) {
          const m = (models.get(at) as Model).get(fromUtf8(kv.key));
          expect({ value: fromUtf8(kv.value), createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version }).toEqual(m);
        }
      } else if (store.revision - store.compactRevision > 200) {
        const target = store.revision - 100;
        ok(store.apply({ type: 'compact', revision: target }), 'compact');
        // Every revision has a model (each bump records one), so the compact revision keeps its own.
        for (const rev of [...models.keys()]) if (rev < target) models.delete(rev);
      }
    }
    expect(store.keyCount).toBeGreaterThan(600);
  }, 60_000);
});
