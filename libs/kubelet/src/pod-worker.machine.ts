/*
 * One pod worker per pod (pkg/kubelet/pod_workers.go + kuberuntime SyncPod), as a machine.
 *
 *   pending ──prepared──> sync ──createSandbox──> sandbox ──> sync
 *     │ (volumes failed)   │ ├──kill──> killing ──> killed ──starts──> pulling ──> pulled ──> starting ──> sync
 *     v                    │ ├──start─────────────────────────────────>┘                      │ (pull failed: no starts)
 *   pendingRetry           │ ├──back-off──> backOff ──(backOff timer | event)──> sync          └──> sync
 *                          │ ├──nothing to do──> running ──(exit, probe, update, resync)──> sync
 *                          │ └──terminate (deleted, evicted, done)──> terminating ──> terminated (final)
 *
 * `sync` is a decision point: it plans with the pure planPodSync (computePodActions + back-off)
 * and leaves at once by the plan's type. "pending -> sandbox -> pulling -> starting -> running ->
 * terminating -> terminated" of the pod's life is the path a healthy pod takes through it.
 *
 * Invariants:
 * - a plan is carried out whole: the containers a sync kills (changed spec, failed liveness) are
 *   the ones it then starts, without re-planning between the kill and the start;
 * - crash-loop back-off is 10 s doubling to 5 min per (container, spec hash), reset after 10 min
 *   without a restart (backoff.ts); its timer is the delayed event of `backOff` (a clock drives it);
 * - TERMINATE (or an update with a deletionTimestamp) wins: from pending, pendingRetry, pulling,
 *   running and backOff at once; sandbox, killing and starting finish first, so that no container
 *   they create is left behind, then sync goes to terminating;
 * - container exits are recorded from any state; an exit for an instance whose start has not
 *   returned yet is kept and applied when it returns;
 * - one probe worker per (container, probe) is spawned at start; startup probes gate liveness and
 *   readiness; every worker hears when its container stops, and all stop when the pod terminates;
 * - the API status is recomputed at every sync and emitted (`podStatus`) only when it changed.
 */

import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import type { Container, Pod, PodStatus } from '@skiff/api';
import { probeWorkerMachine, type ProbeResultEvent } from './probe-worker.machine.js';
import {
  backOffDelayMs,
  initialPodWorkerContext,
  killList,
  liveRefs,
  probesToStart,
  probeWorkerId,
  probeWorkerSpecs,
  startedRegular,
  startList,
  terminationGraceSeconds,
  withExits,
  withPlan,
  withPrepareError,
  withProbeResult,
  withPullResults,
  withSandbox,
  withSandboxError,
  withStartResults,
  withStatus,
  withTermination,
  withUpdate,
  type LiveContainerRef,
  type PodWorkerContext,
  type PodWorkerInput,
  type PodWorkerRuntime,
  type SandboxInfo,
} from './pod-worker.js';
import { killGracePeriodSeconds, specContainer, SYNC_RETRY_MS, type ContainerStart, type PullResult, type StartResult, type TerminationRequest } from './pod-sync.js';
import { findContainerStatus, type ContainerExit } from './runtime-status.js';
import type { ContainerToKill } from './pod-actions.js';
import { backOffEvents, killEvents, prepareErrorEvents, probeEvents, pullEvents, startEvents, terminationEvents, type PodEvent } from './pod-events.js';

export type PodWorkerEvent =
  | { readonly type: 'UPDATE'; readonly pod: Pod }
  | { readonly type: 'CONTAINER_EXITED'; readonly exit: ContainerExit }
  | ProbeResultEvent
  | ({ readonly type: 'TERMINATE' } & TerminationRequest)
  | { readonly type: 'SYNC' };

export interface PodStatusEvent {
  readonly type: 'podStatus';
  readonly status: PodStatus;
}

interface DepsInput {
  readonly deps: PodWorkerRuntime;
  readonly pod: Pod;
}

