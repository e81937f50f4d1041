// ReplicaSet controller (pkg/controller/replicaset/replica_set.go) as a pure sync:
//   1. read the ReplicaSet; gone -> forget its expectations;
//   2. claim the active pods of its namespace: keep those it controls and its selector matches,
//      adopt matching orphans, release controlled pods that stopped matching;
//   3. if its expectations are satisfied and it is not being deleted, create or delete pods to
//      match spec.replicas: at most burstReplicas per sync, creates in a slow-start batch,
//      deletions in ActivePods order;
//   4. write status (replicas, fullyLabeledReplicas, ready, available, observedGeneration,
//      the ReplicaFailure condition) when it changed.
// ReplicationControllers run the same code through `syncReplicationController`.
import type { KubeObject, Pod, PodTemplateSpec, ReplicaSet } from '@skiff/api';
import type { LabelSelector as Selector } from '@skiff/apimachinery';
import type { Random } from '@skiff/core';
import { Resources, eventFor, objectReference, type Action, type ResourceType, type SyncResult } from '../actions.js';
import { expectationsSatisfied, type Expectations } from '../expectations.js';
import type { ListerView } from '../lister.js';
import { podsInDeletionOrder } from '../util/active-pods.js';
import { claimActions, claimObjects, controllerRefOf, newControllerRef } from '../util/controller-ref.js';
import { isPodActive, msUntilAvailable, podKey } from '../util/pod.js';
import { podFromTemplate } from '../util/pod-template.js';
import { matchesSelector, selectorFromMap, selectorOf } from '../util/selector.js';
import { splitKey } from '../lister.js';
import { calculateReplicaSetStatus, replicaSetStatusChanged, type ReplicaSetStatus } from './replica-set.status.js';

/** replicaset.BurstReplicas: creates or deletes one sync may ask for. */
export const BURST_REPLICAS = 500;

export interface ReplicaSetListers {
  readonly replicaSets: ListerView<ReplicaSet>;
  readonly pods: ListerView<Pod>;
}

export interface ReplicaSetSyncContext {
  readonly nowMs: number;
  readonly random: Pick<Random, 'int'>;
  readonly expectations: Expectations;
  readonly burstReplicas?: number;
  /** The error of the last failed create or delete for this key, for the ReplicaFailure condition. */
  readonly manageReplicasError?: string;
}

/** The part of a ReplicaSet or ReplicationController the sync reads. */
export interface ReplicaSetView {
  readonly object: KubeObject & { status?: ReplicaSetStatus };
  readonly resource: ResourceType;
  readonly replicas: number;
  readonly minReadySeconds: number;
  readonly selector: Selector;
  readonly template: PodTemplateSpec | undefined;
}

export function replicaSetView(rs: ReplicaSet): ReplicaSetView {
  return {
    object: rs,
    resource: Resources.replicaSets,
    replicas: rs.spec?.replicas ?? 1,
    minReadySeconds: rs.spec?.minReadySeconds ?? 0,
    selector: selectorOf(rs.spec?.selector),
    template: rs.spec?.template,
  };
}

export function syncReplicaSet(key: string, listers: ReplicaSetListers, ctx: ReplicaSetSyncContext): SyncResult {
  const { namespace, name } = splitKey(key);
  const rs = listers.replicaSets.get(name, namespace);
  if (rs === undefined) return { actions: [] };
  const related = relatedPods(rs, listers);
  return syncReplicas(key, replicaSetView(rs), listers.pods.namespace(namespace).list(), related, ctx);
}

/** Pods of the ReplicaSet's family: all ReplicaSets with the same controller (a Deployment's). */
function relatedPods(rs: ReplicaSet, listers: ReplicaSetListers): Pod[] {
  const namespace = rs.metadata.namespace ?? '';
  const owner = controllerRefOf(rs);
  const family = owner === undefined ? [rs] : listers.replicaSets.namespace(namespace).list().filter((r) => controllerRefOf(r)?.uid === owner.uid);
  const uids = new Set(family.map((r) => r.metadata.uid));
  return listers.pods.namespace(namespace).list().filter((p) => uids.has(controllerRefOf(p)?.uid));
}

/** The shared body of the ReplicaSet and ReplicationController syncs. */
export function syncReplicas(key: string, view: ReplicaSetView, namespacePods: readonly Pod[], related: readonly Pod[], ctx: ReplicaSetSyncContext): SyncResult {
  const owner = view.object;
  const active = namespacePods.filter(isPodActive);
  const claim = claimObjects(owner, active, (p) => matchesSelector(view.selector, p.metadata.labels));
  const actions: Action[] = claimActions(claim, Resources.pods, owner, view.resource);
  const pods = claim.claimed;
  if (expectationsSatisfied(ctx.expectations, key, ctx.nowMs) && owner.metadata.deletionTimestamp === undefined) {
    actions.push(...manageReplicas(key, view, pods, related, ctx));
  }
  const status = calculateReplicaSetStatus(view, pods, ctx.manageReplicasError, ctx.nowMs);
  if (replicaSetStatusChanged(owner, status)) actions.push({ type: 'updateStatus', resource: view.resource, object: { ...owner, status } });
  const requeueAfterMs = minReadyRequeue(view, pods, status, ctx);
  return requeueAfterMs === undefined ? { actions } : { actions, requeueAfterMs };
}

