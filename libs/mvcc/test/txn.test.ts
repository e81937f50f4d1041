// Transactions after etcd's API reference (api/etcdserverpb Txn, Compare): compares decide the
// branch, the branch is one revision, CAS and CAD are txns, duplicate keys are refused.

import { describe, expect, it } from 'vitest';
import { MvccStore, prefixRange, type Compare, type RequestOp, type TxnResponse } from '../src/index.js';
import { b, err, get, keysOf, ok, put, valueOf } from './helpers.js';

const putOp = (key: string, value: string): RequestOp => ({ type: 'put', key: b(key), value: b(value) });
const getOp = (key: string): RequestOp => ({ type: 'range', key: b(key) });
const delOp = (key: string): RequestOp => ({ type: 'deleteRange', key: b(key) });
const modRev = (key: string, result: Compare['result'], value: number): Compare => ({ target: 'modRevision', result, key: b(key), value });

function txn(store: MvccStore, compare: Compare[], success: RequestOp[], failure: RequestOp[] = []): TxnResponse {
  return ok(store.apply({ type: 'txn', compare, success, failure }), 'txn');
}

describe('txn', () => {
  it('compare-and-swap succeeds on the expected modRevision and fails on a stale one', () => {
    const store = new MvccStore();
    const rev = ok(put(store, 'k', 'v1'), 'put').revision;
    const cas = txn(store, [modRev('k', '=', rev)], [putOp('k', 'v2')], [getOp('k')]);
    expect(cas.succeeded).toBe(true);
    expect(valueOf(get(store, 'k'))).toBe('v2');
    const stale = txn(store, [modRev('k', '=', rev)], [putOp('k', 'v3')], [getOp('k')]);
    expect(stale.succeeded).toBe(false);
    const current = stale.responses[0];
    expect(current?.type === 'range' && valueOf(current.kvs[0])).toBe('v2');
    expect(valueOf(get(store, 'k'))).toBe('v2');
  });

  it('compare-and-delete deletes only at the expected version', () => {
    const store = new MvccStore();
    put(store, 'k', 'v1');
    put(store, 'k', 'v2');
    const wrong = txn(store, [{ target: 'version', result: '=', key: b('k'), value: 1 }], [delOp('k')]);
    expect(wrong.succeeded).toBe(false);
    expect(get(store, 'k')).toBeDefined();
    const right = txn(store, [{ target: 'version', result: '=', key: b('k'), value: 2 }], [delOp('k')]);
    expect(right.succeeded).toBe(true);
    expect(right.responses[0]).toMatchObject({ type: 'deleteRange', deleted: 1 });
    expect(get(store, 'k')).toBeUndefined();
  });

  it('creates only if absent with createRevision = 0 (how Kubernetes creates objects)', () => {
    const store = new MvccStore();
    const absent: Compare = { target: 'createRevision', result: '=', key: b('k'), value: 0 };
    expect(txn(store, [absent], [putOp('k', 'first')]).succeeded).toBe(true);
    expect(txn(store, [absent], [putOp('k', 'second')]).succeeded).toBe(false);
    expect(valueOf(get(store, 'k'))).toBe('first');
  });

  it('a value compare on a missing key is false for every operator', () => {
    const store = new MvccStore();
    for (const result of ['=', '!=', '<', '>'] as const) {
      expect(txn(store, [{ target: 'value', result, key: b('nope'), value: b('') }], []).succeeded).toBe(false);
    }
  });

  it('compares values bytewise with all four results', () => {
    const store = new MvccStore();
    put(store, 'k', 'm');
    const cmp = (result: Compare['result'], value: string): boolean => txn(store, [{ target: 'value', result, key: b('k'), value: b(value) }], []).succeeded;
    expect([cmp('=', 'm'), cmp('!=', 'm'), cmp('<', 'n'), cmp('>', 'l'), cmp('<', 'l'), cmp('>', 'n')]).toEqual([true, false, true, true, false, false]);
  });

  it('a compare on a range must hold for every key in it', () => {
    const store = new MvccStore();
    put(store, 'p/a', 'x');
    put(store, 'p/b', 'x');
    const allX: Compare = { target: 'value', result: '=', ...prefixRange('p/'), value: b('x') };
    expect(txn(store, [allX], []).succeeded).toBe(true);
    put(store, 'p/c', 'y');
    expect(txn(store, [allX], []).succeeded).toBe(false);
    const lease0: Compare = { target: 'lease', result: '=', ...prefixRange('p/'), value: 0 };
    expect(txn(store, [lease0], []).succeeded).toBe(true);
  });

  it('applies a branch with several writes as one revision with sub-revisions in order', () => {
    const store = new MvccStore();
    put(store, 'old', 'x');
    const result = store.apply({ type: 'txn', compare: [], success: [putOp('a', '1'), putOp('b', '2'), delOp('old')], failure: [] });
    const r = ok(result, 'txn');
    expect(r.revision).toBe(3);
    expect(r.responses.map((x) => x.revision)).toEqual([3, 3, 3]);
    expect(result.change?.revision).toBe(3);
    expect(result.change?.events.map((e) => `${e.type} ${new TextDecoder().decode(e.kv.key)}`)).toEqual(['PUT a', 'PUT b', 'DELETE old']);
    expect(get(store, 'a')?.modRevision).toBe(3);
    expect(get(store, 'b')?.modRevision).toBe(3);
  });

  it('reads inside a txn see the txn’s earlier writes', () => {
    const store = new MvccStore();
    const r = txn(store, [], [putOp('a', '1'), { type: 'range', ...prefixRange('') }]);
    const read = r.responses[1];
    expect(read?.type === 'range' && keysOf(read.kvs)).toEqual(['a']);
  });

  it('a read at an explicit revision inside a txn does not see the txn’s own writes', () => {
    const store = new MvccStore();
    put(store, 'b', '1');
    const r = txn(store, [], [putOp('a', '1'), { type: 'range', ...prefixRange(''), revision: store.revision, limit: 1 }]);
    expect(r.responses[1]).toMatchObject({ type: 'range', count: 1, more: false });
    const read = r.responses[1];
    expect(read?.type === 'range' && keysOf(read.kvs)).toEqual(['b']);
  });

  it('a read-only txn does not bump the revision', () => {
    const store = new MvccStore();
    put(store, 'a', '1');
    const result = store.apply({ type: 'txn', compare: [], success: [getOp('a')], failure: [] });
    expect(ok(result, 'txn').revision).toBe(2);
    expect(result.change).toBeUndefined();
  });

  it('runs nested txns, deciding them on the state before the txn', () => {
    const store = new MvccStore();
    put(store, 'flag', 'on');
    const nested: RequestOp = {
      type: 'txn',
      compare: [{ target: 'version', result: '=', key: b('flag'), value: 1 }],
      success: [putOp('inner', 'then')],
      failure: [putOp('inner', 'else')],
    };
    // The outer branch overwrites flag first; the nested compare still sees version 1.
    const r = txn(store, [], [putOp('flag', 'off'), nested]);
    expect(r.responses[1]).toMatchObject({ type: 'txn', succeeded: true });
    expect(valueOf(get(store, 'inner'))).toBe('then');
    expect(store.revision).toBe(3);
  });

  it('refuses duplicate puts and puts inside a deleted range (etcd checkIntervals)', () => {
    const store = new MvccStore();
    const dup = store.apply({ type: 'txn', compare: [], success: [putOp('a', '1'), putOp('a', '2')], failure: [] });
    expect(err(dup).code).toBe('DuplicateKey');
    const overlap = store.apply({ type: 'txn', compare: [], success: [{ type: 'deleteRange', ...prefixRange('a') }, putOp('a/x', '1')], failure: [] });
    expect(err(overlap).code).toBe('DuplicateKey');
    const bothBranches = store.apply({
      type: 'txn',
      compare: [],
      success: [{ type: 'txn', compare: [], success: [putOp('a', '1')], failure: [putOp('a', '2')] }],
      failure: [],
    });
    expect(ok(bothBranches, 'txn').succeeded).toBe(true);
    expect(store.revision).toBe(2);
  });

  it('is atomic: an op that fails its check leaves nothing applied', () => {
    const store = new MvccStore();
    const r = store.apply({ type: 'txn', compare: [], success: [putOp('a', '1'), { type: 'put', key: b('b'), value: b('2'), lease: 99 }], failure: [] });
    expect(err(r).code).toBe('LeaseNotFound');
    expect(get(store, 'a')).toBeUndefined();
    expect(store.revision).toBe(1);
  });

  it('refuses a compacted or future revision in a range op', () => {
    const store = new MvccStore();
    put(store, 'a', '1');
    put(store, 'a', '2');
    ok(store.apply({ type: 'compact', revision: 3 }), 'compact');
    expect(err(store.apply({ type: 'txn', compare: [], success: [{ type: 'range', key: b('a'), revision: 2 }], failure: [] })).code).toBe('Compacted');
    expect(err(store.apply({ type: 'txn', compare: [], success: [{ type: 'range', key: b('a'), revision: 9 }], failure: [] })).code).toBe('FutureRevision');
  });

  it('limits the number of ops per branch', () => {
    const store = new MvccStore({ maxTxnOps: 3 });
    const ops = ['a', 'b', 'c', 'd'].map((k) => putOp(k, 'x'));
    expect(err(store.apply({ type: 'txn', compare: [], success: ops, failure: [] })).code).toBe('TooManyOps');
    expect(store.revision).toBe(1);
  });
});
