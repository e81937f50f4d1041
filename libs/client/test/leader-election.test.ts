// Leader election on a Lease in the fake apiserver under simulated time: one of two candidates
// leads; a leader cut off from the apiserver steps down after renewDeadline and the other takes
// over only once the lease expired in its eyes; a stopped leader releases the lease at once.

import { afterEach, describe, expect, it } from 'vitest';
import { SeededRandom } from '@skiff/core';
import { candidateRetryMs, checkTimings, decideAcquire, DEFAULT_LEADER_ELECTION_TIMINGS, formatMicroTime, observe, recordFromLease } from '../src/leader-election.js';
import { startLeaderElector, type LeaderElector } from '../src/leader-elector.js';
import { startHarness, T0, type Harness } from './harness.js';

let h: Harness;
let electors: LeaderElector[] = [];

afterEach(async () => {
  for (const e of electors) e.actor.stop();
  electors = [];
  await h?.server.stop();
});

function elector(name: string, log: string[], onStopped?: () => void): LeaderElector {
  const client = h.connect(name);
  const e = startLeaderElector({
    client,
    namespace: 'kube-system',
    name: 'skiff-controller-manager',
    identity: name,
    onStartedLeading: () => log.push(`${name} started @${h.clock.now() - T0}`),
    onStoppedLeading: () => {
      log.push(`${name} stopped @${h.clock.now() - T0}`);
      onStopped?.();
    },
  });
  electors.push(e);
  return e;
}

const lease = () => recordFromLease(h.server.get('coordination.k8s.io', 'leases', 'kube-system', 'skiff-controller-manager')!);

/** Runs in 100 ms steps, checking after each that at most one candidate thinks it leads. */
async function runSafely(ms: number, all: LeaderElector[]): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    await h.run(100);
    expect(all.filter((e) => e.isLeader()).length).toBeLessThanOrEqual(1);
  }
}

describe('leader election (pure rules)', () => {
  const t = DEFAULT_LEADER_ELECTION_TIMINGS;
  const rec = (holderIdentity: string, renewTimeMs: number) => ({ holderIdentity, leaseDurationSeconds: 15, acquireTimeMs: 0, renewTimeMs, leaseTransitions: 3 });

  it('takes a lease only after it stayed unchanged for leaseDuration on our clock', () => {
    const seen = observe(undefined, rec('a', 0), 1_000);
    expect(decideAcquire('b', seen, 15_999, t)).toEqual({ type: 'held', holder: 'a' });
    expect(decideAcquire('b', seen, 16_000, t)).toMatchObject({ type: 'update', record: { holderIdentity: 'b', leaseTransitions: 4, acquireTimeMs: 16_000 } });
    // The holder's renewTime is never compared with our clock, only whether the record changed.
    const same = observe(seen, rec('a', 0), 9_000);
    expect(same.observedAtMs).toBe(1_000);
    expect(observe(seen, rec('a', 5), 9_000).observedAtMs).toBe(9_000);
  });

  it('renews its own lease keeping acquireTime and transitions; takes a released one at once', () => {
    expect(decideAcquire('a', observe(undefined, rec('a', 0), 0), 50_000, t)).toMatchObject({ type: 'update', record: { holderIdentity: 'a', acquireTimeMs: 0, renewTimeMs: 50_000, leaseTransitions: 3 } });
    expect(decideAcquire('b', observe(undefined, rec('', 0), 0), 1, t)).toMatchObject({ type: 'update', record: { holderIdentity: 'b', leaseTransitions: 4 } });
    expect(decideAcquire('b', undefined, 7, t)).toMatchObject({ type: 'create', record: { holderIdentity: 'b', leaseTransitions: 0, leaseDurationSeconds: 15 } });
  });

  it('checks timings as client-go does, jitters retries, writes MicroTime', () => {
    expect(() => checkTimings({ ...t, renewDeadlineMs: 15_000 })).toThrow(/leaseDurationMs must be greater/);
    expect(() => checkTimings({ ...t, retryPeriodMs: 9_000 })).toThrow(/renewDeadlineMs must be greater/);
    const random = new SeededRandom(3);
    const waits = Array.from({ length: 50 }, () => candidateRetryMs(t, random));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(2_000);
    expect(Math.max(...waits)).toBeLessThanOrEqual(4_400);
    expect(formatMicroTime(Date.parse('2026-03-01T10:00:00.123Z'))).toBe('2026-03-01T10:00:00.123000Z');
  });
});

