// getAllReplicaSetsAndSyncRevision / getNewReplicaSet (pkg/controller/deployment/sync.go): find
// the ReplicaSet whose template is the Deployment's, or create `<deployment>-<pod-template-hash>`
// with the hash in its selector and labels; keep the newest revision on it. A rollback (a
// template set back to an old one, as `kubectl rollout undo` does) finds the old ReplicaSet and
// gives it the next revision, remembering the old one in revision-history.
import { computeTemplateHash, type JsonValue } from '@skiff/apimachinery';
import type { Deployment, ReplicaSet } from '@skiff/api';
import { Resources } from '../actions.js';
import { controllerRefOf, newControllerRef } from '../util/controller-ref.js';
import { clone } from '../util/equal.js';
import type { DeploymentPlan } from './deployment-plan.js';
import { DeploymentReasons, setDeploymentCondition } from './deployment-status.js';
import {
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  equalIgnoreHash,
  findNewReplicaSet,
  hasProgressDeadline,
  maxRevision,
  newReplicaSetReplicas,
  setNewReplicaSetAnnotations,
} from './deployment-util.js';

export interface ReplicaSetsOfDeployment {
  readonly newRS: ReplicaSet | undefined;
  readonly oldRSs: ReplicaSet[];
  /** A hash collision was found: collisionCount was raised, stop this sync and retry. */
  readonly collision?: boolean;
}

/** SetDeploymentRevision on the working copy. */
function setDeploymentRevision(d: Deployment, revision: string): void {
  if (d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return;
  d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision };
}

export function getAllReplicaSetsAndSyncRevision(plan: DeploymentPlan, rsList: readonly ReplicaSet[], namespaceRSs: readonly ReplicaSet[], createIfNotExisted: boolean): ReplicaSetsOfDeployment {
  const d = plan.d;
  const existing = findNewReplicaSet(d, rsList);
  const oldRSs = rsList.filter((rs) => rs !== existing);
  const newRevision = maxRevision(oldRSs) + 1;
  if (existing !== undefined) return { newRS: syncExistingNewReplicaSet(plan, existing, newRevision), oldRSs };
  if (!createIfNotExisted) return { newRS: undefined, oldRSs };
  return createNewReplicaSet(plan, oldRSs, namespaceRSs, newRevision);
}

function syncExistingNewReplicaSet(plan: DeploymentPlan, existing: ReplicaSet, newRevision: number): ReplicaSet {
  const d = plan.d;
  const copy = clone(existing);
  const annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
  const minReadySeconds = d.spec?.minReadySeconds ?? 0;
  if (annotationsUpdated || (copy.spec?.minReadySeconds ?? 0) !== minReadySeconds) {
    copy.spec = { ...(copy.spec ?? { selector: {} }), minReadySeconds };
    plan.updateReplicaSet(copy);
    // As Kubernetes: the Deployment's revision follows on the next sync, once the update is seen.
    return copy;
  }
  setDeploymentRevision(d, copy.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  if (hasProgressDeadline(d) && progressing === undefined) {
    setDeploymentCondition(plan, 'Progressing', 'True', DeploymentReasons.FoundNewReplicaSet, `Found new replica set "${copy.metadata.name ?? ''}"`);
  }
  return copy;
}

function createNewReplicaSet(plan: DeploymentPlan, oldRSs: ReplicaSet[], namespaceRSs: readonly ReplicaSet[], newRevision: number): ReplicaSetsOfDeployment {
  const d = plan.d;
  const template = clone(d.spec?.template ?? {});
  const hash = computeTemplateHash(template as unknown as JsonValue, d.status?.collisionCount);
  const name = `${d.metadata.name ?? ''}-${hash}`;
  const namesake = namespaceRSs.find((rs) => rs.metadata.name === name);
  if (namesake !== undefined) {
    if (controllerRefOf(namesake)?.uid === d.metadata.uid && equalIgnoreHash(namesake.spec?.template, d.spec?.template)) return { newRS: namesake, oldRSs };
    // Another template hashed to this name: bump collisionCount so the next hash differs.
    plan.d.status = { ...(plan.d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 };
    plan.requeueAfter(0);
    return { newRS: undefined, oldRSs, collision: true };
  }
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
  const selector = clone(d.spec?.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const newRS: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: d.metadata.namespace ?? '',
      ownerReferences: [newControllerRef(plan.original, Resources.deployments)],
      labels: { ...(template.metadata.labels ?? {}) },
    },
    spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
  };
  newRS.spec!.replicas = newReplicaSetReplicas(d, [...oldRSs, newRS], newRS);
  setNewReplicaSetAnnotations(d, newRS, newRevision, false);
  const replicas = newRS.spec!.replicas;
  plan.createReplicaSet(newRS, replicas > 0 ? `Scaled up replica set ${name} from 0 to ${replicas}` : undefined);
  setDeploymentRevision(d, String(newRevision));
  if (hasProgressDeadline(d)) setDeploymentCondition(plan, 'Progressing', 'True', DeploymentReasons.NewReplicaSetCreated, `Created new replica set "${name}"`);
  return { newRS, oldRSs };
}
