// A control plane in this process for the kubelet and controllers benchmarks: the shared test
// control plane (`@skiff/apiserver/testing`: a real nats-server, one store member with fsync off,
// as this measures the control loops and not the disk, the API server, an API client), plus
// optionally the scheduler and the controller manager, each on its own NATS connection and service
// host as in `skiff up`. Logs go to a file in the run's directory, removed on stop unless
// SKIFF_BENCH_KEEP is set.
import type { LogLevel, ServiceLogger } from '@skiff/actors';
import { startControlPlane as startTestControlPlane } from '@skiff/apiserver/testing';
import type { ApiClient } from '@skiff/client';
import type { RealClock } from '@skiff/core';
import { startControllerManagerProcess } from '@skiff/kube-controller-manager';
import { startSchedulerProcess } from '@skiff/kube-scheduler';

export { child } from '@skiff/apiserver/testing';

export interface ControlPlaneOptions {
  readonly cluster: string;
  readonly scheduler?: boolean;
  /** Controllers to run (`--controllers` syntax); absent: no controller manager. */
  readonly controllers?: readonly string[];
  readonly logLevel?: LogLevel;
}

export interface ControlPlane {
  readonly cluster: string;
  readonly natsUrl: string;
  readonly client: ApiClient;
  readonly clock: RealClock;
  readonly logger: ServiceLogger;
  readonly logFile: string;
  stop(): Promise<void>;
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const plane = await startTestControlPlane({ cluster: opts.cluster, name: 'bench-cp', logLevel: opts.logLevel ?? 'warn', client: { seed: 11, fieldManager: 'bench' } });
  const { natsUrl, clock } = plane;
  try {
    if (opts.controllers !== undefined) {
      const kcm = await startControllerManagerProcess({ natsUrls: [natsUrl], cluster: opts.cluster, instance: 'controller-manager-1', version: '0.1.0', clock, controllers: opts.controllers, logger: plane.child({ part: 'controller-manager' }) });
      plane.adopt(kcm);
      await kcm.manager.whenLeading();
    }
    if (opts.scheduler === true) {
      const sched = await startSchedulerProcess({ natsUrls: [natsUrl], cluster: opts.cluster, schedulerName: 'default-scheduler', instance: 'scheduler-1', version: '0.1.0', clock, logger: plane.child({ part: 'scheduler' }) });
      plane.adopt(sched);
      await sched.scheduler.whenLeading();
    }
  } catch (err) {
    await plane.stop();
    throw err;
  }
  return { cluster: opts.cluster, natsUrl, client: plane.client, clock, logger: plane.child({ part: 'bench' }), logFile: plane.logFile, stop: () => plane.stop() };
}
