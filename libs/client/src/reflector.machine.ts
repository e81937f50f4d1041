/*
 * The reflector (DESIGN.md §4; client-go's Reflector.ListAndWatch): mirrors one collection into a
 * ReflectorSink by a paged list, then a watch from the list's resourceVersion.
 *
 *             listed (replaceStore)                 event in seq (applyEvent) / bookmark / heartbeat
 *   listing ─────────────────────────> watching <──────┘  (each restarts the stall timer)
 *     │ list failed                   │  │ ERROR 410, seq gap, stall timeout, broken stream, ERROR
 *     v                               │  v
 *   backingOff <──────────────────────┘ backingOff ──(clean end: resume)──> watching
 *     │ after back-off                    │ after back-off (not synced yet: listing)
 *     └──────────────> relisting ─────────┘ ──listed (replaceStore: tombstones)──> watching
 *   (any) --STOP--> stopped
 *
 * Invariants:
 * - the sink sees a replace, then only events with consecutive seqs from one stream; any seq gap
 *   ends the stream before the next event is applied, so nothing is applied past a hole;
 * - the watch starts from the last resourceVersion the sink saw (list, event or bookmark);
 * - timers are XState delays on the actor's clock: `backoff` (grows with consecutive failures,
 *   jittered by the injected Random) and `stallTimeout` (restarted by every message: the `live`
 *   child state is re-entered, which cancels and re-arms its delayed transition).
 */

import { assign, fromCallback, fromPromise, setup } from 'xstate';
import type { Clock, Random } from '@skiff/core';
import type { ApiClient } from './api-client.js';
import { backoffDelayMs, checkBackoffPolicy, nextFailureCount } from './backoff.js';
import { listAllPages, type ListSnapshot } from './list-pager.js';
import {
  checkSeq,
  classifyEvent,
  resolveTunables,
  resourceVersionAfter,
  stallTimeoutMs,
  type ListWatchScope,
  type ReflectorSink,
  type ReflectorTunables,
  type WatchEnd,
  watchTimeoutSeconds,
} from './reflector.js';
import type { ResourceRef } from './resources.js';
import type { WatchEvent } from './types.js';
import type { WatchMessage } from './watch-stream.js';

export interface ReflectorInput {
  readonly client: ApiClient;
  readonly resource: ResourceRef;
  readonly scope?: ListWatchScope;
  readonly sink: ReflectorSink;
  /** For back-off jitter; default the client's. */
  readonly random?: Random;
  /** For the failure-reset window; default the client's. Timers use the actor's clock. */
  readonly clock?: Clock;
  readonly tunables?: Partial<ReflectorTunables>;
  /** Sees every failed list and every watch that ended abnormally (with why); a clean end is no error. */
  readonly onError?: (what: 'list' | WatchEnd, error: unknown) => void;
}

export interface ReflectorStats {
  readonly lists: number;
  readonly relists: number;
  readonly watches: number;
  readonly events: number;
  readonly ends: Readonly<Partial<Record<WatchEnd | 'list', number>>>;
}

export interface ReflectorContext {
  readonly client: ApiClient;
  readonly resource: ResourceRef;
  readonly scope: ListWatchScope;
  readonly sink: ReflectorSink;
  readonly random: Random;
  readonly clock: Clock;
  readonly tunables: ReflectorTunables;
  readonly onError: (what: 'list' | WatchEnd, error: unknown) => void;
  /** The last resourceVersion the sink saw (client-go's lastSyncResourceVersion). */
  readonly resourceVersion: string;
  readonly synced: boolean;
  readonly expectedSeq: number;
  readonly stallMs: number;
  readonly failures: number;
  readonly lastFailureAtMs: number | undefined;
  /** Set when the last watch ended cleanly: the next one resumes instead of relisting. */
  readonly resume: boolean;
  readonly lastEnd: WatchEnd | 'list' | undefined;
  readonly stats: ReflectorStats;
}

export type ReflectorEvent =
  | { readonly type: 'WATCH.OPENED'; readonly seq: number; readonly heartbeatMs: number }
  | { readonly type: 'WATCH.EVENT'; readonly seq: number; readonly event: WatchEvent }
  | { readonly type: 'WATCH.HEARTBEAT'; readonly seq: number }
  | { readonly type: 'WATCH.FAILED'; readonly error: unknown }
  | { readonly type: 'WATCH.ENDED' }
  | { readonly type: 'STOP' };

interface WatchActorInput {
  readonly client: ApiClient;
  readonly resource: ResourceRef;
  readonly scope: ListWatchScope;
  readonly resourceVersion: string;
  readonly heartbeatMs: number;
  readonly timeoutSeconds: number | undefined;
}

