// The KV model: etcd semantics for get, put, delete and single-key txns, revisions when outputs carry
// them, per-key partitions, and the cross-key revision order.
import { describe, expect, it } from 'vitest';
import {
  checkKvRevisionOrder,
  checkLinearizability,
  HistoryError,
  kvModel,
  type KvCompare,
  type KvInput,
  type KvOutput,
  type KvRecord,
  type KvTxnOp,
  type Operation,
} from '../src/linearizability/index.js';

type KvOp = Operation<KvInput, KvOutput>;

let clock = 0;
/** Sequential by default: each op gets its own [t, t+1] window after the previous one. */
function op(input: KvInput, output: KvOutput | undefined, window?: [number, number]): KvOp {
  const [callTime, returnTime] = window ?? [(clock += 2), clock + 1];
  const base = { clientId: `c${callTime}`, input, callTime };
  return output === undefined ? base : { ...base, output, returnTime };
}
const get = (key: string, kv: KvRecord | null, window?: [number, number]): KvOp => op({ type: 'get', key }, { type: 'get', kv }, window);
const put = (key: string, value: string, out: Omit<Extract<KvOutput, { type: 'put' }>, 'type'> = {}, window?: [number, number]): KvOp =>
  op({ type: 'put', key, value }, { type: 'put', ...out }, window);
const del = (key: string, out: Omit<Extract<KvOutput, { type: 'delete' }>, 'type'> = {}, window?: [number, number]): KvOp =>
  op({ type: 'delete', key }, { type: 'delete', ...out }, window);
const txnInput = (key: string, compares: KvCompare[], success: KvTxnOp, failure: KvTxnOp = { type: 'none' }): KvInput => ({
  type: 'txn',
  key,
  compares,
  success,
  failure,
});
const check = (history: KvOp[]) => checkLinearizability(kvModel, history);

describe('kvModel: get, put, delete', () => {
  it('accepts a sequential run and rejects a read of a value never written', () => {
    expect(check([get('a', null), put('a', 'x'), get('a', { value: 'x' }), del('a', { deleted: 1 }), get('a', null)]).ok).toBe(true);
    expect(check([put('a', 'x'), get('a', { value: 'y' })]).ok).toBe(false);
  });

  it('checks the deleted count and prevKv', () => {
    expect(check([del('a', { deleted: 0 }), put('a', 'x', { prevKv: null }), del('a', { deleted: 1, prevKv: { value: 'x' } })]).ok).toBe(true);
    expect(check([del('a', { deleted: 1 })]).ok).toBe(false);
    expect(check([put('a', 'x'), put('a', 'y', { prevKv: null })]).ok).toBe(false);
    expect(check([put('a', 'x'), del('a', { deleted: 1, prevKv: { value: 'y' } })]).ok).toBe(false);
  });

  it('tracks versions: 1 on create, +1 per put, 0 after delete', () => {
    const history = [put('a', 'x'), put('a', 'y'), get('a', { value: 'y', version: 2 }), del('a'), put('a', 'z'), get('a', { value: 'z', version: 1 })];
    expect(check(history).ok).toBe(true);
    expect(check([put('a', 'x'), put('a', 'y'), get('a', { value: 'y', version: 1 })]).ok).toBe(false);
  });

  it('throws a HistoryError when the output does not answer the input', () => {
    expect(() => check([op({ type: 'get', key: 'a' }, { type: 'put' })])).toThrow(HistoryError);
  });
});

describe('kvModel: revisions', () => {
  it('accepts increasing write revisions and reads of the last one', () => {
    const history = [put('a', 'x', { revision: 3 }), get('a', { value: 'x', modRevision: 3, createRevision: 3 }), put('a', 'y', { revision: 9 }), get('a', { value: 'y', modRevision: 9, createRevision: 3 })];
    expect(check(history).ok).toBe(true);
  });

  it('rejects a later write with a lower revision on the same key', () => {
    const result = check([put('a', 'x', { revision: 5 }), put('a', 'y', { revision: 4 })]);
    expect(result.type).toBe('illegal');
    if (result.type === 'illegal') expect(result.failure.explanation).toContain('revision 4');
  });

  it('rejects a read whose modRevision is not that of the write it sees', () => {
    expect(check([put('a', 'x', { revision: 5 }), get('a', { value: 'x', modRevision: 6 })]).ok).toBe(false);
    expect(check([put('a', 'x', { revision: 5 }), put('a', 'y', { revision: 6 }), get('a', { value: 'y', createRevision: 6 })]).ok).toBe(false);
  });

  it('learns the revision of a pending write from a later read, and holds it to that', () => {
    const pending = op({ type: 'put', key: 'a', value: 'x' }, undefined, [0, 0]);
    const base = [put('a', 'w', { revision: 5 }, [-2, -1]), pending];
    expect(check([...base, get('a', { value: 'x', modRevision: 8 }, [10, 11])]).ok).toBe(true);
    expect(check([...base, get('a', { value: 'x', modRevision: 4 }, [10, 11])]).ok).toBe(false);
    expect(check([...base, get('a', { value: 'x', modRevision: 8 }, [10, 11]), get('a', { value: 'x', modRevision: 9 }, [12, 13])]).ok).toBe(false);
  });

  it('does not hold the header revision of a delete that deleted nothing against the key', () => {
    expect(check([put('a', 'x', { revision: 5 }), del('a', { deleted: 1, revision: 6 }), del('a', { deleted: 0, revision: 2 })]).ok).toBe(true);
    expect(check([put('a', 'x', { revision: 5 }), del('a', { deleted: 1, revision: 5 })]).ok).toBe(false);
  });
});

