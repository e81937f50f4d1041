// Pod conditions the kubelet owns (pkg/kubelet/status/generate.go), with Kubernetes' reasons and
// messages; Go prints a []string as "[a b]".
import type { ContainerStatus, Pod } from '@skiff/api';
import type { PodPhase } from './pod-phase.js';

export interface PodCondition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
  readonly lastProbeTime?: string;
  readonly lastTransitionTime?: string;
}

export const PodReadyToStartContainers = 'PodReadyToStartContainers';
export const PodInitialized = 'Initialized';
export const PodReady = 'Ready';
export const ContainersReady = 'ContainersReady';
export const PodScheduled = 'PodScheduled';

/** Condition types the kubelet writes; other types (DisruptionTarget, readiness gates) are kept. */
export const kubeletOwnedConditions: readonly string[] = [PodReadyToStartContainers, PodInitialized, PodReady, ContainersReady, PodScheduled];

const goList = (names: readonly string[]): string => `[${names.join(' ')}]`;

function find(statuses: readonly ContainerStatus[], name: string): ContainerStatus | undefined {
  return statuses.find((s) => s.name === name);
}

function anyRegularStarted(pod: Pod, statuses: readonly ContainerStatus[]): boolean {
  return (pod.spec?.containers ?? []).some((c) => {
    const s = find(statuses, c.name);
    return s?.state?.running !== undefined || s?.state?.terminated !== undefined || s?.lastState?.terminated !== undefined;
  });
}

export function podReadyToStartContainersCondition(sandboxReady: boolean): PodCondition {
  return { type: PodReadyToStartContainers, status: sandboxReady ? 'True' : 'False' };
}

export function podInitializedCondition(pod: Pod, initStatuses: readonly ContainerStatus[], appStatuses: readonly ContainerStatus[], phase: PodPhase): PodCondition {
  const inits = pod.spec?.initContainers ?? [];
  if (inits.length === 0) return { type: PodInitialized, status: 'True' };
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of inits) {
    const s = find(initStatuses, c.name);
    if (s === undefined) unknown.push(c.name);
    else if (s.state?.terminated?.exitCode !== 0) incomplete.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return { type: PodInitialized, status: 'True', reason: 'PodCompleted' };
  if (anyRegularStarted(pod, appStatuses)) return { type: PodInitialized, status: 'True' };
  const messages = [
    ...(unknown.length > 0 ? [`containers with unknown status: ${goList(unknown)}`] : []),
    ...(incomplete.length > 0 ? [`containers with incomplete status: ${goList(incomplete)}`] : []),
  ];
  if (messages.length > 0) return { type: PodInitialized, status: 'False', reason: 'ContainersNotInitialized', message: messages.join(', ') };
  return { type: PodInitialized, status: 'True' };
}

export function containersReadyCondition(pod: Pod, appStatuses: readonly ContainerStatus[], phase: PodPhase): PodCondition {
  const unknown: string[] = [];
  const unready: string[] = [];
  for (const c of pod.spec?.containers ?? []) {
    const s = find(appStatuses, c.name);
    if (s === undefined) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return { type: ContainersReady, status: 'False', reason: 'PodCompleted' };
  if (phase === 'Failed') return { type: ContainersReady, status: 'False', reason: 'PodFailed' };
  const messages = [
    ...(unknown.length > 0 ? [`containers with unknown status: ${goList(unknown)}`] : []),
    ...(unready.length > 0 ? [`containers with unready status: ${goList(unready)}`] : []),
  ];
  if (messages.length > 0) return { type: ContainersReady, status: 'False', reason: 'ContainersNotReady', message: messages.join(', ') };
  return { type: ContainersReady, status: 'True' };
}

/** Ready = ContainersReady and every readiness gate's condition True (GeneratePodReadyCondition). */
export function podReadyCondition(pod: Pod, containersReady: PodCondition, existing: readonly PodCondition[]): PodCondition {
  if (containersReady.status !== 'True') return { ...containersReady, type: PodReady };
  const unmet = (pod.spec?.readinessGates ?? [])
    .map((g) => g.conditionType)
    .filter((t) => existing.find((c) => c.type === t)?.status !== 'True');
  if (unmet.length > 0) {
    const message = unmet.map((t) => `corresponding condition of pod readiness gate "${t}" does not exist.`).join(', ');
    return { type: PodReady, status: 'False', reason: 'ReadinessGatesNotReady', message };
  }
  return { type: PodReady, status: 'True' };
}

/**
 * Keeps lastTransitionTime of a condition whose status did not change (status manager
 * updateLastTransitionTime); a changed or new condition gets `nowTime`.
 */
export function withTransitionTimes(next: readonly PodCondition[], previous: readonly PodCondition[], nowTime: string): PodCondition[] {
  return next.map((c) => {
    const old = previous.find((p) => p.type === c.type);
    const lastTransitionTime = old !== undefined && old.status === c.status && old.lastTransitionTime !== undefined ? old.lastTransitionTime : nowTime;
    return { ...c, lastTransitionTime };
  });
}
