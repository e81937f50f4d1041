// Exactly-once client requests (Raft dissertation §6.3): a retried command returns the saved
// response instead of applying twice; sessions are bounded.

import { describe, expect, it } from 'vitest';
import { MvccStore } from '../src/index.js';
import { b, err, get, ok, put } from './helpers.js';

describe('client sessions', () => {
  it('returns the saved response for a retry instead of applying twice', () => {
    const store = new MvccStore();
    const first = put(store, 'k', 'v', { clientId: 'c1', seq: 1 });
    const retry = put(store, 'k', 'v', { clientId: 'c1', seq: 1 });
    expect(retry.response).toEqual(first.response);
    expect(retry.change).toBeUndefined();
    expect(store.revision).toBe(2);
    expect(get(store, 'k')?.version).toBe(1);
  });

  it('saves error responses too, so a retry cannot succeed where the original failed', () => {
    const store = new MvccStore();
    expect(err(put(store, 'k', 'v', { clientId: 'c1', seq: 1, lease: 5 })).code).toBe('LeaseNotFound');
    store.apply({ type: 'leaseGrant', id: 5, ttlSeconds: 10, nowMs: 0 });
    expect(err(put(store, 'k', 'v', { clientId: 'c1', seq: 1, lease: 5 })).code).toBe('LeaseNotFound');
    expect(get(store, 'k')).toBeUndefined();
  });

  it('refuses a seq below the acknowledged one as stale', () => {
    const store = new MvccStore();
    put(store, 'k', '1', { clientId: 'c1', seq: 1 });
    put(store, 'k', '2', { clientId: 'c1', seq: 2 });
    expect(err(put(store, 'k', '1', { clientId: 'c1', seq: 1 })).code).toBe('StaleSequence');
    expect(get(store, 'k')?.version).toBe(2);
  });

  it('lets a pipelining client retry any unacknowledged seq, in any commit order', () => {
    const store = new MvccStore();
    const r3 = put(store, 'c', '3', { clientId: 'p', seq: 3, ackSeq: 1 });
    const r1 = put(store, 'a', '1', { clientId: 'p', seq: 1, ackSeq: 1 });
    const r2 = put(store, 'b', '2', { clientId: 'p', seq: 2, ackSeq: 1 });
    expect(store.revision).toBe(4);
    expect(put(store, 'a', '1', { clientId: 'p', seq: 1, ackSeq: 1 }).response).toEqual(r1.response);
    expect(put(store, 'c', '3', { clientId: 'p', seq: 3, ackSeq: 1 }).response).toEqual(r3.response);
    // Acknowledging up to 3 forgets 1 and 2.
    put(store, 'd', '4', { clientId: 'p', seq: 4, ackSeq: 3 });
    expect(err(put(store, 'b', '2', { clientId: 'p', seq: 2, ackSeq: 1 })).code).toBe('StaleSequence');
    expect(r2.response.revision).toBe(4);
    expect(store.revision).toBe(5);
  });

  it('a retried lease grant returns the same lease instead of granting a second one', () => {
    const store = new MvccStore();
    const first = ok(store.apply({ type: 'leaseGrant', ttlSeconds: 30, nowMs: 0, clientId: 'c', seq: 1 }), 'leaseGrant');
    const retry = ok(store.apply({ type: 'leaseGrant', ttlSeconds: 30, nowMs: 500, clientId: 'c', seq: 1 }), 'leaseGrant');
    expect(retry).toEqual(first);
    expect(store.leases()).toHaveLength(1);
  });

  it('keeps clients apart', () => {
    const store = new MvccStore();
    put(store, 'k', 'a', { clientId: 'c1', seq: 1 });
    put(store, 'k', 'b', { clientId: 'c2', seq: 1 });
    expect(get(store, 'k')?.version).toBe(2);
  });

  it('forgets the least recently used clients beyond maxClients', () => {
    const store = new MvccStore({ maxClients: 2 });
    put(store, 'k', '1', { clientId: 'c1', seq: 1 });
    put(store, 'k', '2', { clientId: 'c2', seq: 1 });
    put(store, 'k', '2', { clientId: 'c2', seq: 1 }); // c2 is now the most recent
    put(store, 'k', '3', { clientId: 'c3', seq: 1 });
    // c1 was evicted: its retry applies again (documented limit of bounded sessions).
    put(store, 'k', '1', { clientId: 'c1', seq: 1 });
    expect(get(store, 'k')?.version).toBe(4);
    // c3 is still known (c2 was the oldest when c1 came back and got evicted instead).
    put(store, 'k', '3', { clientId: 'c3', seq: 1 });
    expect(get(store, 'k')?.version).toBe(4);
  });

  it('forgets clients idle longer than sessionTtlMs by the commands’ clock', () => {
    const store = new MvccStore({ sessionTtlMs: 1_000 });
    put(store, 'k', '1', { clientId: 'old', seq: 1, nowMs: 0 });
    put(store, 'k', '2', { clientId: 'recent', seq: 1, nowMs: 1_500 });
    put(store, 'x', 'x', { clientId: 'other', seq: 1, nowMs: 2_000 });
    put(store, 'k', '2', { clientId: 'recent', seq: 1, nowMs: 2_000 });
    expect(get(store, 'k')?.version).toBe(2);
    put(store, 'k', '1', { clientId: 'old', seq: 1, nowMs: 2_000 });
    expect(get(store, 'k')?.version).toBe(3);
  });

  it('does not dedup reads', () => {
    const store = new MvccStore();
    put(store, 'k', '1');
    const r1 = ok(store.apply({ type: 'range', key: b('k'), clientId: 'r', seq: 1 }), 'range');
    put(store, 'k', '2');
    const r2 = ok(store.apply({ type: 'range', key: b('k'), clientId: 'r', seq: 1 }), 'range');
    expect(r1.kvs[0]?.version).toBe(1);
    expect(r2.kvs[0]?.version).toBe(2);
  });
});
