// The watch cache of one resource (Kubernetes' watchCache): the current objects, keyed by store
// key, and a bounded window of the latest events, so that a watch from a recent resourceVersion
// is served from memory and a list with resourceVersion=0 needs no store read. Pure: the hub
// (watch-cache-hub.ts) feeds it the store's events in revision order.
//
// Invariants:
// - every event with revision > floorRevision is in the window (oldest evicted first), so a watch
//   from rv >= floorRevision misses nothing; older ones get 410 "too old resource version";
// - watchers see events in revision order, each once, synchronously with apply*(): a watcher
//   registered between two applies misses nothing and sees nothing twice.

import type { KubeObject } from '@skiff/api';
import { withResourceVersion } from './codec.js';
import type { WatchEvent } from './types.js';

export interface CacheEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly key: string;
  /** The new state; for DELETED the last state with the deletion's resourceVersion. Frozen. */
  readonly object: KubeObject;
  /** The state before this event (absent for ADDED). Frozen. */
  readonly prevObject: KubeObject | undefined;
  readonly revision: number;
}

export interface CacheWatcher {
  /** Only keys with this prefix (a namespace's, or the whole resource's). */
  readonly keyPrefix: string;
  /** Label and field selectors. */
  matches(obj: KubeObject): boolean;
  /** Queues one event; false when the watcher is gone. */
  send(event: WatchEvent): boolean;
  /** The cache was rebuilt (relist): the watcher must end so the client re-watches. */
  end(): void;
}

export type SinceResult = { readonly type: 'events'; readonly events: readonly CacheEvent[] } | { readonly type: 'expired'; readonly floorRevision: number };

export class ResourceWatchCache {
  private readonly objects = new Map<string, KubeObject>();
  private readonly window: CacheEvent[] = [];
  private windowHead = 0;
  private readonly watchers = new Set<CacheWatcher>();

  constructor(
    private readonly windowSize: number,
    /** Events at or below this revision are no longer in the window. */
    private floor: number,
  ) {}

  get floorRevision(): number {
    return this.floor;
  }

  get size(): number {
    return this.objects.size;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  get(key: string): KubeObject | undefined {
    return this.objects.get(key);
  }

  /** Objects whose key starts with `prefix`, in key order (as a store range returns them). */
  list(prefix: string): KubeObject[] {
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    return keys.map((k) => this.objects.get(k) as KubeObject);
  }

  /** Replaces the state after a relist at `revision`; every watcher ends. */
  reset(objects: Iterable<readonly [string, KubeObject]>, revision: number): void {
    this.objects.clear();
    for (const [k, o] of objects) this.objects.set(k, o);
    this.window.length = 0;
    this.windowHead = 0;
    this.floor = revision;
    const old = [...this.watchers];
    this.watchers.clear();
    for (const w of old) w.end();
  }

  /** A put at `revision` (object already decoded, frozen, with its resourceVersion). */
  applyPut(key: string, object: KubeObject, revision: number): CacheEvent {
    const prevObject = this.objects.get(key);
    this.objects.set(key, object);
    return this.record({ type: prevObject === undefined ? 'ADDED' : 'MODIFIED', key, object, prevObject, revision });
  }

  /** A delete at `revision`; undefined when the key was not cached (nothing to tell watchers). */
  applyDelete(key: string, revision: number): CacheEvent | undefined {
    const prevObject = this.objects.get(key);
    if (prevObject === undefined) return undefined;
    this.objects.delete(key);
    return this.record({ type: 'DELETED', key, object: Object.freeze(withResourceVersion(prevObject, revision)), prevObject, revision });
  }

  /** Window events after `revision`, or expired when some of them were evicted. */
  since(revision: number): SinceResult {
    if (revision < this.floor) return { type: 'expired', floorRevision: this.floor };
    const out: CacheEvent[] = [];
    for (let i = this.windowHead; i < this.window.length; i++) {
      const e = this.window[i] as CacheEvent;
      if (e.revision > revision) out.push(e);
    }
    return { type: 'events', events: out };
  }

  addWatcher(w: CacheWatcher): void {
    this.watchers.add(w);
  }

  removeWatcher(w: CacheWatcher): void {
    this.watchers.delete(w);
  }

  /** Ends every watcher (shutdown). */
  endWatchers(): void {
    const old = [...this.watchers];
    this.watchers.clear();
    for (const w of old) w.end();
  }

  private record(event: CacheEvent): CacheEvent {
    this.window.push(event);
    if (this.window.length - this.windowHead > this.windowSize) {
      const evicted = this.window[this.windowHead] as CacheEvent;
      this.window[this.windowHead] = undefined as unknown as CacheEvent;
      this.windowHead++;
      this.floor = Math.max(this.floor, evicted.revision);
      if (this.windowHead > 1024 && this.windowHead * 2 > this.window.length) {
        this.window.splice(0, this.windowHead);
        this.windowHead = 0;
      }
    }
    for (const w of [...this.watchers]) {
      if (!event.key.startsWith(w.keyPrefix)) continue;
      const out = toWatchEvent(event, (o) => w.matches(o));
      if (out !== undefined && !w.send(out)) this.watchers.delete(w);
    }
    return event;
  }
}

/**
 * What a watcher with a filter sees of one event (Kubernetes' cacheWatcher.convertToWatchEvent):
 * an object that starts matching is ADDED, one that stops matching is DELETED (its previous state
 * at the event's resourceVersion), one that keeps matching is MODIFIED.
 */
export function toWatchEvent(event: CacheEvent, matches: (o: KubeObject) => boolean): WatchEvent | undefined {
  if (event.type === 'DELETED') return matches(event.object) ? { type: 'DELETED', object: event.object } : undefined;
  const cur = matches(event.object);
  const old = event.prevObject !== undefined && matches(event.prevObject);
  if (cur && old) return { type: 'MODIFIED', object: event.object };
  if (cur) return { type: 'ADDED', object: event.object };
  if (old) return { type: 'DELETED', object: Object.freeze(withResourceVersion(event.prevObject as KubeObject, event.revision)) };
  return undefined;
}
