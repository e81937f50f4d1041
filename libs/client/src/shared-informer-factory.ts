// Adapter: one informer (one reflector, one list+watch) per (resource, namespace, label selector,
// field selector), shared by every controller of a process (client-go's SharedInformerFactory).
// Asking twice for the same scope returns the same informer; informers asked for after start()
// start at once.

import type { InspectionEvent } from 'xstate';
import type { Clock, Random } from '@skiff/core';
import type { ApiClient } from './api-client.js';
import { createInformer, type Informer } from './informer.js';
import type { ListWatchScope, ReflectorTunables, WatchEnd } from './reflector.js';
import type { ResourceRef } from './resources.js';
import type { KubeObject } from './types.js';

export interface SharedInformerFactoryOptions {
  readonly client: ApiClient;
  /** Default scope of every informer (e.g. one namespace); per-informer scope fields override it. */
  readonly defaultScope?: ListWatchScope;
  readonly tunables?: Partial<ReflectorTunables>;
  readonly clock?: Clock;
  readonly random?: Random;
  readonly inspect?: (event: InspectionEvent) => void;
  readonly onError?: (resource: ResourceRef, what: 'list' | WatchEnd | 'handler', error: unknown) => void;
}

export interface SharedInformerFactory {
  /** The shared informer of this resource and scope. */
  informerFor<T extends KubeObject = KubeObject>(resource: ResourceRef, scope?: ListWatchScope): Informer<T>;
  /** Every informer made so far. */
  readonly informers: readonly Informer<KubeObject>[];
  /** Starts every informer (and every later one). */
  start(): void;
  /** Resolves true once every informer made so far has synced (false if one was stopped first). */
  waitForCacheSync(): Promise<boolean>;
  stop(): void;
}

/** The identity of a shared informer. */
export function informerKey(resource: ResourceRef, scope: ListWatchScope): string {
  return JSON.stringify([resource.group, resource.version, resource.resource, scope.namespace ?? '', scope.labelSelector ?? '', scope.fieldSelector ?? '']);
}

export function createSharedInformerFactory(opts: SharedInformerFactoryOptions): SharedInformerFactory {
  const byKey = new Map<string, Informer<KubeObject>>();
  let started = false;
  let stopped = false;
  return {
    informerFor<T extends KubeObject>(resource: ResourceRef, scope: ListWatchScope = {}): Informer<T> {
      const merged = { ...opts.defaultScope, ...scope };
      const key = informerKey(resource, merged);
      let informer = byKey.get(key);
      if (informer === undefined) {
        informer = createInformer<KubeObject>({
          client: opts.client,
          resource,
          scope: merged,
          ...(opts.tunables === undefined ? {} : { tunables: opts.tunables }),
          ...(opts.clock === undefined ? {} : { clock: opts.clock }),
          ...(opts.random === undefined ? {} : { random: opts.random }),
          ...(opts.inspect === undefined ? {} : { inspect: opts.inspect }),
          ...(opts.onError === undefined ? {} : { onError: (what, err) => opts.onError?.(resource, what, err) }),
        });
        byKey.set(key, informer);
        if (started && !stopped) informer.start();
      }
      return informer as unknown as Informer<T>;
    },
    get informers() {
      return [...byKey.values()];
    },
    start() {
      if (stopped) return;
      started = true;
      for (const informer of byKey.values()) informer.start();
    },
    async waitForCacheSync() {
      const results = await Promise.all([...byKey.values()].map((i) => i.whenSynced()));
      return results.every(Boolean);
    },
    stop() {
      stopped = true;
      for (const informer of byKey.values()) informer.stop();
    },
  };
}
