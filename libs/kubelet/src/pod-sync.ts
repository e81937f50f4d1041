// One sync of a pod worker, planned (kuberuntime_manager.go SyncPod: computePodActions, then
// doBackOff for each container to start) and its results folded back into the worker's state.
// Pure: the pod worker machine calls these and performs the plan through its runtime port.
import type { Container, Pod } from '@skiff/api';
import { backOffEndsAtMs, containerBackOffPolicy, imageBackOffPolicy, inBackOffSince, nextBackOff, type BackOffState } from './backoff.js';
import { hashContainer } from './container-hash.js';
import { computePodActions, type ContainerToKill, type ProbeFailures } from './pod-actions.js';
import type { ContainerWaiting } from './pod-status.js';
import { addContainerInstance, findContainerById, findContainerStatus, recordContainerExit, type ContainerExit, type ContainerKind, type RuntimeContainerStatus, type RuntimePodStatus } from './runtime-status.js';

/** A pod worker retries a failed sync after this long (pod_workers.go backOffPeriod). */
export const SYNC_RETRY_MS = 10_000;

export interface TerminationRequest {
  readonly gracePeriodSeconds?: number;
  /** Pod-level reason and message, e.g. Evicted. */
  readonly reason?: string;
  readonly message?: string;
}

export interface StartError {
  readonly reason: string;
  readonly message: string;
  readonly atMs: number;
  readonly retryAtMs: number;
}

export interface PodSyncState {
  readonly pod: Pod;
  readonly runtime: RuntimePodStatus;
  readonly probeFailures: ProbeFailures;
  readonly backOff: BackOffState;
  readonly imageBackOff: BackOffState;
  /** The last failed start of each container (by name), until it starts. */
  readonly startErrors: Readonly<Record<string, StartError>>;
  /** No new sandbox before this time (the last attempt failed). */
  readonly sandboxRetryAtMs: number;
  readonly termination?: TerminationRequest;
}

export interface ContainerStart {
  readonly name: string;
  readonly kind: ContainerKind;
  readonly restartCount: number;
  /** The exit this start restarts after, when it counts for crash-loop back-off. */
  readonly restartsAfterExitAtMs?: number;
}

export type BlockReason = 'CrashLoopBackOff' | 'ImagePullBackOff' | 'StartRetry';

export interface BlockedStart {
  readonly name: string;
  readonly kind: ContainerKind;
  readonly reason: BlockReason;
  readonly untilMs: number;
  readonly backOffMs: number;
}

export type PodSyncPlan =
  | { readonly type: 'terminate' }
  | { readonly type: 'createSandbox'; readonly attempt: number }
  | { readonly type: 'act'; readonly kill: readonly ContainerToKill[]; readonly start: readonly ContainerStart[]; readonly blocked: readonly BlockedStart[] }
  | { readonly type: 'wait'; readonly blocked: readonly BlockedStart[]; readonly untilMs?: number };

/** GetStableKey: pod and container identity plus the spec hash, so a new spec starts a new back-off. */
export function crashLoopKey(pod: Pod, container: Container): string {
  const m = pod.metadata;
  return `${m.name ?? ''}_${m.namespace ?? ''}_${m.uid ?? ''}_${container.name}_${hashContainer(container)}`;
}

export function imageBackOffKey(pod: Pod, image: string): string {
  return `${pod.metadata.uid ?? ''}_${image}`;
}

export function specContainer(pod: Pod, name: string, kind: ContainerKind): Container | undefined {
  return (kind === 'init' ? pod.spec?.initContainers : pod.spec?.containers)?.find((c) => c.name === name);
}

