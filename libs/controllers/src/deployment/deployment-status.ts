// Deployment status and conditions (pkg/controller/deployment/progress.go, sync.go):
// the counts `kubectl rollout status` waits on, Available (MinimumReplicasAvailable), and
// Progressing with its reasons: NewReplicaSetCreated, FoundNewReplicaSet, ReplicaSetUpdated,
// NewReplicaSetAvailable, ProgressDeadlineExceeded, DeploymentPaused, DeploymentResumed.
import type { Deployment, ReplicaSet } from '@skiff/api';
import { findCondition, newAppsCondition, removeCondition, setAppsCondition, type AppsCondition } from '../util/conditions.js';
import { parseTime } from '../util/time.js';
import type { DeploymentPlan } from './deployment-plan.js';
import { desiredReplicas, hasProgressDeadline, maxUnavailable, sumActualReplicas, sumAvailableReplicas, sumReadyReplicas, sumReplicas } from './deployment-util.js';

export const DeploymentReasons = {
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  ReplicaSetCreateError: 'ReplicaSetCreateError',
  DeploymentPaused: 'DeploymentPaused',
  DeploymentResumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

export type DeploymentStatus = NonNullable<Deployment['status']>;

const conditionsOf = (status: DeploymentStatus | undefined): AppsCondition[] => (status?.conditions ?? []) as AppsCondition[];

export function setDeploymentCondition(plan: DeploymentPlan, type: string, status: string, reason: string, message: string): void {
  const st = (plan.d.status ??= {});
  st.conditions = setAppsCondition(conditionsOf(st), newAppsCondition(type, status, reason, message, plan.nowIso));
}

/** calculateStatus. */
export function calculateDeploymentStatus(plan: DeploymentPlan, all: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): DeploymentStatus {
  const d = plan.d;
  const available = sumAvailableReplicas(all);
  const unavailable = Math.max(0, sumReplicas(all) - available);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sumActualReplicas(all),
    updatedReplicas: sumActualReplicas([newRS]),
    readyReplicas: sumReadyReplicas(all),
    availableReplicas: available,
    unavailableReplicas: unavailable,
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  const minAvailable = available >= desiredReplicas(d) - maxUnavailable(d);
  const condition = minAvailable
    ? newAppsCondition('Available', 'True', DeploymentReasons.MinimumReplicasAvailable, 'Deployment has minimum availability.', plan.nowIso)
    : newAppsCondition('Available', 'False', DeploymentReasons.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', plan.nowIso);
  status.conditions = setAppsCondition(conditionsOf(d.status), condition);
  return status;
}

/** DeploymentComplete. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus | undefined): boolean {
  const desired = desiredReplicas(d);
  return (
    (status?.updatedReplicas ?? 0) === desired &&
    (status?.replicas ?? 0) === desired &&
    (status?.availableReplicas ?? 0) === desired &&
    (status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available replicas than before. */
function deploymentProgressing(d: Deployment, next: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

function deploymentTimedOut(d: Deployment, status: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = findCondition(conditionsOf(status), 'Progressing');
  if (c === undefined || c.reason === DeploymentReasons.NewReplicaSetAvailable) return false;
  if (c.reason === DeploymentReasons.ProgressDeadlineExceeded) return true;
  const from = parseTime(c.lastUpdateTime);
  return from !== undefined && from + (d.spec?.progressDeadlineSeconds ?? 600) * 1000 < nowMs;
}

/** syncRolloutStatus: status, Progressing estimation, ReplicaFailure from the ReplicaSets. */
export function syncRolloutStatus(plan: DeploymentPlan, all: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): void {
  const d = plan.d;
  const status = calculateDeploymentStatus(plan, all, newRS);
  if (!hasProgressDeadline(d)) status.conditions = removeCondition(conditionsOf(status), 'Progressing');
  const current = findCondition(conditionsOf(d.status), 'Progressing');
  const isComplete = status.replicas === status.updatedReplicas && current?.reason === DeploymentReasons.NewReplicaSetAvailable;
  const rsName = newRS?.metadata.name;
  const what = rsName === undefined ? `Deployment "${d.metadata.name ?? ''}"` : `ReplicaSet "${rsName}"`;
  if (hasProgressDeadline(d) && !isComplete) {
    if (deploymentComplete(d, status)) {
      status.conditions = setAppsCondition(conditionsOf(status), newAppsCondition('Progressing', 'True', DeploymentReasons.NewReplicaSetAvailable, `${what} has successfully progressed.`, plan.nowIso));
    } else if (deploymentProgressing(d, status)) {
      // Progress refreshes lastUpdateTime even with the same reason (SetDeploymentCondition would not).
      const c = newAppsCondition('Progressing', 'True', DeploymentReasons.ReplicaSetUpdated, `${what} is progressing.`, plan.nowIso);
      if (current?.status === 'True' && current.lastTransitionTime !== undefined) c.lastTransitionTime = current.lastTransitionTime;
      status.conditions = [...removeCondition(conditionsOf(status), 'Progressing'), c];
    } else if (deploymentTimedOut(d, status, plan.nowMs)) {
      status.conditions = setAppsCondition(conditionsOf(status), newAppsCondition('Progressing', 'False', DeploymentReasons.ProgressDeadlineExceeded, `${what} has timed out progressing.`, plan.nowIso));
    }
  }
  const failure = replicaFailure(all, newRS);
  status.conditions = failure === undefined ? removeCondition(conditionsOf(status), 'ReplicaFailure') : setAppsCondition(conditionsOf(status), failure);
  d.status = status;
  requeueStuckDeployment(plan, status);
}

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure, else any old one's. */
function replicaFailure(all: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): AppsCondition | undefined {
  const ordered = newRS === undefined ? all : [newRS, ...all.filter((rs) => rs !== newRS)];
  for (const rs of ordered) {
    const c = rs?.status?.conditions?.find((x) => x.type === 'ReplicaFailure');
    if (c === undefined) continue;
    const out: AppsCondition = { type: 'ReplicaFailure', status: c.status };
    if (c.lastTransitionTime !== undefined) out.lastTransitionTime = c.lastTransitionTime;
    if (c.lastTransitionTime !== undefined) out.lastUpdateTime = c.lastTransitionTime;
    if (c.reason !== undefined) out.reason = c.reason;
    if (c.message !== undefined) out.message = c.message;
    return out;
  }
  return undefined;
}

/** requeueStuckDeployment: look again when the progress deadline would pass. */
function requeueStuckDeployment(plan: DeploymentPlan, status: DeploymentStatus): void {
  const d = plan.original;
  const current = findCondition(conditionsOf(d.status), 'Progressing');
  if (!hasProgressDeadline(d) || current === undefined) return;
  if (deploymentComplete(d, status) || current.reason === DeploymentReasons.ProgressDeadlineExceeded) return;
  const from = parseTime(current.lastUpdateTime);
  if (from === undefined) return;
  const after = from + (d.spec?.progressDeadlineSeconds ?? 600) * 1000 - plan.nowMs;
  plan.requeueAfter(after < 1000 ? 0 : after + 1000);
}

/** syncDeploymentStatus (paused and scaling syncs): the counts and Available only. */
export function syncDeploymentStatus(plan: DeploymentPlan, all: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): void {
  plan.d.status = calculateDeploymentStatus(plan, all, newRS);
}

/** checkPausedConditions: Progressing Unknown while paused, so a resumed rollout does not time out at once. */
export function checkPausedConditions(plan: DeploymentPlan): void {
  const d = plan.d;
  if (!hasProgressDeadline(d)) return;
  const c = findCondition(conditionsOf(d.status), 'Progressing');
  if (c?.reason === DeploymentReasons.ProgressDeadlineExceeded) return;
  const pausedCondExists = c?.reason === DeploymentReasons.DeploymentPaused;
  if (d.spec?.paused === true && !pausedCondExists) setDeploymentCondition(plan, 'Progressing', 'Unknown', DeploymentReasons.DeploymentPaused, 'Deployment is paused');
  else if (d.spec?.paused !== true && pausedCondExists) setDeploymentCondition(plan, 'Progressing', 'Unknown', DeploymentReasons.DeploymentResumed, 'Deployment is resumed');
}
