// Keeps one lease alive: a keep-alive every ttl/3 (etcd clientv3 sends at TTL/3 too), so two
// refreshes in a row may fail before the lease expires. A failure that is not final (no leader
// for a while) is reported and retried at the next tick; LeaseNotFound means the lease is gone
// (expired or revoked) and ends the loop: whoever holds it must start over (Kubernetes' lease
// holders re-acquire).
//
//   running --tick: keepAlive ok--> running (next tick at the granted ttl / 3)
//   running --LeaseNotFound--> ended { type: 'lost' }
//   running --stop() / client closed--> ended { type: 'stopped' }

import type { Clock, TimerId } from '@skiff/actors';
import { MvccErrorCode, type LeaseId, type LeaseKeepAliveResponse } from '@skiff/mvcc';
import { StoreClientClosedError, StoreError } from './errors.js';

export type KeepAliveEnd = { readonly type: 'stopped' } | { readonly type: 'lost'; readonly error: StoreError };

export interface KeepAliveLoop {
  readonly id: LeaseId;
  /** Renewals that succeeded so far. */
  readonly renewals: number;
  /** The TTL the store granted at the last renewal (undefined before the first). */
  readonly ttlSeconds: number | undefined;
  stop(): void;
  /** Resolves when the loop ends, saying why. */
  readonly done: Promise<KeepAliveEnd>;
}

export interface KeepAliveOptions {
  /** First renewal after this delay instead of at once. */
  readonly initialDelayMs?: number;
  /** Interval before the first answer tells the TTL. Default 1,000 ms. */
  readonly fallbackIntervalMs?: number;
  /** Sees failures that do not end the loop (store unavailable for a while). */
  readonly onError?: (err: unknown) => void;
  readonly onRenew?: (response: LeaseKeepAliveResponse) => void;
}

export interface KeepAliveDeps {
  readonly clock: Clock;
  keepAlive(id: LeaseId, callTimeoutMs: number): Promise<LeaseKeepAliveResponse>;
  onEnd(loop: LeaseKeeper): void;
}

export class LeaseKeeper implements KeepAliveLoop {
  renewals = 0;
  ttlSeconds: number | undefined;
  readonly done: Promise<KeepAliveEnd>;
  private timer: TimerId | undefined;
  private stopped = false;
  private finish: (end: KeepAliveEnd) => void = () => {};
  private readonly fallbackMs: number;

  constructor(
    readonly id: LeaseId,
    private readonly opts: KeepAliveOptions,
    private readonly deps: KeepAliveDeps,
  ) {
    this.fallbackMs = opts.fallbackIntervalMs ?? 1_000;
    this.done = new Promise<KeepAliveEnd>((resolve) => (this.finish = resolve));
    this.schedule(opts.initialDelayMs ?? 0);
  }

  stop(): void {
    this.end({ type: 'stopped' });
  }

  private intervalMs(): number {
    return this.ttlSeconds === undefined ? this.fallbackMs : Math.max(1, Math.floor((this.ttlSeconds * 1000) / 3));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    try {
      // Bounded by one interval, so a slow store does not stretch the cadence.
      const response = await this.deps.keepAlive(this.id, this.intervalMs());
      if (this.stopped) return;
      this.renewals++;
      this.ttlSeconds = response.ttlSeconds;
      this.opts.onRenew?.(response);
    } catch (err) {
      if (this.stopped) return;
      if (err instanceof StoreClientClosedError) return this.end({ type: 'stopped' });
      if (err instanceof StoreError && err.code === MvccErrorCode.LeaseNotFound) return this.end({ type: 'lost', error: err });
      this.opts.onError?.(err);
    }
    this.schedule(this.intervalMs());
  }

  private end(end: KeepAliveEnd): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.finish(end);
    this.deps.onEnd(this);
  }
}
