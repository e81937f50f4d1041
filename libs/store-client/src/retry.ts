// When and how long to wait before asking again. A request is retried only when the store cannot
// have given a final answer: nobody leads right now (no responders on `store.leader`), the member
// that answered is no longer leader (NotLeader), it is catching up or shutting down (Unavailable,
// Timeout), or no answer came in time. Everything else is final.
//
// Back-off is capped exponential with "equal jitter" (half fixed, half drawn from the injected
// Random): clients that lost the same leader do not all come back on the same tick, and one seed
// replays one schedule.

import type { Random } from '@skiff/actors';
import { NoRespondersError, RemoteError, TimeoutError } from '@skiff/bus';
import { NOT_LEADER } from './protocol.js';

export interface RetryPolicy {
  /** Overall deadline of one call, retries included. */
  readonly callTimeoutMs: number;
  /** Deadline of one attempt (clipped to what is left of the call's). */
  readonly requestTimeoutMs: number;
  /** First back-off. */
  readonly backoffBaseMs: number;
  /** Largest back-off. */
  readonly backoffMaxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  callTimeoutMs: 10_000,
  requestTimeoutMs: 2_000,
  backoffBaseMs: 25,
  backoffMaxMs: 1_000,
};

/** Remote error codes that mean "not decided here, ask again". */
const RETRYABLE_CODES: ReadonlySet<string> = new Set([NOT_LEADER, 'Unavailable', 'Timeout']);

export function isRetryable(err: unknown): boolean {
  if (err instanceof NoRespondersError || err instanceof TimeoutError) return true;
  return err instanceof RemoteError && RETRYABLE_CODES.has(err.code);
}

/** The leader a NotLeader reply points at, when it names one. */
export function leaderHint(err: unknown): string | undefined {
  if (!(err instanceof RemoteError) || err.code !== NOT_LEADER) return undefined;
  const details = err.details as { leader?: unknown } | undefined;
  return typeof details?.leader === 'string' ? details.leader : undefined;
}

/** Wait before retry number `attempt` (1 = the first retry): in [d/2, d) with d = min(max, base * 2^(attempt-1)). */
export function backoffMs(attempt: number, policy: RetryPolicy, random: Random): number {
  const exp = Math.min(attempt - 1, 30);
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** exp);
  return Math.floor(ceiling / 2 + random.next() * (ceiling / 2));
}

export function checkPolicy(policy: RetryPolicy): RetryPolicy {
  for (const [name, value] of Object.entries(policy)) {
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be a positive number of ms, got ${String(value)}`);
  }
  if (policy.backoffMaxMs < policy.backoffBaseMs) throw new RangeError('backoffMaxMs must be >= backoffBaseMs');
  return policy;
}
