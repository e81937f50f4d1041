// Shared arithmetic of the resource scorers (noderesources/resource_allocation.go, least_allocated.go,
// most_allocated.go, balanced_allocation.go). Integer divisions truncate as Go's int64 ones do.
import { MAX_NODE_SCORE } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../node-info.js';
import { ResourceName, type Resource } from '../../resources.js';

export interface ResourceSpec {
  readonly name: string;
  readonly weight: number;
}

/** NodeResourcesFitArgs' default: CPU and memory, weight 1 each. */
export const DEFAULT_RESOURCES: readonly ResourceSpec[] = [
  { name: ResourceName.CPU, weight: 1 },
  { name: ResourceName.Memory, weight: 1 },
];

export function resourceAmount(r: Resource, name: string): number {
  switch (name) {
    case ResourceName.CPU:
      return r.milliCPU;
    case ResourceName.Memory:
      return r.memory;
    case ResourceName.EphemeralStorage:
      return r.ephemeralStorage;
    case ResourceName.Pods:
      return r.allowedPodNumber;
    default:
      return r.scalar?.get(name) ?? 0;
  }
}

function isScalar(name: string): boolean {
  return name !== ResourceName.CPU && name !== ResourceName.Memory && name !== ResourceName.EphemeralStorage && name !== ResourceName.Pods;
}

/**
 * Fills `allocatable` and `requested` (node's + the pod's) for each resource; a zero allocatable
 * entry means "do not score this resource" (an extended resource the pod does not ask for).
 */
export function allocatableAndRequested(
  nodeInfo: NodeInfo,
  resources: readonly ResourceSpec[],
  podRequests: readonly number[],
  useRequested: boolean,
  allocatable: Float64Array,
  requested: Float64Array,
): void {
  const nodeRequested = useRequested ? nodeInfo.requested : nodeInfo.nonZeroRequested;
  for (let i = 0; i < resources.length; i++) {
    const name = resources[i]!.name;
    const podRequest = podRequests[i]!;
    if (podRequest === 0 && isScalar(name)) {
      allocatable[i] = 0;
      requested[i] = 0;
      continue;
    }
    allocatable[i] = resourceAmount(nodeInfo.allocatable, name);
    requested[i] = resourceAmount(nodeRequested, name) + podRequest;
  }
}

function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  // A node overcommitted by a pod ignoring its requests scores as full, not above.
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

function weighted(perResource: (requested: number, capacity: number) => number) {
  return (resources: readonly ResourceSpec[], requested: Float64Array, allocatable: Float64Array): number => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < resources.length; i++) {
      if (allocatable[i] === 0) continue;
      const weight = resources[i]!.weight;
      nodeScore += perResource(requested[i]!, allocatable[i]!) * weight;
      weightSum += weight;
    }
    return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
  };
}

/** LeastAllocated: prefers nodes with the most room left ((allocatable - requested) / allocatable). */
export const leastAllocatedScore = weighted(leastRequestedScore);
/** MostAllocated: bin packing, prefers the fullest nodes (requested / allocatable). */
export const mostAllocatedScore = weighted(mostRequestedScore);

/** BalancedAllocation: 100 * (1 - std-dev of the requested fractions), fractions capped at 1. */
export function balancedScore(requested: Float64Array, allocatable: Float64Array): number {
  let total = 0;
  let n = 0;
  let first = 0;
  let second = 0;
  const fractions: number[] = [];
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const fraction = Math.min(requested[i]! / allocatable[i]!, 1);
    if (n === 0) first = fraction;
    else if (n === 1) second = fraction;
    fractions.push(fraction);
    total += fraction;
    n++;
  }
  let std = 0;
  if (n === 2) {
    std = Math.abs((first - second) / 2);
  } else if (n > 2) {
    const mean = total / n;
    let sum = 0;
    for (const f of fractions) sum += (f - mean) * (f - mean);
    std = Math.sqrt(sum / n);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}
