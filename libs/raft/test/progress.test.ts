// Follower progress and the inflight window (etcd's tracker, Raft §5.3 nextIndex/matchIndex).
import { describe, expect, it } from 'vitest';
import { becomeProbe, becomeReplicate, becomeSnapshot, isPaused, maybeDecrTo, maybeUpdate, newProgress, sentEntries } from '../src/progress.js';
import { addInflight, emptyInflights, freeFirstInflight, freeInflightsTo, inflightCount, inflightsFull } from '../src/inflights.js';

describe('inflights', () => {
  it('fills up to capacity and frees acknowledged messages in order', () => {
    let inf = emptyInflights(3);
    for (const last of [10, 20, 30]) inf = addInflight(inf, last);
    expect(inflightsFull(inf)).toBe(true);
    inf = freeInflightsTo(inf, 20);
    expect(inflightCount(inf)).toBe(1);
    inf = freeFirstInflight(inf);
    expect(inflightCount(inf)).toBe(0);
  });
});

describe('progress', () => {
  it('probe: one message at a time, unpaused by its answer', () => {
    const pr = sentEntries(newProgress(5, 4), 6, 2);
    expect(isPaused(pr)).toBe(true);
    expect(pr.next).toBe(5);
    const acked = maybeUpdate(pr, 6)!;
    expect(acked).toMatchObject({ match: 6, next: 7, probeSent: false });
  });

  it('replicate: moves next optimistically and pauses when the window is full', () => {
    let pr = becomeReplicate({ ...newProgress(1, 2), match: 4 });
    pr = sentEntries(pr, 6, 2);
    pr = sentEntries(pr, 8, 2);
    expect(pr.next).toBe(9);
    expect(isPaused(pr)).toBe(true);
    pr = maybeUpdate(pr, 6)!;
    expect(isPaused(pr)).toBe(false);
    expect(maybeUpdate(pr, 5)).toBeNull();
  });

  it('a rejection in replicate falls back to probing from match + 1; a stale one is ignored', () => {
    const pr = sentEntries(becomeReplicate({ ...newProgress(1, 8), match: 4 }), 9, 5);
    expect(maybeDecrTo(pr, 3, 0)).toBeNull();
    expect(maybeDecrTo(pr, 7, 0)).toMatchObject({ state: 'probe', next: 5 });
  });

  it('a rejection in probe jumps to the hint, never below match + 1', () => {
    const pr = { ...newProgress(11, 8), match: 2 };
    expect(maybeDecrTo(pr, 10, 3)).toMatchObject({ next: 4 });
    expect(maybeDecrTo(pr, 10, 0)).toMatchObject({ next: 3 });
    expect(maybeDecrTo(pr, 9, 3)).toBeNull(); // not the probe we sent
  });

  it('snapshot: paused for appends; afterwards probing resumes past the snapshot', () => {
    const snapshot = { meta: { index: 50, term: 2, members: ['a'] }, data: new Uint8Array(4) };
    const pr = becomeSnapshot(newProgress(3, 8), snapshot);
    expect(pr).toMatchObject({ pendingSnapshot: 50, snapshotOffset: 0, snapshot });
    expect(isPaused(pr)).toBe(true);
    expect(becomeProbe(pr)).toMatchObject({ state: 'probe', next: 51, snapshot: null });
  });
});
