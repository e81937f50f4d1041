// Status conditions of the apps kinds (DeploymentCondition, ReplicaSetCondition): one per type;
// lastTransitionTime moves only when the status changes; setting the same status and reason again
// changes nothing (deploymentutil.SetDeploymentCondition).

export interface AppsCondition {
  type: string;
  status: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export function findCondition<C extends { type: string }>(conditions: readonly C[] | undefined, type: string): C | undefined {
  return conditions?.find((c) => c.type === type);
}

export function newAppsCondition(type: string, status: string, reason: string, message: string, nowIso: string): AppsCondition {
  return { type, status, lastUpdateTime: nowIso, lastTransitionTime: nowIso, reason, message };
}

/** The conditions with `condition` set (a new array; the input is not changed). */
export function setAppsCondition(conditions: readonly AppsCondition[] | undefined, condition: AppsCondition): AppsCondition[] {
  const list = [...(conditions ?? [])];
  const current = findCondition(list, condition.type);
  if (current !== undefined && current.status === condition.status && current.reason === condition.reason) return list;
  const next = { ...condition };
  if (current !== undefined && current.status === condition.status && current.lastTransitionTime !== undefined) next.lastTransitionTime = current.lastTransitionTime;
  return [...list.filter((c) => c.type !== condition.type), next];
}

export function removeCondition<C extends { type: string }>(conditions: readonly C[] | undefined, type: string): C[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}
