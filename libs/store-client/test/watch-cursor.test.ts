import { SeededRandom } from '@skiff/actors';
import type { ChangeBatch } from '@skiff/mvcc';
import { describe, expect, it } from 'vitest';
import type { HistoryReply } from '../src/protocol.js';
import { WatchCursor } from '../src/watch-cursor.js';

const batch = (revision: number): ChangeBatch => ({ revision, events: [] });
const history = (batches: number[], revision: number, compactRevision?: number): HistoryReply =>
  compactRevision === undefined
    ? { type: 'store.history', batches: batches.map(batch), revision }
    : { type: 'store.history', batches: [], revision, compactRevision };

describe('WatchCursor', () => {
  it('asks for a start revision first when the watch has no fromRevision', () => {
    const c = new WatchCursor(undefined, 10);
    c.offerLive(batch(5));
    c.offerLive(batch(6));
    expect(c.step()).toEqual({ type: 'start' });
    c.start(5);
    expect(c.step()).toEqual({ type: 'deliver', batch: batch(6) });
    expect(c.step()).toEqual({ type: 'wait' });
    expect(c.stats.duplicates).toBe(0);
  });

  it('replays history from fromRevision before the live batches, without duplicates', () => {
    const c = new WatchCursor(3, 10);
    c.offerLive(batch(6));
    c.offerLive(batch(7));
    expect(c.step()).toEqual({ type: 'fetch', fromRevision: 3 });
    const out = c.acceptHistory(history([3, 4, 5, 6], 6));
    expect(out).toEqual({ type: 'batches', batches: [3, 4, 5, 6].map(batch), progressed: true, caughtUp: true });
    expect(c.step()).toEqual({ type: 'deliver', batch: batch(7) });
    c.offerLive(batch(7));
    c.offerLive(batch(5));
    expect(c.stats.duplicates).toBe(2);
    expect(c.step()).toEqual({ type: 'wait' });
  });

  it('a live gap asks for history from the first missing revision', () => {
    const c = new WatchCursor(undefined, 10);
    c.start(10);
    c.offerLive(batch(11));
    c.offerLive(batch(14));
    expect(c.step()).toEqual({ type: 'deliver', batch: batch(11) });
    expect(c.needsHistory()).toBe(true);
    expect(c.step()).toEqual({ type: 'fetch', fromRevision: 12 });
    expect(c.acceptHistory(history([12, 13, 14], 14)).type).toBe('batches');
    expect(c.lastRevision).toBe(14);
    expect(c.pendingCount).toBe(0);
  });

  it('a short page is followed by another; an empty page means caught up to the store revision', () => {
    const c = new WatchCursor(1, 10);
    expect(c.acceptHistory(history([1, 2], 9))).toMatchObject({ progressed: true, caughtUp: false });
    expect(c.step()).toEqual({ type: 'fetch', fromRevision: 3 });
    expect(c.acceptHistory(history([], 9))).toMatchObject({ progressed: true, caughtUp: true });
    expect(c.lastRevision).toBe(9);
    expect(c.step()).toEqual({ type: 'wait' });
  });

  it('a history behind the live stream makes no progress and keeps asking', () => {
    const c = new WatchCursor(undefined, 10);
    c.start(4);
    c.offerLive(batch(7));
    expect(c.acceptHistory(history([5], 5))).toMatchObject({ progressed: true, caughtUp: true });
    expect(c.acceptHistory(history([], 5))).toMatchObject({ progressed: false, caughtUp: true });
    expect(c.needsHistory()).toBe(true);
  });

  it('reports compaction', () => {
    const c = new WatchCursor(2, 10);
    expect(c.acceptHistory(history([], 9, 5))).toEqual({ type: 'compacted', compactRevision: 5 });
  });

  it('bounds the pending list by dropping its highest batches, which history then supplies', () => {
    const c = new WatchCursor(undefined, 2);
    c.start(0);
    for (const r of [3, 4, 5, 6]) c.offerLive(batch(r));
    expect(c.pendingCount).toBe(2);
    expect(c.stats.dropped).toBe(2);
    expect(c.step()).toEqual({ type: 'fetch', fromRevision: 1 });
    c.acceptHistory(history([1, 2], 2));
    expect(c.step()).toEqual({ type: 'deliver', batch: batch(3) });
    expect(c.step()).toEqual({ type: 'deliver', batch: batch(4) });
    expect(c.step()).toEqual({ type: 'fetch', fromRevision: 5 });
  });

  it('rejects a fromRevision below 1', () => {
    expect(() => new WatchCursor(0, 10)).toThrow(RangeError);
  });

  // Property: whatever the live stream loses, repeats or reorders, the output is every revision
  // from the start, once each, in order.
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('delivers every revision exactly once in order (seed %i)', (seed) => {
    const random = new SeededRandom(seed);
    const total = 300;
    const start = random.int(1, 50);
    const pageMax = random.int(1, 20);
    const c = new WatchCursor(start, random.int(1, 8));
    const wire: number[] = [];
    const got: number[] = [];
    let storeRevision = 0;
    for (let i = 0; i < 100_000 && got.at(-1) !== total; i++) {
      const roll = random.next();
      if (roll < 0.3 && storeRevision < total) {
        storeRevision++;
        if (!random.chance(0.2)) wire.push(storeRevision);
        if (random.chance(0.1)) wire.push(storeRevision);
      } else if (roll < 0.6 && wire.length > 0) {
        // Mostly in order; sometimes the second message overtakes the first.
        const at = wire.length > 1 && random.chance(0.1) ? 1 : 0;
        c.offerLive(batch(wire.splice(at, 1)[0]!));
      } else {
        const step = c.step();
        if (step.type === 'deliver') got.push(step.batch.revision);
        else if (step.type === 'fetch') {
          const revs: number[] = [];
          for (let r = step.fromRevision; r <= storeRevision && revs.length < pageMax; r++) revs.push(r);
          const out = c.acceptHistory(history(revs, storeRevision));
          if (out.type === 'batches') got.push(...out.batches.map((b) => b.revision));
        } else if (step.type === 'wait' && wire.length === 0 && storeRevision === total) {
          c.requestCatchUp(); // the watch's idle probe
        }
      }
    }
    expect(got).toEqual(Array.from({ length: total - start + 1 }, (_, i) => start + i));
  });
});
