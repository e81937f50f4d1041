// The pod phase from its container statuses (pkg/kubelet/kubelet_pods.go, getPhase), restartable
// init containers (sidecars) aside.
import type { ContainerStatus, Pod } from '@skiff/api';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

function statusOf(statuses: readonly ContainerStatus[], name: string): ContainerStatus | undefined {
  return statuses.find((s) => s.name === name);
}

interface InitCounts {
  readonly pending: number;
  readonly failed: number;
}

function countInit(pod: Pod, statuses: readonly ContainerStatus[]): InitCounts {
  let pending = 0;
  let failed = 0;
  for (const container of pod.spec?.initContainers ?? []) {
    const s = statusOf(statuses, container.name);
    if (s?.state?.running !== undefined) pending++;
    else if (s?.state?.terminated !== undefined) failed += s.state.terminated.exitCode !== 0 ? 1 : 0;
    else if (s?.state?.waiting !== undefined && s.lastState?.terminated !== undefined) failed += s.lastState.terminated.exitCode !== 0 ? 1 : 0;
    else pending++;
  }
  return { pending, failed };
}

function anyRegularStarted(pod: Pod, statuses: readonly ContainerStatus[]): boolean {
  return (pod.spec?.containers ?? []).some((c) => {
    const s = statusOf(statuses, c.name);
    return s?.state?.running !== undefined || s?.state?.terminated !== undefined || s?.lastState?.terminated !== undefined;
  });
}

/**
 * `statuses` holds init and app container statuses together (names are unique in a pod).
 * `podIsTerminal`: the kubelet has finished the pod (deleted or evicted) and will restart nothing.
 */
export function getPhase(pod: Pod, statuses: readonly ContainerStatus[], podIsTerminal: boolean): PodPhase {
  const init = countInit(pod, statuses);
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const container of pod.spec?.containers ?? []) {
    const s = statusOf(statuses, container.name);
    if (s?.state?.running !== undefined) running++;
    else if (s?.state?.terminated !== undefined) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s?.state?.waiting !== undefined) {
      if (s.lastState?.terminated !== undefined) stopped++;
      else waiting++;
    } else unknown++;
  }
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (init.failed > 0 && policy === 'Never') return 'Failed';
  if ((init.pending > 0 && !anyRegularStarted(pod, statuses)) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}
