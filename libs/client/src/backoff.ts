// Back-off arithmetic shared by the client's retries, the reflector and the leader elector. Pure:
// time and randomness come in as arguments, so one seed replays one schedule.

import type { Random } from '@skiff/core';

export interface BackoffPolicy {
  /** Delay after the first failure. */
  readonly initialMs: number;
  /** Largest delay. */
  readonly maxMs: number;
  /** Growth per consecutive failure. */
  readonly factor: number;
}

/**
 * The wait after `failures` consecutive failures (1 = the first): d = min(max, initial *
 * factor^(failures-1)), drawn in [d/2, d] ("equal jitter", so clients that failed together do not
 * come back on the same tick).
 */
export function backoffDelayMs(failures: number, policy: BackoffPolicy, random: Random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 64);
  const ceiling = Math.min(policy.maxMs, policy.initialMs * policy.factor ** exponent);
  return Math.floor(ceiling / 2 + random.next() * (ceiling / 2));
}

/**
 * Consecutive failures after one more: the count starts over when the previous failure is older
 * than `resetAfterMs` (client-go's backoff manager resets after a quiet period, 2 minutes for the
 * reflector), so one failure a day never grows the delay.
 */
export function nextFailureCount(failures: number, lastFailureAtMs: number | undefined, nowMs: number, resetAfterMs: number): number {
  if (lastFailureAtMs === undefined || nowMs - lastFailureAtMs >= resetAfterMs) return 1;
  return failures + 1;
}

export function checkBackoffPolicy(policy: BackoffPolicy, what: string): BackoffPolicy {
  const ok = policy.initialMs > 0 && policy.maxMs >= policy.initialMs && policy.factor >= 1 && Number.isFinite(policy.maxMs);
  if (!ok) throw new RangeError(`${what}: back-off needs 0 < initialMs <= maxMs (finite) and factor >= 1, got ${JSON.stringify(policy)}`);
  return policy;
}
