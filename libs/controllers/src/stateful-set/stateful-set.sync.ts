// StatefulSet controller (pkg/controller/statefulset/stateful_set_control.go):
//   gone / being deleted -> nothing
//   history   -> current and update ControllerRevisions (created, or raised on rollback)
//   replicas  -> ordinals [start, start+replicas): failed pods deleted, missing ones created
//                (claims first); OrderedReady stops at the first pod created, terminating or
//                not Running+Ready, Parallel carries on
//   condemned -> pods beyond the range deleted, the highest ordinal first (one at a time when
//                OrderedReady, after every pod in range is healthy); whenScaled Delete makes
//                the pod an owner of its claims first
//   update    -> RollingUpdate: from the highest ordinal down to the partition, delete one pod
//                of an old revision, then wait for its replacement to be Running+Ready
//   status    -> replicas, ready, available, current/updated counts and revisions
// Invariant: OrderedReady never has pod i+1 created while pod i is not Running and Ready.
import type { ControllerRevision, KubeObject, Pod, StatefulSet } from '@skiff/api';
import { Resources, eventFor, objectReference, type Action, type SyncResult } from '../actions.js';
import { expectationsSatisfied, type Expectations } from '../expectations.js';
import { splitKey, type ListerView } from '../lister.js';
import { claimActions, claimObjects } from '../util/controller-ref.js';
import { deepEqual } from '../util/equal.js';
import { isPodReady, msUntilAvailable, podKey } from '../util/pod.js';
import { matchesSelector, selectorOf } from '../util/selector.js';
import { revisionTemplate, statefulSetRevisions, truncateHistory, type StatefulSetRevisions } from './stateful-set-history.js';
import { claimsFor, isFailedOrSucceeded, isHealthy, isTerminating, newStatefulSetPod, ownerRef, podName, podOrdinal, podRevision, startOrdinal } from './stateful-set-util.js';

export interface StatefulSetListers {
  readonly statefulSets: ListerView<StatefulSet>;
  readonly pods: ListerView<Pod>;
  readonly controllerRevisions: ListerView<ControllerRevision>;
  /** Absent while the apiserver does not serve PersistentVolumeClaims: pods then get emptyDirs. */
  readonly persistentVolumeClaims?: ListerView<KubeObject>;
}

export interface StatefulSetSyncContext {
  readonly nowMs: number;
  readonly expectations: Expectations;
}

type Status = NonNullable<StatefulSet['status']>;

interface Plan {
  readonly key: string;
  readonly set: StatefulSet;
  readonly revisions: StatefulSetRevisions;
  readonly listers: StatefulSetListers;
  readonly ctx: StatefulSetSyncContext;
}

export function syncStatefulSet(key: string, listers: StatefulSetListers, ctx: StatefulSetSyncContext): SyncResult {
  const { namespace, name } = splitKey(key);
  const set = listers.statefulSets.get(name, namespace);
  if (set === undefined || set.metadata.deletionTimestamp !== undefined) return { actions: [] };
  const actions: Action[] = [];
  const revisions = statefulSetRevisions(set, listers.controllerRevisions.namespace(namespace).list(), actions);
  if (revisions.collision) {
    const status: Status = { ...(set.status ?? { replicas: 0 }), collisionCount: (set.status?.collisionCount ?? 0) + 1 };
    return { actions: [...actions, { type: 'updateStatus', resource: Resources.statefulSets, object: { ...set, status } }], requeueAfterMs: 0 };
  }
  const selector = selectorOf(set.spec?.selector);
  const claim = claimObjects(set, listers.pods.namespace(namespace).list(), (p) => matchesSelector(selector, p.metadata.labels) && podOrdinal(set, p) !== undefined);
  actions.push(...claimActions(claim, Resources.pods, set, Resources.statefulSets));
  const pods = claim.claimed;
  const plan: Plan = { key, set, revisions, listers, ctx };
  if (expectationsSatisfied(ctx.expectations, key, ctx.nowMs)) {
    actions.push(...manage(plan, pods));
    truncateHistory(set, revisions.old, pods, actions);
  }
  const status = computeStatus(set, pods, revisions, ctx.nowMs);
  if (!deepEqual(set.status ?? {}, status)) actions.push({ type: 'updateStatus', resource: Resources.statefulSets, object: { ...set, status } });
  const requeueAfterMs = minReadyRequeue(set, pods, ctx.nowMs);
  return requeueAfterMs === undefined ? { actions } : { actions, requeueAfterMs };
}