function blockFor(state: PodSyncState, container: Container, kind: ContainerKind, last: RuntimeContainerStatus | undefined, killed: ReadonlySet<string>, nowMs: number): BlockedStart | undefined {
  const { pod } = state;
  if (last !== undefined && last.state === 'exited' && !killed.has(last.id)) {
    const key = crashLoopKey(pod, container);
    const untilMs = backOffEndsAtMs(state.backOff, key, last.finishedAtMs, nowMs, containerBackOffPolicy);
    if (untilMs !== undefined) return { name: container.name, kind, reason: 'CrashLoopBackOff', untilMs, backOffMs: state.backOff[key]!.backOffMs };
  }
  const imageKey = imageBackOffKey(pod, container.image ?? '');
  const image = state.imageBackOff[imageKey];
  if (image !== undefined && inBackOffSince(state.imageBackOff, imageKey, image.lastUpdateMs, nowMs, imageBackOffPolicy)) {
    return { name: container.name, kind, reason: 'ImagePullBackOff', untilMs: image.lastUpdateMs + image.backOffMs, backOffMs: image.backOffMs };
  }
  const error = state.startErrors[container.name];
  if (error !== undefined && error.retryAtMs > nowMs) return { name: container.name, kind, reason: 'StartRetry', untilMs: error.retryAtMs, backOffMs: error.retryAtMs - error.atMs };
  return undefined;
}

export function planPodSync(state: PodSyncState, nowMs: number): PodSyncPlan {
  if (state.termination !== undefined) return { type: 'terminate' };
  const actions = computePodActions(state.pod, state.runtime, state.probeFailures);
  if (actions.createSandbox) {
    if (state.sandboxRetryAtMs > nowMs) return { type: 'wait', blocked: [], untilMs: state.sandboxRetryAtMs };
    return { type: 'createSandbox', attempt: actions.attempt };
  }
  if (actions.killPod) return { type: 'terminate' };
  const candidates: { name: string; kind: ContainerKind }[] =
    actions.nextInitContainerToStart !== undefined ? [{ name: actions.nextInitContainerToStart, kind: 'init' }] : actions.containersToStart.map((name) => ({ name, kind: 'regular' }));
  const killed = new Set(actions.containersToKill.map((k) => k.containerId));
  const start: ContainerStart[] = [];
  const blocked: BlockedStart[] = [];
  for (const { name, kind } of candidates) {
    const container = specContainer(state.pod, name, kind);
    if (container === undefined) continue;
    const last = findContainerStatus(state.runtime, name, kind);
    const block = blockFor(state, container, kind, last, killed, nowMs);
    if (block !== undefined) {
      blocked.push(block);
      continue;
    }
    const afterExit = last !== undefined && last.state === 'exited' && !killed.has(last.id);
    start.push({ name, kind, restartCount: last === undefined ? 0 : last.restartCount + 1, ...(afterExit ? { restartsAfterExitAtMs: last.finishedAtMs } : {}) });
  }
  if (actions.containersToKill.length > 0 || start.length > 0) return { type: 'act', kill: actions.containersToKill, start, blocked };
  const untilMs = blocked.length === 0 ? undefined : Math.min(...blocked.map((b) => b.untilMs));
  return untilMs === undefined ? { type: 'wait', blocked } : { type: 'wait', blocked, untilMs };
}

export type PullResult = { readonly name: string; readonly image: string; readonly imageRef: string } | { readonly name: string; readonly image: string; readonly error: string };

/** A failed pull: ErrImagePull now, ImagePullBackOff until the image back-off ends. */
export function applyPullResults(state: PodSyncState, results: readonly PullResult[], nowMs: number): PodSyncState {
  let next = state;
  for (const r of results) {
    if (!('error' in r)) continue;
    const imageBackOff = nextBackOff(next.imageBackOff, imageBackOffKey(state.pod, r.image), nowMs, nowMs, imageBackOffPolicy);
    const startErrors = { ...next.startErrors, [r.name]: { reason: 'ErrImagePull', message: r.error, atMs: nowMs, retryAtMs: nowMs } };
    next = { ...next, imageBackOff, startErrors };
  }
  return next;
}

