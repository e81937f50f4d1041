// The shape of the log without its contents: last index, the snapshot, and the term of every index
// as runs of equal terms (Raft logs have few term changes), so validating an append or a snapshot
// costs no memory per entry.
import { snapshotKeepsLog, type LogView } from './log-rules.js';
import type { SnapshotMeta, WalEntry } from './types.js';

interface TermRun {
  firstIndex: number;
  term: number;
}

export class LogTracker implements LogView {
  private runs: TermRun[] = [];

  private constructor(
    private snapshotMeta: SnapshotMeta | null,
    private last: number,
  ) {}

  /** A tracker for `entries` (contiguous, right after `snapshot`). */
  static from(snapshot: SnapshotMeta | null, entries: readonly WalEntry[]): LogTracker {
    const tracker = new LogTracker(snapshot, snapshot?.index ?? 0);
    tracker.append(entries);
    return tracker;
  }

  get snapshot(): SnapshotMeta | null {
    return this.snapshotMeta;
  }

  get snapshotIndex(): number {
    return this.snapshotMeta?.index ?? 0;
  }

  get lastIndex(): number {
    return this.last;
  }

  termAt(index: number): number | undefined {
    if (this.snapshotMeta !== null && index === this.snapshotMeta.index) return this.snapshotMeta.term;
    if (index <= this.snapshotIndex || index > this.last) return undefined;
    let lo = 0;
    let hi = this.runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.runs[mid]!.firstIndex <= index) lo = mid;
      else hi = mid - 1;
    }
    return this.runs[lo]?.term;
  }

  /** Appends entries already accepted by checkEntries, dropping the suffix they overwrite. */
  append(entries: readonly WalEntry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    this.truncateFrom(first.index);
    for (const entry of entries) {
      if (this.runs.at(-1)?.term !== entry.term) this.runs.push({ firstIndex: entry.index, term: entry.term });
    }
    this.last = entries.at(-1)!.index;
  }

  /** Moves the log start to a snapshot accepted by checkSnapshotMeta (Raft §7). */
  applySnapshot(meta: SnapshotMeta): 'kept' | 'reset' {
    const keeps = snapshotKeepsLog(this, meta);
    if (keeps) this.dropThrough(meta.index);
    else {
      this.runs = [];
      this.last = meta.index;
    }
    this.snapshotMeta = meta;
    return keeps ? 'kept' : 'reset';
  }

  private truncateFrom(index: number): void {
    while (this.runs.length > 0 && this.runs.at(-1)!.firstIndex >= index) this.runs.pop();
  }

  private dropThrough(index: number): void {
    let keepFrom = 0;
    while (keepFrom + 1 < this.runs.length && this.runs[keepFrom + 1]!.firstIndex <= index + 1) keepFrom++;
    this.runs = this.runs.slice(keepFrom);
    const head = this.runs[0];
    if (head !== undefined && head.firstIndex <= index) {
      if (index + 1 > this.last) this.runs = [];
      else head.firstIndex = index + 1;
    }
  }
}
