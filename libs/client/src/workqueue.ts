// The controller workqueue (client-go util/workqueue: queue.go, delaying_queue.go,
// rate_limiting_queue.go), on the injected clock.
//
// Guarantees, as client-go states them:
// - fair: items are handed out in the order they were added;
// - stingy: an item added many times before it is processed is processed once (the dirty set);
// - never concurrent: an item being processed (get() until done()) is not handed to another
//   worker; added meanwhile, it is marked dirty and queued again by done();
// - addAfter(item, ms) adds it once the delay passed (the earliest of several pending delays wins);
// - after shutDown() nothing new is accepted; get() still hands out what was queued, then
//   reports shutdown. Delayed items not yet due are dropped.
//
//   item: (absent) --add--> queued --get--> processing --done--> (absent)
//                                          processing --add--> processing+dirty --done--> queued

import type { Clock, TimerId } from '@skiff/core';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

export type QueueGet<K> = { readonly shutdown: false; readonly item: K } | { readonly shutdown: true };

export interface WorkQueueOptions<K> {
  readonly clock: Clock;
  /** For addRateLimited; default client-go's DefaultControllerRateLimiter. */
  readonly rateLimiter?: RateLimiter<K>;
}

interface Waiting {
  readonly readyAtMs: number;
  readonly timer: TimerId;
}

export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiting = new Map<K, Waiting>();
  private readonly getters: ((got: QueueGet<K>) => void)[] = [];
  private readonly drainWaiters: (() => void)[] = [];
  private shutting = false;
  private readonly clock: Clock;
  private readonly limiter: RateLimiter<K>;

  constructor(opts: WorkQueueOptions<K>) {
    this.clock = opts.clock;
    this.limiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>();
  }

  /** Items waiting to be handed out (not counting the processing or delayed ones). */
  len(): number {
    return this.queue.length;
  }

  get processingCount(): number {
    return this.processing.size;
  }

  get delayedCount(): number {
    return this.waiting.size;
  }

  get shuttingDown(): boolean {
    return this.shutting;
  }

  add(item: K): void {
    if (this.shutting || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.queue.push(item);
    this.handOut();
  }

  /** Adds the item after `delayMs`; at once when it is <= 0. */
  addAfter(item: K, delayMs: number): void {
    if (this.shutting) return;
    if (!(delayMs > 0)) return this.add(item);
    const readyAtMs = this.clock.now() + delayMs;
    const pending = this.waiting.get(item);
    if (pending !== undefined) {
      if (pending.readyAtMs <= readyAtMs) return;
      this.clock.clearTimeout(pending.timer);
    }
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(item);
      this.add(item);
    }, delayMs);
    this.waiting.set(item, { readyAtMs, timer });
  }

  /** Adds the item once the rate limiter allows (per-item back-off, overall rate). */
  addRateLimited(item: K): void {
    this.addAfter(item, this.limiter.when(item, this.clock.now()));
  }

  /** Stops tracking the item's failures (call after a successful reconcile). */
  forget(item: K): void {
    this.limiter.forget(item);
  }

  numRequeues(item: K): number {
    return this.limiter.numRequeues(item);
  }

  /**
   * The next item (now marked processing: call done(item) when finished), or shutdown. Waits while
   * the queue is empty; `signal` withdraws the wait (nothing is handed out to an aborted get).
   */
  get(signal?: AbortSignal): Promise<QueueGet<K>> {
    const now = this.take();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      const getter = (got: QueueGet<K>): void => {
        signal?.removeEventListener('abort', abort);
        resolve(got);
      };
      const abort = (): void => {
        const i = this.getters.indexOf(getter);
        if (i >= 0) this.getters.splice(i, 1);
        resolve({ shutdown: true });
      };
      if (signal?.aborted === true) return abort();
      signal?.addEventListener('abort', abort, { once: true });
      this.getters.push(getter);
    });
  }

  /** The item is processed; if it was added meanwhile it is queued again. */
  done(item: K): void {
    if (!this.processing.delete(item)) return;
    if (this.dirty.has(item)) {
      this.queue.push(item);
      this.handOut();
    }
    if (this.processing.size === 0) for (const wake of this.drainWaiters.splice(0)) wake();
  }

  /** Accepts nothing more; waiting get() calls return what is queued, then shutdown. */
  shutDown(): void {
    if (this.shutting) return;
    this.shutting = true;
    for (const { timer } of this.waiting.values()) this.clock.clearTimeout(timer);
    this.waiting.clear();
    this.handOut();
  }

  /** shutDown(), then resolves once every item handed out was done(). */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private take(): QueueGet<K> | undefined {
    if (this.queue.length === 0) return this.shutting ? { shutdown: true } : undefined;
    const item = this.queue.shift() as K;
    this.processing.add(item);
    this.dirty.delete(item);
    return { shutdown: false, item };
  }

  private handOut(): void {
    while (this.getters.length > 0) {
      const got = this.take();
      if (got === undefined) return;
      this.getters.shift()!(got);
    }
  }
}
