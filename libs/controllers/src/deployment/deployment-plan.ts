// The working state of one Deployment sync. Kubernetes' controller calls the API step by step
// and reuses what each call returns; here each step records an action and later steps read the
// objects as they will be once the actions ran: the Deployment copy (revision annotation,
// status), and the ReplicaSets with the replicas and annotations just asked for.
import type { Deployment, ReplicaSet } from '@skiff/api';
import { Resources, eventFor, type Action, type CreateAction, type UpdateAction } from '../actions.js';
import { clone } from '../util/equal.js';
import { formatTime } from '../util/time.js';
import { desiredReplicas, maxSurge, replicasAnnotationsNeedUpdate, replicasOf, setReplicasAnnotations } from './deployment-util.js';

export class DeploymentPlan {
  readonly d: Deployment;
  readonly actions: Action[] = [];
  readonly nowIso: string;
  requeueAfterMs: number | undefined;

  constructor(
    readonly original: Deployment,
    readonly nowMs: number,
  ) {
    this.d = clone(original);
    this.nowIso = formatTime(nowMs);
  }

  event(reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal'): void {
    this.actions.push(eventFor(Resources.deployments, this.original, type, reason, message));
  }

  createReplicaSet(rs: ReplicaSet, successMessage: string | undefined): void {
    const action: CreateAction = {
      type: 'create',
      resource: Resources.replicaSets,
      namespace: rs.metadata.namespace ?? '',
      object: rs,
      ...(successMessage === undefined ? {} : { successEvent: eventFor(Resources.deployments, this.original, 'Normal', 'ScalingReplicaSet', successMessage) }),
    };
    this.actions.push(action);
  }

  /**
   * Records the ReplicaSet as it should become. Two changes to one ReplicaSet in a sync become one
   * update (both start from the lister's resourceVersion); a ReplicaSet not created yet has its
   * create changed instead.
   */
  updateReplicaSet(rs: ReplicaSet): void {
    const name = rs.metadata.name;
    const i = this.actions.findIndex((a) => (a.type === 'update' || a.type === 'create') && a.resource === Resources.replicaSets && a.object.metadata.name === name);
    const prior = this.actions[i];
    if (prior !== undefined && (prior.type === 'update' || prior.type === 'create')) {
      this.actions[i] = { ...prior, object: rs } as UpdateAction | CreateAction;
      return;
    }
    this.actions.push({ type: 'update', resource: Resources.replicaSets, object: rs });
  }

  /** scaleReplicaSet: set replicas and the desired/max annotations; a ScalingReplicaSet event when the size moves. */
  scaleReplicaSet(rs: ReplicaSet, newScale: number, operation: 'up' | 'down'): { scaled: boolean; rs: ReplicaSet } {
    const desired = desiredReplicas(this.d);
    const max = desired + maxSurge(this.d);
    const oldScale = replicasOf(rs);
    const sizeNeedsUpdate = oldScale !== newScale;
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const copy = clone(rs);
    copy.spec = { ...(copy.spec ?? { selector: {} }), replicas: newScale };
    setReplicasAnnotations(copy, desired, max);
    this.updateReplicaSet(copy);
    if (sizeNeedsUpdate) this.event('ScalingReplicaSet', `Scaled ${operation} replica set ${rs.metadata.name ?? ''} from ${oldScale} to ${newScale}`);
    return { scaled: sizeNeedsUpdate, rs: copy };
  }

  /** scaleReplicaSetAndRecordEvent: the direction from the sizes. */
  scaleTo(rs: ReplicaSet, newScale: number): { scaled: boolean; rs: ReplicaSet } {
    if (replicasOf(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, newScale, replicasOf(rs) < newScale ? 'up' : 'down');
  }

  requeueAfter(ms: number): void {
    this.requeueAfterMs = this.requeueAfterMs === undefined ? ms : Math.min(this.requeueAfterMs, ms);
  }
}