/** A stream message as a machine event. */
export function toReflectorEvent(msg: WatchMessage): ReflectorEvent {
  switch (msg.type) {
    case 'opened':
      return { type: 'WATCH.OPENED', seq: msg.seq, heartbeatMs: msg.heartbeatMs };
    case 'event':
      return { type: 'WATCH.EVENT', seq: msg.seq, event: msg.event };
    case 'heartbeat':
      return { type: 'WATCH.HEARTBEAT', seq: msg.seq };
    case 'failed':
      return { type: 'WATCH.FAILED', error: msg.error };
    case 'ended':
      return { type: 'WATCH.ENDED' };
  }
}

const seqOf = (event: ReflectorEvent): number => ('seq' in event ? event.seq : -1);
const watchEventOf = (event: ReflectorEvent): WatchEvent | undefined => (event.type === 'WATCH.EVENT' ? event.event : undefined);

function ended(context: ReflectorContext, end: WatchEnd | 'list', error: unknown): Partial<ReflectorContext> {
  if (end !== 'ended') context.onError(end, error);
  const ends = { ...context.stats.ends, [end]: (context.stats.ends[end] ?? 0) + 1 };
  return { lastEnd: end, resume: end === 'ended', stats: { ...context.stats, ends } };
}

export const reflectorMachine = setup({
  types: {
    context: {} as ReflectorContext,
    events: {} as ReflectorEvent,
    input: {} as ReflectorInput,
  },
  actors: {
    list: fromPromise<ListSnapshot, { client: ApiClient; resource: ResourceRef; scope: ListWatchScope; pageSize: number }>(({ input }) =>
      listAllPages(input.client, input.resource, input.scope, input.pageSize),
    ),
    watch: fromCallback<ReflectorEvent, WatchActorInput>(({ input, sendBack }) => {
      const options = {
        ...input.scope,
        resourceVersion: input.resourceVersion,
        allowWatchBookmarks: true,
        heartbeatMs: input.heartbeatMs,
        ...(input.timeoutSeconds === undefined ? {} : { timeoutSeconds: input.timeoutSeconds }),
      };
      try {
        const handle = input.client.watch(input.resource, options, (msg) => sendBack(toReflectorEvent(msg)));
        return () => handle.stop();
      } catch (error) {
        // A closed bus throws at once; the reflector backs off instead of dying.
        queueMicrotask(() => sendBack({ type: 'WATCH.FAILED', error }));
        return () => undefined;
      }
    }),
  },
  delays: {
    backoff: ({ context }) => backoffDelayMs(context.failures, context.tunables.backoff, context.random),
    stallTimeout: ({ context }) => context.stallMs,
  },
  guards: {
    seqGap: ({ context, event }) => checkSeq(context.expectedSeq, seqOf(event)) === 'gap',
    seqDuplicate: ({ context, event }) => checkSeq(context.expectedSeq, seqOf(event)) === 'duplicate',
    expired: ({ event }) => classifyEvent(watchEventOf(event)!) === 'expired',
    errorEvent: ({ event }) => classifyEvent(watchEventOf(event)!) === 'error',
    bookmark: ({ event }) => classifyEvent(watchEventOf(event)!) === 'bookmark',
    canResume: ({ context }) => context.resume && context.synced,
    synced: ({ context }) => context.synced,
  },
  actions: {
    replaceStore: assign(({ context, event }) => {
      const listed = (event as unknown as { output: ListSnapshot }).output;
      context.sink.replace(listed.items, listed.resourceVersion);
      return { resourceVersion: listed.resourceVersion, synced: true, resume: false };
    }),
    countList: assign(({ context }) => ({ stats: { ...context.stats, lists: context.stats.lists + 1 } })),
    countRelist: assign(({ context }) => ({ stats: { ...context.stats, relists: context.stats.relists + 1 } })),
    startWatch: assign(({ context }) => ({
      expectedSeq: 1,
      stallMs: stallTimeoutMs(context.tunables, context.tunables.heartbeatMs),
      stats: { ...context.stats, watches: context.stats.watches + 1 },
    })),
    acceptSeq: assign(({ event }) => ({ expectedSeq: seqOf(event) + 1 })),
    acceptOpened: assign(({ context, event }) => ({
      stallMs: stallTimeoutMs(context.tunables, event.type === 'WATCH.OPENED' ? event.heartbeatMs : context.tunables.heartbeatMs),
    })),
    applyEvent: assign(({ context, event }) => {
      const watched = watchEventOf(event)!;
      context.sink.apply(watched);
      return { resourceVersion: resourceVersionAfter(context.resourceVersion, watched), stats: { ...context.stats, events: context.stats.events + 1 } };
    }),
    recordBookmark: assign(({ context, event }) => ({ resourceVersion: resourceVersionAfter(context.resourceVersion, watchEventOf(event)!) })),
    recordGap: assign(({ context, event }) => ended(context, 'gap', new Error(`watch seq jumped from ${context.expectedSeq} to ${seqOf(event)}`))),
    recordExpired: assign(({ context, event }) => ended(context, 'expired', watchEventOf(event)?.object)),
    recordErrorEvent: assign(({ context, event }) => ended(context, 'error', watchEventOf(event)?.object)),
    recordStall: assign(({ context }) => ended(context, 'stalled', new Error(`watch silent for ${context.stallMs} ms`))),
    recordBroken: assign(({ context, event }) => ended(context, 'broken', event.type === 'WATCH.FAILED' ? event.error : undefined)),
    recordEnded: assign(({ context }) => ended(context, 'ended', undefined)),
    recordListFailure: assign(({ context, event }) => ended(context, 'list', (event as unknown as { error: unknown }).error)),
    countFailure: assign(({ context }) => ({
      failures: nextFailureCount(context.failures, context.lastFailureAtMs, context.clock.now(), context.tunables.backoffResetMs),
      lastFailureAtMs: context.clock.now(),
    })),
  },
}).createMachine({
  id: 'reflector',
  context: ({ input }) => {
    const tunables = resolveTunables(input.tunables);
    checkBackoffPolicy(tunables.backoff, 'reflector');
    return {
      client: input.client,
      resource: input.resource,
      scope: input.scope ?? {},
      sink: input.sink,
      random: input.random ?? input.client.random,
      clock: input.clock ?? input.client.clock,
      tunables,
      onError: input.onError ?? (() => undefined),
      resourceVersion: '',
      synced: false,
      expectedSeq: 1,
      stallMs: stallTimeoutMs(tunables, tunables.heartbeatMs),
      failures: 0,
      lastFailureAtMs: undefined,
      resume: false,
      lastEnd: undefined,
      stats: { lists: 0, relists: 0, watches: 0, events: 0, ends: {} },
    };
  },
  initial: 'listing',
  on: { STOP: '.stopped' },
  states: {
    listing: {
      entry: 'countList',
      invoke: {
        src: 'list',
        input: ({ context }) => ({ client: context.client, resource: context.resource, scope: context.scope, pageSize: context.tunables.pageSize }),
        onDone: { target: 'watching', actions: 'replaceStore' },
        onError: { target: 'backingOff', actions: 'recordListFailure' },
      },
    },
    relisting: {
      entry: ['countList', 'countRelist'],
      invoke: {
        src: 'list',
        input: ({ context }) => ({ client: context.client, resource: context.resource, scope: context.scope, pageSize: context.tunables.pageSize }),
        onDone: { target: 'watching', actions: 'replaceStore' },
        onError: { target: 'backingOff', actions: 'recordListFailure' },
      },
    },
    watching: {
      entry: 'startWatch',
      invoke: {
        src: 'watch',
        input: ({ context }) => ({
          client: context.client,
          resource: context.resource,
          scope: context.scope,
          resourceVersion: context.resourceVersion,
          heartbeatMs: context.tunables.heartbeatMs,
          timeoutSeconds: watchTimeoutSeconds(context.tunables, context.random.next()),
        }),
      },
      initial: 'live',
      states: {
        // Every message re-enters `live` (reenter: true on a transition of `live` itself), which
        // re-arms the stall timer without touching the watch invoked by the parent.
        live: {
          after: { stallTimeout: { target: '#reflector.backingOff', actions: 'recordStall' } },
          on: {
            'WATCH.OPENED': [
              { guard: 'seqGap', target: '#reflector.backingOff', actions: 'recordGap' },
              { guard: 'seqDuplicate' },
              { target: 'live', reenter: true, actions: ['acceptSeq', 'acceptOpened'] },
            ],
            'WATCH.HEARTBEAT': [
              { guard: 'seqGap', target: '#reflector.backingOff', actions: 'recordGap' },
              { guard: 'seqDuplicate' },
              { target: 'live', reenter: true, actions: 'acceptSeq' },
            ],
            'WATCH.EVENT': [
              { guard: 'seqGap', target: '#reflector.backingOff', actions: 'recordGap' },
              { guard: 'seqDuplicate' },
              { guard: 'expired', target: '#reflector.backingOff', actions: 'recordExpired' },
              { guard: 'errorEvent', target: '#reflector.backingOff', actions: 'recordErrorEvent' },
              { guard: 'bookmark', target: 'live', reenter: true, actions: ['acceptSeq', 'recordBookmark'] },
              { target: 'live', reenter: true, actions: ['acceptSeq', 'applyEvent'] },
            ],
          },
        },
      },
      on: {
        'WATCH.FAILED': { target: 'backingOff', actions: 'recordBroken' },
        'WATCH.ENDED': { target: 'backingOff', actions: 'recordEnded' },
      },
    },
    backingOff: {
      entry: 'countFailure',
      after: {
        backoff: [{ guard: 'canResume', target: 'watching' }, { guard: 'synced', target: 'relisting' }, { target: 'listing' }],
      },
    },
    stopped: { type: 'final' },
  },
});
