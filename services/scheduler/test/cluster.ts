// Integration harness: a real nats-server, a real single-member store (Raft + MVCC + write-ahead
// log on disk), the real API server (core + NATS API + HTTPS with a kubeconfig for kubectl) in
// this process, an API client, and helpers to start scheduler instances (in this process or as
// processes of their own) and a controller manager against it. One member keeps it quick; the
// store's own suites cover quorums.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { createLogger, startServiceHost, type ServiceHost, type ServiceLogger } from '@skiff/actors';
import { startClusterApiServer, waitForReadyz, type ClusterApiServer } from '@skiff/apiserver';
import { NatsBus, startNatsServer, type NatsServerProcess } from '@skiff/bus';
import { createApiClient, type ApiClient } from '@skiff/client';
import { RealClock, SeededRandom, systemRandom } from '@skiff/core';
import { createStoreMember, type StoreMember } from '@skiff/store';
import { Wal } from '@skiff/wal';
import { startSchedulerProcess, type SchedulerProcess } from '../src/start.js';

export const CLUSTER = 'sched';

export interface TestCluster {
  readonly client: ApiClient;
  readonly logFile: string;
  readonly natsUrl: string;
  readonly kubeconfigPath: string;
  startScheduler(instance: string, schedulerName?: string): Promise<SchedulerProcess>;
  /** A scheduler as its own OS process (services/scheduler/src/main.ts), so a test can kill -9 it. */
  spawnScheduler(instance: string, args?: readonly string[]): ChildProcess;
  readonly clock: RealClock;
  /** A logger into the test's log file, for more components a test starts itself. */
  logger(bindings: Record<string, string>): ServiceLogger;
  /** Stops `component` with the cluster (before the schedulers, the API server and the store). */
  adopt(component: { stop(): Promise<void> }): void;
  /** The real kubectl against this API server; rejects with kubectl's stderr on a non-zero exit. */
  kubectl(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

const MAIN = resolve(import.meta.dirname, '../src/main.ts');
const run = promisify(execFile);

export async function startTestCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-sched-'));
  const logFile = join(dir, 'test.log');
  const destination = pino.destination({ dest: openSync(logFile, 'a'), sync: false });
  const logger = createLogger({ component: 'sched-test', instance: 'test', destination, level: 'info' });
  const clock = new RealClock();
  const schedulers: SchedulerProcess[] = [];
  const children: ChildProcess[] = [];
  const adopted: { stop(): Promise<void> }[] = [];
  let nats: NatsServerProcess | undefined;
  let member: { member: StoreMember; host: ServiceHost; wal: Wal } | undefined;
  let api: ClusterApiServer | undefined;
  let clientBus: NatsBus | undefined;
  const stop = async (): Promise<void> => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) await killed(c);
    for (const m of adopted.splice(0)) await m.stop();
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
    member = await startMember(dir, nats, clock, child(logger, { member: 'store-1' }));
    api = await startClusterApiServer({
      natsUrls: [nats.url],
      cluster: CLUSTER,
      instance: 'api-1',
      version: '0.1.0',
      dataDir: join(dir, 'api'),
      port: 0,
      storeMembers: ['store-1'],
      clock,
      logger: child(logger, { part: 'apiserver' }),
    });
    await api.server.ready;
    await waitForReadyz({ url: api.server.url, caCertPem: api.server.pki.ca.certPem, timeoutMs: 30_000 });
    clientBus = await NatsBus.connect({ servers: [nats.url], name: 'sched-test-client' });
  } catch (err) {
    await stop();
    throw err;
  }
  const client = createApiClient({ bus: clientBus, cluster: CLUSTER, clock, random: new SeededRandom(7) });
  const natsUrl = nats.url;
  const kubeconfigPath = api.kubeconfigPath ?? '';
  return {
    client,
    logFile,
    natsUrl,
    kubeconfigPath,
    spawnScheduler(instance, args = []) {
      const out = openSync(join(dir, `${instance}.log`), 'a');
      const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, '--nats', natsUrl, '--cluster', CLUSTER, '--instance', instance, ...args], { stdio: ['ignore', out, out] });
      children.push(proc);
      return proc;
    },
    clock,
    logger: (bindings) => child(logger, bindings),
    adopt: (component) => void adopted.push(component),
    async kubectl(...args) {
      const { stdout } = await run('/usr/bin/kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfigPath, HOME: dir }, timeout: 60_000 });
      return stdout;
    },
    async startScheduler(instance, schedulerName = 'default-scheduler') {
      const s = await startSchedulerProcess({
        natsUrls: [natsUrl],
        cluster: CLUSTER,
        schedulerName,
        instance,
        version: '0.1.0',
        clock,
        logger: child(logger, { scheduler: instance }),
        // Short lease so that a crashed leader's successor needs no 15 s; a clean stop releases it anyway.
        leaderElection: { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 300 },
        queue: { initialBackoffMs: 100, maxBackoffMs: 500 },
      });
      schedulers.push(s);
      return s;
    },
    stop: async () => {
      await stop();
      if (process.env['SKIFF_TEST_KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function killed(proc: ChildProcess): Promise<void> {
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
}

function child(logger: ServiceLogger, bindings: Record<string, string>): ServiceLogger {
  const c = logger.child(bindings);
  return Object.assign(c, { loggerFor: (actorId: string) => c.child({ actorId }) });
}

async function startMember(dir: string, nats: NatsServerProcess, clock: RealClock, logger: ServiceLogger) {
  const { wal, state } = await Wal.open(join(dir, 'store', 'store-1'), { fsync: false });
  const bus = await NatsBus.connect({ servers: [nats.url], name: 'sched-test-store-1' });
  const host = await startServiceHost({ bus, cluster: CLUSTER, service: 'store', instance: 'store-1', version: '0.1.0', description: 'test store member', clock, logger });
  const member = createStoreMember({ name: 'store-1', members: ['store-1'], cluster: CLUSTER, bus, wal, recovered: state, clock, random: systemRandom(), logger, host });
  await member.start();
  host.setReady(true);
  return { member, host, wal };
}

/** Polls `probe` every 100 ms until it returns a value (bounded). */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${lastError === undefined ? '' : `: ${String(lastError)}`}`);
}
