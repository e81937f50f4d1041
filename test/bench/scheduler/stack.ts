// One process, the real parts: a nats-server, one store member (Raft + MVCC + write-ahead log on
// disk, fsync on as the store's default), the API server, an API client for the benchmark, and the
// scheduler service (services/scheduler: informers, queue, leader election, the loop machine,
// binding through pods/binding). Logs go to a file in the run's directory, removed on stop.
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createLogger, startServiceHost, type ServiceHost, type ServiceLogger } from '@skiff/actors';
import { startClusterApiServer, type ClusterApiServer } from '@skiff/apiserver';
import { NatsBus, startNatsServer, type NatsServerProcess } from '@skiff/bus';
import { createApiClient, type ApiClient } from '@skiff/client';
import { RealClock, SeededRandom, systemRandom } from '@skiff/core';
import { startSchedulerProcess, type SchedulerProcess } from '@skiff/kube-scheduler';
import { createStoreMember, type StoreMember } from '@skiff/store';
import { Wal } from '@skiff/wal';

const CLUSTER = 'schedbench';

export interface BenchStack {
  readonly client: ApiClient;
  readonly logFile: string;
  startScheduler(): Promise<SchedulerProcess>;
  stop(): Promise<void>;
}

interface Member {
  readonly member: StoreMember;
  readonly host: ServiceHost;
  readonly wal: Wal;
}

export async function startBenchStack(opts: { fsync: boolean; seed: number }): Promise<BenchStack> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-schedbench-'));
  const logFile = join(dir, 'bench.log');
  const destination = pino.destination({ dest: openSync(logFile, 'a'), sync: false });
  const logger = createLogger({ component: 'schedbench', instance: 'bench', destination, level: 'warn' });
  const clock = new RealClock();
  let nats: NatsServerProcess | undefined;
  let member: Member | undefined;
  let api: ClusterApiServer | undefined;
  let clientBus: NatsBus | undefined;
  const schedulers: SchedulerProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const s of schedulers.splice(0)) await s.stop();
    await clientBus?.close();
    await api?.stop();
    if (member !== undefined) {
      await member.member.stop({ transferLeadership: false });
      await member.host.stop();
      await member.wal.close();
    }
    await nats?.dispose();
    destination.flushSync();
  };
  try {
    nats = await startNatsServer();
    member = await startMember(dir, nats, clock, child(logger, { member: 'store-1' }), opts.fsync);
    api = await startClusterApiServer({
      natsUrls: [nats.url],
      cluster: CLUSTER,
      instance: 'api-1',
      version: '0.1.0',
      dataDir: join(dir, 'api'),
      port: 0,
      bind: '127.0.0.1',
      storeMembers: ['store-1'],
      clock,
      logger: child(logger, { part: 'apiserver' }),
    });
    await api.server.ready;
    clientBus = await NatsBus.connect({ servers: [nats.url], name: 'schedbench-client' });
  } catch (err) {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const natsUrl = nats.url;
  return {
    client: createApiClient({ bus: clientBus, cluster: CLUSTER, clock, random: new SeededRandom(opts.seed), requestTimeoutMs: 60_000 }),
    logFile,
    async startScheduler() {
      const s = await startSchedulerProcess({
        natsUrls: [natsUrl],
        cluster: CLUSTER,
        schedulerName: 'default-scheduler',
        instance: 'scheduler-1',
        version: '0.1.0',
        clock,
        logger: child(logger, { part: 'scheduler' }),
        random: new SeededRandom(opts.seed),
      });
      schedulers.push(s);
      await s.scheduler.whenLeading();
      return s;
    },
    stop: async () => {
      await stop();
      if (process.env['SKIFF_BENCH_KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function child(logger: ServiceLogger, bindings: Record<string, string>): ServiceLogger {
  const c = logger.child(bindings);
  return Object.assign(c, { loggerFor: (actorId: string) => c.child({ actorId }) });
}

async function startMember(dir: string, nats: NatsServerProcess, clock: RealClock, logger: ServiceLogger, fsync: boolean): Promise<Member> {
  const { wal, state } = await Wal.open(join(dir, 'store', 'store-1'), { fsync });
  const bus = await NatsBus.connect({ servers: [nats.url], name: 'schedbench-store-1' });
  const host = await startServiceHost({ bus, cluster: CLUSTER, service: 'store', instance: 'store-1', version: '0.1.0', description: 'bench store member', clock, logger });
  const member = createStoreMember({ name: 'store-1', members: ['store-1'], cluster: CLUSTER, bus, wal, recovered: state, clock, random: systemRandom(), logger, host });
  await member.start();
  host.setReady(true);
  return { member, host, wal };
}
