// The retained event log: one ChangeBatch per write revision, oldest first, in an array with a
// head offset so that compaction drops a prefix in amortised O(1). Watches replay from here.

import type { ChangeBatch } from './types.js';

/** Read-only access to the retained change batches, oldest first. */
export interface HistoryView {
  /** Number of retained batches. */
  readonly length: number;
  /** The i-th retained batch (0 = oldest). */
  at(i: number): ChangeBatch | undefined;
  /** Position of the first retained batch with revision >= rev (== length when none). */
  indexFrom(rev: number): number;
}

export class EventHistory implements HistoryView {
  private batches: ChangeBatch[] = [];
  private head = 0;

  get length(): number {
    return this.batches.length - this.head;
  }

  append(batch: ChangeBatch): void {
    this.batches.push(batch);
  }

  /** The i-th retained batch (0 = oldest). */
  at(i: number): ChangeBatch | undefined {
    return this.batches[this.head + i];
  }

  /** Position of the first retained batch with revision >= rev (== length when none). */
  indexFrom(rev: number): number {
    let lo = this.head;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.batches[mid] as ChangeBatch).revision < rev) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.head;
  }

  /** Forgets every batch with revision <= rev. */
  dropThrough(rev: number): void {
    this.head += this.indexFrom(rev + 1);
    // Reclaim the dropped prefix once it is the larger part, so memory stays proportional.
    if (this.head > 1024 && this.head * 2 > this.batches.length) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
  }
}
