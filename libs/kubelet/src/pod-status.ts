// The pod's API status from the kubelet's runtime view (pkg/kubelet/kubelet_pods.go:
// generateAPIPodStatus, convertToAPIContainerStatuses), simplified to what Skiff tracks.
import { podQOSClass, type Container, type ContainerStatus, type Pod, type PodStatus } from '@skiff/api';
import {
  containersReadyCondition,
  kubeletOwnedConditions,
  PodScheduled,
  podInitializedCondition,
  podReadyCondition,
  podReadyToStartContainersCondition,
  withTransitionTimes,
  type PodCondition,
} from './pod-conditions.js';
import { getPhase, type PodPhase } from './pod-phase.js';
import { findContainerStatus, previousContainerStatus, type ContainerKind, type RuntimeContainerStatus, type RuntimePodStatus } from './runtime-status.js';
import { kubeTime } from './time.js';

/** Why a container is waiting, when the kubelet knows better than "ContainerCreating". */
export interface ContainerWaiting {
  readonly reason: string;
  readonly message: string;
}

export interface PodStatusInput {
  readonly pod: Pod;
  readonly runtime: RuntimePodStatus;
  /** Prefix of container ids in the API: `<runtimeName>://<id>`. */
  readonly runtimeName: string;
  /** Container ids whose readiness probe last succeeded. */
  readonly readyIds: ReadonlySet<string>;
  /** Container ids whose startup probe succeeded. */
  readonly startedIds: ReadonlySet<string>;
  /** By container name. */
  readonly waiting: Readonly<Record<string, ContainerWaiting>>;
  /** The kubelet finished the pod: it will restart nothing (deleted, evicted, or done). */
  readonly podIsTerminal: boolean;
  /** Pod-level reason and message (Evicted, DeadlineExceeded). */
  readonly terminalReason?: ContainerWaiting;
  readonly hostIP: string;
  readonly startTimeMs: number;
  readonly nowMs: number;
  readonly previous?: PodStatus;
}

function terminatedState(c: RuntimeContainerStatus, runtimeName: string) {
  return {
    terminated: {
      exitCode: c.exitCode,
      ...(c.signal !== 0 ? { signal: c.signal } : {}),
      reason: c.reason === '' ? (c.exitCode === 0 ? 'Completed' : 'Error') : c.reason,
      ...(c.message !== '' ? { message: c.message } : {}),
      startedAt: kubeTime(c.startedAtMs === 0 ? c.createdAtMs : c.startedAtMs),
      finishedAt: kubeTime(c.finishedAtMs),
      containerID: `${runtimeName}://${c.id}`,
    },
  };
}

function defaultWaitingReason(kind: ContainerKind, initDone: boolean): string {
  if (kind === 'init') return 'PodInitializing';
  return initDone ? 'ContainerCreating' : 'PodInitializing';
}

/** Ready: running and passing readiness (no probe: started). Started: running and past its startup probe. */
function probeFlags(container: Container, c: RuntimeContainerStatus, input: PodStatusInput, kind: ContainerKind): { ready: boolean; started: boolean } {
  if (kind === 'init') return { ready: c.state === 'exited' && c.exitCode === 0, started: c.state === 'running' };
  if (c.state !== 'running') return { ready: false, started: false };
  const started = container.startupProbe === undefined || input.startedIds.has(c.id);
  const ready = started && (container.readinessProbe === undefined || input.readyIds.has(c.id));
  return { ready, started };
}

export function containerStatus(container: Container, kind: ContainerKind, input: PodStatusInput, initDone: boolean): ContainerStatus {
  const c = findContainerStatus(input.runtime, container.name, kind);
  const image = container.image ?? '';
  const waiting = input.waiting[container.name];
  if (c === undefined) {
    const reason = waiting ?? { reason: defaultWaitingReason(kind, initDone), message: '' };
    return { name: container.name, state: { waiting: waitingOf(reason) }, lastState: {}, ready: false, restartCount: 0, image, imageID: '', started: false };
  }
  const prev = previousContainerStatus(input.runtime, container.name, kind);
  const base = { name: container.name, image, imageID: c.imageRef, containerID: `${input.runtimeName}://${c.id}`, restartCount: c.restartCount, ...probeFlags(container, c, input, kind) };
  if (c.state === 'running') {
    const lastState = prev?.state === 'exited' ? terminatedState(prev, input.runtimeName) : {};
    return { ...base, state: { running: { startedAt: kubeTime(c.startedAtMs) } }, lastState };
  }
  if (c.state === 'exited' && waiting !== undefined) {
    return { ...base, state: { waiting: waitingOf(waiting) }, lastState: terminatedState(c, input.runtimeName) };
  }
  if (c.state === 'exited') {
    const lastState = prev?.state === 'exited' ? terminatedState(prev, input.runtimeName) : {};
    return { ...base, state: terminatedState(c, input.runtimeName), lastState };
  }
  return { ...base, state: { waiting: waitingOf(waiting ?? { reason: 'ContainerCreating', message: '' }) }, lastState: {} };
}

function waitingOf(w: ContainerWaiting): { reason: string; message?: string } {
  return w.message === '' ? { reason: w.reason } : { reason: w.reason, message: w.message };
}

function initializationDone(pod: Pod, runtime: RuntimePodStatus): boolean {
  return (pod.spec?.initContainers ?? []).every((c) => {
    const s = findContainerStatus(runtime, c.name, 'init');
    return s?.state === 'exited' && s.exitCode === 0;
  });
}

export function generatePodStatus(input: PodStatusInput): PodStatus {
  const { pod } = input;
  const initDone = initializationDone(pod, input.runtime);
  const initStatuses = (pod.spec?.initContainers ?? []).map((c) => containerStatus(c, 'init', input, initDone));
  const appStatuses = (pod.spec?.containers ?? []).map((c) => containerStatus(c, 'regular', input, initDone));
  const phase: PodPhase = input.terminalReason !== undefined ? 'Failed' : getPhase(pod, [...initStatuses, ...appStatuses], input.podIsTerminal);
  const previousConditions = (input.previous?.conditions ?? []) as PodCondition[];
  const containersReady = containersReadyCondition(pod, appStatuses, phase);
  const owned: PodCondition[] = [
    podReadyToStartContainersCondition(input.runtime.sandbox?.ready === true && !input.podIsTerminal),
    podInitializedCondition(pod, initStatuses, appStatuses, phase),
    podReadyCondition(pod, containersReady, previousConditions),
    containersReady,
    { type: PodScheduled, status: 'True' },
  ];
  // An eviction marks the pod as a disruption target (KEP-3329), as the kubelet does.
  if (input.terminalReason?.reason === 'Evicted') owned.push({ type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message: input.terminalReason.message });
  const others = previousConditions.filter((c) => !kubeletOwnedConditions.includes(c.type) && !owned.some((o) => o.type === c.type));
  const podIP = input.runtime.sandbox?.podIP ?? '';
  return {
    phase,
    conditions: [...withTransitionTimes(owned, previousConditions, kubeTime(input.nowMs)), ...others],
    ...(input.terminalReason !== undefined ? { reason: input.terminalReason.reason, message: input.terminalReason.message } : {}),
    ...(input.hostIP !== '' ? { hostIP: input.hostIP, hostIPs: [{ ip: input.hostIP }] } : {}),
    ...(podIP !== '' ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: input.previous?.startTime ?? kubeTime(input.startTimeMs),
    ...(initStatuses.length > 0 ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: appStatuses,
    qosClass: podQOSClass(pod),
  };
}
