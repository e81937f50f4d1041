// The components `skiff up` starts, in order, and stops in reverse order. Every Skiff service
// joins a local cluster by being listed here; later: store members, apiserver, scheduler,
// controller-manager, kubelets, proxy.

import { apiServerComponent } from './apiserver.component.js';
import type { Component } from './component.js';
import { controllerManagerComponent } from './controller-manager.component.js';
import { kubeletComponent } from './kubelet.component.js';
import { proxyComponent } from './proxy.component.js';
import { schedulerComponent } from './scheduler.component.js';
import { storeComponent } from './store.component.js';
import { supervisorComponent } from './supervisor.component.js';

export const components: readonly Component[] = [supervisorComponent, storeComponent, apiServerComponent, controllerManagerComponent, schedulerComponent, kubeletComponent, proxyComponent];
