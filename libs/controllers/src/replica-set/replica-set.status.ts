// calculateStatus of the ReplicaSet controller (replica_set_utils.go).
import type { KubeObject, Pod } from '@skiff/api';
import { findCondition, removeCondition, type AppsCondition } from '../util/conditions.js';
import { deepEqual } from '../util/equal.js';
import { isPodAvailable, isPodReady } from '../util/pod.js';
import { formatTime } from '../util/time.js';
import type { ReplicaSetView } from './replica-set.sync.js';

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: AppsCondition[];
}

export function calculateReplicaSetStatus(view: ReplicaSetView, pods: readonly Pod[], manageError: string | undefined, nowMs: number): ReplicaSetStatus {
  const templateLabels = view.template?.metadata?.labels ?? {};
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    const labels = pod.metadata.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, view.minReadySeconds, nowMs)) available++;
    }
  }
  const old = view.object.status;
  let conditions = old?.conditions;
  const failure = findCondition(conditions, 'ReplicaFailure');
  if (manageError !== undefined && failure === undefined) {
    const diff = pods.length - view.replicas;
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    // ReplicaSetCondition has no lastUpdateTime.
    conditions = [...(conditions ?? []), { type: 'ReplicaFailure', status: 'True', lastTransitionTime: formatTime(nowMs), reason, message: manageError }];
  } else if (manageError === undefined && failure !== undefined) {
    conditions = removeCondition(conditions, 'ReplicaFailure');
  }
  const status: ReplicaSetStatus = {
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
  };
  const generation = view.object.metadata.generation;
  if (generation !== undefined) status.observedGeneration = generation;
  else if (old?.observedGeneration !== undefined) status.observedGeneration = old.observedGeneration;
  if (conditions !== undefined && conditions.length > 0) status.conditions = conditions;
  return status;
}

/** updateReplicaSetStatus writes only when a count, the generation or the conditions moved. */
export function replicaSetStatusChanged(owner: KubeObject & { status?: ReplicaSetStatus }, next: ReplicaSetStatus): boolean {
  const old = owner.status;
  if (old === undefined) return true;
  return (
    old.replicas !== next.replicas ||
    (old.fullyLabeledReplicas ?? 0) !== next.fullyLabeledReplicas ||
    (old.readyReplicas ?? 0) !== next.readyReplicas ||
    (old.availableReplicas ?? 0) !== next.availableReplicas ||
    old.observedGeneration !== next.observedGeneration ||
    !deepEqual(old.conditions ?? [], next.conditions ?? [])
  );
}
