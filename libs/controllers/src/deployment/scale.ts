// Scaling without a rollout (pkg/controller/deployment/sync.go `scale`): when spec.replicas
// changes mid-rollout (or while paused), spread the difference over the active ReplicaSets in
// proportion to their size, so a paused or half-done rollout keeps its shape.
import type { Deployment, ReplicaSet } from '@skiff/api';
import type { DeploymentPlan } from './deployment-plan.js';
import {
  activeReplicaSets,
  byCreation,
  desiredReplicas,
  desiredReplicasAnnotation,
  isRollingUpdate,
  isSaturated,
  maxReplicasAnnotation,
  maxSurge,
  replicasOf,
  sumReplicas,
} from './deployment-util.js';

/** isScalingEvent: an active ReplicaSet was sized for another spec.replicas. */
export function isScalingEvent(d: Deployment, all: readonly (ReplicaSet | undefined)[]): boolean {
  return activeReplicaSets(all).some((rs) => {
    const desired = desiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== desiredReplicas(d);
  });
}

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active. */
function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (newRS === undefined && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort(byCreation).reverse();
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** getReplicaSetFraction: this ReplicaSet's share of the new total, minus what it has. */
function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (desiredReplicas(d) === 0) return -replicasOf(rs);
  const deploymentReplicas = desiredReplicas(d) + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  // integer.RoundToInt32: half away from zero.
  const size = (replicasOf(rs) * deploymentReplicas) / annotated;
  return Math.sign(size) * Math.round(Math.abs(size)) - replicasOf(rs);
}

function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

export function scale(plan: DeploymentPlan, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): void {
  const d = plan.d;
  const desired = desiredReplicas(d);
  const single = findActiveOrLatest(newRS, oldRSs);
  if (single !== undefined) {
    if (replicasOf(single) !== desired) plan.scaleTo(single, desired);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) plan.scaleTo(old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  proportionalScale(plan, activeReplicaSets([...oldRSs, newRS]));
}

function proportionalScale(plan: DeploymentPlan, active: ReplicaSet[]): void {
  const d = plan.d;
  const allowedSize = desiredReplicas(d) > 0 ? desiredReplicas(d) + maxSurge(d) : 0;
  const toAdd = allowedSize - sumReplicas(active);
  // Larger first; on ties newer first when growing, older first when shrinking.
  const sorted = [...active].sort((a, b) => replicasOf(b) - replicasOf(a) || (toAdd > 0 ? byCreation(b, a) : byCreation(a, b)));
  let added = 0;
  const sizes = sorted.map((rs) => {
    if (toAdd === 0) return replicasOf(rs);
    const p = proportion(rs, d, toAdd, added);
    added += p;
    return replicasOf(rs) + p;
  });
  if (toAdd !== 0 && sizes.length > 0) sizes[0] = Math.max(0, sizes[0]! + toAdd - added);
  const operation = toAdd > 0 ? 'up' : 'down';
  sorted.forEach((rs, i) => plan.scaleReplicaSet(rs, sizes[i]!, operation));
}
