// The merge of one watch's two sources, as pure logic: the live `store.events` stream (which may
// drop, repeat or reorder batches around a leader change) and the leader's paged history. The
// adapter (watch.ts) feeds it and does what step() says.
//
//   offerLive(batch) --revision <= last, or already pending--> ignored (duplicate)
//                    --pending full--> the highest pending batch is dropped (history refills it)
//                    --otherwise--> pending, sorted by revision
//   step() --no start revision yet-------------------> 'start'   (adapter learns the current revision)
//          --pending head is last + 1-----------------> 'deliver' (the live stream is contiguous)
//          --catch-up asked, or a revision > last seen-> 'fetch' from last + 1 (a gap)
//          --otherwise-------------------------------> 'wait'
//   acceptHistory(reply) --compactRevision set--> 'compacted' (the watch must end: relist)
//                        --otherwise--> the page's new batches; caught up once the page reaches
//                          the store's revision at read time (or is empty).
//
// Invariants: batches come out in strictly increasing revision order, each revision at most once;
// `lastRevision` only grows; pending holds at most pendingMax batches, all above lastRevision.

import type { ChangeBatch } from '@skiff/mvcc';
import type { HistoryReply } from './protocol.js';

export type CursorStep =
  | { readonly type: 'start' }
  | { readonly type: 'deliver'; readonly batch: ChangeBatch }
  | { readonly type: 'fetch'; readonly fromRevision: number }
  | { readonly type: 'wait' };

export type HistoryOutcome =
  | { readonly type: 'batches'; readonly batches: readonly ChangeBatch[]; readonly progressed: boolean; readonly caughtUp: boolean }
  | { readonly type: 'compacted'; readonly compactRevision: number };

export interface CursorStats {
  duplicates: number;
  dropped: number;
}

export class WatchCursor {
  private last: number | undefined;
  private readonly pending: ChangeBatch[] = [];
  private highestSeen = 0;
  private catchUp: boolean;
  readonly stats: CursorStats = { duplicates: 0, dropped: 0 };

  /** With a startRevision, history is replayed from it; without, start() must be called first. */
  constructor(
    startRevision: number | undefined,
    private readonly pendingMax: number,
  ) {
    if (startRevision !== undefined && !(Number.isSafeInteger(startRevision) && startRevision >= 1)) {
      throw new RangeError(`fromRevision must be an integer >= 1, got ${startRevision}`);
    }
    this.last = startRevision === undefined ? undefined : startRevision - 1;
    this.catchUp = startRevision !== undefined;
  }

  /** Every revision up to this one has been handed out or filtered; undefined before start. */
  get lastRevision(): number | undefined {
    return this.last;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Watch only what comes after `currentRevision` (a watch without fromRevision). */
  start(currentRevision: number): void {
    if (this.last !== undefined) return;
    this.last = currentRevision;
    this.prune();
  }

  offerLive(batch: ChangeBatch): void {
    const rev = batch.revision;
    if (rev > this.highestSeen) this.highestSeen = rev;
    if (this.last !== undefined && rev <= this.last) {
      this.stats.duplicates++;
      return;
    }
    const at = this.insertionPoint(rev);
    if (this.pending[at]?.revision === rev) {
      this.stats.duplicates++;
      return;
    }
    this.pending.splice(at, 0, batch);
    if (this.pending.length > this.pendingMax) {
      // Keep the low end: it is what can be delivered next. highestSeen remembers the rest.
      this.pending.pop();
      this.stats.dropped++;
    }
  }

  /** Ask the history what happened since lastRevision (idle probe, or after a reconnect). */
  requestCatchUp(): void {
    this.catchUp = true;
  }

  step(): CursorStep {
    const last = this.last;
    if (last === undefined) return { type: 'start' };
    const head = this.pending[0];
    if (head !== undefined && head.revision === last + 1) {
      this.pending.shift();
      this.last = head.revision;
      return { type: 'deliver', batch: head };
    }
    if (this.catchUp || this.highestSeen > last) return { type: 'fetch', fromRevision: last + 1 };
    return { type: 'wait' };
  }

  /** True when the next step() would be 'fetch' (a gap the live stream cannot fill); changes nothing. */
  needsHistory(): boolean {
    const last = this.last;
    if (last === undefined || this.pending[0]?.revision === last + 1) return false;
    return this.catchUp || this.highestSeen > last;
  }

  acceptHistory(reply: HistoryReply): HistoryOutcome {
    const before = this.last;
    if (before === undefined) throw new Error('acceptHistory before start');
    if (reply.compactRevision !== undefined && reply.compactRevision !== null) return { type: 'compacted', compactRevision: reply.compactRevision };
    const batches: ChangeBatch[] = [];
    let last = before;
    for (const b of reply.batches) {
      if (b.revision <= last) continue;
      batches.push(b);
      last = b.revision;
    }
    // A page that stops short of the store's revision is one of several (the store may cap pages
    // lower than asked); an empty page means nothing happened after `before`.
    const caughtUp = reply.batches.length === 0 || last >= reply.revision;
    if (reply.batches.length === 0 && reply.revision > last) last = reply.revision;
    if (caughtUp) this.catchUp = false;
    this.last = last;
    this.prune();
    return { type: 'batches', batches, progressed: last > before, caughtUp };
  }

  private prune(): void {
    const last = this.last as number;
    let n = 0;
    while (n < this.pending.length && (this.pending[n] as ChangeBatch).revision <= last) n++;
    if (n > 0) this.pending.splice(0, n);
  }

  private insertionPoint(rev: number): number {
    let lo = 0;
    let hi = this.pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.pending[mid] as ChangeBatch).revision < rev) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
