// Rebuilding the log from its records, oldest first. Rules:
// - an entry at index i discards every entry >= i seen before (a follower truncating a
//   conflicting suffix, Raft §5.3);
// - the latest hard state wins;
// - a snapshot marker either keeps the entries after it or discards the whole log, as decided by
//   Raft §7 when it was saved and recorded in the marker;
// - the first entry may start above the log's end: the segments before it were released after a
//   snapshot; a later entry may then overwrite below that start. Any later gap is corruption.
// Entries up to the markers stay in memory until the caller picks a snapshot, so that a damaged
// newest snapshot can fall back to an older one when the log still reaches back to it.
import type { LogView } from './log-rules.js';
import { EMPTY_HARD_STATE, type HardState, type SnapshotMeta, type WalEntry, type WalRecord } from './types.js';

export interface ReplayResult {
  readonly hardState: HardState;
  readonly sawHardState: boolean;
  /** The index just before `entries[0]`. */
  readonly baseIndex: number;
  readonly entries: readonly WalEntry[];
  /** Snapshots the log can restart from, newest first (none of them below baseIndex). */
  readonly candidates: readonly SnapshotMeta[];
  /** The newest marker in the log, usable or not. */
  readonly latestMarker: SnapshotMeta | null;
}

export class Replayer implements LogView {
  private hardState: HardState = EMPTY_HARD_STATE;
  private sawHardState = false;
  private entries: WalEntry[] = [];
  private base = 0;
  private baseTerm: number | undefined = undefined;
  private sawEntry = false;
  /** Whether `base` comes from released segments (entries below it were live) or a snapshot. */
  private baseFromRelease = false;
  private latest: SnapshotMeta | null = null;
  private candidates: SnapshotMeta[] = [];

  get snapshotIndex(): number {
    return this.latest?.index ?? 0;
  }

  get lastIndex(): number {
    return this.base + this.entries.length;
  }

  termAt(index: number): number | undefined {
    if (index === this.base) return this.baseTerm;
    if (index < this.base || index > this.lastIndex) return undefined;
    return this.entries[index - this.base - 1]!.term;
  }

  /** Applies one record; a string is why the log is inconsistent at this record. */
  apply(record: WalRecord): string | null {
    switch (record.type) {
      case 'hardState':
        this.hardState = record.hardState;
        this.sawHardState = true;
        return null;
      case 'entry':
        return this.applyEntry(record.entry);
      case 'snapshot':
        return this.applyMarker(record.meta, record.replacesLog);
    }
  }

  result(): ReplayResult {
    const usable = this.candidates.filter((meta) => meta.index >= this.base);
    return {
      hardState: this.hardState,
      sawHardState: this.sawHardState,
      baseIndex: this.base,
      entries: this.entries,
      candidates: dedupe(usable).sort((a, b) => b.index - a.index),
      latestMarker: this.latest,
    };
  }

  private applyEntry(entry: WalEntry): string | null {
    if (entry.index > this.lastIndex + 1) {
      if (this.sawEntry) return `entry ${entry.index} leaves a gap after index ${this.lastIndex}`;
      this.restartAt(entry.index - 1);
    } else if (entry.index <= this.base) {
      // Below a start set by released segments, an entry overwrote entries this replay never saw:
      // legal then (it was above the snapshot), so the log restarts below. Below a snapshot, never.
      if (!this.baseFromRelease) return `entry ${entry.index} is at or below the snapshot at ${this.base}`;
      this.restartAt(entry.index - 1);
    } else {
      this.entries.length = entry.index - this.base - 1;
    }
    this.entries.push(entry);
    this.sawEntry = true;
    return null;
  }

  /** The log starts after `base`, whose entries went with released segments. */
  private restartAt(base: number): void {
    this.base = base;
    this.baseTerm = undefined;
    this.baseFromRelease = true;
    this.entries = [];
  }

  private applyMarker(meta: SnapshotMeta, replacesLog: boolean): string | null {
    const latest = this.latest;
    if (latest !== null && meta.index === latest.index && meta.term !== latest.term) {
      return `two snapshots at index ${meta.index} with terms ${latest.term} and ${meta.term}`;
    }
    if (latest !== null && meta.index <= latest.index) {
      // A copy of an older marker at the head of a segment (or a repeat): a candidate, nothing more.
      this.candidates.push(meta);
      return null;
    }
    // A kept marker past the end of an empty replay is a segment header copy whose entries were
    // released with the segments before it: the log starts at the snapshot.
    const startsLog = !this.sawEntry && meta.index > this.lastIndex;
    if (!replacesLog && !startsLog && meta.index > this.lastIndex) {
      return `snapshot ${meta.index} is past the last entry ${this.lastIndex}`;
    }
    if (replacesLog || startsLog) {
      this.entries = [];
      this.base = meta.index;
      this.baseTerm = meta.term;
      this.baseFromRelease = false;
      this.candidates = [meta];
    } else this.candidates.push(meta);
    this.latest = meta;
    return null;
  }
}

function dedupe(metas: readonly SnapshotMeta[]): SnapshotMeta[] {
  const seen = new Set<string>();
  return metas.filter((meta) => {
    const key = `${meta.index}/${meta.term}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
