// NodeResourcesBalancedAllocation: prefers nodes whose CPU and memory would be used in equal
// proportion after placing the pod, from real requests. Best-effort pods are not scored by it
// (kubernetes/kubernetes#129138: they would all pile onto the same node).
import type { EnqueueExtensions, PreScorePlugin, ScorePlugin } from '../../framework/interfaces.js';
import { ClusterEventType } from '../../framework/interfaces.js';
import { SKIP } from '../../framework/status.js';
import { PluginName } from '../names.js';
import { DEFAULT_RESOURCES, allocatableAndRequested, balancedScore, resourceAmount, type ResourceSpec } from './resource-allocation.js';

export interface BalancedAllocationArgs {
  readonly resources?: readonly ResourceSpec[];
}

const STATE_KEY = `PreScore${PluginName.NodeResourcesBalancedAllocation}`;

export function newBalancedAllocation(args: BalancedAllocationArgs = {}): PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const resources = args.resources ?? DEFAULT_RESOURCES;
  const allocatable = new Float64Array(resources.length);
  const requested = new Float64Array(resources.length);
  return {
    name: PluginName.NodeResourcesBalancedAllocation,
    preScore(state, pod) {
      const podRequests = resources.map((r) => resourceAmount(pod.requests, r.name));
      if (podRequests.every((q) => q === 0)) return SKIP;
      state.write(STATE_KEY, podRequests);
      return null;
    },
    score(state, _pod, nodeInfo) {
      allocatableAndRequested(nodeInfo, resources, state.read<number[]>(STATE_KEY) ?? [], true, allocatable, requested);
      return balancedScore(requested, allocatable);
    },
    eventsToRegister: () => [ClusterEventType.NodeAdd, ClusterEventType.NodeUpdate, ClusterEventType.PodDelete],
  };
}
