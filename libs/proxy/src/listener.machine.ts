/*
 * One proxy listener (DESIGN.md §4: "Proxy listener per service port"): an ip:port/protocol the
 * proxy accepts connections on and forwards to the endpoints of one service port.
 *
 *   active (invokes `socket`; `update` anywhere in it reconfigures the socket in place)
 *   ┌─────────────────────────────────────────────────────────────────────────┐
 *   │ opening ──opened──> serving ──drain──> draining ──drained──────────────┼──> closed (final)
 *   │  │   ^                                   └──after drainTimeout (cut)───┼──>
 *   │  │   └──after openBackoff──┐                                           │
 *   │  └─openFailed─> backingOff ┘        opening/backingOff ──drain─────────┼──>
 *   └─────────────────────────────────────────────────────────────────────────┘
 *
 * Invariants:
 * - the socket actor lives exactly as long as `active`: leaving it (closed) stops the socket,
 *   which closes the server and destroys any connection still open;
 * - `listen` is sent once per entry to `opening`, so at most one bind attempt is in flight;
 * - an update never closes the listening socket: only new connections see the new endpoints,
 *   established ones keep their endpoint until they end (a drain of the endpoint, not a cut);
 * - every bind failure is reported (emitted `openFailed`) and retried after a back-off that grows
 *   up to a ceiling; timers are XState delays on the actor's clock.
 * The socket is an actor the adapter provides (`listenerMachine.provide({ actors: { socket } })`);
 * the default one does nothing, which is what machine tests want.
 */

import { assign, emit, fromCallback, sendTo, setup } from 'xstate';
import type { Listener } from './listener.js';
import { openBackoffMs, resolveListenerTunables, type ListenerTunables, type OpenError } from './listener-policy.js';

export interface ListenerInput {
  readonly listener: Listener;
  readonly tunables?: Partial<ListenerTunables>;
}

export interface ListenerContext {
  readonly listener: Listener;
  readonly tunables: ListenerTunables;
  /** Consecutive failed bind attempts. */
  readonly openFailures: number;
  readonly lastError: OpenError | undefined;
}

export type ListenerEvent =
  | { readonly type: 'opened' }
  | { readonly type: 'openFailed'; readonly error: OpenError }
  | { readonly type: 'update'; readonly listener: Listener }
  | { readonly type: 'drain' }
  | { readonly type: 'drained' };

/** What the machine asks of its socket actor. */
export type SocketCommand = { readonly type: 'listen' } | { readonly type: 'update'; readonly listener: Listener } | { readonly type: 'drain' };

export interface SocketInput {
  readonly listener: Listener;
}

/** Reported to observers (`actor.on(type, ...)`). */
export type ListenerEmitted =
  | { readonly type: 'openFailed'; readonly key: string; readonly error: OpenError; readonly failures: number; readonly retryInMs: number }
  | { readonly type: 'drainTimedOut'; readonly key: string };

const failureOf = (event: ListenerEvent): OpenError => (event.type === 'openFailed' ? event.error : { code: 'UNKNOWN', message: 'unknown' });
const listenerOf = (context: ListenerContext, event: ListenerEvent): Listener => (event.type === 'update' ? event.listener : context.listener);

export const listenerMachine = setup({
  types: {
    context: {} as ListenerContext,
    events: {} as ListenerEvent,
    input: {} as ListenerInput,
    emitted: {} as ListenerEmitted,
  },
  actors: {
    socket: fromCallback<SocketCommand, SocketInput>(() => undefined),
  },
  delays: {
    openBackoff: ({ context }) => openBackoffMs(context.openFailures, context.tunables),
    drainTimeout: ({ context }) => context.tunables.drainTimeoutMs,
  },
  actions: {
    listen: sendTo('socket', { type: 'listen' }),
    drainSocket: sendTo('socket', { type: 'drain' }),
    reconfigureSocket: sendTo('socket', ({ context }) => ({ type: 'update', listener: context.listener })),
    setListener: assign({ listener: ({ context, event }) => listenerOf(context, event) }),
    recordOpenFailure: assign({ openFailures: ({ context }) => context.openFailures + 1, lastError: ({ event }) => failureOf(event) }),
    resetOpenFailures: assign({ openFailures: 0, lastError: undefined }),
    reportOpenFailed: emit(({ context }) => ({
      type: 'openFailed' as const,
      key: context.listener.key,
      error: context.lastError ?? failureOf({ type: 'drain' }),
      failures: context.openFailures,
      retryInMs: openBackoffMs(context.openFailures, context.tunables),
    })),
    reportDrainTimedOut: emit(({ context }) => ({ type: 'drainTimedOut' as const, key: context.listener.key })),
  },
}).createMachine({
  id: 'proxyListener',
  context: ({ input }) => ({ listener: input.listener, tunables: resolveListenerTunables(input.tunables), openFailures: 0, lastError: undefined }),
  initial: 'active',
  states: {
    active: {
      invoke: { id: 'socket', src: 'socket', input: ({ context }) => ({ listener: context.listener }) },
      on: { update: { actions: ['setListener', 'reconfigureSocket'] } },
      initial: 'opening',
      states: {
        opening: {
          entry: 'listen',
          on: {
            opened: { target: 'serving', actions: 'resetOpenFailures' },
            openFailed: { target: 'backingOff', actions: ['recordOpenFailure', 'reportOpenFailed'] },
            drain: { target: '#proxyListener.closed' },
          },
        },
        backingOff: {
          after: { openBackoff: { target: 'opening' } },
          on: { drain: { target: '#proxyListener.closed' } },
        },
        serving: {
          on: { drain: { target: 'draining' } },
        },
        draining: {
          entry: 'drainSocket',
          on: { drained: { target: '#proxyListener.closed' } },
          after: { drainTimeout: { target: '#proxyListener.closed', actions: 'reportDrainTimedOut' } },
        },
      },
    },
    closed: { type: 'final' },
  },
});

export type ListenerMachine = typeof listenerMachine;
