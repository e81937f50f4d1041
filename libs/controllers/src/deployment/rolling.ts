// RollingUpdate (pkg/controller/deployment/rolling.go): grow the new ReplicaSet up to
// replicas + maxSurge pods in total, shrink old ones while at least replicas - maxUnavailable
// stay available. One step per sync; ReplicaSet status changes bring the next one.
import type { ReplicaSet } from '@skiff/api';
import type { DeploymentPlan } from './deployment-plan.js';
import { byCreation, desiredReplicas, maxUnavailable, newReplicaSetReplicas, replicasOf, sumAvailableReplicas, sumReplicas } from './deployment-util.js';

/** reconcileNewReplicaSet: true when it scaled. */
export function reconcileNewReplicaSet(plan: DeploymentPlan, all: readonly ReplicaSet[], newRS: ReplicaSet): { scaled: boolean; newRS: ReplicaSet } {
  const desired = desiredReplicas(plan.d);
  if (replicasOf(newRS) === desired) return { scaled: false, newRS };
  if (replicasOf(newRS) > desired) {
    const r = plan.scaleTo(newRS, desired);
    return { scaled: r.scaled, newRS: r.rs };
  }
  const r = plan.scaleTo(newRS, newReplicaSetReplicas(plan.d, all, newRS));
  return { scaled: r.scaled, newRS: r.rs };
}

/** reconcileOldReplicaSets: unhealthy old replicas first, then available ones down to the floor. */
export function reconcileOldReplicaSets(plan: DeploymentPlan, all: readonly ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet): boolean {
  if (sumReplicas(oldRSs) === 0) return false;
  const minAvailable = desiredReplicas(plan.d) - maxUnavailable(plan.d);
  const newRSUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = sumReplicas(all) - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = cleanupUnhealthyReplicas(plan, oldRSs, maxScaledDown);
  const scaledDown = scaleDownOldReplicaSets(plan, [...cleaned.oldRSs, newRS], cleaned.oldRSs);
  return cleaned.count + scaledDown > 0;
}

/** cleanupUnhealthyReplicas: scale old ReplicaSets down by their unavailable replicas, oldest first. */
function cleanupUnhealthyReplicas(plan: DeploymentPlan, oldRSs: ReplicaSet[], maxCleanup: number): { oldRSs: ReplicaSet[]; count: number } {
  const sorted = [...oldRSs].sort(byCreation);
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (total >= maxCleanup) break;
    const rs = sorted[i]!;
    const replicas = replicasOf(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxCleanup - total, replicas - available);
    sorted[i] = plan.scaleTo(rs, replicas - count).rs;
    total += count;
  }
  return { oldRSs: sorted, count: total };
}

/** scaleDownOldReplicaSetsForRollingUpdate: available replicas above the floor, oldest first. */
function scaleDownOldReplicaSets(plan: DeploymentPlan, all: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[]): number {
  const minAvailable = desiredReplicas(plan.d) - maxUnavailable(plan.d);
  const available = sumAvailableReplicas(all);
  if (available <= minAvailable) return 0;
  const toScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= toScaleDown) break;
    if (replicasOf(rs) === 0) continue;
    const count = Math.min(replicasOf(rs), toScaleDown - total);
    plan.scaleTo(rs, replicasOf(rs) - count);
    total += count;
  }
  return total;
}
