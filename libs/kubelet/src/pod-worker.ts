// The pod worker's context and the pure steps its machine takes (pod-worker.machine.ts). The
// runtime port (PodWorkerRuntime) is what the worker calls; kubelet-runtime.ts implements it over a
// CRI ContainerRuntime.
import type { Container, Pod, PodStatus } from '@skiff/api';
import { noProbeFailures, type ContainerToKill } from './pod-actions.js';
import { generatePodStatus } from './pod-status.js';
import type { ProbeOutcome, ProbeType } from './probe.js';
import type { ProbeRequest, ProbeResultEvent } from './probe-worker.machine.js';
import {
  applyExits,
  applyPullResults,
  applyStartResults,
  isUnknownExit,
  planPodSync,
  podGracePeriodSeconds,
  specContainer,
  SYNC_RETRY_MS,
  waitingReasons,
  type ContainerStart,
  type PodSyncPlan,
  type PodSyncState,
  type PullResult,
  type StartResult,
  type TerminationRequest,
} from './pod-sync.js';
import { emptyRuntimePodStatus, findContainerStatus, liveContainers, purgeInitContainers, type ContainerExit, type ContainerKind, type RuntimeContainerStatus } from './runtime-status.js';

export interface SandboxInfo {
  readonly id: string;
  readonly podIP: string;
  readonly attempt: number;
}

export interface LiveContainerRef {
  readonly containerId: string;
  readonly name: string;
  readonly kind: ContainerKind;
}

/** What a pod worker needs from the node: one implementation per runtime (kubelet-runtime.ts). */
export interface PodWorkerRuntime {
  /** Prefix of container ids in the pod status (`process://...`). */
  readonly runtimeName: string;
  /** Pod data folder and volumes. Rejects with a message (FailedMount) to be retried. */
  preparePod(pod: Pod): Promise<void>;
  /** Ends what is left of the pod in its old sandbox, then runs a new sandbox. */
  createSandbox(pod: Pod, attempt: number, old: { readonly sandboxId?: string; readonly live: readonly LiveContainerRef[] }): Promise<SandboxInfo>;
  /** Honours imagePullPolicy; resolves to the image reference, rejects with the pull error. */
  pullImage(pod: Pod, container: Container): Promise<string>;
  /** Configures, creates and starts a container; a failure is a result, not a rejection. */
  startContainer(pod: Pod, sandbox: SandboxInfo, container: Container, start: ContainerStart): Promise<StartResult>;
  /** preStop hook, then SIGTERM, then SIGKILL after the grace period; resolves with the exit. */
  killContainer(pod: Pod, target: LiveContainerRef, gracePeriodSeconds: number): Promise<ContainerExit>;
  /** Kills every container of the sandbox (gracefully, preStop hooks first) and stops the sandbox. */
  killPod(pod: Pod, sandboxId: string | undefined, gracePeriodSeconds: number): Promise<ContainerExit[]>;
  probe(pod: Pod, request: ProbeRequest): Promise<ProbeOutcome>;
}

export interface PodWorkerInput {
  readonly pod: Pod;
  readonly runtime: PodWorkerRuntime;
  /** Milliseconds now: the same clock that drives the actor. */
  readonly now: () => number;
  readonly hostIP?: string;
}

export interface PodWorkerContext extends PodSyncState {
  readonly deps: PodWorkerRuntime;
  readonly now: () => number;
  readonly hostIP: string;
  readonly sandbox?: SandboxInfo;
  readonly plan: PodSyncPlan;
  /** Exits that arrived before the start that created their container returned. */
  readonly pendingExits: readonly ContainerExit[];
  readonly readyIds: ReadonlySet<string>;
  readonly startedIds: ReadonlySet<string>;
  readonly podIsTerminal: boolean;
  readonly startTimeMs: number;
  readonly status?: PodStatus;
  readonly statusChanged: boolean;
  /** The last error that stopped a sync (volumes, sandbox), for events and the status message. */
  readonly lastError: string;
}

export function initialPodWorkerContext(input: PodWorkerInput): PodWorkerContext {
  return {
    pod: input.pod,
    deps: input.runtime,
    now: input.now,
    hostIP: input.hostIP ?? '',
    runtime: emptyRuntimePodStatus,
    probeFailures: noProbeFailures,
    backOff: {},
    imageBackOff: {},
    startErrors: {},
    sandboxRetryAtMs: 0,
    plan: { type: 'wait', blocked: [] },
    pendingExits: [],
    readyIds: new Set(),
    startedIds: new Set(),
    podIsTerminal: false,
    startTimeMs: input.now(),
    statusChanged: false,
    lastError: '',
  };
}

