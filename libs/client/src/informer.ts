// Adapter: an informer (client-go's sharedIndexInformer) keeps a local, indexed copy of one
// collection, fed by a reflector actor (reflector.machine.ts), and tells handlers what changed.
// Handlers run synchronously in change order and should only enqueue keys (a workqueue does the
// work); a handler that throws is reported and the others still run: one bad handler never stops
// the informer. The store is updated before handlers run, so a lister read from a handler sees
// the new state.

import { createActor, type Actor, type InspectionEvent } from 'xstate';
import type { Clock, Random } from '@skiff/core';
import type { ApiClient } from './api-client.js';
import { objectIndexer, type Indexer, type IndexerReader, type Indexers } from './indexer.js';
import { createLister, type Lister } from './lister.js';
import type { ListWatchScope, ReflectorSink, ReflectorTunables, WatchEnd } from './reflector.js';
import { reflectorMachine } from './reflector.machine.js';
import type { ResourceRef } from './resources.js';
import { eventDeltas, replaceDeltas, type DeletedFinalStateUnknown, type StoreDelta } from './store-deltas.js';
import type { KubeObject, WatchEvent } from './types.js';

export interface ResourceEventHandler<T extends KubeObject> {
  /** `isInInitialList`: the object came with the first list (or was replayed to a late handler). */
  onAdd?(obj: T, isInInitialList: boolean): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** A tombstone when the object vanished during a relist: its final state is unknown. */
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void;
}

export interface InformerOptions<T extends KubeObject> {
  readonly client: ApiClient;
  readonly resource: ResourceRef;
  readonly scope?: ListWatchScope;
  readonly indexers?: Indexers<T>;
  readonly tunables?: Partial<ReflectorTunables>;
  /** Drives the reflector's timers; default the client's. */
  readonly clock?: Clock;
  readonly random?: Random;
  /** XState inspection of the reflector actor (a service host's inspector). */
  readonly inspect?: (event: InspectionEvent) => void;
  /** Failed lists, ended watches, throwing handlers. */
  readonly onError?: (what: 'list' | WatchEnd | 'handler', error: unknown) => void;
}

export interface Informer<T extends KubeObject> {
  readonly resource: ResourceRef;
  readonly scope: ListWatchScope;
  readonly store: IndexerReader<T>;
  readonly lister: Lister<T>;
  /** Adds a handler; one added after the first list first gets onAdd for every object held. */
  addEventHandler(handler: ResourceEventHandler<T>): () => void;
  addIndexers(indexers: Indexers<T>): void;
  /** The first list has reached the store and the handlers. */
  hasSynced(): boolean;
  /** Resolves true once synced, false when stopped first. */
  whenSynced(): Promise<boolean>;
  lastSyncResourceVersion(): string;
  /** The reflector actor, once started (inspection, tests). */
  readonly reflector: Actor<typeof reflectorMachine> | undefined;
  start(): void;
  stop(): void;
}

export function createInformer<T extends KubeObject = KubeObject>(opts: InformerOptions<T>): Informer<T> {
  return new ReflectedInformer<T>(opts);
}

class ReflectedInformer<T extends KubeObject> implements Informer<T>, ReflectorSink {
  readonly resource: ResourceRef;
  readonly scope: ListWatchScope;
  readonly lister: Lister<T>;
  private readonly indexer: Indexer<T>;
  private readonly handlers = new Set<ResourceEventHandler<T>>();
  private actor: Actor<typeof reflectorMachine> | undefined;
  private synced = false;
  private stopped = false;
  private rv = '';
  private readonly syncWaiters: ((synced: boolean) => void)[] = [];

  constructor(private readonly opts: InformerOptions<T>) {
    this.resource = opts.resource;
    this.scope = opts.scope ?? {};
    this.indexer = objectIndexer<T>(opts.indexers);
    this.lister = createLister(this.indexer);
  }

  get store(): IndexerReader<T> {
    return this.indexer;
  }

  get reflector(): Actor<typeof reflectorMachine> | undefined {
    return this.actor;
  }

  addEventHandler(handler: ResourceEventHandler<T>): () => void {
    this.handlers.add(handler);
    if (this.synced) for (const obj of this.indexer.list()) this.call(() => handler.onAdd?.(obj, true));
    return () => this.handlers.delete(handler);
  }

  addIndexers(indexers: Indexers<T>): void {
    this.indexer.addIndexers(indexers);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  whenSynced(): Promise<boolean> {
    if (this.synced || this.stopped) return Promise.resolve(this.synced);
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  lastSyncResourceVersion(): string {
    // The reflector's includes bookmarks, which the store never sees.
    return this.actor?.getSnapshot().context.resourceVersion ?? this.rv;
  }

  start(): void {
    if (this.actor !== undefined || this.stopped) return;
    const { client, resource, tunables, random, onError, inspect } = this.opts;
    this.actor = createActor(reflectorMachine, {
      input: {
        client,
        resource,
        scope: this.scope,
        sink: this,
        ...(random === undefined ? {} : { random }),
        ...(tunables === undefined ? {} : { tunables }),
        ...(onError === undefined ? {} : { onError }),
      },
      clock: this.opts.clock ?? client.clock,
      ...(inspect === undefined ? {} : { inspect }),
    });
    this.actor.start();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.actor?.send({ type: 'STOP' });
    this.actor?.stop();
    for (const resolve of this.syncWaiters.splice(0)) resolve(this.synced);
  }

  // ---- ReflectorSink ----------------------------------------------------------------------------

  replace(items: readonly KubeObject[], resourceVersion: string): void {
    const deltas = replaceDeltas(this.indexer, this.indexer.keyOf, items as readonly T[], !this.synced);
    this.rv = resourceVersion;
    this.applyDeltas(deltas);
    if (!this.synced) {
      this.synced = true;
      for (const resolve of this.syncWaiters.splice(0)) resolve(true);
    }
  }

  apply(event: WatchEvent): void {
    if (event.object.metadata.resourceVersion !== undefined) this.rv = event.object.metadata.resourceVersion;
    this.applyDeltas(eventDeltas(this.indexer, this.indexer.keyOf, event as WatchEvent<T>));
  }

  private applyDeltas(deltas: readonly StoreDelta<T>[]): void {
    for (const d of deltas) {
      if (d.type === 'deleted') this.indexer.deleteByKey(d.key);
      else this.indexer.upsert(d.obj);
    }
    for (const d of deltas) this.notify(d);
  }

  private notify(d: StoreDelta<T>): void {
    for (const h of [...this.handlers]) {
      switch (d.type) {
        case 'added':
          this.call(() => h.onAdd?.(d.obj, d.initial));
          break;
        case 'updated':
          this.call(() => h.onUpdate?.(d.old, d.obj));
          break;
        case 'deleted':
          this.call(() => h.onDelete?.(d.obj));
          break;
        case 'unchanged':
          break;
      }
    }
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.opts.onError?.('handler', err);
    }
  }
}
