import { SeededRandom } from '@skiff/actors';
import { NoRespondersError, RemoteError, TimeoutError } from '@skiff/bus';
import { fromUtf8, MvccStore, utf8, type ChangeBatch, type TxnResponse } from '@skiff/mvcc';
import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_RETRY_POLICY, isRetryable, leaderHint } from '../src/retry.js';
import { WriteSession } from '../src/session.js';
import { casDeleteRequest, casPutRequest, compare, op, selectKeys, txnRequest } from '../src/txn.js';
import { filterEvents, keyInRange } from '../src/watch-filter.js';

describe('retry policy', () => {
  it('retries only answers that are not final', () => {
    expect(isRetryable(new NoRespondersError('s'))).toBe(true);
    expect(isRetryable(new TimeoutError('s', 10))).toBe(true);
    for (const code of ['NotLeader', 'Unavailable', 'Timeout']) expect(isRetryable(new RemoteError('s', code, 'm'))).toBe(true);
    for (const code of ['BadRequest', 'Internal']) expect(isRetryable(new RemoteError('s', code, 'm'))).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
    expect(leaderHint(new RemoteError('s', 'NotLeader', 'm', { leader: 'm2' }))).toBe('m2');
    expect(leaderHint(new RemoteError('s', 'NotLeader', 'm', { leader: null }))).toBeUndefined();
  });

  it('backs off exponentially within [d/2, d), capped, replayable from the seed', () => {
    const draw = (seed: number): number[] => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 12 }, (_, i) => backoffMs(i + 1, DEFAULT_RETRY_POLICY, random));
    };
    const delays = draw(5);
    delays.forEach((d, i) => {
      const ceiling = Math.min(DEFAULT_RETRY_POLICY.backoffMaxMs, DEFAULT_RETRY_POLICY.backoffBaseMs * 2 ** i);
      expect(d).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
      expect(d).toBeLessThan(ceiling);
    });
    expect(draw(5)).toEqual(delays);
    expect(draw(6)).not.toEqual(delays);
  });
});

describe('WriteSession', () => {
  it('hands out increasing seqs and acks the lowest one in flight', async () => {
    const s = new WriteSession('c', 8);
    const [a, b, c] = [await s.begin(), await s.begin(), await s.begin()];
    expect([a, b, c]).toEqual([1, 2, 3]);
    expect(s.ackSeq()).toBe(1);
    s.end(2);
    expect(s.ackSeq()).toBe(1);
    s.end(1);
    expect(s.ackSeq()).toBe(3);
    s.end(3);
    expect(() => s.ackSeq()).toThrow();
  });

  it('bounds the writes in flight; waiters go in arrival order', async () => {
    const s = new WriteSession('c', 2);
    await s.begin();
    await s.begin();
    const order: number[] = [];
    const third = s.begin().then((seq) => order.push(seq));
    const fourth = s.begin().then((seq) => order.push(seq));
    await Promise.resolve();
    expect(order).toEqual([]);
    s.end(1);
    await third;
    s.end(2);
    await fourth;
    expect(order).toEqual([3, 4]);
  });
});

describe('watch filter', () => {
  const kv = (key: string) => ({ key: utf8(key), value: utf8('v'), createRevision: 1, modRevision: 2, version: 1, lease: 0 });
  it('selects a key, a range, a prefix and everything from a key (etcd range_end rules)', () => {
    const one = { key: utf8('/a'), prevKv: false };
    expect([keyInRange(one, utf8('/a')), keyInRange(one, utf8('/ab'))]).toEqual([true, false]);
    const prefix = { ...selectKeys('/a/', { prefix: true }), prevKv: false };
    expect(['/a/', '/a/x', '/a0', '/b'].map((k) => keyInRange(prefix, utf8(k)))).toEqual([true, true, false, false]);
    const from = { key: utf8('/m'), rangeEnd: Uint8Array.of(0), prevKv: false };
    expect(['/a', '/m', '/z'].map((k) => keyInRange(from, utf8(k)))).toEqual([false, true, true]);
  });

  it('keeps event order and strips prevKv unless asked', () => {
    const batch: ChangeBatch = {
      revision: 2,
      events: [
        { type: 'PUT', kv: kv('/a/1'), prevKv: kv('/a/1') },
        { type: 'PUT', kv: kv('/b') },
        { type: 'DELETE', kv: kv('/a/2'), prevKv: kv('/a/2') },
      ],
    };
    const without = filterEvents(batch, { ...selectKeys('/a/', { prefix: true }), prevKv: false });
    expect(without.map((e) => [e.type, fromUtf8(e.kv.key), e.prevKv])).toEqual([
      ['PUT', '/a/1', undefined],
      ['DELETE', '/a/2', undefined],
    ]);
    const withPrev = filterEvents(batch, { ...selectKeys('/a/', { prefix: true }), prevKv: true });
    expect(withPrev.every((e) => e.prevKv !== undefined)).toBe(true);
  });
});

describe('txn builders against a real MvccStore', () => {
  it('CAS put and delete behave as Kubernetes etcd3 storage expects', () => {
    const store = new MvccStore();
    const created = store.apply({ type: 'txn', ...casPutRequest('/k', 0, 'v1') }).response as TxnResponse;
    expect(created.succeeded).toBe(true);
    const conflict = store.apply({ type: 'txn', ...casPutRequest('/k', 0, 'v2') }).response as TxnResponse;
    expect(conflict.succeeded).toBe(false);
    const read = conflict.responses[0];
    expect(read?.type === 'range' ? fromUtf8(read.kvs[0]!.value) : '').toBe('v1');
    const del = store.apply({ type: 'txn', ...casDeleteRequest('/k', created.revision) }).response as TxnResponse;
    expect(del.succeeded).toBe(true);
    expect(store.range({ key: utf8('/k') })).toMatchObject({ count: 0 });
  });

  it('compare and op helpers produce requests the store accepts', () => {
    const store = new MvccStore();
    store.apply({ type: 'put', key: utf8('/p/1'), value: utf8('a') });
    const r = store.apply({
      type: 'txn',
      ...txnRequest({
        compare: [compare.value('/p/1', '=', 'a'), compare.createRevision('/p/', '>', 0, { prefix: true }), compare.lease('/p/1', '=', 0)],
        success: [op.put('/p/2', 'b', { prevKv: true }), op.get('/p/', { prefix: true, countOnly: true }), op.delete('/p/1')],
      }),
    }).response as TxnResponse;
    expect(r.succeeded).toBe(true);
    const count = r.responses[1];
    expect(count?.type === 'range' ? count.count : -1).toBe(2);
  });
});
