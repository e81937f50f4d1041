// Owner references and ControllerRefManager.ClaimObject (pkg/controller/controller_ref_manager.go):
// a controller owns the objects its selector matches, adopts matching orphans, and releases
// objects it owns that stopped matching. Adoption and release are strategic merge patches on
// metadata.ownerReferences (merged by uid), carrying the object's uid so that a patch never lands
// on a namesake created since.
import type { KubeObject, ObjectMeta } from '@skiff/api';
import { apiVersionOf, type PatchAction, type ResourceType } from '../actions.js';

export type OwnerReference = NonNullable<ObjectMeta['ownerReferences']>[number];

export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** metav1.NewControllerRef: controller and blockOwnerDeletion both true. */
export function newControllerRef(owner: KubeObject, ownerResource: ResourceType): OwnerReference {
  return {
    apiVersion: apiVersionOf(ownerResource),
    kind: ownerResource.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = controllerRefOf(obj);
  return ref !== undefined && ref.uid === owner.metadata.uid;
}

export function adoptPatch(obj: KubeObject, resource: ResourceType, owner: KubeObject, ownerResource: ResourceType): PatchAction {
  return {
    type: 'patch',
    resource,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
    patchType: 'strategic',
    patch: { metadata: { ownerReferences: [newControllerRef(owner, ownerResource)], uid: obj.metadata.uid } },
  };
}

export function releasePatch(obj: KubeObject, resource: ResourceType, owner: KubeObject): PatchAction {
  return {
    type: 'patch',
    resource,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
    patchType: 'strategic',
    patch: { metadata: { ownerReferences: [{ $patch: 'delete', uid: owner.metadata.uid }], uid: obj.metadata.uid } },
  };
}

export interface ClaimResult<T> {
  /** Objects the owner controls after this sync (adopted ones included). */
  readonly claimed: T[];
  readonly adopt: T[];
  readonly release: T[];
}

/** ClaimObject for each object: which to keep, adopt and release. */
export function claimObjects<T extends KubeObject>(owner: KubeObject, objects: readonly T[], matches: (obj: T) => boolean): ClaimResult<T> {
  const claimed: T[] = [];
  const adopt: T[] = [];
  const release: T[] = [];
  const ownerDeleting = owner.metadata.deletionTimestamp !== undefined;
  for (const obj of objects) {
    const ref = controllerRefOf(obj);
    if (ref !== undefined) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches(obj)) claimed.push(obj);
      else if (!ownerDeleting) release.push(obj);
      continue;
    }
    if (ownerDeleting || !matches(obj) || obj.metadata.deletionTimestamp !== undefined) continue;
    if ((owner.metadata.namespace ?? '') !== '' && owner.metadata.namespace !== obj.metadata.namespace) continue;
    adopt.push(obj);
    claimed.push(obj);
  }
  return { claimed, adopt, release };
}

/** The patches that carry out a claim. */
export function claimActions<T extends KubeObject>(claim: ClaimResult<T>, resource: ResourceType, owner: KubeObject, ownerResource: ResourceType): PatchAction[] {
  return [
    ...claim.adopt.map((o) => adoptPatch(o, resource, owner, ownerResource)),
    ...claim.release.map((o) => releasePatch(o, resource, owner)),
  ];
}
