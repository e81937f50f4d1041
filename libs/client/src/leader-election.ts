// Leader election on a coordination.k8s.io/v1 Lease: the pure rules (client-go
// tools/leaderelection/leaderelection.go). A candidate takes the lease when nobody holds it or when
// the holder's record has not changed for leaseDurationSeconds as *this* candidate observed it
// (its own clock, never the holder's renewTime: clocks of two machines are not comparable); the
// holder renews it every retryPeriod and gives up if it could not renew within renewDeadline,
// which is shorter than the lease, so that it stops acting before anybody else may start.

import type { Random } from '@skiff/core';
import type { KubeObject } from './types.js';

export interface LeaderElectionTimings {
  /** How long a lease stays valid after its last observed change. client-go default 15 s. */
  readonly leaseDurationMs: number;
  /** How long the leader keeps trying to renew before it steps down. client-go default 10 s. */
  readonly renewDeadlineMs: number;
  /** Wait between attempts. client-go default 2 s. */
  readonly retryPeriodMs: number;
  /** Candidates wait retryPeriod x [1, 1 + jitterFactor]. client-go: 1.2. */
  readonly jitterFactor: number;
}

export const DEFAULT_LEADER_ELECTION_TIMINGS: LeaderElectionTimings = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  jitterFactor: 1.2,
};

/** client-go's NewLeaderElector checks: lease > renew deadline > jittered retry period. */
export function checkTimings(t: LeaderElectionTimings): LeaderElectionTimings {
  if (!(t.retryPeriodMs > 0 && t.jitterFactor >= 0)) throw new RangeError('retryPeriodMs must be > 0 and jitterFactor >= 0');
  if (!(t.leaseDurationMs > t.renewDeadlineMs)) throw new RangeError('leaseDurationMs must be greater than renewDeadlineMs');
  if (!(t.renewDeadlineMs > t.jitterFactor * t.retryPeriodMs)) throw new RangeError('renewDeadlineMs must be greater than retryPeriodMs x jitterFactor');
  if (t.leaseDurationMs % 1_000 !== 0) throw new RangeError('leaseDurationMs must be whole seconds (the Lease stores seconds)');
  return t;
}

/** The leader election record a Lease's spec holds. Times in ms since the epoch. */
export interface LeaderElectionRecord {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTimeMs: number | undefined;
  readonly renewTimeMs: number | undefined;
  readonly leaseTransitions: number;
}

/** What a candidate saw of the lease, and when it last saw it change. */
export interface Observation {
  readonly record: LeaderElectionRecord;
  readonly observedAtMs: number;
}

export type AcquireDecision =
  | { readonly type: 'create'; readonly record: LeaderElectionRecord }
  /** Renew our own lease or take over an expired or released one. */
  | { readonly type: 'update'; readonly record: LeaderElectionRecord }
  /** Another candidate holds a lease that has not expired. */
  | { readonly type: 'held'; readonly holder: string };

const sameRecord = (a: LeaderElectionRecord, b: LeaderElectionRecord): boolean =>
  a.holderIdentity === b.holderIdentity &&
  a.leaseDurationSeconds === b.leaseDurationSeconds &&
  a.acquireTimeMs === b.acquireTimeMs &&
  a.renewTimeMs === b.renewTimeMs &&
  a.leaseTransitions === b.leaseTransitions;

/** The observation after reading `record` at `nowMs`: its time moves only when the record changed. */
export function observe(prev: Observation | undefined, record: LeaderElectionRecord, nowMs: number): Observation {
  return prev !== undefined && sameRecord(prev.record, record) ? prev : { record, observedAtMs: nowMs };
}

/** Whether the lease we observed has expired by `nowMs`. */
export function isExpired(obs: Observation, nowMs: number): boolean {
  return obs.observedAtMs + obs.record.leaseDurationSeconds * 1_000 <= nowMs;
}

export function decideAcquire(identity: string, obs: Observation | undefined, nowMs: number, t: LeaderElectionTimings): AcquireDecision {
  const leaseDurationSeconds = t.leaseDurationMs / 1_000;
  if (obs === undefined) {
    return { type: 'create', record: { holderIdentity: identity, leaseDurationSeconds, acquireTimeMs: nowMs, renewTimeMs: nowMs, leaseTransitions: 0 } };
  }
  const current = obs.record;
  if (current.holderIdentity === identity) {
    return { type: 'update', record: { ...current, leaseDurationSeconds, renewTimeMs: nowMs } };
  }
  if (current.holderIdentity !== '' && !isExpired(obs, nowMs)) return { type: 'held', holder: current.holderIdentity };
  return {
    type: 'update',
    record: { holderIdentity: identity, leaseDurationSeconds, acquireTimeMs: nowMs, renewTimeMs: nowMs, leaseTransitions: current.leaseTransitions + 1 },
  };
}

/** What the leader writes when it steps down on purpose (client-go's release): nobody holds it. */
export function releasedRecord(current: LeaderElectionRecord, nowMs: number): LeaderElectionRecord {
  return { holderIdentity: '', leaseDurationSeconds: 1, acquireTimeMs: nowMs, renewTimeMs: nowMs, leaseTransitions: current.leaseTransitions };
}

/** Wait of a candidate between attempts: retryPeriod x [1, 1 + jitterFactor] (wait.Jitter). */
export function candidateRetryMs(t: LeaderElectionTimings, random: Random): number {
  return Math.round(t.retryPeriodMs * (1 + random.next() * t.jitterFactor));
}

// ---- the Lease object ---------------------------------------------------------------------------

/** metav1.MicroTime in UTC: RFC 3339 with six fraction digits. */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function recordFromLease(lease: KubeObject): LeaderElectionRecord {
  const spec = (lease['spec'] ?? {}) as Record<string, unknown>;
  const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    holderIdentity: typeof spec['holderIdentity'] === 'string' ? spec['holderIdentity'] : '',
    leaseDurationSeconds: int(spec['leaseDurationSeconds']),
    acquireTimeMs: parseTime(spec['acquireTime']),
    renewTimeMs: parseTime(spec['renewTime']),
    leaseTransitions: int(spec['leaseTransitions']),
  };
}

/** The Lease carrying `record`; `base` keeps metadata (resourceVersion: the compare-and-swap). */
export function leaseWithRecord(base: KubeObject | undefined, namespace: string, name: string, record: LeaderElectionRecord): KubeObject {
  const spec: Record<string, unknown> = {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    leaseTransitions: record.leaseTransitions,
  };
  if (record.acquireTimeMs !== undefined) spec['acquireTime'] = formatMicroTime(record.acquireTimeMs);
  if (record.renewTimeMs !== undefined) spec['renewTime'] = formatMicroTime(record.renewTimeMs);
  const metadata = base?.metadata ?? { name, namespace };
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...base, metadata, spec: { ...(base?.['spec'] as object | undefined), ...spec } };
}
