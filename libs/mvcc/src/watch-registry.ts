// Watches (etcd mvcc watchable_store.go) as a pure registry. It keeps, per watch, the next
// revision to deliver, and turns the store's retained history into deliveries when polled:
//
//   create(req) --start <= historyFloor--> Compacted error (no watch)
//               --otherwise-------------> watch at nextRevision = startRevision (0 = revision + 1)
//   poll()      for each watch behind the store: one 'events' delivery per revision with matching
//               events, oldest first; if its next revision was compacted away meanwhile, one
//               'canceled' delivery carrying the compact revision, and the watch is gone.
//   progress()  a 'progress' delivery (the current revision) for each caught-up watch that got no
//               events since the previous progress() call (etcd progress notify).
//
// A watch created at or below the current revision replays history first and then continues
// with live writes through the same path, so there is no gap and no duplicate: deliveries for a
// watch are in strictly increasing revision order. The host calls poll() after applying commands.

import { byteSpanContains, toByteSpan, type ByteSpan } from './bytes.js';
import { compactedFault, fault, MvccErrorCode, toErrorResponse, type ErrorResponse } from './errors.js';
import type { HistoryView } from './history.js';
import { EventType, type ChangeBatch, type MvccEvent } from './types.js';

/** What the registry reads: MvccStore implements it. */
export interface WatchSource {
  readonly revision: number;
  readonly historyFloor: number;
  readonly history: HistoryView;
}

export type WatchId = number;

export interface WatchCreateRequest {
  readonly key: Uint8Array;
  /** As in range: absent = the key only, `\0` = every key >= key; prefixRangeEnd() for a prefix. */
  readonly rangeEnd?: Uint8Array;
  /** First revision to deliver; 0 or absent = only writes after now. */
  readonly startRevision?: number;
  readonly noPut?: boolean;
  readonly noDelete?: boolean;
  /** Include the previous version in events. */
  readonly prevKv?: boolean;
  /** Ask for this id (etcd allows client-chosen ids); absent = next free id. */
  readonly watchId?: WatchId;
}

export type WatchCreateResult = { readonly type: 'created'; readonly watchId: WatchId; readonly revision: number } | ErrorResponse;

export type WatchDelivery =
  | { readonly type: 'events'; readonly watchId: WatchId; readonly revision: number; readonly events: readonly MvccEvent[] }
  | { readonly type: 'canceled'; readonly watchId: WatchId; readonly reason: 'Compacted'; readonly compactRevision: number }
  | { readonly type: 'progress'; readonly watchId: WatchId; readonly revision: number };

interface Watcher {
  readonly id: WatchId;
  readonly span: ByteSpan;
  readonly noPut: boolean;
  readonly noDelete: boolean;
  readonly prevKv: boolean;
  nextRevision: number;
  deliveredSinceProgress: boolean;
}

export interface PollResult {
  readonly deliveries: WatchDelivery[];
  /** false when the event budget ran out before every watch caught up: poll again. */
  readonly done: boolean;
}

export class WatchRegistry {
  private readonly watchers = new Map<WatchId, Watcher>();
  private nextId = 1;
  /** Where the next poll starts, so that a far-behind watch cannot starve the others. */
  private rotation = 0;

  constructor(private readonly source: WatchSource) {}

  get size(): number {
    return this.watchers.size;
  }

  create(req: WatchCreateRequest): WatchCreateResult {
    const revision = this.source.revision;
    if (!(req.key instanceof Uint8Array) || req.key.length === 0) return toErrorResponse(fault(MvccErrorCode.KeyEmpty, 'key is not provided'), revision);
    const start = req.startRevision ?? 0;
    if (!Number.isSafeInteger(start) || start < 0) return toErrorResponse(fault(MvccErrorCode.InvalidRequest, 'startRevision must be a non-negative integer'), revision);
    // Events at or below the floor are gone (etcd answers a compacted watch with compact_revision).
    if (start > 0 && start <= this.source.historyFloor) return toErrorResponse(compactedFault(this.source.historyFloor), revision);
    const id = req.watchId ?? this.freeId();
    if (this.watchers.has(id)) return toErrorResponse(fault(MvccErrorCode.WatchIdExists, `watch id ${id} is in use`), revision);
    this.watchers.set(id, {
      id,
      span: toByteSpan(req.key, req.rangeEnd ?? undefined),
      noPut: req.noPut ?? false,
      noDelete: req.noDelete ?? false,
      prevKv: req.prevKv ?? false,
      nextRevision: start > 0 ? start : revision + 1,
      deliveredSinceProgress: false,
    });
    return { type: 'created', watchId: id, revision };
  }

  cancel(watchId: WatchId): boolean {
    return this.watchers.delete(watchId);
  }

  /** Deliveries for every watch behind the store, scanning at most about maxEvents events. */
  poll(maxEvents = 10_000): PollResult {
    const deliveries: WatchDelivery[] = [];
    const all = [...this.watchers.values()];
    let budget = maxEvents;
    for (let n = 0; n < all.length; n++) {
      const w = all[(this.rotation + n) % all.length] as Watcher;
      budget = this.catchUp(w, budget, deliveries);
      if (budget <= 0) {
        this.rotation = (this.rotation + n + 1) % all.length;
        return { deliveries, done: false };
      }
    }
    return { deliveries, done: true };
  }

  /** Progress notifications for caught-up watches that received no events since the last call. */
  progress(): WatchDelivery[] {
    const revision = this.source.revision;
    const out: WatchDelivery[] = [];
    for (const w of this.watchers.values()) {
      const idle = !w.deliveredSinceProgress && w.nextRevision > revision;
      w.deliveredSinceProgress = false;
      if (idle) out.push({ type: 'progress', watchId: w.id, revision });
    }
    return out;
  }

  private catchUp(w: Watcher, budget: number, out: WatchDelivery[]): number {
    const { history, revision, historyFloor } = this.source;
    if (w.nextRevision > revision) return budget;
    if (w.nextRevision <= historyFloor) {
      this.watchers.delete(w.id);
      out.push({ type: 'canceled', watchId: w.id, reason: 'Compacted', compactRevision: historyFloor });
      return budget;
    }
    for (let i = history.indexFrom(w.nextRevision); i < history.length && budget > 0; i++) {
      const batch = history.at(i) as ChangeBatch;
      budget -= batch.events.length;
      const events = this.matching(w, batch.events);
      if (events.length > 0) {
        out.push({ type: 'events', watchId: w.id, revision: batch.revision, events });
        w.deliveredSinceProgress = true;
      }
      w.nextRevision = batch.revision + 1;
    }
    if (budget > 0) w.nextRevision = revision + 1;
    return budget;
  }

  private matching(w: Watcher, events: readonly MvccEvent[]): MvccEvent[] {
    const out: MvccEvent[] = [];
    for (const e of events) {
      if (e.type === EventType.Put ? w.noPut : w.noDelete) continue;
      if (!byteSpanContains(w.span, e.kv.key)) continue;
      out.push(w.prevKv || e.prevKv === undefined ? e : { type: e.type, kv: e.kv });
    }
    return out;
  }

  private freeId(): WatchId {
    while (this.watchers.has(this.nextId)) this.nextId++;
    return this.nextId++;
  }
}