export type StartResult =
  | { readonly start: ContainerStart; readonly status: RuntimeContainerStatus }
  | { readonly start: ContainerStart; readonly error: { readonly reason: string; readonly message: string } };

/** Started instances join the runtime view (with exits that raced ahead of them); failures retry later. */
export function applyStartResults(state: PodSyncState, results: readonly StartResult[], pendingExits: readonly ContainerExit[], nowMs: number): PodSyncState {
  let next = state;
  for (const r of results) {
    const container = specContainer(state.pod, r.start.name, r.start.kind);
    if ('error' in r) {
      next = { ...next, startErrors: { ...next.startErrors, [r.start.name]: { ...r.error, atMs: nowMs, retryAtMs: nowMs + SYNC_RETRY_MS } } };
      continue;
    }
    let runtime = addContainerInstance(next.runtime, r.status);
    for (const exit of pendingExits) if (exit.containerId === r.status.id) runtime = recordContainerExit(runtime, exit);
    const { [r.start.name]: _cleared, ...startErrors } = next.startErrors;
    let backOff = next.backOff;
    if (r.start.restartsAfterExitAtMs !== undefined && container !== undefined) {
      backOff = nextBackOff(backOff, crashLoopKey(state.pod, container), r.start.restartsAfterExitAtMs, nowMs, containerBackOffPolicy);
    }
    next = { ...next, runtime, startErrors, backOff };
  }
  return next;
}

/** Exits of containers that were killed on purpose. */
export function applyExits(state: PodSyncState, exits: readonly ContainerExit[]): PodSyncState {
  return { ...state, runtime: exits.reduce(recordContainerExit, state.runtime) };
}

/** True when an exit names an instance this worker does not know yet (its start has not returned). */
export function isUnknownExit(state: PodSyncState, exit: ContainerExit): boolean {
  return findContainerById(state.runtime, exit.containerId) === undefined;
}

/** Go's time.Duration.String for whole and fractional seconds: 10s, 1m20s, 5m0s. */
export function goDuration(ms: number): string {
  const totalSeconds = ms / 1000;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = Number((totalSeconds % 60).toFixed(3));
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** Waiting reasons for the API status: back-offs of this plan and failed starts. */
export function waitingReasons(state: PodSyncState, blocked: readonly BlockedStart[], nowMs: number): Record<string, ContainerWaiting> {
  const m = state.pod.metadata;
  const out: Record<string, ContainerWaiting> = {};
  for (const [name, e] of Object.entries(state.startErrors)) {
    const inImageBackOff = e.reason === 'ErrImagePull' && nowMs > e.atMs;
    const image = specContainer(state.pod, name, 'regular')?.image ?? specContainer(state.pod, name, 'init')?.image ?? '';
    out[name] = inImageBackOff ? { reason: 'ImagePullBackOff', message: `Back-off pulling image ${JSON.stringify(image)}` } : { reason: e.reason, message: e.message };
  }
  for (const b of blocked) {
    if (b.reason !== 'CrashLoopBackOff') continue;
    out[b.name] = { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(b.backOffMs)} restarting failed container=${b.name} pod=${m.name ?? ''}_${m.namespace ?? ''}(${m.uid ?? ''})` };
  }
  return out;
}

/** The pod's grace period: the request's, else the deletion's, else the spec's (default 30 s). */
export function podGracePeriodSeconds(pod: Pod, request?: TerminationRequest): number {
  return request?.gracePeriodSeconds ?? pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
}

/** A container killed for a failed probe may have its own grace period (probe.terminationGracePeriodSeconds). */
export function killGracePeriodSeconds(pod: Pod, kill: ContainerToKill): number {
  const container = specContainer(pod, kill.name, 'regular');
  const probe = kill.reason === 'LivenessProbe' ? container?.livenessProbe : kill.reason === 'StartupProbe' ? container?.startupProbe : undefined;
  return probe?.terminationGracePeriodSeconds ?? podGracePeriodSeconds(pod);
}
