/*
 * One probe worker per (container, probe type) (pkg/kubelet/prober/worker.go).
 *
 *          CONTAINER_STARTED                 initialDelay        done
 *   idle ────────────────────> delaying ─────────────────> probing ──────> waiting
 *    ^                                                       ^  │ timeout   │ period
 *    │ CONTAINER_STOPPED (from any state)                    │  v           │
 *    │                                                       └──────────────┘
 *    │            liveness/startup failure reported: holding (until the next CONTAINER_STARTED)
 *    └──          startup success reported: succeeded (startup probes stop for this container)
 *   (any) --STOP--> stopped
 *
 * Invariants:
 * - results are counted per container id: CONTAINER_STARTED with a new id resets the counter to the
 *   initial result (readiness: failure; liveness, startup: success) and reports nothing;
 * - a result is reported (to the parent and as an emitted `probeResult`) only when it changes,
 *   after failureThreshold failures or successThreshold successes in a row;
 * - timers are XState delays with ids ('initialDelay', 'period', 'probeTimeout'), so a clock drives
 *   them; a probe that outlives timeoutSeconds counts as a failure even if its promise never settles;
 * - the period counts from the end of a probe (Kubernetes' ticker counts from its start: the two
 *   differ by at most the probe's duration).
 */

import { assign, enqueueActions, fromPromise, setup, type AnyActorRef } from 'xstate';
import type { Probe } from '@skiff/api';
import { countProbeResult, newProbeCounter, probeTiming, type ProbeCounter, type ProbeOutcome, type ProbeResult, type ProbeTiming, type ProbeType } from './probe.js';

export interface ProbeRequest {
  readonly probeType: ProbeType;
  readonly probe: Probe;
  readonly containerName: string;
  readonly containerId: string;
  /** Where tcpSocket and httpGet probes connect when they name no host. */
  readonly podIP: string;
  readonly timeoutMs: number;
}

export type ProbeRunner = (request: ProbeRequest) => Promise<ProbeOutcome>;

export interface ProbeWorkerInput {
  readonly probeType: ProbeType;
  readonly probe: Probe;
  readonly containerName: string;
  readonly run: ProbeRunner;
  /** Receives every ProbeResultEvent (the pod worker). */
  readonly parent?: AnyActorRef;
}

export interface ProbeResultEvent {
  readonly type: 'PROBE_RESULT';
  readonly probeType: ProbeType;
  readonly containerName: string;
  readonly containerId: string;
  readonly result: ProbeResult;
  readonly output: string;
}

export type ProbeWorkerEvent =
  | { readonly type: 'CONTAINER_STARTED'; readonly containerId: string; readonly podIP: string; readonly startedAtMs: number; readonly nowMs: number }
  | { readonly type: 'CONTAINER_STOPPED'; readonly containerId: string }
  | { readonly type: 'STOP' };

interface ProbeWorkerContext {
  readonly probeType: ProbeType;
  readonly probe: Probe;
  readonly containerName: string;
  readonly run: ProbeRunner;
  readonly parent: AnyActorRef | undefined;
  readonly timing: ProbeTiming;
  readonly containerId: string;
  readonly podIP: string;
  /** Initial delay still to wait, from the container's start time. */
  readonly delayMs: number;
  readonly counter: ProbeCounter;
  readonly hold: boolean;
  /** Set by the step that changed the result; `undefined` otherwise (assign merges, so it is cleared explicitly). */
  readonly pendingReport: ProbeResultEvent | undefined;
  readonly lastOutput: string;
}

function initialContext(input: ProbeWorkerInput): ProbeWorkerContext {
  return {
    probeType: input.probeType,
    probe: input.probe,
    containerName: input.containerName,
    run: input.run,
    parent: input.parent,
    timing: probeTiming(input.probe, input.probeType),
    containerId: '',
    podIP: '',
    delayMs: 0,
    counter: newProbeCounter(input.probeType),
    hold: false,
    pendingReport: undefined,
    lastOutput: '',
  };
}

/** A new container: reset the count; wait what is left of the initial delay since it started. */
function startContainer(ctx: ProbeWorkerContext, e: { containerId: string; podIP: string; startedAtMs: number; nowMs: number }): ProbeWorkerContext {
  const delayMs = Math.max(0, e.startedAtMs + ctx.timing.initialDelayMs - e.nowMs);
  return { ...ctx, containerId: e.containerId, podIP: e.podIP, delayMs, counter: newProbeCounter(ctx.probeType), hold: false, pendingReport: undefined };
}

