// The workqueue's client-go semantics (stingy, fair, never concurrent per key, delays and rate
// limits on the injected clock, shutdown) and the controller loop workers over it.

import { SimulationClock } from '@skiff/core';
import { describe, expect, it } from 'vitest';
import { runController } from '../src/controller.js';
import { bucketRateLimiter, itemExponentialRateLimiter, maxOfRateLimiter, reserveToken } from '../src/rate-limiter.js';
import { WorkQueue } from '../src/workqueue.js';
import { settle } from './harness.js';

const queue = (clock = new SimulationClock(0), rateLimiter = itemExponentialRateLimiter<string>()) => new WorkQueue<string>({ clock, rateLimiter });

async function next(q: WorkQueue<string>): Promise<string | 'shutdown'> {
  const got = await q.get();
  return got.shutdown ? 'shutdown' : got.item;
}

describe('workqueue', () => {
  it('is fair and stingy: order of first add, one entry per key', async () => {
    const q = queue();
    for (const k of ['a', 'b', 'a', 'c', 'b']) q.add(k);
    expect(q.len()).toBe(3);
    expect([await next(q), await next(q), await next(q)]).toEqual(['a', 'b', 'c']);
  });

  it('never hands a key being processed to a second worker; re-adds it on done()', async () => {
    const q = queue();
    q.add('k');
    expect(await next(q)).toBe('k');
    q.add('k'); // dirty while processing
    q.add('other');
    const second = q.get();
    let secondGot: unknown;
    void second.then((g) => (secondGot = g));
    await settle(2);
    expect(secondGot).toEqual({ shutdown: false, item: 'other' });
    let third: unknown;
    void q.get().then((g) => (third = g));
    await settle(2);
    expect(third).toBeUndefined(); // 'k' waits for done()
    q.done('k');
    await settle(2);
    expect(third).toEqual({ shutdown: false, item: 'k' });
  });

  it('delays addAfter on the clock, keeping the earliest of two delays', async () => {
    const clock = new SimulationClock(0);
    const q = queue(clock);
    q.addAfter('x', 1_000);
    q.addAfter('x', 300);
    q.addAfter('x', 2_000);
    expect(q.len()).toBe(0);
    clock.advance(299);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(q.len()).toBe(1);
    clock.advance(5_000);
    expect(q.len()).toBe(1);
  });

  it('rate-limits per item: 5 ms doubling, reset by forget', async () => {
    const clock = new SimulationClock(0);
    const q = queue(clock);
    const retry = async (): Promise<number> => {
      q.addRateLimited('k');
      const start = clock.now();
      for (let i = 0; i < 100 && q.len() === 0; i++) clock.step();
      expect(await next(q)).toBe('k');
      q.done('k');
      return clock.now() - start;
    };
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) waits.push(await retry());
    expect(waits).toEqual([5, 10, 20, 40, 80]);
    expect(q.numRequeues('k')).toBe(5);
    q.forget('k');
    expect(q.numRequeues('k')).toBe(0);
    expect(await retry()).toBe(5);
  });

  it('caps the per-item back-off at 1,000 s', () => {
    const limiter = itemExponentialRateLimiter<string>();
    const waits = Array.from({ length: 30 }, () => limiter.when('k', 0));
    expect(waits.at(-1)).toBe(1_000_000);
    expect(waits.filter((w) => w === 1_000_000).length).toBeGreaterThan(1);
  });

  it('token bucket: a burst passes, then one token per 1/qps', () => {
    const limiter = bucketRateLimiter<string>(10, 3);
    expect([0, 0, 0].map((t) => limiter.when('a', t))).toEqual([0, 0, 0]);
    expect(limiter.when('a', 0)).toBe(100);
    expect(limiter.when('a', 0)).toBe(200);
    expect(reserveToken({ tokens: 0, atMs: 0 }, 1_000, 10, 3).bucket.tokens).toBe(2); // refills to the burst, minus one
    const both = maxOfRateLimiter(itemExponentialRateLimiter<string>(5, 1_000), bucketRateLimiter<string>(10, 1));
    expect([both.when('a', 0), both.when('b', 0)]).toEqual([5, 100]);
  });

  it('after shutDown hands out what is queued, then shutdown; drops pending delays', async () => {
    const clock = new SimulationClock(0);
    const q = queue(clock);
    q.add('a');
    q.addAfter('later', 100);
    q.shutDown();
    q.add('ignored');
    expect(await next(q)).toBe('a');
    expect(await next(q)).toBe('shutdown');
    clock.advance(1_000);
    expect(q.len()).toBe(0);
    const drained = q.shutDownWithDrain();
    let done = false;
    void drained.then(() => (done = true));
    await settle(2);
    expect(done).toBe(false); // 'a' is still being processed
    q.done('a');
    await settle(2);
    expect(done).toBe(true);
  });

  it('an aborted get takes nothing', async () => {
    const q = queue();
    const ac = new AbortController();
    const got = q.get(ac.signal);
    ac.abort();
    expect(await got).toEqual({ shutdown: true });
    q.add('k');
    expect(await next(q)).toBe('k');
  });
});

