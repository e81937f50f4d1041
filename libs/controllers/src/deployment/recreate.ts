// Recreate (pkg/controller/deployment/recreate.go): scale every old ReplicaSet to 0, wait until
// no old pod runs, then create or scale up the new ReplicaSet.
import type { Pod, ReplicaSet } from '@skiff/api';
import { activeReplicaSets, desiredReplicas, sumActualReplicas } from './deployment-util.js';
import type { DeploymentPlan } from './deployment-plan.js';

export function scaleDownOldForRecreate(plan: DeploymentPlan, oldRSs: readonly ReplicaSet[]): boolean {
  let scaled = false;
  for (const rs of activeReplicaSets(oldRSs)) if (plan.scaleTo(rs, 0).scaled) scaled = true;
  return scaled;
}

/** oldPodsRunning: old ReplicaSets report pods, or a pod of theirs is not finished (Unknown counts). */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], podsByOwnerUid: ReadonlyMap<string, readonly Pod[]>): boolean {
  if (sumActualReplicas(oldRSs) > 0) return true;
  for (const [uid, pods] of podsByOwnerUid) {
    if (newRS !== undefined && newRS.metadata.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}

export function scaleUpNewForRecreate(plan: DeploymentPlan, newRS: ReplicaSet): ReplicaSet {
  return plan.scaleTo(newRS, desiredReplicas(plan.d)).rs;
}
