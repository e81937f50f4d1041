// Retrying: client-go's retry.RetryOnConflict for read-modify-write loops, and the sleep on the
// injected clock that every retry here waits with.

import type { Clock, Random } from '@skiff/core';
import { isConflict } from './api-errors.js';

/** Waits `ms` on the clock (a SimulationClock advances it in tests). */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, Math.max(0, ms)));
}

export interface ConflictRetryOptions {
  readonly clock: Clock;
  readonly random: Random;
  /** Attempts in all. client-go's DefaultRetry: 5. */
  readonly steps?: number;
  /** Wait between attempts. client-go's DefaultRetry: 10 ms, factor 1, jitter 0.1. */
  readonly delayMs?: number;
  readonly jitter?: number;
}

/**
 * Runs `fn` until it does not fail with a 409 Conflict, at most `steps` times; the last Conflict is
 * thrown. `fn` should read the latest object each time (a Conflict means it changed under us).
 */
export async function retryOnConflict<T>(opts: ConflictRetryOptions, fn: () => Promise<T>): Promise<T> {
  const steps = opts.steps ?? 5;
  if (!(Number.isInteger(steps) && steps >= 1)) throw new RangeError(`steps must be an integer >= 1, got ${steps}`);
  const delayMs = opts.delayMs ?? 10;
  const jitter = opts.jitter ?? 0.1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isConflict(err) || attempt >= steps) throw err;
    }
    await sleep(opts.clock, delayMs + opts.random.next() * jitter * delayMs);
  }
}
