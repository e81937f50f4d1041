// Revisions, versions and ranges, after etcd's documented data model (etcd.io/docs/v3.4/learning/data_model,
// api_guarantees): one revision per write, version counts writes since creation and resets on delete.

import { describe, expect, it } from 'vitest';
import { allKeysRangeEnd, MvccStore, prefixRange, prefixRangeEnd } from '../src/index.js';
import { b, del, err, get, keysOf, ok, put, valueOf } from './helpers.js';

describe('revisions and versions', () => {
  it('starts at revision 1 and bumps once per write', () => {
    const store = new MvccStore();
    expect(store.revision).toBe(1);
    expect(ok(put(store, 'a', '1'), 'put').revision).toBe(2);
    expect(ok(put(store, 'b', '1'), 'put').revision).toBe(3);
    expect(store.revision).toBe(3);
  });

  it('tracks createRevision, modRevision and version per key', () => {
    const store = new MvccStore();
    put(store, 'k', 'v1');
    put(store, 'other', 'x');
    put(store, 'k', 'v2');
    expect(get(store, 'k')).toMatchObject({ createRevision: 2, modRevision: 4, version: 2, lease: 0 });
    expect(valueOf(get(store, 'k'))).toBe('v2');
  });

  it('resets version and createRevision after a delete', () => {
    const store = new MvccStore();
    put(store, 'k', 'v1');
    put(store, 'k', 'v2');
    const d = ok(del(store, 'k'), 'deleteRange');
    expect(d).toMatchObject({ deleted: 1, revision: 4 });
    expect(get(store, 'k')).toBeUndefined();
    put(store, 'k', 'v3');
    expect(get(store, 'k')).toMatchObject({ createRevision: 5, modRevision: 5, version: 1 });
  });

  it('does not bump the revision for a delete that deletes nothing', () => {
    const store = new MvccStore();
    put(store, 'a', '1');
    const result = del(store, 'zzz');
    expect(ok(result, 'deleteRange')).toMatchObject({ deleted: 0, revision: 2 });
    expect(result.change).toBeUndefined();
    expect(store.revision).toBe(2);
  });

  it('returns prevKv on put and delete when asked', () => {
    const store = new MvccStore();
    expect(ok(put(store, 'k', 'v1', { prevKv: true }), 'put').prevKv).toBeUndefined();
    const p = ok(put(store, 'k', 'v2', { prevKv: true }), 'put');
    expect(valueOf(p.prevKv)).toBe('v1');
    expect(p.prevKv?.modRevision).toBe(2);
    const d = ok(store.apply({ type: 'deleteRange', key: b('k'), prevKv: true }), 'deleteRange');
    expect(d.prevKvs?.map((kv) => valueOf(kv))).toEqual(['v2']);
  });

  it('keeps the value or lease with ignoreValue / ignoreLease, and needs an existing key for them', () => {
    const store = new MvccStore();
    expect(err(put(store, 'k', '', { ignoreValue: true })).code).toBe('KeyNotFound');
    put(store, 'k', 'v1');
    const kv = ok(put(store, 'k', '', { ignoreValue: true, prevKv: true }), 'put');
    expect(valueOf(kv.prevKv)).toBe('v1');
    expect(get(store, 'k')).toMatchObject({ version: 2 });
    expect(valueOf(get(store, 'k'))).toBe('v1');
  });

  it('copies keys and values: mutating the request afterwards changes nothing', () => {
    const store = new MvccStore();
    const key = b('k');
    const value = b('v');
    store.apply({ type: 'put', key, value });
    key[0] = 0x7a;
    value[0] = 0x7a;
    expect(valueOf(get(store, 'k'))).toBe('v');
  });

  it('reports the change batch of each write for publishing', () => {
    const store = new MvccStore();
    const r = put(store, 'k', 'v');
    expect(r.change?.revision).toBe(2);
    expect(r.change?.events.map((e) => e.type)).toEqual(['PUT']);
    const d = del(store, 'k');
    expect(d.change?.events[0]).toMatchObject({ type: 'DELETE', kv: { modRevision: 3, version: 0 } });
    expect(valueOf(d.change?.events[0]?.prevKv)).toBe('v');
  });
});

