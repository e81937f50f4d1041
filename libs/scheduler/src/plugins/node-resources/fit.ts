// NodeResourcesFit. Filter: the pod's requests (max of init containers vs. the sum of containers,
// plus overhead) must fit in allocatable minus what the node's pods request, and the node must
// have room for one more pod. A request larger than the whole node is UnschedulableAndUnresolvable:
// no preemption can make room. Score: LeastAllocated (default) or MostAllocated over non-zero
// requests (a container without requests counts as 100m CPU and 200Mi).
import { ClusterEventType, type EnqueueExtensions, type FilterPlugin, type PreScorePlugin, type ScorePlugin } from '../../framework/interfaces.js';
import type { CycleState } from '../../framework/cycle-state.js';
import { Code, newStatus, type Status } from '../../framework/status.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import { ResourceName } from '../../resources.js';
import { PluginName } from '../names.js';
import { DEFAULT_RESOURCES, allocatableAndRequested, leastAllocatedScore, mostAllocatedScore, resourceAmount, type ResourceSpec } from './resource-allocation.js';

export interface InsufficientResource {
  readonly resourceName: string;
  readonly reason: string;
  readonly requested: number;
  readonly used: number;
  readonly capacity: number;
  /** The request exceeds the node's whole allocatable: preempting pods cannot help. */
  readonly unresolvable: boolean;
}

export const ScoringStrategyType = { LeastAllocated: 'LeastAllocated', MostAllocated: 'MostAllocated' } as const;
export type ScoringStrategyType = (typeof ScoringStrategyType)[keyof typeof ScoringStrategyType];

export interface NodeResourcesFitArgs {
  readonly scoringStrategy?: { readonly type?: ScoringStrategyType; readonly resources?: readonly ResourceSpec[] };
}

/** Fits(pod, nodeInfo): the resources the node lacks for this pod; empty when it fits. */
export function insufficientResources(pod: PodInfo, nodeInfo: NodeInfo): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  const podCount = nodeInfo.pods.length;
  if (podCount + 1 > alloc.allowedPodNumber) {
    out.push({ resourceName: ResourceName.Pods, reason: 'Too many pods', requested: 1, used: podCount, capacity: alloc.allowedPodNumber, unresolvable: false });
  }
  const req = pod.requests;
  if (req.milliCPU === 0 && req.memory === 0 && req.ephemeralStorage === 0 && req.scalar === undefined) return out;
  check(out, ResourceName.CPU, req.milliCPU, used.milliCPU, alloc.milliCPU);
  check(out, ResourceName.Memory, req.memory, used.memory, alloc.memory);
  check(out, ResourceName.EphemeralStorage, req.ephemeralStorage, used.ephemeralStorage, alloc.ephemeralStorage);
  for (const [name, amount] of req.scalar ?? []) check(out, name, amount, used.scalar?.get(name) ?? 0, alloc.scalar?.get(name) ?? 0);
  return out;
}

function check(out: InsufficientResource[], name: string, requested: number, used: number, capacity: number): void {
  if (requested > 0 && requested > capacity - used) {
    out.push({ resourceName: name, reason: `Insufficient ${name}`, requested, used, capacity, unresolvable: requested > capacity });
  }
}

/** The allocation-free yes/no of insufficientResources (the filter's hot path). */
export function fits(pod: PodInfo, nodeInfo: NodeInfo): boolean {
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  const req = pod.requests;
  if (nodeInfo.pods.length + 1 > alloc.allowedPodNumber) return false;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) return false;
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) return false;
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) return false;
  if (req.scalar === undefined) return true;
  for (const [name, amount] of req.scalar) {
    if (amount > 0 && amount > (alloc.scalar?.get(name) ?? 0) - (used.scalar?.get(name) ?? 0)) return false;
  }
  return true;
}

export function fitStatus(pod: PodInfo, nodeInfo: NodeInfo): Status | null {
  if (fits(pod, nodeInfo)) return null;
  const insufficient = insufficientResources(pod, nodeInfo);
  if (insufficient.length === 0) return null;
  const code = insufficient.some((r) => r.unresolvable) ? Code.UnschedulableAndUnresolvable : Code.Unschedulable;
  return newStatus(code, PluginName.NodeResourcesFit, ...insufficient.map((r) => r.reason));
}

const STATE_KEY = `PreScore${PluginName.NodeResourcesFit}`;

export function newNodeResourcesFit(args: NodeResourcesFitArgs = {}): FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const resources = args.scoringStrategy?.resources ?? DEFAULT_RESOURCES;
  const scorer = args.scoringStrategy?.type === ScoringStrategyType.MostAllocated ? mostAllocatedScore : leastAllocatedScore;
  const allocatable = new Float64Array(resources.length);
  const requested = new Float64Array(resources.length);
  return {
    name: PluginName.NodeResourcesFit,
    filter: (_state, pod, nodeInfo) => fitStatus(pod, nodeInfo),
    preScore(state: CycleState, pod) {
      state.write(STATE_KEY, resources.map((r) => resourceAmount(pod.nonZeroRequests, r.name)));
      return null;
    },
    score(state, _pod, nodeInfo) {
      allocatableAndRequested(nodeInfo, resources, state.read<number[]>(STATE_KEY) ?? [], false, allocatable, requested);
      return scorer(resources, requested, allocatable);
    },
    eventsToRegister: () => [ClusterEventType.NodeAdd, ClusterEventType.NodeUpdate, ClusterEventType.PodDelete],
  };
}
