// One process, the real parts: the shared test control plane (`@skiff/apiserver/testing`: a
// nats-server, one store member with the store's default fsync on unless asked otherwise, the API
// server, an API client with a long timeout for the benchmark) and the scheduler service
// (services/scheduler: informers, queue, leader election, the loop machine, binding through
// pods/binding). Logs go to a file in the run's directory, removed on stop.
import { startControlPlane } from '@skiff/apiserver/testing';
import type { ApiClient } from '@skiff/client';
import { SeededRandom } from '@skiff/core';
import { startSchedulerProcess, type SchedulerProcess } from '@skiff/kube-scheduler';

const CLUSTER = 'schedbench';

export interface BenchStack {
  readonly client: ApiClient;
  readonly logFile: string;
  startScheduler(): Promise<SchedulerProcess>;
  stop(): Promise<void>;
}

export async function startBenchStack(opts: { fsync: boolean; seed: number }): Promise<BenchStack> {
  const plane = await startControlPlane({ cluster: CLUSTER, name: 'schedbench', logLevel: 'warn', fsync: opts.fsync, client: { seed: opts.seed, requestTimeoutMs: 60_000 } });
  return {
    client: plane.client,
    logFile: plane.logFile,
    async startScheduler() {
      const s = await startSchedulerProcess({
        natsUrls: [plane.natsUrl],
        cluster: CLUSTER,
        schedulerName: 'default-scheduler',
        instance: 'scheduler-1',
        version: '0.1.0',
        clock: plane.clock,
        logger: plane.child({ part: 'scheduler' }),
        random: new SeededRandom(opts.seed),
      });
      plane.adopt(s);
      await s.scheduler.whenLeading();
      return s;
    },
    stop: () => plane.stop(),
  };
}
