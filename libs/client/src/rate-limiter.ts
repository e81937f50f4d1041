// Rate limiters of the workqueue (client-go util/workqueue/default_rate_limiters.go). Pure: the
// time comes in as `nowMs`, so a SimulationClock drives them.
//
// - per-item exponential: 5 ms, 10 ms, 20 ms, ... capped at 1,000 s, until forget(item);
// - token bucket (golang.org/x/time/rate): `qps` tokens a second, at most `burst` saved; a
//   reservation may go into debt, and the wait is the time until the debt is paid;
// - max-of: the longest wait of several (client-go's DefaultControllerRateLimiter is the max of
//   the two above with 10 qps and a burst of 100).

export interface RateLimiter<K> {
  /** How long `item` should wait before its next try; counts the try. */
  when(item: K, nowMs: number): number;
  /** The item succeeded: its failures are forgotten. */
  forget(item: K): void;
  /** Failures counted for the item since it was last forgotten. */
  numRequeues(item: K): number;
}

export function itemExponentialRateLimiter<K>(baseMs = 5, maxMs = 1_000_000): RateLimiter<K> {
  if (!(baseMs > 0 && maxMs >= baseMs)) throw new RangeError(`need 0 < baseMs <= maxMs, got ${baseMs}, ${maxMs}`);
  const failures = new Map<K, number>();
  return {
    when(item) {
      const n = failures.get(item) ?? 0;
      failures.set(item, n + 1);
      return Math.min(maxMs, baseMs * 2 ** Math.min(n, 64));
    },
    forget: (item) => void failures.delete(item),
    numRequeues: (item) => failures.get(item) ?? 0,
  };
}

export interface TokenBucket {
  readonly tokens: number;
  readonly atMs: number;
}

/** Takes one token at `nowMs`: the wait (0 when one was there) and the bucket after. */
export function reserveToken(bucket: TokenBucket, nowMs: number, qps: number, burst: number): { waitMs: number; bucket: TokenBucket } {
  const elapsedMs = Math.max(0, nowMs - bucket.atMs);
  const tokens = Math.min(burst, bucket.tokens + (elapsedMs * qps) / 1_000) - 1;
  return { waitMs: tokens >= 0 ? 0 : Math.ceil((-tokens * 1_000) / qps), bucket: { tokens, atMs: Math.max(nowMs, bucket.atMs) } };
}

export function bucketRateLimiter<K>(qps = 10, burst = 100): RateLimiter<K> {
  if (!(qps > 0 && Number.isInteger(burst) && burst >= 1)) throw new RangeError(`need qps > 0 and an integer burst >= 1, got ${qps}, ${burst}`);
  let bucket: TokenBucket | undefined;
  return {
    when(_item, nowMs) {
      const r = reserveToken(bucket ?? { tokens: burst, atMs: nowMs }, nowMs, qps, burst);
      bucket = r.bucket;
      return r.waitMs;
    },
    forget: () => undefined,
    numRequeues: () => 0,
  };
}

export function maxOfRateLimiter<K>(...limiters: RateLimiter<K>[]): RateLimiter<K> {
  if (limiters.length === 0) throw new RangeError('maxOfRateLimiter needs at least one limiter');
  return {
    when: (item, nowMs) => Math.max(...limiters.map((l) => l.when(item, nowMs))),
    forget: (item) => limiters.forEach((l) => l.forget(item)),
    numRequeues: (item) => Math.max(...limiters.map((l) => l.numRequeues(item))),
  };
}

/** client-go's DefaultControllerRateLimiter. */
export function defaultControllerRateLimiter<K>(): RateLimiter<K> {
  return maxOfRateLimiter(itemExponentialRateLimiter<K>(5, 1_000_000), bucketRateLimiter<K>(10, 100));
}
