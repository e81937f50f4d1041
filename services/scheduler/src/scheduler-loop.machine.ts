/*
 * The scheduling loop of one scheduler instance (kube-scheduler's `wait.UntilWithContext(sched.ScheduleOne)`
 * run only while this instance leads):
 *
 *   standby ──LEADING──> leading.idle ──WAKE / after idlePollMs──> leading.scheduling
 *      ^                      ^                                          │ (one cycle: pop, schedule,
 *      │                      └──── done: queue empty ──────────────────┤  assume, start binding)
 *      │                                  done: more to do ─> scheduling ┘
 *      └──────────── STOPPED_LEADING (from any leading state) ───────────
 *   any ──STOP──> stopped (final)
 *
 * Invariants:
 * - at most one scheduling cycle runs at a time (cycles share the cache and the queue);
 * - no cycle starts outside `leading`: only the elected instance binds pods;
 * - the idle poll (a named delay, so a clock drives it) is a safety net: WAKE from the queue is the
 *   usual way out of `idle` (it also lets backed-off pods return without an event).
 */
import { fromPromise, setup } from 'xstate';

export interface SchedulerLoopInput {
  /** Runs one cycle; resolves true when a pod was popped (there may be more). */
  readonly cycle: () => Promise<boolean>;
  readonly idlePollMs: number;
}

export type SchedulerLoopEvent =
  | { readonly type: 'LEADING' }
  | { readonly type: 'STOPPED_LEADING' }
  | { readonly type: 'WAKE' }
  | { readonly type: 'STOP' };

const didWork = (event: unknown): boolean => (event as { output: boolean }).output;

export const schedulerLoopMachine = setup({
  types: {
    input: {} as SchedulerLoopInput,
    context: {} as { readonly input: SchedulerLoopInput; readonly cycles: number },
    events: {} as SchedulerLoopEvent,
  },
  actors: {
    runCycle: fromPromise<boolean, SchedulerLoopInput>(({ input }) => input.cycle()),
  },
  delays: {
    idlePoll: ({ context }) => context.input.idlePollMs,
  },
  guards: {
    poppedPod: ({ event }) => didWork(event),
  },
}).createMachine({
  id: 'scheduler-loop',
  context: ({ input }) => ({ input, cycles: 0 }),
  initial: 'standby',
  on: { STOP: '.stopped' },
  states: {
    standby: { on: { LEADING: 'leading' } },
    leading: {
      initial: 'scheduling',
      on: { STOPPED_LEADING: 'standby' },
      states: {
        idle: {
          on: { WAKE: 'scheduling' },
          after: { idlePoll: 'scheduling' },
        },
        scheduling: {
          invoke: {
            src: 'runCycle',
            input: ({ context }) => context.input,
            onDone: [{ guard: 'poppedPod', target: 'scheduling', reenter: true }, { target: 'idle' }],
            // A cycle never throws by design (it reports its own failures); if one does, wait a poll.
            onError: 'idle',
          },
        },
      },
    },
    stopped: { type: 'final' },
  },
});
