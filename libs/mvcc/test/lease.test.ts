// Leases after etcd's lease API (LeaseGrant/Revoke/KeepAlive/TimeToLive/Leases): time comes only
// from the commands' nowMs, keys die with their lease in one revision.

import { describe, expect, it } from 'vitest';
import { MvccStore, MAX_LEASE_TTL_SECONDS, fromUtf8 } from '../src/index.js';
import { b, err, get, ok, put } from './helpers.js';

const T0 = 1_000_000;

describe('leases', () => {
  it('assigns ids deterministically when none is given, skipping taken ones', () => {
    const run = (): number[] => {
      const store = new MvccStore();
      ok(store.apply({ type: 'leaseGrant', id: 2, ttlSeconds: 10, nowMs: T0 }), 'leaseGrant');
      return [0, 0, 0].map(() => ok(store.apply({ type: 'leaseGrant', ttlSeconds: 10, nowMs: T0 }), 'leaseGrant').id);
    };
    expect(run()).toEqual([1, 3, 4]);
    expect(run()).toEqual(run());
  });

  it('refuses an id in use and a TTL over the maximum; raises a TTL under the minimum', () => {
    const store = new MvccStore({ minLeaseTtlSeconds: 5 });
    ok(store.apply({ type: 'leaseGrant', id: 7, ttlSeconds: 10, nowMs: T0 }), 'leaseGrant');
    expect(err(store.apply({ type: 'leaseGrant', id: 7, ttlSeconds: 10, nowMs: T0 })).code).toBe('LeaseExists');
    expect(err(store.apply({ type: 'leaseGrant', ttlSeconds: MAX_LEASE_TTL_SECONDS + 1, nowMs: T0 })).code).toBe('LeaseTtlTooLarge');
    expect(ok(store.apply({ type: 'leaseGrant', ttlSeconds: 1, nowMs: T0 }), 'leaseGrant').ttlSeconds).toBe(5);
  });

  it('refuses a put with an unknown lease', () => {
    const store = new MvccStore();
    expect(err(put(store, 'k', 'v', { lease: 42 })).code).toBe('LeaseNotFound');
    expect(store.revision).toBe(1);
  });

  it('revoke deletes every attached key in one revision, in key order', () => {
    const store = new MvccStore();
    const id = ok(store.apply({ type: 'leaseGrant', ttlSeconds: 10, nowMs: T0 }), 'leaseGrant').id;
    put(store, 'z', '1', { lease: id });
    put(store, 'a', '1', { lease: id });
    put(store, 'free', '1');
    const before = store.revision;
    const result = store.apply({ type: 'leaseRevoke', id });
    expect(ok(result, 'leaseRevoke').revision).toBe(before + 1);
    expect(result.change?.revision).toBe(before + 1);
    expect(result.change?.events.map((e) => `${e.type} ${fromUtf8(e.kv.key)}`)).toEqual(['DELETE a', 'DELETE z']);
    expect(get(store, 'a')).toBeUndefined();
    expect(get(store, 'free')).toBeDefined();
    expect(store.leases()).toEqual([]);
    expect(err(store.apply({ type: 'leaseRevoke', id })).code).toBe('LeaseNotFound');
  });

  it('revoking a lease without keys does not bump the revision', () => {
    const store = new MvccStore();
    const id = ok(store.apply({ type: 'leaseGrant', ttlSeconds: 10, nowMs: T0 }), 'leaseGrant').id;
    const result = store.apply({ type: 'leaseRevoke', id });
    expect(ok(result, 'leaseRevoke').revision).toBe(1);
    expect(result.change).toBeUndefined();
  });

  it('moves a key between leases on put and detaches it on delete or a lease-less put', () => {
    const store = new MvccStore();
    ok(store.apply({ type: 'leaseGrant', id: 1, ttlSeconds: 10, nowMs: T0 }), 'leaseGrant');
    ok(store.apply({ type: 'leaseGrant', id: 2, ttlSeconds: 10, nowMs: T0 }), 'leaseGrant');
    put(store, 'k', 'v', { lease: 1 });
    put(store, 'k', 'v', { lease: 2 });
    expect(store.leaseTimeToLive(1, T0).keys).toEqual([]);
    expect(store.leaseTimeToLive(2, T0).keys.map(fromUtf8)).toEqual(['k']);
    put(store, 'k', 'v2', { ignoreLease: true });
    expect(get(store, 'k')?.lease).toBe(2);
    put(store, 'k', 'v3');
    expect(store.leaseTimeToLive(2, T0).keys).toEqual([]);
    store.apply({ type: 'leaseRevoke', id: 2 });
    expect(get(store, 'k')).toBeDefined();
  });

  it('keepAlive pushes the deadline to command time + ttl', () => {
    const store = new MvccStore();
    const id = ok(store.apply({ type: 'leaseGrant', ttlSeconds: 10, nowMs: T0 }), 'leaseGrant').id;
    expect(store.expiredLeases(T0 + 10_000)).toEqual([id]);
    expect(ok(store.apply({ type: 'leaseKeepAlive', id, nowMs: T0 + 8_000 }), 'leaseKeepAlive').ttlSeconds).toBe(10);
    expect(store.expiredLeases(T0 + 10_000)).toEqual([]);
    expect(store.expiredLeases(T0 + 18_000)).toEqual([id]);
    expect(store.leaseTimeToLive(id, T0 + 9_000)).toMatchObject({ ttlSeconds: 9, grantedTtlSeconds: 10 });
  });

  it('keepAlive of an unknown or already expired lease is LeaseNotFound and revives nothing', () => {
    const store = new MvccStore();
    expect(err(store.apply({ type: 'leaseKeepAlive', id: 5, nowMs: T0 })).code).toBe('LeaseNotFound');
    const id = ok(store.apply({ type: 'leaseGrant', ttlSeconds: 10, nowMs: T0 }), 'leaseGrant').id;
    expect(err(store.apply({ type: 'leaseKeepAlive', id, nowMs: T0 + 10_000 })).code).toBe('LeaseNotFound');
    expect(store.expiredLeases(T0 + 10_000)).toEqual([id]);
  });

  it('lists expired leases earliest deadline first, bounded by limit', () => {
    const store = new MvccStore();
    for (const [id, ttl] of [[1, 30], [2, 10], [3, 20], [4, 100]] as const) store.apply({ type: 'leaseGrant', id, ttlSeconds: ttl, nowMs: T0 });
    expect(store.expiredLeases(T0 + 9_999)).toEqual([]);
    expect(store.expiredLeases(T0 + 30_000)).toEqual([2, 3, 1]);
    expect(store.expiredLeases(T0 + 30_000, 2)).toEqual([2, 3]);
  });

  it('answers timeToLive with keys and -1 for an unknown lease; lists leases', () => {
    const store = new MvccStore();
    store.apply({ type: 'leaseGrant', id: 9, ttlSeconds: 60, nowMs: T0 });
    put(store, 'b', '1', { lease: 9 });
    put(store, 'a', '1', { lease: 9 });
    const ttl = store.leaseTimeToLive(9, T0 + 30_500);
    expect(ttl).toMatchObject({ id: 9, ttlSeconds: 29, grantedTtlSeconds: 60 });
    expect(ttl.keys.map(fromUtf8)).toEqual(['a', 'b']);
    expect(store.leaseTimeToLive(9, T0 + 61_000).ttlSeconds).toBe(0);
    expect(store.leaseTimeToLive(10, T0).ttlSeconds).toBe(-1);
    expect(store.leases()).toEqual([{ id: 9, ttlSeconds: 60, deadlineMs: T0 + 60_000, keyCount: 2 }]);
  });

  it('promote refreshes every lease from the new leader’s clock plus an extension', () => {
    const store = new MvccStore();
    store.apply({ type: 'leaseGrant', id: 1, ttlSeconds: 10, nowMs: T0 });
    ok(store.apply({ type: 'leasePromote', nowMs: T0 + 50_000, extendMs: 1_000 }), 'leasePromote');
    expect(store.leases()[0]?.deadlineMs).toBe(T0 + 61_000);
  });

  it('revoking through the leader after expiry removes the keys (the leader’s loop)', () => {
    const store = new MvccStore();
    store.apply({ type: 'leaseGrant', id: 1, ttlSeconds: 5, nowMs: T0 });
    put(store, 'session', 'x', { lease: 1 });
    for (const id of store.expiredLeases(T0 + 5_000)) store.apply({ type: 'leaseRevoke', id });
    expect(store.range({ key: b('session') })).toMatchObject({ count: 0 });
  });
});
