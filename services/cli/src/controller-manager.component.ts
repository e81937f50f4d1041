// The controller-manager as a component of a local cluster: one instance (controller-manager-1)
// in this process, after the API server, with its own NATS connection and service host so
// `skiff inspect` shows each controller's loop and its elector. It elects itself on Lease
// kube-system/kube-controller-manager; ready once it leads.

import { startControllerManagerProcess, type ControllerManagerProcess } from '@skiff/kube-controller-manager';
import { join } from 'node:path';
import type { Component, ComponentContext, ComponentHandle } from './component.js';

export const CONTROLLER_MANAGER = 'controller-manager';
export const CONTROLLER_MANAGER_INSTANCE = 'controller-manager-1';
/** A first leader must be elected within this time (one lease attempt, normally). */
export const CONTROLLER_MANAGER_READY_TIMEOUT_MS = 30_000;

export const controllerManagerComponent: Component = {
  name: CONTROLLER_MANAGER,
  title: 'Controller manager',
  start: startControllerManagerComponent,
};

async function startControllerManagerComponent(ctx: ComponentContext): Promise<ComponentHandle> {
  const log = ctx.logger.child({ controllerManager: CONTROLLER_MANAGER_INSTANCE });
  const running: ControllerManagerProcess = await startControllerManagerProcess({
    natsUrls: ctx.natsUrls,
    cluster: ctx.cluster,
    instance: CONTROLLER_MANAGER_INSTANCE,
    version: ctx.version,
    clock: ctx.clock,
    // Provisioned volumes live with the cluster's data (<data-dir>/volumes/<pv-name>).
    persistentVolume: { volumesDir: join(ctx.dataDir, 'volumes') },
    logger: Object.assign(log, { loggerFor: (actorId: string) => log.child({ actorId }) }),
  });
  let stopping: Promise<void> | undefined;
  return {
    ready: withDeadline(running.manager.whenLeading(), CONTROLLER_MANAGER_READY_TIMEOUT_MS, 'the controller-manager did not become leader'),
    summary: () => ({
      lines: [`controllers ${running.manager.enabled.join(', ')}${running.manager.isLeader() ? ' (leader)' : ''}`],
      next: [],
    }),
    stop: () => (stopping ??= running.stop()),
  };
}

function withDeadline<T>(work: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