// ---- planning and results ----

export function withPlan(ctx: PodWorkerContext): PodWorkerContext {
  return { ...ctx, plan: planPodSync(ctx, ctx.now()) };
}

export function killList(ctx: PodWorkerContext): readonly ContainerToKill[] {
  return ctx.plan.type === 'act' ? ctx.plan.kill : [];
}

export function startList(ctx: PodWorkerContext): readonly ContainerStart[] {
  return ctx.plan.type === 'act' ? ctx.plan.start : [];
}

export function backOffDelayMs(ctx: PodWorkerContext): number {
  const until = ctx.plan.type === 'wait' ? ctx.plan.untilMs : undefined;
  return until === undefined ? 0 : Math.max(0, until - ctx.now());
}

export function withSandbox(ctx: PodWorkerContext, sandbox: SandboxInfo): PodWorkerContext {
  // A new sandbox runs init containers again (kuberuntime: init containers are purged).
  const runtime = purgeInitContainers({ ...ctx.runtime, sandbox: { id: sandbox.id, ready: true, podIP: sandbox.podIP, attempt: sandbox.attempt } });
  return { ...ctx, sandbox, runtime, sandboxRetryAtMs: 0, lastError: '' };
}

export function withSandboxError(ctx: PodWorkerContext, error: unknown): PodWorkerContext {
  return { ...ctx, sandboxRetryAtMs: ctx.now() + SYNC_RETRY_MS, lastError: `Failed to create pod sandbox: ${message(error)}` };
}

export function withPrepareError(ctx: PodWorkerContext, error: unknown): PodWorkerContext {
  return { ...ctx, lastError: `MountVolume.SetUp failed: ${message(error)}` };
}

export function withPullResults(ctx: PodWorkerContext, results: readonly PullResult[]): PodWorkerContext {
  const next = applyPullResults(ctx, results, ctx.now());
  const failed = new Set(results.filter((r) => 'error' in r).map((r) => r.name));
  if (ctx.plan.type !== 'act') return { ...ctx, ...next };
  const plan = { ...ctx.plan, start: ctx.plan.start.filter((s) => !failed.has(s.name)) };
  return { ...ctx, ...next, plan };
}

export function withStartResults(ctx: PodWorkerContext, results: readonly StartResult[]): PodWorkerContext {
  const next = applyStartResults(ctx, results, ctx.pendingExits, ctx.now());
  const started = new Set(results.filter((r) => 'status' in r).map((r) => (r as { status: RuntimeContainerStatus }).status.id));
  return { ...ctx, ...next, pendingExits: ctx.pendingExits.filter((e) => !started.has(e.containerId)) };
}

export function withExits(ctx: PodWorkerContext, exits: readonly ContainerExit[]): PodWorkerContext {
  const unknown = exits.filter((e) => isUnknownExit(ctx, e));
  const next = applyExits(ctx, exits);
  return { ...ctx, ...next, pendingExits: [...ctx.pendingExits, ...unknown].slice(-32), ...dropProbeState(ctx, exits) };
}

/** A dead container is neither ready nor failing a probe any more. */
function dropProbeState(ctx: PodWorkerContext, exits: readonly ContainerExit[]): Pick<PodWorkerContext, 'readyIds' | 'startedIds' | 'probeFailures'> {
  const ids = new Set(exits.map((e) => e.containerId));
  const keep = (s: ReadonlySet<string>): Set<string> => new Set([...s].filter((id) => !ids.has(id)));
  return { readyIds: keep(ctx.readyIds), startedIds: keep(ctx.startedIds), probeFailures: { liveness: keep(ctx.probeFailures.liveness), startup: keep(ctx.probeFailures.startup) } };
}

/** Probe verdicts, by container id; a verdict about an instance that is gone is ignored. */
export function withProbeResult(ctx: PodWorkerContext, e: ProbeResultEvent): PodWorkerContext {
  const current = findContainerStatus(ctx.runtime, e.containerName, 'regular');
  if (current?.id !== e.containerId || current.state !== 'running') return ctx;
  const set = (s: ReadonlySet<string>, on: boolean): Set<string> => {
    const next = new Set(s);
    if (on) next.add(e.containerId);
    else next.delete(e.containerId);
    return next;
  };
  const ok = e.result === 'success';
  if (e.probeType === 'readiness') return { ...ctx, readyIds: set(ctx.readyIds, ok) };
  if (e.probeType === 'liveness') return { ...ctx, probeFailures: { ...ctx.probeFailures, liveness: set(ctx.probeFailures.liveness, !ok) } };
  return { ...ctx, startedIds: set(ctx.startedIds, ok), probeFailures: { ...ctx.probeFailures, startup: set(ctx.probeFailures.startup, !ok) } };
}

