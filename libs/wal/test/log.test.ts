import { describe, expect, it } from 'vitest';
import { checkEntries, checkSnapshotMeta } from '../src/log-rules.js';
import { LogTracker } from '../src/log-tracker.js';
import { Replayer } from '../src/replay.js';
import type { WalRecord } from '../src/types.js';
import { describeEntries, entries } from './helpers.js';

const entryRecords = (from: number, to: number, term: number): WalRecord[] =>
  entries(from, to, term).map((entry) => ({ type: 'entry', entry }));

function replay(records: readonly WalRecord[]): Replayer {
  const replayer = new Replayer();
  for (const record of records) expect(replayer.apply(record)).toBeNull();
  return replayer;
}

describe('LogTracker', () => {
  it('tracks terms through appends, overwrites and snapshots', () => {
    const log = LogTracker.from(null, entries(1, 5, 1));
    log.append(entries(6, 8, 2));
    expect([log.lastIndex, log.termAt(5), log.termAt(6), log.termAt(9)]).toEqual([8, 1, 2, undefined]);
    log.append(entries(4, 4, 3)); // a follower truncating a conflicting suffix (Raft §5.3)
    expect([log.lastIndex, log.termAt(3), log.termAt(4), log.termAt(5)]).toEqual([4, 1, 3, undefined]);
    expect(log.applySnapshot({ index: 3, term: 1 })).toBe('kept');
    expect([log.snapshotIndex, log.lastIndex, log.termAt(3), log.termAt(4), log.termAt(2)]).toEqual([3, 4, 1, 3, undefined]);
    // Raft §7: a snapshot whose last entry the log does not hold replaces the whole log.
    expect(log.applySnapshot({ index: 10, term: 5 })).toBe('reset');
    expect([log.lastIndex, log.termAt(10), log.termAt(4)]).toEqual([10, 5, undefined]);
  });

  it('accepts contiguous appends up to lastIndex + 1 and rejects the rest with a reason', () => {
    const log = LogTracker.from({ index: 10, term: 2 }, entries(11, 12, 2));
    expect(checkEntries(log, entries(13, 14, 2))).toBeNull();
    expect(checkEntries(log, entries(11, 11, 3))).toBeNull();
    expect(checkEntries(log, entries(14, 14, 2))).toMatch(/gap/);
    expect(checkEntries(log, entries(10, 11, 2))).toMatch(/snapshot/);
    expect(checkEntries(log, [...entries(13, 13, 2), ...entries(15, 15, 2)])).toMatch(/contiguous/);
    expect(checkEntries(log, [{ index: 13, term: -1, data: new Uint8Array() }])).toMatch(/term/);
    expect(checkSnapshotMeta(log, { index: 10, term: 2 })).toMatch(/not newer/);
    expect(checkSnapshotMeta(log, { index: 12, term: 2 })).toBeNull();
  });
});

describe('Replayer', () => {
  it('lets a later entry discard every entry at or after its index', () => {
    const result = replay([...entryRecords(1, 5, 1), ...entryRecords(3, 4, 2), ...entryRecords(5, 5, 3)]).result();
    expect(describeEntries(result.entries)).toEqual(describeEntries([...entries(1, 2, 1), ...entries(3, 4, 2), ...entries(5, 5, 3)]));
  });

  it('keeps the latest hard state', () => {
    const result = replay([
      { type: 'hardState', hardState: { term: 1, vote: 'a', commit: 0 } },
      ...entryRecords(1, 2, 1),
      { type: 'hardState', hardState: { term: 2, vote: null, commit: 2 } },
    ]).result();
    expect(result.hardState).toEqual({ term: 2, vote: null, commit: 2 });
  });

  it('keeps entries after a matching snapshot and offers older snapshots as fallbacks', () => {
    const result = replay([
      ...entryRecords(1, 5, 1),
      { type: 'snapshot', meta: { index: 2, term: 1 }, replacesLog: false },
      { type: 'snapshot', meta: { index: 4, term: 1 }, replacesLog: false },
    ]).result();
    expect(result.candidates).toEqual([{ index: 4, term: 1 }, { index: 2, term: 1 }]);
    expect(result.baseIndex).toBe(0);
    expect(result.entries).toHaveLength(5);
  });

  it('drops the whole log for a marker recorded as replacing it (Raft §7)', () => {
    const marker: WalRecord = { type: 'snapshot', meta: { index: 3, term: 2 }, replacesLog: true };
    const result = replay([...entryRecords(1, 5, 1), marker, ...entryRecords(4, 4, 2)]).result();
    expect(result.baseIndex).toBe(3);
    expect(result.candidates).toEqual([{ index: 3, term: 2 }]);
    expect(describeEntries(result.entries)).toEqual(describeEntries(entries(4, 4, 2)));
  });

  it('accepts a first entry above the start (released segments) but no later gap', () => {
    const replayer = replay([{ type: 'snapshot', meta: { index: 50, term: 1 }, replacesLog: false }, ...entryRecords(101, 102, 2)]);
    expect(replayer.result().baseIndex).toBe(100);
    expect(replayer.result().candidates).toEqual([]);
    expect(replayer.apply({ type: 'entry', entry: entries(104, 104, 2)[0]! })).toMatch(/gap/);
  });

  it('keeps entries after a marker at the start of a log whose earlier segments were released', () => {
    // The term of entry 100 is gone with its segment: only the recorded decision can tell.
    const marker: WalRecord = { type: 'snapshot', meta: { index: 100, term: 1 }, replacesLog: false };
    const result = replay([...entryRecords(101, 103, 1), marker]).result();
    expect(result.candidates).toEqual([{ index: 100, term: 1 }]);
    expect(result.entries.map((e) => e.index)).toEqual([101, 102, 103]);
  });
});
