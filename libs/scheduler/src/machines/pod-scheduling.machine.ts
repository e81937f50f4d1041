/*
 * The scheduling of one pod as an explicit machine (DESIGN.md §4). The scheduler service may host
 * one per pending pod so `skiff inspect` shows where each pod is; the work itself (scheduleOne,
 * the cache, the Binding call) happens outside and reports here as events.
 *
 *            attempt              scheduled                bindingStarted          bound
 *   queued ─────────> scheduling ──────────> assumed ──────────────> binding ───────────> bound
 *     ^ ^                 │  │ nominated                │ forgotten    │ bindFailed
 *     │ │                 │  └──────────> preempting    │              │
 *     │ │                 │ unschedulable    │ victimsEvicted           │
 *     │ │                 v                  v          v              v
 *     │ │            unschedulable <─────────┘       backoff <─────────┘
 *     │ │   (5 min)    │   │ clusterEvent, still         │  ^   error: scheduling ─> backoff
 *     │ └──────────────┘   │ backing off ────────────────┘  │
 *     │                    └─ clusterEvent, back-off over ─> queued
 *     └───────────────── (back-off delay) ──────────────────┘
 *   deleted (from any state but bound) -> gone
 *
 * Invariants:
 * - attempts counts entries into `scheduling`; the back-off after a failure is
 *   initialBackoffMs * 2^(attempts-1), capped at maxBackoffMs, counted from the failure time that
 *   the failing event carries (nowMs), so the machine never reads a clock itself;
 * - timers are XState delays with explicit ids ('backoffTimer', 'unschedulableTimer'), so a
 *   SimulationClock drives them deterministically;
 * - `bound` and `gone` are final: a bound pod is never scheduled again.
 */
import { assign, cancel, raise, setup } from 'xstate';
import { enterBackoff, initialContext, recordFailure, remainingBackoffMs, type PodSchedulingContext, type PodSchedulingInput } from './pod-scheduling.js';

export type PodSchedulingEvent =
  | { readonly type: 'attempt' }
  | { readonly type: 'scheduled'; readonly nodeName: string }
  | { readonly type: 'unschedulable'; readonly message: string; readonly nowMs: number }
  | { readonly type: 'nominated'; readonly nodeName: string; readonly message: string; readonly nowMs: number }
  | { readonly type: 'error'; readonly message: string; readonly nowMs: number }
  | { readonly type: 'victimsEvicted' }
  | { readonly type: 'bindingStarted' }
  | { readonly type: 'bound' }
  | { readonly type: 'bindFailed'; readonly message: string; readonly nowMs: number }
  | { readonly type: 'forgotten'; readonly message: string; readonly nowMs: number }
  | { readonly type: 'clusterEvent'; readonly nowMs: number }
  | { readonly type: 'deleted' }
  /** Raised by the machine's own timers; never send these. */
  | { readonly type: 'backoffExpired' }
  | { readonly type: 'unschedulableTimeout' };

type Failure = Extract<PodSchedulingEvent, { nowMs: number; message: string }>;

export const podSchedulingMachine = setup({
  types: {
    context: {} as PodSchedulingContext,
    events: {} as PodSchedulingEvent,
    input: {} as PodSchedulingInput,
  },
  delays: {
    backoffDelay: ({ context }) => context.backoffRemainingMs,
    unschedulableTimeout: ({ context }) => context.maxInUnschedulableMs,
  },
  guards: {
    backoffOver: ({ context, event }) => remainingBackoffMs(context, (event as { nowMs: number }).nowMs) === 0,
  },
  actions: {
    countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
    recordNode: assign({ nodeName: ({ event }) => (event as { nodeName: string }).nodeName }),
    recordFailure: assign(({ context, event }) => enterBackoff(recordFailure(context, (event as Failure).message, (event as Failure).nowMs), (event as Failure).nowMs)),
    recordNomination: assign(({ context, event }) => {
      const e = event as Extract<PodSchedulingEvent, { type: 'nominated' }>;
      return recordFailure(context, e.message, e.nowMs, e.nodeName);
    }),
    recordBackoff: assign(({ context, event }) => enterBackoff(context, (event as { nowMs: number }).nowMs)),
    startBackoffTimer: raise({ type: 'backoffExpired' }, { id: 'backoffTimer', delay: 'backoffDelay' }),
    cancelBackoffTimer: cancel('backoffTimer'),
    startUnschedulableTimer: raise({ type: 'unschedulableTimeout' }, { id: 'unschedulableTimer', delay: 'unschedulableTimeout' }),
    cancelUnschedulableTimer: cancel('unschedulableTimer'),
  },
}).createMachine({
  id: 'podScheduling',
  context: ({ input }) => initialContext(input),
  initial: 'queued',
  on: { deleted: '.gone' },
  states: {
    queued: { on: { attempt: { target: 'scheduling', actions: 'countAttempt' } } },
    scheduling: {
      on: {
        scheduled: { target: 'assumed', actions: 'recordNode' },
        unschedulable: { target: 'unschedulable', actions: 'recordFailure' },
        nominated: { target: 'preempting', actions: 'recordNomination' },
        error: { target: 'backoff', actions: 'recordFailure' },
      },
    },
    preempting: { on: { victimsEvicted: 'unschedulable' } },
    assumed: {
      on: {
        bindingStarted: 'binding',
        forgotten: { target: 'backoff', actions: 'recordFailure' },
      },
    },
    binding: {
      on: {
        bound: 'bound',
        bindFailed: { target: 'backoff', actions: 'recordFailure' },
      },
    },
    unschedulable: {
      entry: 'startUnschedulableTimer',
      exit: 'cancelUnschedulableTimer',
      on: {
        unschedulableTimeout: 'queued',
        clusterEvent: [
          { guard: 'backoffOver', target: 'queued' },
          { target: 'backoff', actions: 'recordBackoff' },
        ],
      },
    },
    backoff: { entry: 'startBackoffTimer', exit: 'cancelBackoffTimer', on: { backoffExpired: 'queued' } },
    bound: { type: 'final' },
    gone: { type: 'final' },
  },
});