describe('range', () => {
  const seeded = (): MvccStore => {
    const store = new MvccStore();
    for (const k of ['a', 'a/1', 'a/2', 'a/3', 'b', 'b/1', 'c']) put(store, k, `v-${k}`);
    return store;
  };

  it('reads one key, [key, rangeEnd) and a prefix, sorted by key', () => {
    const store = seeded();
    expect(keysOf(ok(store.range({ key: b('a/2') }), 'range').kvs)).toEqual(['a/2']);
    expect(keysOf(ok(store.range({ key: b('a/1'), rangeEnd: b('b/1') }), 'range').kvs)).toEqual(['a/1', 'a/2', 'a/3', 'b']);
    expect(keysOf(ok(store.range(prefixRange('a/')), 'range').kvs)).toEqual(['a/1', 'a/2', 'a/3']);
  });

  it('treats range_end \\0 as every key >= key', () => {
    const store = seeded();
    expect(keysOf(ok(store.range({ key: b('b'), rangeEnd: allKeysRangeEnd }), 'range').kvs)).toEqual(['b', 'b/1', 'c']);
    expect(keysOf(ok(store.range(prefixRange('')), 'range').kvs)).toHaveLength(7);
  });

  it('returns nothing when range_end sorts before key', () => {
    expect(ok(seeded().range({ key: b('c'), rangeEnd: b('a') }), 'range')).toMatchObject({ kvs: [], count: 0, more: false });
  });

  it('computes prefix range ends like etcd GetPrefixRangeEnd', () => {
    expect([...prefixRangeEnd(b('a/'))]).toEqual([0x61, 0x30]);
    expect([...prefixRangeEnd(Uint8Array.of(0x61, 0xff, 0xff))]).toEqual([0x62]);
    expect([...prefixRangeEnd(Uint8Array.of(0xff, 0xff))]).toEqual([0]);
  });

  it('orders keys bytewise, not by UTF-16 or locale', () => {
    const store = new MvccStore();
    const keys = [Uint8Array.of(0xc3, 0xa9), Uint8Array.of(0x7a), Uint8Array.of(0x01), Uint8Array.of(0xff, 0x00), Uint8Array.of(0x7a, 0x00)];
    for (const key of keys) store.apply({ type: 'put', key, value: b('x') });
    const got = ok(store.range({ key: Uint8Array.of(0), rangeEnd: allKeysRangeEnd }), 'range').kvs.map((kv) => [...kv.key]);
    expect(got).toEqual([[0x01], [0x7a], [0x7a, 0x00], [0xc3, 0xa9], [0xff, 0x00]]);
  });

  it('applies limit with more and a count of every match', () => {
    const r = ok(seeded().range({ ...prefixRange('a'), limit: 2 }), 'range');
    expect(keysOf(r.kvs)).toEqual(['a', 'a/1']);
    expect(r).toMatchObject({ more: true, count: 4 });
    const all = ok(seeded().range({ ...prefixRange('a'), limit: 4 }), 'range');
    expect(all).toMatchObject({ more: false, count: 4 });
  });

  it('answers countOnly and keysOnly', () => {
    const store = seeded();
    expect(ok(store.range({ ...prefixRange('a/'), countOnly: true }), 'range')).toMatchObject({ kvs: [], count: 3, more: false });
    const keysOnly = ok(store.range({ ...prefixRange('b'), keysOnly: true }), 'range');
    expect(keysOf(keysOnly.kvs)).toEqual(['b', 'b/1']);
    expect(keysOnly.kvs.every((kv) => kv.value.length === 0 && kv.version === 1)).toBe(true);
  });

  it('reads at a past revision and reports the current revision in the header', () => {
    const store = new MvccStore();
    put(store, 'k', 'v1'); // 2
    put(store, 'k', 'v2'); // 3
    put(store, 'j', 'x'); // 4
    del(store, 'k'); // 5
    expect(valueOf(get(store, 'k', 2))).toBe('v1');
    expect(valueOf(get(store, 'k', 3))).toBe('v2');
    expect(get(store, 'k', 5)).toBeUndefined();
    expect(get(store, 'j', 3)).toBeUndefined();
    const r = ok(store.range({ key: b('a'), rangeEnd: allKeysRangeEnd, revision: 4 }), 'range');
    expect(keysOf(r.kvs)).toEqual(['j', 'k']);
    expect(r.revision).toBe(5);
  });

  it('refuses a future revision', () => {
    const store = seeded();
    const e = err(store.range({ key: b('a'), revision: store.revision + 1 }));
    expect(e.code).toBe('FutureRevision');
  });

  it('serves linearizable reads through the log as a range command', () => {
    const store = seeded();
    const r = ok(store.apply({ type: 'range', ...prefixRange('b') }), 'range');
    expect(keysOf(r.kvs)).toEqual(['b', 'b/1']);
  });
});