describe('kvModel: txn (compare-and-swap)', () => {
  const casValue = (key: string, expected: string, value: string, succeeded: boolean, window?: [number, number]): KvOp =>
    op(txnInput(key, [{ target: 'value', result: '=', value: expected }], { type: 'put', value }), { type: 'txn', succeeded }, window);
  const createIfAbsent = (key: string, value: string, succeeded: boolean, window?: [number, number]): KvOp =>
    op(txnInput(key, [{ target: 'createRevision', result: '=', value: 0 }], { type: 'put', value }), { type: 'txn', succeeded }, window);

  it('applies the success branch when the compare holds and nothing otherwise', () => {
    expect(check([put('a', 'x'), casValue('a', 'x', 'y', true), get('a', { value: 'y' })]).ok).toBe(true);
    expect(check([put('a', 'x'), casValue('a', 'z', 'y', false), get('a', { value: 'x' })]).ok).toBe(true);
    expect(check([put('a', 'x'), casValue('a', 'z', 'y', true)]).ok).toBe(false);
    expect(check([put('a', 'x'), casValue('a', 'x', 'y', false)]).ok).toBe(false);
  });

  it('fails a value compare on a missing key, as etcd does, and compares other targets as zero', () => {
    expect(check([casValue('a', '', 'y', false)]).ok).toBe(true);
    expect(check([casValue('a', '', 'y', true)]).ok).toBe(false);
    const versionZero = op(txnInput('a', [{ target: 'version', result: '=', value: 0 }], { type: 'put', value: 'v' }), { type: 'txn', succeeded: true });
    expect(check([versionZero, get('a', { value: 'v', version: 1 })]).ok).toBe(true);
  });

  it('lets only one of two concurrent creates succeed', () => {
    expect(check([createIfAbsent('a', 'x', true, [0, 10]), createIfAbsent('a', 'y', false, [1, 9])]).ok).toBe(true);
    expect(check([createIfAbsent('a', 'x', true, [0, 10]), createIfAbsent('a', 'y', true, [1, 9])]).ok).toBe(false);
  });

  it('lets only one of two concurrent updates at the same modRevision succeed (optimistic concurrency)', () => {
    const update = (value: string, succeeded: boolean, window: [number, number]): KvOp =>
      op(txnInput('a', [{ target: 'modRevision', result: '=', value: 5 }], { type: 'put', value }, { type: 'get' }), {
        type: 'txn',
        succeeded,
        ...(succeeded ? {} : { response: { type: 'get', kv: { value: value === 'y' ? 'z' : 'y' } } }),
      }, window);
    const created = put('a', 'x', { revision: 5 }, [0, 1]);
    expect(check([created, update('y', true, [2, 10]), update('z', false, [3, 9])]).ok).toBe(true);
    expect(check([created, update('y', true, [2, 10]), update('z', true, [3, 9])]).ok).toBe(false);
  });

  it('decides a compare against an unknown modRevision by the observed outcome', () => {
    const unknownRevision = put('a', 'x', {}, [0, 1]);
    const cas = (succeeded: boolean, window: [number, number]): KvOp =>
      op(txnInput('a', [{ target: 'modRevision', result: '=', value: 7 }], { type: 'put', value: 'y' }), { type: 'txn', succeeded }, window);
    expect(check([unknownRevision, cas(true, [2, 3]), get('a', { value: 'y' }, [4, 5])]).ok).toBe(true);
    expect(check([unknownRevision, cas(false, [2, 3]), get('a', { value: 'x' }, [4, 5])]).ok).toBe(true);
    // Success pinned the old modRevision to 7, so a later write cannot get revision 7.
    expect(check([unknownRevision, cas(true, [2, 3]), put('a', 'z', { revision: 7 }, [4, 5])]).ok).toBe(false);
  });

  it('lets a pending CAS take effect or not', () => {
    const pendingCas = op(txnInput('a', [{ target: 'value', result: '=', value: 'x' }], { type: 'put', value: 'y' }), undefined, [2, 2]);
    const first = put('a', 'x', {}, [0, 1]);
    expect(check([first, pendingCas, get('a', { value: 'y' }, [5, 6])]).ok).toBe(true);
    expect(check([first, pendingCas, get('a', { value: 'x' }, [5, 6])]).ok).toBe(true);
    expect(check([first, pendingCas, get('a', { value: 'y' }, [5, 6]), get('a', { value: 'x' }, [7, 8])]).ok).toBe(false);
    // The compare fails once the value changed, so the pending CAS cannot write 'y' after 'z'.
    expect(check([first, pendingCas, put('a', 'z', {}, [3, 4]), get('a', { value: 'z' }, [5, 6]), get('a', { value: 'y' }, [7, 8])]).ok).toBe(false);
  });

  it('checks the response of the branch that ran', () => {
    const casOrGet = (succeeded: boolean, response: KvOutput | undefined): KvOp =>
      op(txnInput('a', [{ target: 'version', result: '=', value: 1 }], { type: 'delete' }, { type: 'get' }), {
        type: 'txn',
        succeeded,
        ...(response === undefined ? {} : { response: response as Extract<KvOutput, { type: 'get' | 'put' | 'delete' }> }),
      });
    expect(check([put('a', 'x'), put('a', 'y'), casOrGet(false, { type: 'get', kv: { value: 'y', version: 2 } })]).ok).toBe(true);
    expect(check([put('a', 'x'), put('a', 'y'), casOrGet(false, { type: 'get', kv: { value: 'x' } })]).ok).toBe(false);
    expect(check([put('a', 'x'), casOrGet(true, { type: 'delete', deleted: 1 }), get('a', null)]).ok).toBe(true);
  });
});

