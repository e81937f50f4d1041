// Adapter: one controller-manager instance as its own NATS connection and service host (service
// `controller-manager`, instance <instance>), running startControllerManager.

import { startNatsServiceHost, type ServiceHost, type ServiceLogger } from '@skiff/actors';
import { systemRandom, type Clock, type Random } from '@skiff/core';
import { startControllerManager, type ControllerManager, type ControllerManagerOptions } from './controller-manager.js';

export const CONTROLLER_MANAGER_SERVICE = 'controller-manager';

export interface ControllerManagerProcessOptions extends Omit<ControllerManagerOptions, 'host' | 'random'> {
  readonly natsUrls: readonly string[];
  /** This replica: the Lease holderIdentity and the service host's instance. */
  readonly instance: string;
  readonly version: string;
  readonly clock: Clock;
  readonly logger?: ServiceLogger;
  readonly random?: Random;
}

export interface ControllerManagerProcess {
  readonly manager: ControllerManager;
  readonly host: ServiceHost;
  stop(): Promise<void>;
}

export async function startControllerManagerProcess(opts: ControllerManagerProcessOptions): Promise<ControllerManagerProcess> {
  const host = await startNatsServiceHost(opts.natsUrls, {
    cluster: opts.cluster,
    service: CONTROLLER_MANAGER_SERVICE,
    instance: opts.instance,
    version: opts.version,
    description: 'Skiff kube-controller-manager: ReplicaSet, Deployment, node lifecycle and taint eviction controllers',
    clock: opts.clock,
    ...(opts.logger === undefined ? {} : { logger: opts.logger }),
  });
  let manager: ControllerManager;
  try {
    const { natsUrls: _urls, instance: _instance, version: _version, clock: _clock, logger: _logger, random, ...rest } = opts;
    manager = await startControllerManager({ ...rest, host, random: random ?? systemRandom() });
  } catch (err) {
    await host.stop();
    throw err;
  }
  host.setReady(true);
  let stopping: Promise<void> | undefined;
  return {
    manager,
    host,
    stop: () =>
      (stopping ??= (async () => {
        host.setReady(false);
        await manager.stop();
        await host.stop();
      })()),
  };
}
