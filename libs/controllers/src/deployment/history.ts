// cleanupDeployment (pkg/controller/deployment/sync.go): keep revisionHistoryLimit old
// ReplicaSets; delete the oldest revisions beyond it, only when they are empty and settled.
import type { ReplicaSet } from '@skiff/api';
import { Resources } from '../actions.js';
import { parseTime } from '../util/time.js';
import type { DeploymentPlan } from './deployment-plan.js';
import { hasRevisionHistoryLimit, replicasOf, revisionOf } from './deployment-util.js';

export function cleanupDeployment(plan: DeploymentPlan, oldRSs: readonly ReplicaSet[]): void {
  if (!hasRevisionHistoryLimit(plan.d)) return;
  const cleanable = oldRSs.filter((rs) => rs.metadata.deletionTimestamp === undefined);
  const diff = cleanable.length - (plan.d.spec?.revisionHistoryLimit ?? 10);
  if (diff <= 0) return;
  const byRevision = [...cleanable].sort(
    (a, b) => revisionOf(a) - revisionOf(b) || (parseTime(a.metadata.creationTimestamp) ?? 0) - (parseTime(b.metadata.creationTimestamp) ?? 0),
  );
  for (const rs of byRevision.slice(0, diff)) {
    const settled = (rs.status?.replicas ?? 0) === 0 && replicasOf(rs) === 0 && (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0);
    if (!settled) continue;
    plan.actions.push({
      type: 'delete',
      resource: Resources.replicaSets,
      namespace: rs.metadata.namespace ?? '',
      name: rs.metadata.name ?? '',
      ...(rs.metadata.uid === undefined ? {} : { preconditions: { uid: rs.metadata.uid } }),
    });
  }
}
