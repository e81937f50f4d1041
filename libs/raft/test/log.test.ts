// The log rules of Raft §5.3 and §5.4.1, on the pure log value.
import { describe, expect, it } from 'vitest';
import {
  append,
  appendNew,
  commitTo,
  compact,
  emptyLog,
  entriesFrom,
  findConflict,
  findConflictByTerm,
  isUpToDate,
  lastIndex,
  lastTerm,
  maybeAppend,
  takeCommitted,
  takeUnstable,
  termAt,
  type RaftLog,
} from '../src/log.js';
import { entriesWithTerms } from './network.js';
import type { Entry } from '../src/types.js';

const logOf = (terms: number[]): RaftLog => ({ ...append(emptyLog(), entriesWithTerms(terms)), unstableFrom: terms.length + 1 });
const entry = (index: number, term: number): Entry => ({ index, term, data: new Uint8Array([index]) });
const terms = (log: RaftLog): number[] => Array.from({ length: lastIndex(log) - log.compactedIndex }, (_, i) => termAt(log, log.compactedIndex + 1 + i)!);

describe('Raft §5.3 AppendEntries consistency check (maybeAppend)', () => {
  const log = logOf([1, 2, 3]);

  it('refuses when the log has no entry at prevLogIndex with prevLogTerm', () => {
    expect(maybeAppend(log, 3, 2, [entry(4, 3)])).toBeNull();
    expect(maybeAppend(log, 4, 3, [entry(5, 3)])).toBeNull();
  });

  it('appends after a matching prevLogIndex', () => {
    const r = maybeAppend(log, 3, 3, [entry(4, 3), entry(5, 4)])!;
    expect(terms(r.log)).toEqual([1, 2, 3, 3, 4]);
    expect(r.lastNewIndex).toBe(5);
  });

  it('keeps entries it already has, and does not truncate on a stale shorter message', () => {
    const longer = logOf([1, 2, 3, 3]);
    const r = maybeAppend(longer, 1, 1, [entry(2, 2)])!;
    expect(r.log).toBe(longer);
    expect(r.lastNewIndex).toBe(2);
  });

  it('deletes a conflicting entry and all that follow it (rule 3)', () => {
    const r = maybeAppend(logOf([1, 2, 2, 2]), 2, 2, [entry(3, 3)])!;
    expect(terms(r.log)).toEqual([1, 2, 3]);
    expect(r.log.unstableFrom).toBe(3);
  });

  it('never truncates committed entries (a broken leader): the message is refused', () => {
    const committed = commitTo(logOf([1, 2, 2]), 3);
    expect(maybeAppend(committed, 1, 1, [entry(2, 3)])).toBeNull();
  });

  it('findConflict finds the first new or disagreeing entry', () => {
    expect(findConflict(log, [entry(1, 1), entry(2, 2)])).toBe(0);
    expect(findConflict(log, [entry(2, 2), entry(3, 4)])).toBe(3);
    expect(findConflict(log, [entry(3, 3), entry(4, 4)])).toBe(4);
  });
});

describe('Raft §5.3 conflict hint (findConflictByTerm)', () => {
  it('skips every entry of a term newer than the asked one', () => {
    const follower = logOf([1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]); // Figure 7 (f)
    expect(findConflictByTerm(follower, 10, 6)).toEqual({ index: 10, term: 3 });
    const leader = logOf([1, 1, 1, 4, 4, 5, 5, 6, 6, 6]);
    expect(findConflictByTerm(leader, 10, 3)).toEqual({ index: 3, term: 1 });
  });

  it('stops at the compaction point', () => {
    const log = compact({ ...logOf([1, 2, 3, 4]), committed: 4, applied: 4 }, 2);
    expect(findConflictByTerm(log, 4, 1)).toEqual({ index: 2, term: 2 });
  });
});

describe('Raft §5.4.1 up-to-date comparison', () => {
  const log = logOf([1, 2, 2]);
  it('a higher last term wins whatever the length', () => {
    expect(isUpToDate(log, 1, 3)).toBe(true);
    expect(isUpToDate(log, 9, 1)).toBe(false);
  });
  it('with equal last terms the longer log wins, equal counts as up to date', () => {
    expect(isUpToDate(log, 3, 2)).toBe(true);
    expect(isUpToDate(log, 2, 2)).toBe(false);
    expect(isUpToDate(log, 4, 2)).toBe(true);
  });
});

describe('stable vs unstable, commit and apply', () => {
  it('hands each new entry out for persistence once, then for application once', () => {
    let log = appendNew(emptyLog(), 1, [new Uint8Array([1]), new Uint8Array([2])]);
    const first = takeUnstable(log);
    expect(first.entries.map((e) => e.index)).toEqual([1, 2]);
    expect(takeUnstable(first.log).entries).toEqual([]);
    log = commitTo(first.log, 1);
    expect(takeCommitted(log).entries.map((e) => e.index)).toEqual([1]);
    expect(takeCommitted(takeCommitted(log).log).entries).toEqual([]);
  });

  it('never commits past the last entry, never moves commit backwards', () => {
    const log = commitTo(logOf([1, 1]), 5);
    expect(log.committed).toBe(2);
    expect(commitTo(log, 1).committed).toBe(2);
  });

  it('cuts batches by size but always sends at least one entry', () => {
    const big = appendNew(emptyLog(), 1, [new Uint8Array(100), new Uint8Array(10), new Uint8Array(10)]);
    expect(entriesFrom(big, 1, 50).map((e) => e.index)).toEqual([1]);
    expect(entriesFrom(big, 2, 60).map((e) => e.index)).toEqual([2, 3]);
    expect(entriesFrom(big, 4, 60)).toEqual([]);
  });
});

describe('Raft §7 compaction', () => {
  it('drops applied entries only and remembers the term at the compaction point', () => {
    const log = { ...logOf([1, 1, 2, 2]), committed: 4, applied: 3 };
    const compacted = compact(log, 4);
    expect(compacted.compactedIndex).toBe(3);
    expect(termAt(compacted, 3)).toBe(2);
    expect(termAt(compacted, 2)).toBeUndefined();
    expect(lastIndex(compacted)).toBe(4);
    expect(lastTerm(compacted)).toBe(2);
  });
});

describe('immutability without copying the log', () => {
  it('an older log value is unchanged by appends and truncations made on newer ones', () => {
    const base = logOf([1, 1]);
    const grown = append(base, [entry(3, 1)]);
    const forked = append(base, [entry(3, 2), entry(4, 2)]);
    const truncated = append(grown, [entry(2, 3)]);
    expect(terms(base)).toEqual([1, 1]);
    expect(terms(grown)).toEqual([1, 1, 1]);
    expect(terms(forked)).toEqual([1, 1, 2, 2]);
    expect(terms(truncated)).toEqual([1, 3]);
    // Appending to the newest value reuses its backing array.
    expect(append(grown, [entry(4, 1)]).entries.buf).toBe(grown.entries.buf);
  });

  it('refuses an append that would leave a gap', () => {
    expect(() => append(logOf([1]), [entry(3, 1)])).toThrow(/invariant/);
  });
});
