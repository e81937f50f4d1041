// What one sync of a pod must do to its runtime (pkg/kubelet/kuberuntime/kuberuntime_manager.go:
// computePodActions, podSandboxChanged, findNextInitContainerToRun; pkg/kubelet/container/
// helpers.go: ShouldContainerBeRestarted). Pure: the pod, its runtime status and the probe
// verdicts in, the actions out. Back-off is applied afterwards (pod-sync.ts), as SyncPod does.
//
// Restartable init containers (sidecars) are not supported: init containers run to completion.
import type { Container, Pod } from '@skiff/api';
import { hashContainer } from './container-hash.js';
import { findContainerStatus, liveContainers, type RuntimeContainerStatus, type RuntimePodStatus } from './runtime-status.js';

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export type ContainerKillReason = 'SpecChanged' | 'LivenessProbe' | 'StartupProbe' | 'Unknown' | 'NotInSpec';

export interface ContainerToKill {
  readonly containerId: string;
  readonly name: string;
  readonly reason: ContainerKillReason;
  readonly message: string;
}

export interface PodActions {
  /** Stop everything (the pod is done, or its sandbox must be replaced). */
  readonly killPod: boolean;
  readonly createSandbox: boolean;
  /** The current sandbox, '' when there is none. */
  readonly sandboxId: string;
  /** Attempt number for a new sandbox. */
  readonly attempt: number;
  readonly nextInitContainerToStart?: string;
  /** The last init container failed (its restart, if any, is nextInitContainerToStart). */
  readonly initFailed: boolean;
  /** App containers to start, in spec order. */
  readonly containersToStart: readonly string[];
  readonly containersToKill: readonly ContainerToKill[];
}

/** Probe verdicts that force a restart, by container id. */
export interface ProbeFailures {
  readonly liveness: ReadonlySet<string>;
  readonly startup: ReadonlySet<string>;
}

export const noProbeFailures: ProbeFailures = { liveness: new Set(), startup: new Set() };

export function restartPolicyOf(pod: Pod): RestartPolicy {
  return pod.spec?.restartPolicy ?? 'Always';
}

/** shouldRestartOnFailure: anything but Never. */
export function shouldRestartOnFailure(pod: Pod): boolean {
  return restartPolicyOf(pod) !== 'Never';
}

/** ShouldContainerBeRestarted, for an app or init container that is not running. */
export function shouldContainerBeRestarted(container: Container, pod: Pod, status: RuntimePodStatus): boolean {
  if (pod.metadata.deletionTimestamp !== undefined) return false;
  const c = findContainerStatus(status, container.name, 'regular');
  if (c === undefined) return true;
  if (c.state === 'running') return false;
  if (c.state === 'unknown' || c.state === 'created') return true;
  const policy = restartPolicyOf(pod);
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return c.exitCode !== 0;
  return true;
}

function containerSucceeded(container: Container, status: RuntimePodStatus): boolean {
  const c = findContainerStatus(status, container.name, 'regular');
  return c !== undefined && c.state === 'exited' && c.exitCode === 0;
}

/** podSandboxChanged: no sandbox, a sandbox not ready, or one without an IP needs a new one. */
export function podSandboxChanged(pod: Pod, status: RuntimePodStatus): { changed: boolean; attempt: number; sandboxId: string } {
  const s = status.sandbox;
  if (s === undefined) return { changed: true, attempt: 0, sandboxId: '' };
  const hostNetwork = pod.spec?.hostNetwork === true;
  if (!s.ready || (!hostNetwork && s.podIP === '')) return { changed: true, attempt: s.attempt + 1, sandboxId: s.id };
  return { changed: false, attempt: s.attempt, sandboxId: s.id };
}

export function isInitContainerFailed(c: RuntimeContainerStatus): boolean {
  return (c.state === 'exited' && c.exitCode !== 0) || c.state === 'unknown';
}

export interface InitProgress {
  readonly done: boolean;
  readonly next?: Container;
  readonly failed?: RuntimeContainerStatus;
}

/** findNextInitContainerToRun: init containers run one at a time, in order, each to success. */
export function findNextInitContainerToRun(pod: Pod, status: RuntimePodStatus): InitProgress {
  const inits = pod.spec?.initContainers ?? [];
  if (inits.length === 0) return { done: true };
  // A running app container means initialization finished once, even if the runtime forgot it.
  const appRunning = (pod.spec?.containers ?? []).some((c) => findContainerStatus(status, c.name, 'regular')?.state === 'running');
  if (appRunning) return { done: true };
  for (let i = inits.length - 1; i >= 0; i--) {
    const c = findContainerStatus(status, inits[i]!.name, 'init');
    if (c !== undefined && isInitContainerFailed(c)) return { done: false, next: inits[i]!, failed: c };
  }
  for (let i = inits.length - 1; i >= 0; i--) {
    const c = findContainerStatus(status, inits[i]!.name, 'init');
    if (c === undefined) continue;
    if (c.state === 'running' || c.state === 'created') return { done: false };
    if (c.state === 'exited') return i === inits.length - 1 ? { done: true } : { done: false, next: inits[i + 1]! };
  }
  return { done: false, next: inits[0]! };
}