function isMonotonic(set: StatefulSet): boolean {
  return (set.spec?.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
}

/** updateStatefulSet's pass over replicas, condemned pods and the rolling update. */
function manage(plan: Plan, pods: readonly Pod[]): Action[] {
  const { set } = plan;
  const start = startOrdinal(set);
  const end = start + (set.spec?.replicas ?? 1);
  const byOrdinal = new Map<number, Pod>();
  for (const pod of pods) byOrdinal.set(podOrdinal(set, pod)!, pod);
  const condemned = pods.filter((p) => { const o = podOrdinal(set, p)!; return o < start || o >= end; }).sort((a, b) => podOrdinal(set, b)! - podOrdinal(set, a)!);
  const monotonic = isMonotonic(set);
  const minReadySeconds = set.spec?.minReadySeconds ?? 0;
  const out: Action[] = [];
  for (let ordinal = start; ordinal < end; ordinal++) {
    const pod = byOrdinal.get(ordinal);
    if (pod !== undefined && isFailedOrSucceeded(pod) && !isTerminating(pod)) {
      out.push(deletePod(plan, pod));
      if (monotonic) return out;
      continue;
    }
    if (pod === undefined) {
      out.push(...createPod(plan, ordinal));
      if (monotonic) return out;
      continue;
    }
    // OrderedReady waits for each pod to be Running and Ready before touching the next.
    if (monotonic && !isHealthy(pod, minReadySeconds, plan.ctx.nowMs)) return out;
  }
  for (const pod of condemned) {
    if (isTerminating(pod)) {
      if (monotonic) return out;
      continue;
    }
    out.push(...claimsOwnedByPod(plan, pod), deletePod(plan, pod));
    if (monotonic) return out;
  }
  if (!monotonic && out.length > 0) return out;
  if ((set.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return out;
  return [...out, ...rollingUpdate(plan, byOrdinal, start, end)];
}

/** From the highest ordinal down to the partition: replace one old pod, then wait for it. */
function rollingUpdate(plan: Plan, byOrdinal: ReadonlyMap<number, Pod>, start: number, end: number): Action[] {
  const partition = plan.set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  const updateMin = Math.max(start, start + partition);
  const updateName = plan.revisions.update.metadata.name ?? '';
  for (let ordinal = end - 1; ordinal >= updateMin; ordinal--) {
    const pod = byOrdinal.get(ordinal);
    if (pod === undefined) return [];
    if (podRevision(pod) !== updateName && !isTerminating(pod)) return [deletePod(plan, pod)];
    if (!isHealthy(pod, plan.set.spec?.minReadySeconds ?? 0, plan.ctx.nowMs)) return [];
  }
  return [];
}

/** A new pod comes from the current revision below the partition, else from the update revision. */
function createPod(plan: Plan, ordinal: number): Action[] {
  const { set, revisions } = plan;
  const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  const rolling = (set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const revision = rolling && ordinal < startOrdinal(set) + partition ? revisions.current : revisions.update;
  const withClaims = plan.listers.persistentVolumeClaims !== undefined;
  const pod = newStatefulSetPod(set, revisionTemplate(revision), revision.metadata.name ?? '', ordinal, withClaims);
  const namespace = set.metadata.namespace ?? '';
  const name = podName(set, ordinal);
  const failureEvent = (prefix: string) => ({ involvedObject: objectReference(Resources.statefulSets, set), reason: 'FailedCreate', messagePrefix: prefix });
  const out: Action[] = [];
  const claims = plan.listers.persistentVolumeClaims?.namespace(namespace);
  if (claims !== undefined) {
    for (const claim of claimsFor(set, ordinal)) {
      const claimName = claim.metadata.name ?? '';
      if (claims.get(claimName) !== undefined) continue;
      out.push({
        type: 'create',
        resource: Resources.persistentVolumeClaims,
        namespace,
        object: claim,
        successEvent: eventFor(Resources.statefulSets, set, 'Normal', 'SuccessfulCreate', `create Claim ${claimName} Pod ${name} in StatefulSet ${set.metadata.name ?? ''} success`),
        failureEvent: failureEvent(`create Claim ${claimName} for Pod ${name} in StatefulSet ${set.metadata.name ?? ''} failed error: `),
      });
    }
  }
  out.push({
    type: 'create',
    resource: Resources.pods,
    namespace,
    object: pod,
    expectation: { key: plan.key, kind: 'add' },
    successEvent: eventFor(Resources.statefulSets, set, 'Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${set.metadata.name ?? ''} successful`),
    failureEvent: failureEvent(`create Pod ${name} in StatefulSet ${set.metadata.name ?? ''} failed error: `),
  });
  return out;
}

/**
 * persistentVolumeClaimRetentionPolicy.whenScaled Delete: before a pod is removed by scaling down,
 * its claims get the pod as an owner, so the garbage collector deletes them after it.
 */
function claimsOwnedByPod(plan: Plan, pod: Pod): Action[] {
  const { set } = plan;
  const claims = plan.listers.persistentVolumeClaims?.namespace(set.metadata.namespace ?? '');
  if (claims === undefined || set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled !== 'Delete') return [];
  const ordinal = podOrdinal(set, pod)!;
  const out: Action[] = [];
  for (const wanted of claimsFor(set, ordinal)) {
    const claim = claims.get(wanted.metadata.name ?? '');
    if (claim === undefined || claim.metadata.ownerReferences?.some((r) => r.uid === pod.metadata.uid)) continue;
    out.push({
      type: 'patch',
      resource: Resources.persistentVolumeClaims,
      namespace: claim.metadata.namespace ?? '',
      name: claim.metadata.name ?? '',
      patchType: 'strategic',
      patch: { metadata: { ownerReferences: [ownerRef(pod, Resources.pods)], uid: claim.metadata.uid } },
    });
  }
  return out;
}

function deletePod(plan: Plan, pod: Pod): Action {
  const setName = plan.set.metadata.name ?? '';
  const name = pod.metadata.name ?? '';
  return {
    type: 'delete',
    resource: Resources.pods,
    namespace: pod.metadata.namespace ?? '',
    name,
    ...(pod.metadata.uid === undefined ? {} : { preconditions: { uid: pod.metadata.uid } }),
    expectation: { key: plan.key, kind: 'delete', podKey: podKey(pod) },
    successEvent: eventFor(Resources.statefulSets, plan.set, 'Normal', 'SuccessfulDelete', `delete Pod ${name} in StatefulSet ${setName} successful`),
    failureEvent: { involvedObject: objectReference(Resources.statefulSets, plan.set), reason: 'FailedDelete', messagePrefix: `delete Pod ${name} in StatefulSet ${setName} failed error: ` },
  };
}

/** The status of what the lister shows; a rolling update is complete once every pod is updated and ready. */
export function computeStatus(set: StatefulSet, pods: readonly Pod[], revisions: StatefulSetRevisions, nowMs: number): Status {
  const minReadySeconds = set.spec?.minReadySeconds ?? 0;
  const live = pods.filter((p) => !isTerminating(p));
  const currentName = revisions.current.metadata.name ?? '';
  const updateName = revisions.update.metadata.name ?? '';
  const status: Status = {
    ...(set.status ?? { replicas: 0 }),
    replicas: live.length,
    readyReplicas: live.filter((p) => p.status?.phase === 'Running' && isPodReady(p)).length,
    availableReplicas: live.filter((p) => isHealthy(p, minReadySeconds, nowMs)).length,
    currentReplicas: live.filter((p) => podRevision(p) === currentName).length,
    updatedReplicas: live.filter((p) => podRevision(p) === updateName).length,
    currentRevision: currentName,
    updateRevision: updateName,
  };
  if (set.metadata.generation !== undefined) status.observedGeneration = set.metadata.generation;
  if (status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = updateName;
  }
  return status;
}

function minReadyRequeue(set: StatefulSet, pods: readonly Pod[], nowMs: number): number | undefined {
  const minReadySeconds = set.spec?.minReadySeconds ?? 0;
  if (minReadySeconds <= 0) return undefined;
  const waits = pods.map((p) => msUntilAvailable(p, minReadySeconds, nowMs)).filter((ms) => ms !== undefined);
  return waits.length === 0 ? undefined : Math.min(...waits);
}