describe('leader election (machine over the API)', () => {
  it('elects one of two candidates; the other follows while the leader renews', async () => {
    h = startHarness();
    const log: string[] = [];
    const a = elector('a', log);
    await h.run(500);
    const b = elector('b', log);
    await runSafely(30_000, [a, b]);
    expect(log).toEqual(['a started @0']);
    expect(a.isLeader()).toBe(true);
    expect(b.actor.getSnapshot().matches('follower')).toBe(true);
    expect(b.leader()).toBe('a');
    const record = lease();
    expect(record).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0, acquireTimeMs: T0 });
    expect(record.renewTimeMs! - T0).toBeGreaterThan(28_000);
  });

  it('a leader that cannot renew steps down after renewDeadline; the other takes over once the lease expired', async () => {
    h = startHarness();
    const log: string[] = [];
    const a = elector('a', log);
    await h.run(500);
    const b = elector('b', log);
    await runSafely(5_000, [a, b]);
    const lastRenewMs = lease().renewTimeMs!;
    h.network.partition(['a'], ['apiserver']);
    await runSafely(40_000, [a, b]);
    expect(log.map((l) => l.split(' @')[0])).toEqual(['a started', 'a stopped', 'b started']);
    const stoppedAt = Number(log[1]!.split('@')[1]) + T0;
    expect(stoppedAt - lastRenewMs).toBeLessThanOrEqual(DEFAULT_LEADER_ELECTION_TIMINGS.renewDeadlineMs + 2_000);
    const record = lease();
    expect(record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(record.acquireTimeMs! - lastRenewMs).toBeGreaterThanOrEqual(15_000);
    expect(a.actor.getSnapshot().matches('leader')).toBe(false);
    h.network.heal();
    await runSafely(10_000, [a, b]);
    expect(a.actor.getSnapshot().matches('follower')).toBe(true);
    expect(a.leader()).toBe('b');
  });

  it('a stopped leader stops acting, then releases the lease, and the follower takes it before it would expire', async () => {
    h = startHarness();
    const log: string[] = [];
    const holderWhenStopped: string[] = [];
    const a = elector('a', log, () => holderWhenStopped.push(lease().holderIdentity));
    await h.run(500);
    const b = elector('b', log);
    await runSafely(6_000, [a, b]);
    const stopping = a.stop();
    await h.settle(); // no time passes: the release needs no timer
    await stopping;
    const stoppedAtMs = h.clock.now();
    expect(holderWhenStopped).toEqual(['a']); // it stopped acting while it still held the lease
    expect(lease()).toMatchObject({ holderIdentity: '', leaseTransitions: 0 });
    await runSafely(5_000, [b]);
    expect(log.map((l) => l.split(' @')[0])).toEqual(['a started', 'a stopped', 'b started']);
    expect(lease()).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(lease().acquireTimeMs! - stoppedAtMs).toBeLessThan(15_000);
    expect(a.actor.getSnapshot().status).toBe('done');
  });

  it('candidates racing for a missing lease: exactly one wins, whatever the seed', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      h = startHarness({ seed });
      const log: string[] = [];
      const all = ['a', 'b', 'c'].map((n) => elector(n, log));
      await runSafely(20_000, all);
      expect(all.filter((e) => e.isLeader())).toHaveLength(1);
      expect(log).toHaveLength(1);
      expect(new Set(all.map((e) => e.leader()))).toEqual(new Set([lease().holderIdentity]));
      for (const e of electors) e.actor.stop();
      electors = [];
      await h.server.stop();
    }
  });
});