async function pullImages(input: DepsInput & { readonly starts: readonly ContainerStart[] }): Promise<PullResult[]> {
  const results: PullResult[] = [];
  for (const s of input.starts) {
    const container = specContainer(input.pod, s.name, s.kind);
    const image = container?.image ?? '';
    if (container === undefined) continue;
    try {
      results.push({ name: s.name, image, imageRef: await input.deps.pullImage(input.pod, container) });
    } catch (e) {
      results.push({ name: s.name, image, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return results;
}

/** In spec order, one after another, as SyncPod starts them. */
async function startContainers(input: DepsInput & { readonly sandbox: SandboxInfo; readonly starts: readonly ContainerStart[] }): Promise<StartResult[]> {
  const results: StartResult[] = [];
  for (const s of input.starts) {
    const container: Container | undefined = specContainer(input.pod, s.name, s.kind);
    if (container === undefined) continue;
    results.push(await input.deps.startContainer(input.pod, input.sandbox, container, s));
  }
  return results;
}

function killContainers(input: DepsInput & { readonly kill: readonly ContainerToKill[]; readonly live: readonly LiveContainerRef[] }): Promise<ContainerExit[]> {
  return Promise.all(
    input.kill.map((k) => {
      const kind = input.live.find((l) => l.containerId === k.containerId)?.kind ?? 'regular';
      return input.deps.killContainer(input.pod, { containerId: k.containerId, name: k.name, kind }, killGracePeriodSeconds(input.pod, k));
    }),
  );
}

type Ctx = { context: PodWorkerContext };
type Done<T> = { output: T };

const onLifecycle = {
  CONTAINER_EXITED: { target: 'sync', actions: ['recordExit', 'stopProbesOfExit'] },
  PROBE_RESULT: { target: 'sync', actions: ['recordProbeResult', 'startProbesAfterStartup', 'emitProbeEvents'] },
  UPDATE: { target: 'sync', actions: 'recordUpdate' },
  TERMINATE: { target: 'terminating', actions: 'recordTermination' },
  SYNC: { target: 'sync' },
} as const;

export const podWorkerMachine = setup({
  types: {
    context: {} as PodWorkerContext,
    events: {} as PodWorkerEvent,
    input: {} as PodWorkerInput,
    emitted: {} as PodStatusEvent | PodEvent,
  },
  actors: {
    probeWorker: probeWorkerMachine,
    preparePod: fromPromise<void, DepsInput>(({ input }) => input.deps.preparePod(input.pod)),
    createSandbox: fromPromise<SandboxInfo, DepsInput & { attempt: number; sandboxId?: string; live: LiveContainerRef[] }>(({ input }) =>
      input.deps.createSandbox(input.pod, input.attempt, input.sandboxId === undefined ? { live: input.live } : { sandboxId: input.sandboxId, live: input.live }),
    ),
    killContainers: fromPromise<ContainerExit[], DepsInput & { kill: readonly ContainerToKill[]; live: readonly LiveContainerRef[] }>(({ input }) => killContainers(input)),
    pullImages: fromPromise<PullResult[], DepsInput & { starts: readonly ContainerStart[] }>(({ input }) => pullImages(input)),
    startContainers: fromPromise<StartResult[], DepsInput & { sandbox: SandboxInfo; starts: readonly ContainerStart[] }>(({ input }) => startContainers(input)),
    killPod: fromPromise<ContainerExit[], DepsInput & { sandboxId?: string; gracePeriodSeconds: number }>(({ input }) =>
      input.deps.killPod(input.pod, input.sandboxId, input.gracePeriodSeconds),
    ),
  },
  delays: {
    backOff: ({ context }) => backOffDelayMs(context),
    syncRetry: SYNC_RETRY_MS,
  },
  guards: {
    planTerminate: ({ context }) => context.plan.type === 'terminate',
    planCreateSandbox: ({ context }) => context.plan.type === 'createSandbox',
    planKill: ({ context }) => killList(context).length > 0,
    planStart: ({ context }) => startList(context).length > 0,
    planBackOff: ({ context }) => context.plan.type === 'wait' && context.plan.untilMs !== undefined,
    hasStarts: ({ context }) => startList(context).length > 0,
  },
  actions: {
    spawnProbeWorkers: enqueueActions(({ context, enqueue, self }) => {
      for (const spec of probeWorkerSpecs(context.pod)) {
        const container = specContainer(context.pod, spec.containerName, 'regular')!;
        const probe = spec.probeType === 'startup' ? container.startupProbe! : spec.probeType === 'liveness' ? container.livenessProbe! : container.readinessProbe!;
        const deps = context.deps;
        const pod = context.pod;
        enqueue.spawnChild('probeWorker', { id: spec.id, input: { probeType: spec.probeType, probe, containerName: spec.containerName, run: (req) => deps.probe(pod, req), parent: self } });
      }
    }),
    plan: assign(({ context }: Ctx) => withPlan(context)),
    computeStatus: assign(({ context }: Ctx) => withStatus(context)),
    emitStatus: enqueueActions(({ context, enqueue }) => {
      if (context.statusChanged && context.status !== undefined) enqueue.emit({ type: 'podStatus', status: context.status });
    }),
    markTerminal: assign({ podIsTerminal: true }),
    emitPullEvents: enqueueActions(({ context, enqueue, event }) => {
      for (const e of pullEvents(startList(context), (event as unknown as Done<PullResult[]>).output)) enqueue.emit(e);
    }),
    emitPrepareErrorEvents: enqueueActions(({ context, enqueue }) => {
      for (const e of prepareErrorEvents(context.lastError)) enqueue.emit(e);
    }),
    emitStartEvents: enqueueActions(({ enqueue, event }) => {
      for (const e of startEvents((event as unknown as Done<StartResult[]>).output)) enqueue.emit(e);
    }),
    emitKillEvents: enqueueActions(({ context, enqueue }) => {
      const kindOf = (name: string) => liveRefs(context).find((l) => l.name === name)?.kind ?? 'regular';
      for (const e of killEvents(killList(context), kindOf)) enqueue.emit(e);
    }),
    emitTerminationEvents: enqueueActions(({ context, enqueue }) => {
      for (const e of terminationEvents(liveRefs(context))) enqueue.emit(e);
    }),
    emitProbeEvents: enqueueActions(({ enqueue, event }) => {
      if (event.type === 'PROBE_RESULT') for (const e of probeEvents(event)) enqueue.emit(e);
    }),
    emitBackOffEvents: enqueueActions(({ context, enqueue }) => {
      if (context.plan.type === 'wait') for (const e of backOffEvents(context.pod, context.plan.blocked)) enqueue.emit(e);
    }),
    recordPrepareError: assign(({ context, event }) => withPrepareError(context, (event as unknown as { error: unknown }).error)),
    recordSandbox: assign(({ context, event }) => withSandbox(context, (event as unknown as Done<SandboxInfo>).output)),
    recordSandboxError: assign(({ context, event }) => withSandboxError(context, (event as unknown as { error: unknown }).error)),
    recordKills: assign(({ context, event }) => withExits(context, (event as unknown as Done<ContainerExit[]>).output)),
    recordPulls: assign(({ context, event }) => withPullResults(context, (event as unknown as Done<PullResult[]>).output)),
    recordStarts: assign(({ context, event }) => withStartResults(context, (event as unknown as Done<StartResult[]>).output)),
    recordExit: assign(({ context, event }) => (event.type === 'CONTAINER_EXITED' ? withExits(context, [event.exit]) : context)),
    recordProbeResult: assign(({ context, event }) => (event.type === 'PROBE_RESULT' ? withProbeResult(context, event) : context)),
    recordUpdate: assign(({ context, event }) => (event.type === 'UPDATE' ? withUpdate(context, event.pod) : context)),
    recordTermination: assign(({ context, event }) => (event.type === 'TERMINATE' ? withTermination(context, event) : context)),
    startProbes: enqueueActions(({ context, enqueue, event }) => {
      for (const c of startedRegular((event as unknown as Done<StartResult[]>).output)) {
        if (findContainerStatus(context.runtime, c.name, 'regular')?.state !== 'running') continue;
        for (const type of probesToStart(context.pod, c.name, context.startedIds.has(c.id))) {
          enqueue.sendTo(probeWorkerId(c.name, type), { type: 'CONTAINER_STARTED', containerId: c.id, podIP: context.sandbox?.podIP ?? '', startedAtMs: c.startedAtMs, nowMs: context.now() });
        }
      }
    }),
    startProbesAfterStartup: enqueueActions(({ context, enqueue, event }) => {
      if (event.type !== 'PROBE_RESULT' || event.probeType !== 'startup' || !context.startedIds.has(event.containerId)) return;
      const c = findContainerStatus(context.runtime, event.containerName, 'regular');
      if (c === undefined) return;
      for (const type of probesToStart(context.pod, c.name, true)) {
        enqueue.sendTo(probeWorkerId(c.name, type), { type: 'CONTAINER_STARTED', containerId: c.id, podIP: context.sandbox?.podIP ?? '', startedAtMs: c.startedAtMs, nowMs: context.now() });
      }
    }),
    stopProbesOfExit: enqueueActions(({ context, enqueue, event, self }) => {
      const exits = event.type === 'CONTAINER_EXITED' ? [event.exit] : ((event as unknown as Done<ContainerExit[]>).output ?? []);
      // A probe worker that already finished (stopped with its pod) has nothing to hear.
      const children = self.getSnapshot().children as Record<string, { getSnapshot(): { status: string } } | undefined>;
      for (const exit of exits) {
        const name = context.runtime.containers.find((c) => c.id === exit.containerId)?.name;
        if (name === undefined) continue;
        for (const spec of probeWorkerSpecs(context.pod).filter((s) => s.containerName === name)) {
          if (children[spec.id]?.getSnapshot().status === 'active') enqueue.sendTo(spec.id, { type: 'CONTAINER_STOPPED', containerId: exit.containerId });
        }
      }
    }),
    stopAllProbes: enqueueActions(({ context, enqueue }) => {
      for (const spec of probeWorkerSpecs(context.pod)) enqueue.sendTo(spec.id, { type: 'STOP' });
    }),
  },
}).createMachine({
  id: 'podWorker',
  context: ({ input }) => initialPodWorkerContext(input),
  entry: 'spawnProbeWorkers',
  initial: 'pending',
  on: {
    CONTAINER_EXITED: { actions: ['recordExit', 'stopProbesOfExit'] },
    PROBE_RESULT: { actions: ['recordProbeResult', 'startProbesAfterStartup', 'emitProbeEvents'] },
    UPDATE: { actions: 'recordUpdate' },
    TERMINATE: { actions: 'recordTermination' },
  },
  states: {
    pending: {
      invoke: {
        src: 'preparePod',
        input: ({ context }) => ({ deps: context.deps, pod: context.pod }),
        onDone: 'sync',
        onError: { target: 'pendingRetry', actions: ['recordPrepareError', 'emitPrepareErrorEvents', 'computeStatus', 'emitStatus'] },
      },
      on: { TERMINATE: { target: 'terminating', actions: 'recordTermination' } },
    },
    pendingRetry: {
      after: { syncRetry: 'pending' },
      on: { TERMINATE: { target: 'terminating', actions: 'recordTermination' } },
    },
    sync: {
      entry: ['plan', 'computeStatus', 'emitStatus'],
      always: [
        { guard: 'planTerminate', target: 'terminating' },
        { guard: 'planCreateSandbox', target: 'sandbox' },
        { guard: 'planKill', target: 'killing' },
        { guard: 'planStart', target: 'pulling' },
        { guard: 'planBackOff', target: 'backOff' },
        { target: 'running' },
      ],
    },
    sandbox: {
      invoke: {
        src: 'createSandbox',
        input: ({ context }) => ({
          deps: context.deps,
          pod: context.pod,
          attempt: context.plan.type === 'createSandbox' ? context.plan.attempt : 0,
          live: liveRefs(context),
          ...(context.sandbox !== undefined ? { sandboxId: context.sandbox.id } : {}),
        }),
        onDone: { target: 'sync', actions: 'recordSandbox' },
        onError: { target: 'sync', actions: 'recordSandboxError' },
      },
    },
    killing: {
      entry: 'emitKillEvents',
      invoke: {
        src: 'killContainers',
        input: ({ context }) => ({ deps: context.deps, pod: context.pod, kill: killList(context), live: liveRefs(context) }),
        onDone: { target: 'killed', actions: ['recordKills', 'stopProbesOfExit'] },
        onError: { target: 'sync' },
      },
    },
    killed: {
      always: [{ guard: 'hasStarts', target: 'pulling' }, { target: 'sync' }],
    },
    pulling: {
      invoke: {
        src: 'pullImages',
        input: ({ context }) => ({ deps: context.deps, pod: context.pod, starts: startList(context) }),
        onDone: { target: 'pulled', actions: ['recordPulls', 'emitPullEvents'] },
        onError: { target: 'sync' },
      },
      on: { TERMINATE: { target: 'terminating', actions: 'recordTermination' } },
    },
    pulled: {
      always: [{ guard: 'hasStarts', target: 'starting' }, { target: 'sync' }],
    },
    starting: {
      invoke: {
        src: 'startContainers',
        input: ({ context }) => ({ deps: context.deps, pod: context.pod, sandbox: context.sandbox!, starts: startList(context) }),
        onDone: { target: 'sync', actions: ['recordStarts', 'startProbes', 'emitStartEvents'] },
        onError: { target: 'sync' },
      },
    },
    running: { on: onLifecycle },
    backOff: {
      entry: 'emitBackOffEvents',
      after: { backOff: 'sync' },
      on: onLifecycle,
    },
    terminating: {
      entry: ['stopAllProbes', 'emitTerminationEvents'],
      invoke: {
        src: 'killPod',
        input: ({ context }) => ({
          deps: context.deps,
          pod: context.pod,
          gracePeriodSeconds: terminationGraceSeconds(context),
          ...(context.sandbox !== undefined ? { sandboxId: context.sandbox.id } : {}),
        }),
        onDone: { target: 'terminated', actions: 'recordKills' },
        onError: { target: 'terminated' },
      },
    },
    terminated: {
      type: 'final',
      entry: ['markTerminal', 'computeStatus', 'emitStatus'],
    },
  },
});

export type PodWorkerMachine = typeof podWorkerMachine;
