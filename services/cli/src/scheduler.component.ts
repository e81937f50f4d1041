// The scheduler as a component of a local cluster: `--schedulers` instances (default 1; 2 runs a
// standby) in this process, after the API server, each with its own NATS connection and service
// host (scheduler-1, scheduler-2, ...) so `skiff inspect` shows each one's loop and elector. They
// elect a leader on Lease kube-system/kube-scheduler (as kube-scheduler); ready once one of them leads.

import { DEFAULT_SCHEDULER_NAME, startSchedulerProcess, type SchedulerProcess } from '@skiff/kube-scheduler';
import type { Component, ComponentContext, ComponentHandle } from './component.js';
import { DEFAULT_SCHEDULERS } from './options.js';

export const SCHEDULER = 'scheduler';
/** A first leader must be elected within this time (one lease attempt, normally). */
export const SCHEDULER_READY_TIMEOUT_MS = 30_000;

export const schedulerComponent: Component = {
  name: SCHEDULER,
  title: 'Scheduler',
  start: startSchedulerComponent,
};

/** Instance names of a local cluster's schedulers: scheduler-1 .. scheduler-<n>. */
export function schedulerInstanceNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `scheduler-${i + 1}`);
}

async function startSchedulerComponent(ctx: ComponentContext): Promise<ComponentHandle> {
  const running: SchedulerProcess[] = [];
  const stopAll = async (): Promise<void> => {
    for (const r of running.splice(0).reverse()) await r.stop();
  };
  try {
    for (const instance of schedulerInstanceNames(ctx.options.schedulers ?? DEFAULT_SCHEDULERS)) {
      const log = ctx.logger.child({ scheduler: instance });
      running.push(
        await startSchedulerProcess({
          natsUrls: ctx.natsUrls,
          cluster: ctx.cluster,
          schedulerName: DEFAULT_SCHEDULER_NAME,
          instance,
          version: ctx.version,
          clock: ctx.clock,
          logger: Object.assign(log, { loggerFor: (actorId: string) => log.child({ actorId }) }),
        }),
      );
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  const leading = Promise.race(running.map((r) => r.scheduler.whenLeading()));
  let stopping: Promise<void> | undefined;
  return {
    ready: withDeadline(leading, SCHEDULER_READY_TIMEOUT_MS, 'no scheduler became leader'),
    summary: () => ({
      lines: [`scheduler   ${running.map((r) => `${r.scheduler.identity}${r.scheduler.isLeader() ? ' (leader)' : ''}`).join(', ')}`],
      next: [],
    }),
    stop: () => (stopping ??= stopAll()),
  };
}

function withDeadline<T>(work: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
