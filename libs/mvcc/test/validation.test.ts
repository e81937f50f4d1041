// Bad input gets a typed error response and changes nothing; apply() never throws on it.

import { describe, expect, it } from 'vitest';
import { MvccStore, type Command } from '../src/index.js';
import { b, err, prng } from './helpers.js';

const asCommand = (x: unknown): Command => x as Command;

describe('bad input', () => {
  it('answers an empty key with KeyEmpty', () => {
    const store = new MvccStore();
    expect(err(store.apply({ type: 'put', key: new Uint8Array(0), value: b('v') })).code).toBe('KeyEmpty');
    expect(err(store.apply({ type: 'deleteRange', key: new Uint8Array(0) })).code).toBe('KeyEmpty');
    expect(err(store.range({ key: new Uint8Array(0) })).code).toBe('KeyEmpty');
  });

  it('answers a value over the limit with ValueTooLarge (default 1.5 MiB like etcd)', () => {
    const store = new MvccStore();
    expect(store.apply({ type: 'put', key: b('k'), value: new Uint8Array(1_572_864) }).response.type).toBe('put');
    expect(err(store.apply({ type: 'put', key: b('k'), value: new Uint8Array(1_572_865) })).code).toBe('ValueTooLarge');
    const small = new MvccStore({ maxValueBytes: 10 });
    const ops = ['a', 'b'].map((k) => ({ type: 'put' as const, key: b(k), value: new Uint8Array(5) }));
    expect(err(small.apply({ type: 'txn', compare: [], success: ops, failure: [] })).code).toBe('ValueTooLarge');
    expect(small.revision).toBe(1);
  });

  it('answers malformed commands with InvalidRequest', () => {
    const store = new MvccStore();
    const cases: unknown[] = [
      null,
      42,
      'put',
      [],
      {},
      { type: 'nope' },
      { type: 'put', key: 'k', value: b('v') },
      { type: 'put', key: b('k') },
      { type: 'put', key: b('k'), value: b('v'), lease: -1 },
      { type: 'put', key: b('k'), value: b('v'), ignoreValue: true },
      { type: 'put', key: b('k'), value: new Uint8Array(0), ignoreLease: true, lease: 3 },
      { type: 'range', key: b('k'), limit: 1.5 },
      { type: 'range', key: b('k'), revision: -2 },
      { type: 'txn', compare: [{ target: 'colour', result: '=', key: b('k'), value: 1 }], success: [], failure: [] },
      { type: 'txn', compare: [{ target: 'version', result: '~', key: b('k'), value: 1 }], success: [], failure: [] },
      { type: 'txn', compare: [{ target: 'version', result: '=', key: b('k'), value: b('1') }], success: [], failure: [] },
      { type: 'txn', compare: [], success: [{ type: 'compact', revision: 1 }], failure: [] },
      { type: 'txn', compare: [], success: 'all', failure: [] },
      { type: 'leaseGrant', ttlSeconds: 10 },
      { type: 'leaseGrant', ttlSeconds: '10', nowMs: 0 },
      { type: 'leaseRevoke', id: 0 },
      { type: 'leaseKeepAlive', id: 1 },
      { type: 'compact', revision: 'latest' },
      { type: 'put', key: b('k'), value: b('v'), clientId: 'c' },
      { type: 'put', key: b('k'), value: b('v'), clientId: '', seq: 1 },
      { type: 'put', key: b('k'), value: b('v'), clientId: 'c', seq: 1, ackSeq: 2 },
    ];
    for (const c of cases) expect(err(store.apply(asCommand(c))).code).toBe('InvalidRequest');
    expect(store.revision).toBe(1);
  });

  it('refuses nesting deeper than maxTxnDepth', () => {
    const store = new MvccStore({ maxTxnDepth: 3 });
    let txn: Record<string, unknown> = { type: 'txn', compare: [], success: [{ type: 'put', key: b('k'), value: b('v') }], failure: [] };
    for (let i = 0; i < 3; i++) txn = { type: 'txn', compare: [], success: [txn], failure: [] };
    expect(err(store.apply(asCommand(txn))).code).toBe('InvalidRequest');
  });

  it('never throws on random garbage and never changes state for it', () => {
    const rnd = prng(7);
    const atoms: unknown[] = [null, undefined, 0, -1, 1.5, 2 ** 60, 'x', '', true, b('k'), new Uint8Array(0), [], {}, NaN];
    const fields = ['type', 'key', 'value', 'rangeEnd', 'lease', 'limit', 'revision', 'compare', 'success', 'failure', 'id', 'ttlSeconds', 'nowMs', 'clientId', 'seq', 'target', 'result'];
    const types = ['put', 'range', 'deleteRange', 'txn', 'leaseGrant', 'leaseRevoke', 'leaseKeepAlive', 'leasePromote', 'compact'];
    const garbage = (depth: number): unknown => {
      if (depth > 2 || rnd.int(3) === 0) return atoms[rnd.int(atoms.length)];
      if (rnd.int(4) === 0) return Array.from({ length: rnd.int(3) }, () => garbage(depth + 1));
      const o: Record<string, unknown> = { type: types[rnd.int(types.length)] };
      for (let i = rnd.int(5); i > 0; i--) o[fields[rnd.int(fields.length)] as string] = garbage(depth + 1);
      return o;
    };
    const store = new MvccStore();
    const before = store.snapshot();
    let errors = 0;
    for (let i = 0; i < 3000; i++) {
      const r = store.apply(asCommand(garbage(0)));
      if (r.response.type === 'error') errors++;
      else if (r.change !== undefined || r.response.type === 'leaseGrant' || r.response.type === 'compact') {
        // A valid write slipped through the generator: start again from a clean store.
        store.restore(before);
      }
    }
    expect(errors).toBeGreaterThan(2000);
  });
});