interface Draft {
  killPod: boolean;
  createSandbox: boolean;
  sandboxId: string;
  attempt: number;
  nextInitContainerToStart?: string;
  initFailed: boolean;
  containersToStart: string[];
  containersToKill: ContainerToKill[];
}

export function computePodActions(pod: Pod, status: RuntimePodStatus, probes: ProbeFailures = noProbeFailures): PodActions {
  const sandbox = podSandboxChanged(pod, status);
  const actions: Draft = {
    killPod: sandbox.changed,
    createSandbox: sandbox.changed,
    sandboxId: sandbox.sandboxId,
    attempt: sandbox.attempt,
    initFailed: false,
    containersToStart: [],
    containersToKill: [],
  };
  const containers = pod.spec?.containers ?? [];
  if (sandbox.changed) return sandboxActions(pod, status, actions, containers);

  const init = findNextInitContainerToRun(pod, status);
  if (!init.done) {
    if (init.next !== undefined) {
      const failed = init.failed !== undefined;
      actions.initFailed = failed;
      if (failed && !shouldRestartOnFailure(pod)) actions.killPod = true;
      else {
        if (init.failed?.state === 'unknown') actions.containersToKill.push(killInfo(init.failed, 'Unknown', `Init container is in "unknown" state, try killing it before restart`));
        actions.nextInitContainerToStart = init.next.name;
      }
    }
    return actions;
  }

  let keepCount = 0;
  for (const container of containers) {
    const c = findContainerStatus(status, container.name, 'regular');
    if (c === undefined || c.state !== 'running') {
      if (shouldContainerBeRestarted(container, pod, status)) {
        actions.containersToStart.push(container.name);
        if (c?.state === 'unknown') actions.containersToKill.push(killInfo(c, 'Unknown', `Container is in "unknown" state, try killing it before restart`));
      }
      continue;
    }
    const verdict = killVerdict(container, c, probes);
    if (verdict === undefined) {
      keepCount++;
      continue;
    }
    // A changed spec restarts whatever the policy; a failed probe restarts unless it is Never.
    const restart = verdict.reason === 'SpecChanged' || shouldRestartOnFailure(pod);
    if (restart) actions.containersToStart.push(container.name);
    actions.containersToKill.push(killInfo(c, verdict.reason, restart ? `${verdict.message}, will be restarted` : verdict.message));
  }
  for (const c of liveContainers(status)) {
    if (c.kind === 'regular' && !containers.some((s) => s.name === c.name)) actions.containersToKill.push(killInfo(c, 'NotInSpec', `Container ${c.name} is not in the pod spec`));
  }
  if (keepCount === 0 && actions.containersToStart.length === 0) actions.killPod = true;
  return actions;
}

function sandboxActions(pod: Pod, status: RuntimePodStatus, actions: Draft, containers: readonly Container[]): PodActions {
  // Never restart a pod whose containers already ran, just because its sandbox went away.
  if (!shouldRestartOnFailure(pod) && actions.attempt !== 0 && status.containers.length !== 0) {
    actions.createSandbox = false;
    return actions;
  }
  const toStart = containers.filter((c) => !(restartPolicyOf(pod) === 'OnFailure' && containerSucceeded(c, status))).map((c) => c.name);
  const inits = pod.spec?.initContainers ?? [];
  if (toStart.length === 0 && inits.length === 0) {
    actions.createSandbox = false;
    return actions;
  }
  if (inits.length > 0) actions.nextInitContainerToStart = inits[0]!.name;
  else actions.containersToStart = toStart;
  return actions;
}

function killVerdict(container: Container, c: RuntimeContainerStatus, probes: ProbeFailures): { reason: ContainerKillReason; message: string } | undefined {
  if (c.hash !== hashContainer(container)) return { reason: 'SpecChanged', message: `Container ${container.name} definition changed` };
  if (probes.liveness.has(c.id)) return { reason: 'LivenessProbe', message: `Container ${container.name} failed liveness probe` };
  if (probes.startup.has(c.id)) return { reason: 'StartupProbe', message: `Container ${container.name} failed startup probe` };
  return undefined;
}

function killInfo(c: RuntimeContainerStatus, reason: ContainerKillReason, message: string): ContainerToKill {
  return { containerId: c.id, name: c.name, reason, message };
}
