/*
 * One worker of a controller (DESIGN.md §4, client-go's processNextWorkItem loop): takes a key
 * from the workqueue, reconciles it, and tells the queue how it went.
 *
 *   idle --key--> reconciling --ok--> idle                         (forget: back-off reset)
 *     |                       --ok, requeueAfterMs--> idle        (addAfter)
 *     |                       --failed--> idle                    (addRateLimited: per-key back-off)
 *     |                       --failed maxRequeues times--> idle  (forget, reported as dropped)
 *     +--queue shut down--> stopped
 *
 * Invariants: every key taken is done() exactly once, after its reconcile settled (so the queue
 * never hands that key to a second worker meanwhile); the back-off lives in the queue's rate
 * limiter, so the worker itself never sleeps and takes the next key at once.
 */

import { assign, fromPromise, setup } from 'xstate';
import type { QueueGet, WorkQueue } from './workqueue.js';

/** What a reconcile may ask for besides success. */
export interface ReconcileResult {
  /** Reconcile this key again after this long (a periodic check, a pending deadline). */
  readonly requeueAfterMs?: number;
}

export type Reconcile<K> = (key: K) => Promise<ReconcileResult | void>;

export interface ControllerLoopInput<K> {
  readonly queue: WorkQueue<K>;
  readonly reconcile: Reconcile<K>;
  /** Failures of one key before it is dropped (client-go controllers use 5 to 15); default unbounded. */
  readonly maxRequeues?: number;
  readonly onError?: (key: K, error: unknown, dropped: boolean) => void;
}

interface ControllerLoopContext<K> {
  readonly queue: WorkQueue<K>;
  readonly reconcile: Reconcile<K>;
  readonly maxRequeues: number;
  readonly onError: (key: K, error: unknown, dropped: boolean) => void;
  readonly key: K | undefined;
  readonly reconciled: number;
  readonly failed: number;
}

type Done<T> = { readonly output: T };
type Failed = { readonly error: unknown };

export function createControllerLoopMachine<K>() {
  return setup({
    types: {
      context: {} as ControllerLoopContext<K>,
      input: {} as ControllerLoopInput<K>,
    },
    actors: {
      nextKey: fromPromise<QueueGet<K>, { queue: WorkQueue<K> }>(({ input, signal }) => input.queue.get(signal)),
      // async: a reconcile that throws before returning its promise fails like one that rejects.
      reconcile: fromPromise<ReconcileResult | void, { reconcile: Reconcile<K>; key: K }>(async ({ input }) => input.reconcile(input.key)),
    },
    guards: {
      shutDown: ({ event }) => (event as unknown as Done<QueueGet<K>>).output.shutdown,
      requeueAfter: ({ event }) => ((event as unknown as Done<ReconcileResult | undefined>).output?.requeueAfterMs ?? 0) > 0,
      retriesExhausted: ({ context }) => context.queue.numRequeues(context.key as K) + 1 >= context.maxRequeues,
    },
    actions: {
      takeKey: assign({ key: ({ event }) => ((event as unknown as Done<QueueGet<K>>).output as { item: K }).item }),
      forget: ({ context }) => context.queue.forget(context.key as K),
      requeueAfter: ({ context, event }) =>
        context.queue.addAfter(context.key as K, (event as unknown as Done<ReconcileResult>).output.requeueAfterMs ?? 0),
      requeueRateLimited: ({ context }) => context.queue.addRateLimited(context.key as K),
      markDone: ({ context }) => context.queue.done(context.key as K),
      countReconciled: assign({ reconciled: ({ context }) => context.reconciled + 1, key: undefined }),
      countFailed: assign({ failed: ({ context }) => context.failed + 1, key: undefined }),
      reportError: ({ context, event }) => context.onError(context.key as K, (event as unknown as Failed).error, false),
      reportDropped: ({ context, event }) => context.onError(context.key as K, (event as unknown as Failed).error, true),
    },
  }).createMachine({
    id: 'controllerLoop',
    context: ({ input }) => ({
      queue: input.queue,
      reconcile: input.reconcile,
      maxRequeues: input.maxRequeues ?? Number.POSITIVE_INFINITY,
      onError: input.onError ?? (() => undefined),
      key: undefined,
      reconciled: 0,
      failed: 0,
    }),
    initial: 'idle',
    states: {
      idle: {
        invoke: {
          src: 'nextKey',
          input: ({ context }) => ({ queue: context.queue }),
          onDone: [{ guard: 'shutDown', target: 'stopped' }, { target: 'reconciling', actions: 'takeKey' }],
        },
      },
      reconciling: {
        invoke: {
          src: 'reconcile',
          input: ({ context }) => ({ reconcile: context.reconcile, key: context.key as K }),
          onDone: [
            { guard: 'requeueAfter', target: 'idle', actions: ['forget', 'requeueAfter', 'markDone', 'countReconciled'] },
            { target: 'idle', actions: ['forget', 'markDone', 'countReconciled'] },
          ],
          onError: [
            { guard: 'retriesExhausted', target: 'idle', actions: ['forget', 'reportDropped', 'markDone', 'countFailed'] },
            { target: 'idle', actions: ['requeueRateLimited', 'reportError', 'markDone', 'countFailed'] },
          ],
        },
      },
      stopped: { type: 'final' },
    },
  });
}
