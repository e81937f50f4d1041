// Deployment controller (pkg/controller/deployment/deployment_controller.go syncDeployment):
//   gone                      -> nothing
//   selector {}               -> Warning SelectingAll, observedGeneration only
//   claim ReplicaSets         -> adopt matching orphans, release those that stopped matching
//   being deleted             -> status only
//   paused, or replicas moved -> scale proportionally (+ history cleanup when paused)
//   Recreate / RollingUpdate  -> one rollout step, then rollout status and conditions
// Everything the Deployment object itself gets (revision annotation, status, conditions) goes
// out as one status update at the end.
import type { Deployment, Pod, ReplicaSet } from '@skiff/api';
import { Resources, type SyncResult } from '../actions.js';
import { splitKey, type ListerView } from '../lister.js';
import { claimActions, claimObjects, controllerRefOf } from '../util/controller-ref.js';
import { deepEqual } from '../util/equal.js';
import { isEmptySelectorObject, matchesSelector, selectorOf } from '../util/selector.js';
import { DeploymentPlan } from './deployment-plan.js';
import { getAllReplicaSetsAndSyncRevision } from './deployment-revision.js';
import { checkPausedConditions, deploymentComplete, syncDeploymentStatus, syncRolloutStatus } from './deployment-status.js';
import { cleanupDeployment } from './history.js';
import { oldPodsRunning, scaleDownOldForRecreate, scaleUpNewForRecreate } from './recreate.js';
import { reconcileNewReplicaSet, reconcileOldReplicaSets } from './rolling.js';
import { isScalingEvent, scale } from './scale.js';

export interface DeploymentListers {
  readonly deployments: ListerView<Deployment>;
  readonly replicaSets: ListerView<ReplicaSet>;
  readonly pods: ListerView<Pod>;
}

export interface DeploymentSyncContext {
  readonly nowMs: number;
}

export function syncDeployment(key: string, listers: DeploymentListers, ctx: DeploymentSyncContext): SyncResult {
  const { namespace, name } = splitKey(key);
  const d = listers.deployments.get(name, namespace);
  if (d === undefined) return { actions: [] };
  const plan = new DeploymentPlan(d, ctx.nowMs);
  if (isEmptySelectorObject(d.spec?.selector)) {
    plan.event('SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.', 'Warning');
    if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) plan.d.status = { ...(plan.d.status ?? {}), observedGeneration: d.metadata.generation ?? 0 };
    return finish(plan);
  }
  const namespaceRSs = listers.replicaSets.namespace(namespace).list();
  const rsList = claimReplicaSets(plan, namespaceRSs);
  if (d.metadata.deletionTimestamp !== undefined) {
    const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(plan, rsList, namespaceRSs, false);
    syncDeploymentStatus(plan, [...oldRSs, newRS], newRS);
    return finish(plan);
  }
  checkPausedConditions(plan);
  if (d.spec?.paused === true) return finish(syncScale(plan, rsList, namespaceRSs));
  const probe = getAllReplicaSetsAndSyncRevision(new DeploymentPlan(plan.d, ctx.nowMs), rsList, namespaceRSs, false);
  if (isScalingEvent(plan.d, [...probe.oldRSs, probe.newRS])) return finish(syncScale(plan, rsList, namespaceRSs));
  if ((d.spec?.strategy?.type ?? 'RollingUpdate') === 'Recreate') {
    const pods = listers.pods.namespace(namespace).list();
    return finish(rolloutRecreate(plan, rsList, namespaceRSs, podsByReplicaSet(rsList, pods)));
  }
  return finish(rolloutRolling(plan, rsList, namespaceRSs));
}

/** getReplicaSetsForDeployment. */
function claimReplicaSets(plan: DeploymentPlan, namespaceRSs: readonly ReplicaSet[]): ReplicaSet[] {
  const selector = selectorOf(plan.original.spec?.selector);
  const claim = claimObjects(plan.original, namespaceRSs, (rs) => matchesSelector(selector, rs.metadata.labels));
  plan.actions.push(...claimActions(claim, Resources.replicaSets, plan.original, Resources.deployments));
  return claim.claimed;
}

