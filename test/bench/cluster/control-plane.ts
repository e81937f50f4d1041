// A control plane in this process for the kubelet and controllers benchmarks: a real nats-server,
// one store member (Raft + MVCC + WAL on disk; fsync off, this measures the control loops, not the
// disk), the API server over NATS (and HTTPS), optionally the scheduler and the controller
// manager, each on its own NATS connection and service host as in `skiff up`. Logs go to a file in
// the run's directory, removed on stop unless SKIFF_BENCH_KEEP is set.

import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createLogger, startServiceHost, type LogLevel, type ServiceHost, type ServiceLogger } from '@skiff/actors';
import { startClusterApiServer, type ClusterApiServer } from '@skiff/apiserver';
import { NatsBus, startNatsServer, type NatsServerProcess } from '@skiff/bus';
import { createApiClient, type ApiClient } from '@skiff/client';
import { RealClock, SeededRandom, systemRandom } from '@skiff/core';
import { startControllerManagerProcess, type ControllerManagerProcess } from '@skiff/kube-controller-manager';
import { startSchedulerProcess, type SchedulerProcess } from '@skiff/kube-scheduler';
import { createStoreMember, type StoreMember } from '@skiff/store';
import { Wal } from '@skiff/wal';

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

export function child(logger: ServiceLogger, bindings: Record<string, string>): ServiceLogger {
  const c = logger.child(bindings);
  return Object.assign(c, { loggerFor: (actorId: string) => c.child({ actorId }) });
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-cp-'));
  const logFile = join(dir, 'bench.log');
  const destination = pino.destination({ dest: openSync(logFile, 'a'), sync: false });
  const logger = createLogger({ component: 'bench', instance: 'bench', destination, level: opts.logLevel ?? 'warn' });
  const clock = new RealClock();
  const stack: { stop(): Promise<void> }[] = [];
  let nats: NatsServerProcess | undefined;
  const stop = async (): Promise<void> => {
    for (const s of stack.splice(0).reverse()) await s.stop().catch(() => undefined);
    await nats?.dispose();
    destination.flushSync();
    if (process.env['SKIFF_BENCH_KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
  };
  try {
    nats = await startNatsServer();
    const natsUrl = nats.url;
    stack.push(await startMember(dir, natsUrl, opts.cluster, clock, child(logger, { part: 'store' })));
    const api: ClusterApiServer = await startClusterApiServer({
      natsUrls: [natsUrl],
      cluster: opts.cluster,
      instance: 'api-1',
      version: '0.1.0',
      dataDir: join(dir, 'api'),
      port: 0,
      bind: '127.0.0.1',
      storeMembers: ['store-1'],
      clock,
      logger: child(logger, { part: 'apiserver' }),
    });
    stack.push(api);
    await api.server.ready;
    if (opts.controllers !== undefined) {
      const kcm: ControllerManagerProcess = await startControllerManagerProcess({
        natsUrls: [natsUrl],
        cluster: opts.cluster,
        instance: 'controller-manager-1',
        version: '0.1.0',
        clock,
        controllers: opts.controllers,
        logger: child(logger, { part: 'controller-manager' }),
      });
      stack.push(kcm);
      await kcm.manager.whenLeading();
    }
    if (opts.scheduler === true) {
      const sched: SchedulerProcess = await startSchedulerProcess({ natsUrls: [natsUrl], cluster: opts.cluster, schedulerName: 'default-scheduler', instance: 'scheduler-1', version: '0.1.0', clock, logger: child(logger, { part: 'scheduler' }) });
      stack.push(sched);
      await sched.scheduler.whenLeading();
    }
    const bus = await NatsBus.connect({ servers: [natsUrl], name: 'bench-client' });
    stack.push({ stop: () => bus.close() });
    const client = createApiClient({ bus, cluster: opts.cluster, clock, random: new SeededRandom(11), fieldManager: 'bench' });
    return { cluster: opts.cluster, natsUrl, client, clock, logger: child(logger, { part: 'bench' }), logFile, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startMember(dir: string, natsUrl: string, cluster: string, clock: RealClock, logger: ServiceLogger): Promise<{ stop(): Promise<void> }> {
  const { wal, state } = await Wal.open(join(dir, 'store', 'store-1'), { fsync: false });
  const bus = await NatsBus.connect({ servers: [natsUrl], name: 'bench-store-1' });
  const host: ServiceHost = await startServiceHost({ bus, cluster, service: 'store', instance: 'store-1', version: '0.1.0', description: 'bench store member', clock, logger });
  const member: StoreMember = createStoreMember({ name: 'store-1', members: ['store-1'], cluster, bus, wal, recovered: state, clock, random: systemRandom(), logger, host });
  await member.start();
  host.setReady(true);
  return {
    stop: async () => {
      await member.stop({ transferLeadership: false });
      await host.stop();
      await wal.close();
    },
  };
}
