// What a sync asks for. Controllers never call the API: they return actions as data, in the
// order to run them, and the controller-manager executes them through its client (client-go's
// "sync reads listers, computes a diff, acts through an injectable client", with the acting
// moved out of the pure code).
//
// Execution contract (the service's executor):
// - run actions in order; a failed action ends the sync: skip the rest and requeue the key with
//   back-off. `event` actions are best effort and never end a sync.
// - a `batch` runs its actions in groups: `slowStart` in groups of 1, 2, 4, ... (stopping after
//   the first group with a failure, as controller.slowStartBatch), `parallel` all at once.
// - actions tagged with `expectation` were counted in the controller's expectations before the
//   sync ran them (see expectations.ts, `raiseExpectations`); each one that fails or is skipped
//   must be lowered with `lowerExpectation`, because no informer event will ever observe it.
// - `successEvent` of a create or delete is recorded when the call succeeds, `failureEvent`
//   when it fails (a delete answered 404 NotFound counts as done, as in Kubernetes).
// - `update` and `updateStatus` carry the full object with its resourceVersion: a 409 Conflict is
//   an ordinary failure (requeue, the next sync reads a fresher lister).
import type { KubeObject } from '@skiff/api';

/** Where an object lives in the API: group, version, plural resource, kind and scope. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

function resourceType(group: string, version: string, resource: string, kind: string, namespaced = true): ResourceType {
  return { group, version, resource, kind, namespaced };
}

export const Resources = {
  pods: resourceType('', 'v1', 'pods', 'Pod'),
  nodes: resourceType('', 'v1', 'nodes', 'Node', false),
  namespaces: resourceType('', 'v1', 'namespaces', 'Namespace', false),
  services: resourceType('', 'v1', 'services', 'Service'),
  endpoints: resourceType('', 'v1', 'endpoints', 'Endpoints'),
  events: resourceType('', 'v1', 'events', 'Event'),
  replicationControllers: resourceType('', 'v1', 'replicationcontrollers', 'ReplicationController'),
  replicaSets: resourceType('apps', 'v1', 'replicasets', 'ReplicaSet'),
  deployments: resourceType('apps', 'v1', 'deployments', 'Deployment'),
  daemonSets: resourceType('apps', 'v1', 'daemonsets', 'DaemonSet'),
  statefulSets: resourceType('apps', 'v1', 'statefulsets', 'StatefulSet'),
  persistentVolumeClaims: resourceType('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim'),
  persistentVolumes: resourceType('', 'v1', 'persistentvolumes', 'PersistentVolume', false),
  storageClasses: resourceType('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false),
  controllerRevisions: resourceType('apps', 'v1', 'controllerrevisions', 'ControllerRevision'),
  jobs: resourceType('batch', 'v1', 'jobs', 'Job'),
  cronJobs: resourceType('batch', 'v1', 'cronjobs', 'CronJob'),
  endpointSlices: resourceType('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice'),
  leases: resourceType('coordination.k8s.io', 'v1', 'leases', 'Lease'),
  horizontalPodAutoscalers: resourceType('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler'),
} as const;

export function apiVersionOf(resource: ResourceType): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

/** The counting an action stands for in a controller's expectations. */
export interface ExpectationTag {
  readonly key: string;
  readonly kind: 'add' | 'delete';
  /** The `namespace/name` of the pod a deletion is expected for (UID-tracking expectations). */
  readonly podKey?: string;
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';
export type PatchType = 'strategic' | 'merge' | 'json';
export type EventType = 'Normal' | 'Warning';

export interface CreateAction {
  readonly type: 'create';
  readonly resource: ResourceType;
  readonly namespace?: string;
  readonly object: KubeObject;
  readonly expectation?: ExpectationTag;
  readonly successEvent?: EventAction;
  readonly failureEvent?: FailureEvent;
}

export interface UpdateAction {
  readonly type: 'update';
  readonly resource: ResourceType;
  /** Full object, resourceVersion included (optimistic concurrency). */
  readonly object: KubeObject;
  /** `finalize` for namespaces (PUT /api/v1/namespaces/<name>/finalize). */
  readonly subresource?: 'finalize' | 'scale';
}

export interface UpdateStatusAction {
  readonly type: 'updateStatus';
  readonly resource: ResourceType;
  /** Full object with the new status, resourceVersion included. */
  readonly object: KubeObject;
}

export interface PatchAction {
  readonly type: 'patch';
  readonly resource: ResourceType;
  readonly namespace?: string;
  readonly name: string;
  readonly patchType: PatchType;
  readonly patch: unknown;
  readonly subresource?: 'status' | 'scale';
  readonly requireAbsentOwners?: readonly ObjectReference[];
}

export interface DeleteAction {
  readonly type: 'delete';
  readonly resource: ResourceType;
  readonly namespace?: string;
  readonly name: string;
  /** DeleteOptions.preconditions: the delete fails with 409 if the object changed identity or version. */
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly propagationPolicy?: PropagationPolicy;
  /**
   * The garbage collector decided from a cache that these owners are gone: the executor must
   * confirm it with live GETs (not found, or found with another uid) before acting, as
   * Kubernetes' isDangling does; if one exists, skip the action and requeue.
   */
  readonly requireAbsentOwners?: readonly ObjectReference[];
  readonly expectation?: ExpectationTag;
  readonly successEvent?: EventAction;
  readonly failureEvent?: FailureEvent;
}

/** An Event to record about an object (the service's recorder names, counts and timestamps it). */
export interface EventAction {
  readonly type: 'event';
  readonly involvedObject: ObjectReference;
  readonly eventType: EventType;
  readonly reason: string;
  readonly message: string;
}

/**
 * The Warning event the executor records when a create or delete fails (NotFound on a delete is
 * not a failure): reason as given, message `${messagePrefix}${error message}`
 * (FailedCreate "Error creating: pods \"web-x\" is forbidden: ...").
 */
export interface FailureEvent {
  readonly involvedObject: ObjectReference;
  readonly reason: string;
  readonly messagePrefix: string;
}

export interface BatchAction {
  readonly type: 'batch';
  readonly mode: 'slowStart' | 'parallel';
  readonly actions: readonly Action[];
}

export type Action = CreateAction | UpdateAction | UpdateStatusAction | PatchAction | DeleteAction | EventAction | BatchAction;

/** What one sync returns: the actions and, when the controller must look again later, when. */
export interface SyncResult {
  readonly actions: readonly Action[];
  /** Requeue the key after this long even without informer events (progress deadlines, minReadySeconds, tolerationSeconds). */
  readonly requeueAfterMs?: number;
}

export interface ObjectReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
}

