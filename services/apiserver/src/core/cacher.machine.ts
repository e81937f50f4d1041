/*
 * The cacher: the apiserver side of a reflector. It lists every object under /registry/ at one
 * revision, primes the watch caches, then follows ONE store watch from the next revision.
 *
 *            listed (resetCaches)                  batch (applyBatch)
 *   listing ────────────────────────> watching <──────────┘
 *     ^ │ list failed                  │ │ watch ended: compacted (the store forgot what we missed)
 *     │ v                              │ └──────────────────────────────────────> listing
 *   backingOff <───────────────────────┘ watch ended otherwise (store unreachable, overflow)
 *     │ after backoff: primed -> watching (resume at revision + 1), else -> listing
 *   (any) --STOP--> stopped
 *
 * Invariants:
 * - the hub's revision only moves forward while watching; a resumed watch starts at revision + 1,
 *   so no revision is skipped or applied twice (the store watch is gap-free, storage.ts);
 * - only a compaction forces a relist, which ends every cache watcher (clients re-watch, and those
 *   whose resourceVersion is now too old get 410 Expired);
 * - back-off grows with consecutive failures (jittered by the injected Random), reset by success.
 */

import { assign, fromCallback, fromPromise, setup } from 'xstate';
import type { Random } from '@skiff/core';
import { REGISTRY_PREFIX } from './keys.js';
import { StorageCompactedError, type Storage, type StorageBatch, type StorageKV } from './storage.js';
import type { WatchCacheHub } from './watch-cache-hub.js';

export interface CacherInput {
  readonly storage: Storage;
  readonly hub: WatchCacheHub;
  readonly random: Random;
  /** Keys read per page of the initial list. Default 1,000. */
  readonly listPageSize?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly onError?: (what: string, error: unknown) => void;
}

interface CacherContext extends Required<Omit<CacherInput, 'onError'>> {
  readonly onError: (what: string, error: unknown) => void;
  readonly failures: number;
  readonly lastError: unknown;
}

export type CacherEvent =
  | { readonly type: 'BATCH'; readonly batch: StorageBatch }
  | { readonly type: 'WATCH_ENDED'; readonly error: unknown }
  | { readonly type: 'STOP' };

export interface ListedSnapshot {
  readonly kvs: readonly StorageKV[];
  readonly revision: number;
}

/** Every key under /registry/ at one revision, read in pages (a consistent list, as Kubernetes' reflector). */
export async function listAll(storage: Storage, pageSize: number): Promise<ListedSnapshot> {
  const kvs: StorageKV[] = [];
  let page = await storage.list(REGISTRY_PREFIX, { limit: pageSize });
  const revision = page.revision;
  for (let guard = 0; guard < 10_000_000; guard++) {
    kvs.push(...page.kvs);
    if (!page.more || page.kvs.length === 0) break;
    const last = page.kvs[page.kvs.length - 1] as StorageKV;
    page = await storage.list(REGISTRY_PREFIX, { limit: pageSize, revision, startKey: `${last.key}\0` });
  }
  return { kvs, revision };
}

/** Exponential back-off with full jitter in [base/2, cap]. */
export function cacherBackoffMs(failures: number, baseMs: number, maxMs: number, random: Random): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(failures, 20));
  return Math.round(cap / 2 + (random.next() * cap) / 2);
}

export const cacherMachine = setup({
  types: {
    context: {} as CacherContext,
    events: {} as CacherEvent,
    input: {} as CacherInput,
  },
  actors: {
    listAll: fromPromise<ListedSnapshot, { storage: Storage; pageSize: number }>(({ input }) => listAll(input.storage, input.pageSize)),
    watchStore: fromCallback<CacherEvent, { storage: Storage; fromRevision: number }>(({ input, sendBack }) => {
      const w = input.storage.watch(REGISTRY_PREFIX, input.fromRevision);
      let cancelled = false;
      void (async () => {
        try {
          for await (const batch of w) sendBack({ type: 'BATCH', batch });
          if (!cancelled) sendBack({ type: 'WATCH_ENDED', error: new Error('store watch ended') });
        } catch (error) {
          if (!cancelled) sendBack({ type: 'WATCH_ENDED', error });
        }
      })();
      return () => {
        cancelled = true;
        w.cancel();
      };
    }),
  },
  delays: {
    backoff: ({ context }) => cacherBackoffMs(context.failures, context.backoffBaseMs, context.backoffMaxMs, context.random),
  },
  guards: {
    compacted: ({ event }) => event.type === 'WATCH_ENDED' && event.error instanceof StorageCompactedError,
    primed: ({ context }) => context.hub.isPrimed,
  },
  actions: {
    resetCaches: ({ context, event }) => {
      const listed = (event as unknown as { output: ListedSnapshot }).output;
      context.hub.reset(listed.kvs, listed.revision);
    },
    applyBatch: ({ context, event }) => event.type === 'BATCH' && context.hub.applyBatch(event.batch),
    clearFailures: assign({ failures: 0 }),
    countFailure: assign(({ context, event }) => ({
      failures: context.failures + 1,
      lastError: 'error' in event ? event.error : event.type,
    })),
    reportError: ({ context, event }) => context.onError('cacher', 'error' in event ? event.error : event),
  },
}).createMachine({
  id: 'cacher',
  context: ({ input }) => ({
    storage: input.storage,
    hub: input.hub,
    random: input.random,
    listPageSize: input.listPageSize ?? 1_000,
    backoffBaseMs: input.backoffBaseMs ?? 200,
    backoffMaxMs: input.backoffMaxMs ?? 10_000,
    onError: input.onError ?? (() => undefined),
    failures: 0,
    lastError: undefined,
  }),
  initial: 'listing',
  on: { STOP: '.stopped' },
  states: {
    listing: {
      invoke: {
        src: 'listAll',
        input: ({ context }) => ({ storage: context.storage, pageSize: context.listPageSize }),
        onDone: { target: 'watching', actions: ['resetCaches', 'clearFailures'] },
        onError: { target: 'backingOff', actions: ['countFailure', 'reportError'] },
      },
    },
    watching: {
      invoke: {
        src: 'watchStore',
        input: ({ context }) => ({ storage: context.storage, fromRevision: context.hub.revision + 1 }),
      },
      on: {
        BATCH: { actions: ['applyBatch', 'clearFailures'] },
        WATCH_ENDED: [
          { guard: 'compacted', target: 'listing', actions: 'reportError' },
          { target: 'backingOff', actions: ['countFailure', 'reportError'] },
        ],
      },
    },
    backingOff: {
      after: {
        backoff: [{ guard: 'primed', target: 'watching' }, { target: 'listing' }],
      },
    },
    stopped: { type: 'final' },
  },
});