function podsByReplicaSet(rsList: readonly ReplicaSet[], pods: readonly Pod[]): Map<string, Pod[]> {
  const byUid = new Map<string, Pod[]>();
  for (const rs of rsList) if (rs.metadata.uid !== undefined) byUid.set(rs.metadata.uid, []);
  for (const pod of pods) {
    const uid = controllerRefOf(pod)?.uid;
    if (uid !== undefined) byUid.get(uid)?.push(pod);
  }
  return byUid;
}

/** sync: scaling and paused deployments. */
function syncScale(plan: DeploymentPlan, rsList: readonly ReplicaSet[], namespaceRSs: readonly ReplicaSet[]): DeploymentPlan {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(plan, rsList, namespaceRSs, false);
  scale(plan, newRS, oldRSs);
  if (plan.d.spec?.paused === true) cleanupDeployment(plan, oldRSs);
  syncDeploymentStatus(plan, [...oldRSs, newRS], newRS);
  return plan;
}

function rolloutRolling(plan: DeploymentPlan, rsList: readonly ReplicaSet[], namespaceRSs: readonly ReplicaSet[]): DeploymentPlan {
  const found = getAllReplicaSetsAndSyncRevision(plan, rsList, namespaceRSs, true);
  if (found.collision === true || found.newRS === undefined) return plan;
  const { newRS: initialNewRS, oldRSs } = found;
  const up = reconcileNewReplicaSet(plan, [...oldRSs, initialNewRS], initialNewRS);
  const newRS = up.newRS;
  if (up.scaled) {
    syncRolloutStatus(plan, [...oldRSs, newRS], newRS);
    return plan;
  }
  const activeOld = oldRSs.filter((rs) => (rs.spec?.replicas ?? 1) > 0);
  if (reconcileOldReplicaSets(plan, [...oldRSs, newRS], activeOld, newRS)) {
    syncRolloutStatus(plan, [...oldRSs, newRS], newRS);
    return plan;
  }
  if (deploymentComplete(plan.original, plan.original.status)) cleanupDeployment(plan, oldRSs);
  syncRolloutStatus(plan, [...oldRSs, newRS], newRS);
  return plan;
}

function rolloutRecreate(plan: DeploymentPlan, rsList: readonly ReplicaSet[], namespaceRSs: readonly ReplicaSet[], podMap: ReadonlyMap<string, readonly Pod[]>): DeploymentPlan {
  const first = getAllReplicaSetsAndSyncRevision(plan, rsList, namespaceRSs, false);
  let { newRS } = first;
  const { oldRSs } = first;
  if (scaleDownOldForRecreate(plan, oldRSs) || oldPodsRunning(newRS, oldRSs, podMap)) {
    syncRolloutStatus(plan, [...oldRSs, newRS], newRS);
    return plan;
  }
  if (newRS === undefined) {
    const created = getAllReplicaSetsAndSyncRevision(plan, rsList, namespaceRSs, true);
    if (created.collision === true || created.newRS === undefined) return plan;
    newRS = created.newRS;
  }
  newRS = scaleUpNewForRecreate(plan, newRS);
  if (deploymentComplete(plan.original, plan.original.status)) cleanupDeployment(plan, oldRSs);
  syncRolloutStatus(plan, [...oldRSs, newRS], newRS);
  return plan;
}

/** One status update for everything the Deployment itself gets, when anything changed. */
function finish(plan: DeploymentPlan): SyncResult {
  const before = plan.original;
  const changed = !deepEqual(before.status ?? {}, plan.d.status ?? {}) || !deepEqual(before.metadata.annotations ?? {}, plan.d.metadata.annotations ?? {});
  const actions = [...plan.actions];
  if (changed) actions.push({ type: 'updateStatus', resource: Resources.deployments, object: plan.d });
  return plan.requeueAfterMs === undefined ? { actions } : { actions, requeueAfterMs: plan.requeueAfterMs };
}
