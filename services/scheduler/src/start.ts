// Adapter: one scheduler instance as its own NATS connection and service host (so `skiff inspect`
// and `skiff status` see it as service `scheduler`, instance <instance>), running startScheduler.

import { startNatsServiceHost, type ServiceHost, type ServiceLogger } from '@skiff/actors';
import { systemRandom, type Clock, type Random } from '@skiff/core';
import type { LeaderElectionTimings } from '@skiff/client';
import { startScheduler, type Scheduler, type SchedulerOptions } from './scheduler.js';

export const SCHEDULER_SERVICE = 'scheduler';

export interface SchedulerProcessOptions {
  readonly natsUrls: readonly string[];
  readonly cluster: string;
  readonly schedulerName: string;
  /** This replica: the Lease holderIdentity and the service host's instance. */
  readonly instance: string;
  readonly version: string;
  readonly clock: Clock;
  readonly logger?: ServiceLogger;
  readonly random?: Random;
  readonly leaderElection?: Partial<LeaderElectionTimings>;
  readonly queue?: SchedulerOptions['queue'];
}

export interface SchedulerProcess {
  readonly scheduler: Scheduler;
  readonly host: ServiceHost;
  stop(): Promise<void>;
}

export async function startSchedulerProcess(opts: SchedulerProcessOptions): Promise<SchedulerProcess> {
  const host = await startNatsServiceHost(opts.natsUrls, {
    cluster: opts.cluster,
    service: SCHEDULER_SERVICE,
    instance: opts.instance,
    version: opts.version,
    description: 'Skiff kube-scheduler: binds pending pods to nodes',
    clock: opts.clock,
    ...(opts.logger === undefined ? {} : { logger: opts.logger }),
    metadata: { schedulerName: opts.schedulerName },
  });
  let scheduler: Scheduler;
  try {
    scheduler = await startScheduler({
      host,
      cluster: opts.cluster,
      schedulerName: opts.schedulerName,
      random: opts.random ?? systemRandom(),
      ...(opts.leaderElection === undefined ? {} : { leaderElection: opts.leaderElection }),
      ...(opts.queue === undefined ? {} : { queue: opts.queue }),
    });
  } catch (err) {
    await host.stop();
    throw err;
  }
  host.setReady(true);
  let stopping: Promise<void> | undefined;
  return {
    scheduler,
    host,
    stop: () =>
      (stopping ??= (async () => {
        host.setReady(false);
        await scheduler.stop();
        await host.stop();
      })()),
  };
}