describe('controller loop', () => {
  it('reconciles keys with several workers, never one key on two at once, and requeues failures with back-off', async () => {
    const clock = new SimulationClock(0);
    const q = new WorkQueue<string>({ clock, rateLimiter: itemExponentialRateLimiter(5, 1_000) });
    const inFlight = new Set<string>();
    const overlaps: string[] = [];
    const calls: string[] = [];
    const failuresLeft = new Map([['flaky', 2]]);
    const pending: (() => void)[] = [];
    const controller = runController<string>({
      queue: q,
      clock,
      workers: 3,
      reconcile: async (key) => {
        if (inFlight.has(key)) overlaps.push(key);
        inFlight.add(key);
        calls.push(`${key}@${clock.now()}`);
        await new Promise<void>((resolve) => pending.push(resolve));
        inFlight.delete(key);
        const left = failuresLeft.get(key) ?? 0;
        if (left > 0) {
          failuresLeft.set(key, left - 1);
          throw new Error(`${key} failed`);
        }
      },
    });
    for (const k of ['a', 'b', 'flaky']) q.add(k);
    await settle();
    expect(inFlight.size).toBe(3);
    q.add('a'); // while 'a' is reconciling: must wait
    await settle();
    expect(calls.filter((c) => c.startsWith('a@'))).toHaveLength(1);
    for (let round = 0; round < 20 && (pending.length > 0 || q.len() > 0 || q.delayedCount > 0); round++) {
      for (const release of pending.splice(0)) release();
      await settle();
      clock.advance(50);
      await settle();
    }
    expect(overlaps).toEqual([]);
    expect(calls.filter((c) => c.startsWith('a@'))).toHaveLength(2);
    // flaky: fails twice (requeued with back-off each time), then succeeds and is forgotten.
    expect(calls.filter((c) => c.startsWith('flaky@'))).toHaveLength(3);
    expect(q.numRequeues('flaky')).toBe(0);
    await controller.stop();
    expect(controller.workers.every((w) => w.getSnapshot().status === 'done')).toBe(true);
  });

  it('drops a key after maxRequeues failures and requeues after requeueAfterMs', async () => {
    const clock = new SimulationClock(0);
    const q = new WorkQueue<string>({ clock, rateLimiter: itemExponentialRateLimiter(5, 1_000) });
    const errors: string[] = [];
    const calls: string[] = [];
    let periodicRuns = 0;
    const controller = runController<string>({
      queue: q,
      clock,
      maxRequeues: 3,
      onError: (key, _err, dropped) => errors.push(`${key}${dropped ? ' dropped' : ''}`),
      reconcile: async (key) => {
        calls.push(`${key}@${clock.now()}`);
        if (key === 'bad') throw new Error('always');
        return ++periodicRuns < 2 ? { requeueAfterMs: 1_000 } : undefined;
      },
    });
    q.add('bad');
    await settle();
    for (let i = 0; i < 10; i++) {
      clock.advance(10);
      await settle();
    }
    expect(errors).toEqual(['bad', 'bad', 'bad dropped']);
    expect(calls).toEqual(['bad@0', 'bad@10', 'bad@20']);
    q.add('periodic');
    await settle();
    clock.advance(999);
    await settle();
    expect(calls.filter((c) => c.startsWith('periodic'))).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(calls.filter((c) => c.startsWith('periodic'))).toEqual(['periodic@100', 'periodic@1100']);
    clock.advance(5_000);
    await settle();
    expect(calls.filter((c) => c.startsWith('periodic'))).toHaveLength(2); // the second run asked for nothing more
    await controller.stop();
  });
});
