// The kubelet's view of a pod in its runtime (kubecontainer.PodStatus): the latest sandbox and
// container instances, newest first. Pure data, built from runtime events and start results.

export type ContainerKind = 'init' | 'regular';
export type RuntimeContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface RuntimeContainerStatus {
  readonly id: string;
  readonly name: string;
  readonly kind: ContainerKind;
  readonly state: RuntimeContainerState;
  /** hashContainer() of the spec it was started from. */
  readonly hash: string;
  readonly restartCount: number;
  readonly image: string;
  readonly imageRef: string;
  readonly createdAtMs: number;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly exitCode: number;
  readonly signal: number;
  readonly reason: string;
  readonly message: string;
}

export interface RuntimeSandboxStatus {
  readonly id: string;
  readonly ready: boolean;
  readonly podIP: string;
  readonly attempt: number;
}

export interface RuntimePodStatus {
  readonly sandbox?: RuntimeSandboxStatus;
  /** Newest first; at most the current and the previous instance of each container name. */
  readonly containers: readonly RuntimeContainerStatus[];
}

export const emptyRuntimePodStatus: RuntimePodStatus = { containers: [] };

/** The newest instance of a container (kubecontainer.PodStatus.FindContainerStatusByName). */
export function findContainerStatus(status: RuntimePodStatus, name: string, kind?: ContainerKind): RuntimeContainerStatus | undefined {
  return status.containers.find((c) => c.name === name && (kind === undefined || c.kind === kind));
}

/** The instance before the newest one: the source of `lastState` in the API status. */
export function previousContainerStatus(status: RuntimePodStatus, name: string, kind?: ContainerKind): RuntimeContainerStatus | undefined {
  return status.containers.filter((c) => c.name === name && (kind === undefined || c.kind === kind))[1];
}

export function findContainerById(status: RuntimePodStatus, id: string): RuntimeContainerStatus | undefined {
  return status.containers.find((c) => c.id === id);
}

/** Adds a new instance in front, keeping at most two per name (current + previous). */
export function addContainerInstance(status: RuntimePodStatus, container: RuntimeContainerStatus): RuntimePodStatus {
  const sameName = status.containers.filter((c) => c.name === container.name && c.kind === container.kind);
  const dropped = new Set(sameName.slice(1).map((c) => c.id));
  return { ...status, containers: [container, ...status.containers.filter((c) => !dropped.has(c.id))] };
}

export function updateContainer(status: RuntimePodStatus, id: string, update: (c: RuntimeContainerStatus) => RuntimeContainerStatus): RuntimePodStatus {
  return { ...status, containers: status.containers.map((c) => (c.id === id ? update(c) : c)) };
}

export interface ContainerExit {
  readonly containerId: string;
  readonly exitCode: number;
  readonly signal: number;
  readonly reason: string;
  readonly message: string;
  readonly finishedAtMs: number;
}

/** Records an exit; an exit of an unknown or already exited instance changes nothing. */
export function recordContainerExit(status: RuntimePodStatus, exit: ContainerExit): RuntimePodStatus {
  const current = findContainerById(status, exit.containerId);
  if (current === undefined || current.state === 'exited') return status;
  return updateContainer(status, exit.containerId, (c) => ({
    ...c,
    state: 'exited',
    exitCode: exit.exitCode,
    signal: exit.signal,
    reason: exit.reason === '' ? (exit.exitCode === 0 ? 'Completed' : 'Error') : exit.reason,
    message: exit.message,
    finishedAtMs: exit.finishedAtMs,
  }));
}

/** A new sandbox starts init containers over (kuberuntime: "init containers should be purged"). */
export function purgeInitContainers(status: RuntimePodStatus): RuntimePodStatus {
  return { ...status, containers: status.containers.filter((c) => c.kind !== 'init') };
}

/** Instances that may hold a process: running, created (not started yet) or unknown. */
export function liveContainers(status: RuntimePodStatus): RuntimeContainerStatus[] {
  return status.containers.filter((c) => c.state === 'running' || c.state === 'created' || c.state === 'unknown');
}