export function withUpdate(ctx: PodWorkerContext, pod: Pod): PodWorkerContext {
  const deleting = pod.metadata.deletionTimestamp !== undefined && ctx.termination === undefined;
  return { ...ctx, pod, ...(deleting ? { termination: { gracePeriodSeconds: podGracePeriodSeconds(pod) } } : {}) };
}

export function withTermination(ctx: PodWorkerContext, request: TerminationRequest): PodWorkerContext {
  if (ctx.termination !== undefined) {
    // A second request may only shorten the grace period (Kubernetes' pod worker does the same).
    const grace = Math.min(podGracePeriodSeconds(ctx.pod, ctx.termination), podGracePeriodSeconds(ctx.pod, request));
    return { ...ctx, termination: { ...ctx.termination, ...request, gracePeriodSeconds: grace } };
  }
  return { ...ctx, termination: request };
}

export function terminationGraceSeconds(ctx: PodWorkerContext): number {
  return podGracePeriodSeconds(ctx.pod, ctx.termination);
}

export function liveRefs(ctx: PodWorkerContext): LiveContainerRef[] {
  return liveContainers(ctx.runtime).map((c) => ({ containerId: c.id, name: c.name, kind: c.kind }));
}

export function startedRegular(results: readonly StartResult[]): RuntimeContainerStatus[] {
  return results.flatMap((r) => ('status' in r && r.status.kind === 'regular' && r.status.state === 'running' ? [r.status] : []));
}

// ---- status ----

export function withStatus(ctx: PodWorkerContext): PodWorkerContext {
  const blocked = ctx.plan.type === 'act' || ctx.plan.type === 'wait' ? ctx.plan.blocked : [];
  const terminal = ctx.termination?.reason !== undefined ? { reason: ctx.termination.reason, message: ctx.termination.message ?? '' } : undefined;
  const status = generatePodStatus({
    pod: ctx.pod,
    runtime: ctx.runtime,
    runtimeName: ctx.deps.runtimeName,
    readyIds: ctx.readyIds,
    startedIds: ctx.startedIds,
    waiting: waitingReasons(ctx, blocked, ctx.now()),
    podIsTerminal: ctx.podIsTerminal,
    ...(terminal !== undefined ? { terminalReason: terminal } : {}),
    hostIP: ctx.hostIP,
    startTimeMs: ctx.startTimeMs,
    nowMs: ctx.now(),
    ...(ctx.status !== undefined ? { previous: ctx.status } : {}),
  });
  const changed = JSON.stringify(status) !== JSON.stringify(ctx.status);
  return { ...ctx, status, statusChanged: changed };
}

/** Probe workers of a pod: one per (regular container, probe type) that the spec declares. */
export function probeWorkerSpecs(pod: Pod): { id: string; containerName: string; probeType: ProbeType }[] {
  const out: { id: string; containerName: string; probeType: ProbeType }[] = [];
  for (const c of pod.spec?.containers ?? []) {
    if (c.startupProbe !== undefined) out.push({ id: probeWorkerId(c.name, 'startup'), containerName: c.name, probeType: 'startup' });
    if (c.livenessProbe !== undefined) out.push({ id: probeWorkerId(c.name, 'liveness'), containerName: c.name, probeType: 'liveness' });
    if (c.readinessProbe !== undefined) out.push({ id: probeWorkerId(c.name, 'readiness'), containerName: c.name, probeType: 'readiness' });
  }
  return out;
}

export function probeWorkerId(containerName: string, type: ProbeType): string {
  return `probe:${containerName}:${type}`;
}

/** Which probe workers hear that a container runs: startup first; liveness and readiness once started. */
export function probesToStart(pod: Pod, containerName: string, startupDone: boolean): ProbeType[] {
  const c = specContainer(pod, containerName, 'regular');
  if (c === undefined) return [];
  if (c.startupProbe !== undefined && !startupDone) return ['startup'];
  return [...(c.livenessProbe !== undefined ? (['liveness'] as const) : []), ...(c.readinessProbe !== undefined ? (['readiness'] as const) : [])];
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
