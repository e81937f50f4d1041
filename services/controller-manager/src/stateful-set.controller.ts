// Adapter: the StatefulSet controller (pkg/controller/statefulset) on the shared informers: keyed
// by the set, woken by the pods it controls (expectations lowered by pod events, as for
// ReplicaSets). PersistentVolumeClaims are watched only when the API serves them; until then the
// pure sync gives each claim template's volume an emptyDir. The pure sync is syncStatefulSet.

import { findResource, type ControllerRevision, type Pod, type StatefulSet } from '@skiff/api';
import type { KubeObject, ResourceRef, SharedInformerFactory } from '@skiff/client';
import type { Random } from '@skiff/core';
import { Resources, syncStatefulSet, type ListerView, type StatefulSetListers } from '@skiff/controllers';
import type { ControllerDeps, RunningControllerHandle } from './controller-runner.js';
import { podOwnerController } from './pod-owner.controller.js';

function lister<T extends KubeObject>(factory: SharedInformerFactory, resource: ResourceRef): ListerView<T> {
  return factory.informerFor<T>(resource).lister as unknown as ListerView<T>;
}

function claimsServed(): boolean {
  const r = Resources.persistentVolumeClaims;
  return findResource(r.group, r.version, r.resource) !== undefined;
}

export function statefulSetController(factory: SharedInformerFactory, deps: ControllerDeps, _random: Random): RunningControllerHandle {
  const clock = deps.host.clock;
  const listers: StatefulSetListers = {
    statefulSets: lister<StatefulSet>(factory, Resources.statefulSets),
    pods: lister<Pod>(factory, Resources.pods),
    controllerRevisions: lister<ControllerRevision>(factory, Resources.controllerRevisions),
    ...(claimsServed() ? { persistentVolumeClaims: lister<KubeObject>(factory, Resources.persistentVolumeClaims) } : {}),
  };
  return podOwnerController(factory, deps, 'StatefulSet', Resources.statefulSets, {
    name: 'statefulset',
    workers: 2,
    sync: (key, expectations) => syncStatefulSet(key, listers, { nowMs: clock.now(), expectations }),
  });
}
