// Adapter: the ReplicationController controller (pkg/controller/replication): the ReplicaSet
// controller's code over core/v1 ReplicationControllers and their label-map selectors, on the
// shared informers. The pure sync is @skiff/controllers' syncReplicationController.

import type { Pod } from '@skiff/api';
import type { KubeObject, ResourceRef, SharedInformerFactory } from '@skiff/client';
import type { Random } from '@skiff/core';
import { Resources, syncReplicationController, type ListerView, type ReplicationController } from '@skiff/controllers';
import type { ControllerDeps, RunningControllerHandle } from './controller-runner.js';
import { podOwnerController } from './pod-owner.controller.js';

function lister<T extends KubeObject>(factory: SharedInformerFactory, resource: ResourceRef): ListerView<T> {
  return factory.informerFor<T>(resource).lister as unknown as ListerView<T>;
}

export function replicationControllerController(factory: SharedInformerFactory, deps: ControllerDeps, random: Random): RunningControllerHandle {
  const clock = deps.host.clock;
  const listers = { replicationControllers: lister<ReplicationController>(factory, Resources.replicationControllers), pods: lister<Pod>(factory, Resources.pods) };
  return podOwnerController(factory, deps, 'ReplicationController', Resources.replicationControllers, {
    name: 'replicationcontroller',
    workers: 2,
    sync: (key, expectations) => syncReplicationController(key, listers, { nowMs: clock.now(), random, expectations }),
  });
}
