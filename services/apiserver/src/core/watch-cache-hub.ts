// All watch caches, fed by ONE store watch on /registry/ (Kubernetes runs one etcd watch per
// resource; one for everything costs a single store stream however many resources and watchers
// there are). Pure: cacher.machine.ts lists, watches and hands batches in; this routes each event
// to its resource's cache by key and tracks the revision every cache has reached.
//
// Invariant: `revision` only grows while the caches are live; every event at or below it has been
// applied (and dispatched to watchers), so a bookmark at `revision` is truthful.

import type { KubeObject } from '@skiff/api';
import { decodeObject, deepFreeze } from './codec.js';
import { parseKey, resourceId } from './keys.js';
import type { StorageBatch, StorageKV } from './storage.js';
import { ResourceWatchCache } from './watch-cache.js';

export interface WatchCacheHubOptions {
  /** Events kept per resource for watches from a recent resourceVersion. Default 5,000. */
  readonly windowSize?: number;
  /** A stored value that does not decode (skipped, never fatal). */
  readonly onBadValue?: (key: string, error: unknown) => void;
}

interface Waiter {
  readonly revision: number;
  readonly resolve: () => void;
}

export class WatchCacheHub {
  private readonly caches = new Map<string, ResourceWatchCache>();
  private readonly windowSize: number;
  private readonly onBadValue: (key: string, error: unknown) => void;
  private waiters: Waiter[] = [];
  private current = 0;
  private listed = 0;
  private primed = false;

  constructor(opts: WatchCacheHubOptions = {}) {
    this.windowSize = opts.windowSize ?? 5_000;
    this.onBadValue = opts.onBadValue ?? (() => undefined);
  }

  /** The store revision every cache reflects (0 before the first list). */
  get revision(): number {
    return this.current;
  }

  /** The revision of the last relist. */
  get listRevision(): number {
    return this.listed;
  }

  get isPrimed(): boolean {
    return this.primed;
  }

  /** The cache of a resource (empty, from the last relist, if nothing of it was seen). */
  cache(group: string, resource: string): ResourceWatchCache {
    const id = resourceId(group, resource);
    let c = this.caches.get(id);
    if (c === undefined) {
      c = new ResourceWatchCache(this.windowSize, this.listed);
      this.caches.set(id, c);
    }
    return c;
  }

  /** Rebuilds every cache from a consistent list at `revision`; their watchers end (clients re-watch). */
  reset(kvs: readonly StorageKV[], revision: number): void {
    const byResource = new Map<string, [string, KubeObject][]>();
    for (const kv of kvs) {
      const parsed = parseKey(kv.key);
      const obj = parsed === undefined ? undefined : this.decode(kv);
      if (parsed === undefined || obj === undefined) continue;
      let list = byResource.get(parsed.resourceId);
      if (list === undefined) byResource.set(parsed.resourceId, (list = []));
      list.push([kv.key, obj]);
    }
    this.listed = revision;
    this.current = revision;
    for (const [id, cache] of this.caches) cache.reset(byResource.get(id) ?? [], revision);
    for (const [id, objects] of byResource) {
      if (this.caches.has(id)) continue;
      const c = new ResourceWatchCache(this.windowSize, revision);
      c.reset(objects, revision);
      this.caches.set(id, c);
    }
    this.primed = true;
    this.wakeWaiters();
  }

  /** Applies one store batch (in revision order; older or repeated ones are ignored). */
  applyBatch(batch: StorageBatch): void {
    if (!this.primed || batch.revision <= this.current) return;
    for (const e of batch.events) {
      const key = e.type === 'put' ? e.kv.key : e.key;
      const parsed = parseKey(key);
      if (parsed === undefined) continue;
      const cache = this.cache(parsed.group, parsed.resource);
      if (e.type === 'delete') cache.applyDelete(key, batch.revision);
      else {
        const obj = this.decode(e.kv);
        if (obj !== undefined) cache.applyPut(key, obj, batch.revision);
      }
    }
    this.current = batch.revision;
    this.wakeWaiters();
  }

  /** Ends every watch (shutdown). */
  closeAllWatchers(): void {
    for (const c of this.caches.values()) c.endWatchers();
  }

  /** Resolves once the caches reach `revision`; returns a cancel for the caller's timeout. */
  whenAt(revision: number, resolve: () => void): () => void {
    if (this.primed && this.current >= revision) {
      resolve();
      return () => undefined;
    }
    const w: Waiter = { revision, resolve };
    this.waiters.push(w);
    return () => {
      this.waiters = this.waiters.filter((x) => x !== w);
    };
  }

  private wakeWaiters(): void {
    if (this.waiters.length === 0) return;
    const due = this.waiters.filter((w) => w.revision <= this.current);
    this.waiters = this.waiters.filter((w) => w.revision > this.current);
    for (const w of due) w.resolve();
  }

  private decode(kv: StorageKV): KubeObject | undefined {
    try {
      return deepFreeze(decodeObject(kv.value, kv.modRevision));
    } catch (err) {
      this.onBadValue(kv.key, err);
      return undefined;
    }
  }
}
