// Adapter: the informer wiring shared by controllers of pods (ReplicaSet, DaemonSet, Job): keyed
// by the owner; pod events enqueue the controlling owner and lower its expectations (addPod /
// updatePod / deletePod in Kubernetes' replica_set.go and job_controller.go).

import { Resources, type DeletedFinalStateUnknown, type KubeObject, type ResourceRef, type SharedInformerFactory } from '@skiff/client';
import { controllerRefOf, objectKey, observeCreation, observeDeletion } from '@skiff/controllers';
import { createController, type ControllerDeps, type ControllerSpec, type RunningControllerHandle } from './controller-runner.js';

export type Tombstone<T> = T | DeletedFinalStateUnknown<T>;

export function unwrap<T>(obj: Tombstone<T>): T {
  return (obj as { type?: unknown }).type === 'DeletedFinalStateUnknown' ? (obj as DeletedFinalStateUnknown<T>).obj : (obj as T);
}

/** A controller keyed by `kind` objects of `resource`, woken by the pods (or other `dependents`: the CronJob's Jobs) they control. */
export function podOwnerController(
  factory: SharedInformerFactory,
  deps: ControllerDeps,
  kind: string,
  resource: ResourceRef,
  spec: ControllerSpec,
  dependents: ResourceRef = Resources.pods,
): RunningControllerHandle {
  const c = createController(spec, deps);
  const enqueueSelf = (o: Tombstone<KubeObject>): void => c.enqueue(objectKey(unwrap(o)));
  factory.informerFor(resource).addEventHandler({ onAdd: enqueueSelf, onUpdate: (_, o) => enqueueSelf(o), onDelete: enqueueSelf });
  const ownerKey = (p: KubeObject): string | undefined => {
    const ref = controllerRefOf(p);
    return ref?.kind === kind ? `${p.metadata.namespace ?? ''}/${ref.name}` : undefined;
  };
  const deleted = (p: KubeObject): void => {
    const key = ownerKey(p);
    if (key === undefined) return;
    c.observe((exp) => observeDeletion(exp, key, objectKey(p)));
    c.enqueue(key);
  };
  factory.informerFor(dependents).addEventHandler({
    onAdd: (p) => {
      const key = ownerKey(p);
      if (key === undefined) return;
      // A pod already being deleted when first seen counts as its deletion observed (addPod).
      if (p.metadata.deletionTimestamp !== undefined) return deleted(p);
      c.observe((exp) => observeCreation(exp, key));
      c.enqueue(key);
    },
    onUpdate: (old, p) => {
      if (p.metadata.deletionTimestamp !== undefined && old.metadata.deletionTimestamp === undefined) return deleted(p);
      const oldKey = ownerKey(old);
      const key = ownerKey(p);
      if (oldKey !== undefined && oldKey !== key) c.enqueue(oldKey);
      if (key !== undefined) c.enqueue(key);
    },
    onDelete: (p) => deleted(unwrap(p)),
  });
  return c;
}