function countOutcome(ctx: ProbeWorkerContext, outcome: ProbeOutcome): ProbeWorkerContext {
  const counted = countProbeResult(ctx.counter, outcome.result, ctx.timing, ctx.probeType);
  const base = { ...ctx, counter: counted.counter, hold: counted.hold, lastOutput: outcome.output, pendingReport: undefined };
  if (counted.report === undefined) return base;
  const report: ProbeResultEvent = { type: 'PROBE_RESULT', probeType: ctx.probeType, containerName: ctx.containerName, containerId: ctx.containerId, result: counted.report, output: outcome.output };
  return { ...base, pendingReport: report };
}

function failureOf(error: unknown): ProbeOutcome {
  return { result: 'failure', output: error instanceof Error ? error.message : String(error) };
}

function timeoutOutcome(ctx: ProbeWorkerContext): ProbeOutcome {
  return { result: 'failure', output: `probe timed out after ${ctx.timing.timeoutMs / 1000}s` };
}

const isCurrent = (ctx: ProbeWorkerContext, containerId: string): boolean => ctx.containerId === containerId;

export const probeWorkerMachine = setup({
  types: {
    context: {} as ProbeWorkerContext,
    events: {} as ProbeWorkerEvent,
    input: {} as ProbeWorkerInput,
    emitted: {} as ProbeResultEvent,
  },
  actors: {
    runProbe: fromPromise<ProbeOutcome, { run: ProbeRunner; request: ProbeRequest }>(({ input }) => input.run(input.request)),
  },
  delays: {
    initialDelay: ({ context }) => context.delayMs,
    period: ({ context }) => context.timing.periodMs,
    probeTimeout: ({ context }) => context.timing.timeoutMs,
  },
  guards: {
    isCurrentContainer: ({ context, event }) => 'containerId' in event && isCurrent(context, event.containerId),
    onHold: ({ context }) => context.hold,
    startupSucceeded: ({ context }) => context.probeType === 'startup' && context.counter.reported === 'success',
  },
  actions: {
    startContainer: assign(({ context, event }) => (event.type === 'CONTAINER_STARTED' ? startContainer(context, event) : context)),
    countOutcome: assign(({ context, event }) => countOutcome(context, (event as unknown as { output: ProbeOutcome }).output)),
    countError: assign(({ context, event }) => countOutcome(context, failureOf((event as unknown as { error: unknown }).error))),
    countTimeout: assign(({ context }) => countOutcome(context, timeoutOutcome(context))),
    report: enqueueActions(({ context, enqueue }) => {
      const report = context.pendingReport;
      if (report === undefined) return;
      enqueue.emit(report);
      if (context.parent !== undefined) enqueue.sendTo(context.parent, report);
    }),
  },
}).createMachine({
  id: 'probeWorker',
  context: ({ input }) => initialContext(input),
  initial: 'idle',
  on: {
    CONTAINER_STARTED: { target: '.delaying', actions: 'startContainer', reenter: true },
    CONTAINER_STOPPED: { guard: 'isCurrentContainer', target: '.idle' },
    STOP: '.stopped',
  },
  states: {
    idle: {},
    delaying: {
      after: { initialDelay: 'probing' },
    },
    probing: {
      invoke: {
        src: 'runProbe',
        input: ({ context }) => ({
          run: context.run,
          request: { probeType: context.probeType, probe: context.probe, containerName: context.containerName, containerId: context.containerId, podIP: context.podIP, timeoutMs: context.timing.timeoutMs },
        }),
        onDone: { target: 'counted', actions: ['countOutcome', 'report'] },
        onError: { target: 'counted', actions: ['countError', 'report'] },
      },
      after: { probeTimeout: { target: 'counted', actions: ['countTimeout', 'report'] } },
    },
    counted: {
      always: [{ guard: 'onHold', target: 'holding' }, { guard: 'startupSucceeded', target: 'succeeded' }, { target: 'waiting' }],
    },
    waiting: {
      after: { period: 'probing' },
    },
    holding: {},
    succeeded: {},
    stopped: { type: 'final' },
  },
});

export type ProbeWorkerMachine = typeof probeWorkerMachine;