function manageReplicas(key: string, view: ReplicaSetView, pods: readonly Pod[], related: readonly Pod[], ctx: ReplicaSetSyncContext): Action[] {
  const burst = ctx.burstReplicas ?? BURST_REPLICAS;
  const diff = pods.length - view.replicas;
  if (diff < 0) return [createPods(key, view, Math.min(-diff, burst), ctx)];
  if (diff > 0) return deletePods(key, view, podsInDeletionOrder(pods, related, ctx.nowMs).slice(0, Math.min(diff, burst)));
  return [];
}

function createPods(key: string, view: ReplicaSetView, count: number, ctx: ReplicaSetSyncContext): Action {
  const owner = view.object;
  const namespace = owner.metadata.namespace ?? '';
  const ref = newControllerRef(owner, view.resource);
  const actions: Action[] = [];
  for (let i = 0; i < count; i++) {
    const pod = podFromTemplate(view.template, namespace, owner.metadata.name ?? '', ref, ctx.random);
    actions.push({
      type: 'create',
      resource: Resources.pods,
      namespace,
      object: pod,
      expectation: { key, kind: 'add' },
      successEvent: eventFor(view.resource, owner, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`),
      failureEvent: { involvedObject: objectReference(view.resource, owner), reason: 'FailedCreate', messagePrefix: 'Error creating: ' },
    });
  }
  return { type: 'batch', mode: 'slowStart', actions };
}

function deletePods(key: string, view: ReplicaSetView, victims: readonly Pod[]): Action[] {
  const owner = view.object;
  const actions: Action[] = victims.map((pod) => ({
    type: 'delete',
    resource: Resources.pods,
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name ?? '',
    ...(pod.metadata.uid === undefined ? {} : { preconditions: { uid: pod.metadata.uid } }),
    expectation: { key, kind: 'delete', podKey: podKey(pod) },
    successEvent: eventFor(view.resource, owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name ?? ''}`),
    failureEvent: { involvedObject: objectReference(view.resource, owner), reason: 'FailedDelete', messagePrefix: 'Error deleting: ' },
  }));
  return actions.length === 0 ? [] : [{ type: 'batch', mode: 'parallel', actions }];
}

/** A last line of defence against clock skew: look again once ready pods should be available. */
function minReadyRequeue(view: ReplicaSetView, pods: readonly Pod[], status: ReplicaSetStatus, ctx: ReplicaSetSyncContext): number | undefined {
  if (ctx.manageReplicasError !== undefined || view.minReadySeconds <= 0) return undefined;
  if (status.readyReplicas !== view.replicas || status.availableReplicas === view.replicas) return undefined;
  const waits = pods.map((p) => msUntilAvailable(p, view.minReadySeconds, ctx.nowMs)).filter((ms) => ms !== undefined);
  return waits.length === 0 ? view.minReadySeconds * 1000 : Math.min(...waits);
}

/** core/v1 ReplicationController (served by Kubernetes; absent from Skiff's schema set so far). */
export interface ReplicationController extends KubeObject {
  spec?: { replicas?: number; minReadySeconds?: number; selector?: Record<string, string>; template?: PodTemplateSpec };
  status?: ReplicaSetStatus;
}

export interface ReplicationControllerListers {
  readonly replicationControllers: ListerView<ReplicationController>;
  readonly pods: ListerView<Pod>;
}

export function replicationControllerView(rc: ReplicationController): ReplicaSetView {
  // SetDefaults_ReplicationController: no selector means the template's labels.
  const selector = rc.spec?.selector ?? rc.spec?.template?.metadata?.labels;
  return {
    object: rc,
    resource: Resources.replicationControllers,
    replicas: rc.spec?.replicas ?? 1,
    minReadySeconds: rc.spec?.minReadySeconds ?? 0,
    selector: selectorFromMap(selector),
    template: rc.spec?.template,
  };
}

export function syncReplicationController(key: string, listers: ReplicationControllerListers, ctx: ReplicaSetSyncContext): SyncResult {
  const { namespace, name } = splitKey(key);
  const rc = listers.replicationControllers.get(name, namespace);
  if (rc === undefined) return { actions: [] };
  const pods = listers.pods.namespace(namespace).list();
  const own = pods.filter((p) => controllerRefOf(p)?.uid === rc.metadata.uid);
  return syncReplicas(key, replicationControllerView(rc), pods, own, ctx);
}