describe('partitions by key', () => {
  it('checks each key on its own: a stale read on b is reported for b only', () => {
    const a = [put('a', '1', {}, [0, 1]), get('a', { value: '1' }, [2, 3])];
    const b = [put('b', '1', {}, [0, 1]), get('b', null, [2, 3])];
    const interleaved = [a[0]!, b[0]!, a[1]!, b[1]!];
    const result = check(interleaved);
    expect(result.type).toBe('illegal');
    if (result.type !== 'illegal') return;
    expect(result.failure.partitionKey).toBe('b');
    expect(result.failure.operation).toBe(b[1]);
    expect(result.failure.operations).toEqual(b);
    expect(result.stats.partitions).toBe(2);
    expect(check(a).ok).toBe(true);
  });

  it('does not let a write on one key explain a read on another', () => {
    expect(check([put('a', 'x', {}, [0, 1]), get('b', { value: 'x' }, [2, 3])]).ok).toBe(false);
  });

  it('returns a witness per key', () => {
    const history = [put('a', '1', {}, [0, 10]), get('a', null, [1, 2]), put('b', '2', {}, [0, 1])];
    const result = check(history);
    expect(result.type).toBe('linearizable');
    if (result.type !== 'linearizable') return;
    expect(result.linearizations.get('a')).toEqual([history[1], history[0]]);
    expect(result.linearizations.get('b')).toEqual([history[2]]);
  });
});

describe('checkKvRevisionOrder', () => {
  it('accepts revisions that follow real time across keys', () => {
    expect(checkKvRevisionOrder([put('a', 'x', { revision: 2 }), put('b', 'y', { revision: 3 }), get('a', { value: 'x', modRevision: 2 })])).toEqual([]);
  });

  it('flags a write that got a lower revision than one on another key that finished before it started', () => {
    const violations = checkKvRevisionOrder([put('a', 'x', { revision: 5 }), put('b', 'y', { revision: 3 })]);
    expect(violations.map((v) => v.type)).toEqual(['revision-order']);
    expect(violations[0]!.explanation).toContain('wrote revision 3');
  });

  it('flags a write ordered before a revision a read had already observed', () => {
    const violations = checkKvRevisionOrder([get('a', { value: 'x', modRevision: 9 }), put('b', 'y', { revision: 8 })]);
    expect(violations.map((v) => v.type)).toEqual(['revision-order']);
  });

  it('flags two writes with the same revision, and ignores concurrent writes in any order', () => {
    expect(checkKvRevisionOrder([put('a', 'x', { revision: 4 }, [0, 10]), put('b', 'y', { revision: 4 }, [1, 9])]).map((v) => v.type)).toEqual(['duplicate-revision']);
    expect(checkKvRevisionOrder([put('a', 'x', { revision: 5 }, [0, 10]), put('b', 'y', { revision: 4 }, [1, 9])])).toEqual([]);
  });
});