export function objectReference(resource: ResourceType, obj: KubeObject): ObjectReference {
  const ref: { -readonly [K in keyof ObjectReference]: ObjectReference[K] } = {
    apiVersion: apiVersionOf(resource),
    kind: resource.kind,
    name: obj.metadata.name ?? '',
  };
  if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== '') ref.namespace = obj.metadata.namespace;
  if (obj.metadata.uid !== undefined) ref.uid = obj.metadata.uid;
  if (obj.metadata.resourceVersion !== undefined) ref.resourceVersion = obj.metadata.resourceVersion;
  return ref;
}

export function eventFor(resource: ResourceType, obj: KubeObject, eventType: EventType, reason: string, message: string): EventAction {
  return { type: 'event', involvedObject: objectReference(resource, obj), eventType, reason, message };
}

/** The first group of the controller's slow start (controller.SlowStartInitialBatchSize). */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

/**
 * Group sizes of controller.slowStartBatch for `count` calls: 1, 2, 4, ... doubling while every
 * call of a group succeeds, the last group cut to what remains. A storm of failing creates
 * (quota, admission) then costs one call instead of hundreds.
 */
export function slowStartBatchSizes(count: number, initialBatchSize = SLOW_START_INITIAL_BATCH_SIZE): number[] {
  const sizes: number[] = [];
  let remaining = count;
  let size = Math.min(remaining, initialBatchSize);
  while (size > 0) {
    sizes.push(size);
    remaining -= size;
    size = Math.min(2 * size, remaining);
  }
  return sizes;
}

/** Every non-batch action, batches flattened in order (for tests and executors alike). */
export function flattenActions(actions: readonly Action[]): Exclude<Action, BatchAction>[] {
  const out: Exclude<Action, BatchAction>[] = [];
  for (const action of actions) {
    if (action.type === 'batch') out.push(...flattenActions(action.actions));
    else out.push(action);
  }
  return out;
}
