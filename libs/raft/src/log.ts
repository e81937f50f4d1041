// The replicated log (Raft §5.3) as an immutable value. Entries live in a Slice whose first
// element has index `compactedIndex + 1`; everything at or below `compactedIndex` has been folded
// into a snapshot (Raft §7). `unstableFrom` marks the first entry not yet handed to the adapter for
// persistence: entries before it are "stable" (on their way to disk, in Ready order).

import { sliceAt, sliceDropFront, sliceLength, slicePush, sliceRange, sliceTruncate, emptySlice, type Slice } from './slice.js';
import { entrySizeBytes, type Entry } from './types.js';
import { RaftInvariantError } from './errors.js';

export interface RaftLog {
  readonly compactedIndex: number;
  readonly compactedTerm: number;
  readonly entries: Slice<Entry>;
  readonly unstableFrom: number;
  readonly committed: number;
  readonly applied: number;
}

/** An empty log whose entries start after (index, term): 0/0 for a new member, a snapshot otherwise. */
export function emptyLog(index = 0, term = 0): RaftLog {
  return { compactedIndex: index, compactedTerm: term, entries: emptySlice(), unstableFrom: index + 1, committed: index, applied: index };
}

export function firstIndex(log: RaftLog): number {
  return log.compactedIndex + 1;
}

export function lastIndex(log: RaftLog): number {
  return log.compactedIndex + sliceLength(log.entries);
}

export function entryAt(log: RaftLog, index: number): Entry | undefined {
  return sliceAt(log.entries, index - log.compactedIndex - 1);
}

/** Term of the entry at `index`; undefined when compacted away or not there yet. */
export function termAt(log: RaftLog, index: number): number | undefined {
  if (index === log.compactedIndex) return log.compactedTerm;
  return entryAt(log, index)?.term;
}

export function lastTerm(log: RaftLog): number {
  return termAt(log, lastIndex(log)) ?? log.compactedTerm;
}

export function matchTerm(log: RaftLog, index: number, term: number): boolean {
  return termAt(log, index) === term;
}

/** Raft §5.4.1: a log is at least as up to date if its last term is higher, or equal with an index as long. */
export function isUpToDate(log: RaftLog, candidateLastIndex: number, candidateLastTerm: number): boolean {
  const term = lastTerm(log);
  return candidateLastTerm > term || (candidateLastTerm === term && candidateLastIndex >= lastIndex(log));
}

/** Entries [lo, hi) as a fresh array (only those still in the log). */
export function entriesBetween(log: RaftLog, lo: number, hi: number): Entry[] {
  const offset = log.compactedIndex + 1;
  return sliceRange(log.entries, lo - offset, hi - offset);
}

/** Entries from `lo` on, cut once `maxBytes` is reached; always at least one entry if any exists. */
export function entriesFrom(log: RaftLog, lo: number, maxBytes: number): Entry[] {
  const last = lastIndex(log);
  let hi = lo;
  let size = 0;
  while (hi <= last) {
    size += entrySizeBytes(entryAt(log, hi)!);
    if (size > maxBytes && hi > lo) break;
    hi++;
  }
  return entriesBetween(log, lo, hi);
}

/** Raft §5.3: the first new entry whose term disagrees with ours (or that we lack); 0 when all match. */
export function findConflict(log: RaftLog, entries: readonly Entry[]): number {
  for (const entry of entries) if (!matchTerm(log, entry.index, entry.term)) return entry.index;
  return 0;
}

/**
 * The largest index <= `index` whose term is <= `term` (etcd's findConflictByTerm). A follower uses
 * it to hint the leader past a whole term of mismatching entries at once (Raft §5.3, the optimisation
 * at the end of the section); the leader uses it on the hint to skip its own mismatching term.
 */
export function findConflictByTerm(log: RaftLog, index: number, term: number): { index: number; term: number } {
  let i = Math.min(index, lastIndex(log));
  while (i > log.compactedIndex && termAt(log, i)! > term) i--;
  return { index: i, term: termAt(log, i) ?? 0 };
}

/** Replaces everything from `entries[0].index` on with `entries` (Raft §5.3 rule 3 and 4). */
export function append(log: RaftLog, entries: readonly Entry[]): RaftLog {
  const first = entries[0];
  if (first === undefined) return log;
  if (first.index <= log.compactedIndex || first.index > lastIndex(log) + 1) {
    throw new RaftInvariantError(`append at ${first.index} outside (${log.compactedIndex}, ${lastIndex(log) + 1}]`);
  }
  const kept = sliceTruncate(log.entries, first.index - log.compactedIndex - 1);
  return { ...log, entries: slicePush(kept, entries), unstableFrom: Math.min(log.unstableFrom, first.index) };
}

/**
 * The follower side of AppendEntries (Raft §5.3): null when the log does not contain an entry at
 * prevIndex with prevTerm; otherwise the log with conflicting entries replaced and the new last index.
 * A conflict at or below the commit index means a broken peer: the message is refused (null).
 */
export function maybeAppend(log: RaftLog, prevIndex: number, prevTerm: number, entries: readonly Entry[]): { log: RaftLog; lastNewIndex: number } | null {
  if (!matchTerm(log, prevIndex, prevTerm)) return null;
  const lastNewIndex = prevIndex + entries.length;
  const conflict = findConflict(log, entries);
  if (conflict === 0) return { log, lastNewIndex };
  if (conflict <= log.committed) return null;
  return { log: append(log, entries.slice(conflict - prevIndex - 1)), lastNewIndex };
}

export function commitTo(log: RaftLog, index: number): RaftLog {
  const target = Math.min(index, lastIndex(log));
  return target > log.committed ? { ...log, committed: target } : log;
}

/** Hands out the entries not yet given to the adapter for persistence, and marks them stable. */
export function takeUnstable(log: RaftLog): { log: RaftLog; entries: Entry[] } {
  const last = lastIndex(log);
  if (log.unstableFrom > last) return { log, entries: [] };
  return { log: { ...log, unstableFrom: last + 1 }, entries: entriesBetween(log, log.unstableFrom, last + 1) };
}

/** Hands out committed entries not yet applied (Raft §5.3: apply in log order), and marks them applied. */
export function takeCommitted(log: RaftLog): { log: RaftLog; entries: Entry[] } {
  if (log.applied >= log.committed) return { log, entries: [] };
  return { log: { ...log, applied: log.committed }, entries: entriesBetween(log, log.applied + 1, log.committed + 1) };
}

/** Drops entries up to `index` (Raft §7 log compaction); only applied entries may go. */
export function compact(log: RaftLog, index: number): RaftLog {
  const target = Math.min(index, log.applied, lastIndex(log));
  if (target <= log.compactedIndex) return log;
  const term = termAt(log, target)!;
  return { ...log, compactedIndex: target, compactedTerm: term, entries: sliceDropFront(log.entries, target - log.compactedIndex) };
}

/** Appends entries at the leader: they take the next indexes and the given term. */
export function appendNew(log: RaftLog, term: number, datas: readonly Uint8Array[]): RaftLog {
  const base = lastIndex(log);
  return append(log, datas.map((data, i) => ({ index: base + i + 1, term, data })));
}
