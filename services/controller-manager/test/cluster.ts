// Integration harness: a real nats-server, a real single-member store (Raft + MVCC + write-ahead
// log on disk), the real API server (core + NATS API, HTTPS for kubectl) in this process, an API
// client, the real kubectl as an async child, and a helper to start controller-manager instances.
// No scheduler and no kubelets: tests bind pods and report their status themselves.

import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createLogger, startServiceHost, type ServiceHost, type ServiceLogger } from '@skiff/actors';
import { startClusterApiServer, type ClusterApiServer } from '@skiff/apiserver';
import { NatsBus, startNatsServer, type NatsServerProcess } from '@skiff/bus';
import { createApiClient, type ApiClient } from '@skiff/client';
import { RealClock, SeededRandom, systemRandom } from '@skiff/core';
import { createStoreMember, type StoreMember } from '@skiff/store';
import { Wal } from '@skiff/wal';
import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import type { Pod } from '@skiff/api';
import { Resources, type KubeObject } from '@skiff/client';
import { startControllerManagerProcess, type ControllerManagerProcess, type ControllerManagerProcessOptions } from '../src/start.js';

export const CLUSTER = 'kcm';

export interface TestCluster {
  readonly client: ApiClient;
  readonly logFile: string;
  /** For components a test starts itself (kubelets, schedulers). */
  readonly natsUrl: string;
  readonly dir: string;
  readonly clock: RealClock;
  readonly logger: ServiceLogger;
  startControllerManager(instance: string, opts?: Partial<ControllerManagerProcessOptions>): Promise<ControllerManagerProcess>;
  kubectl(args: readonly string[]): Promise<KubectlResult>;
  /** kubectl that must succeed (the test fails with its stderr otherwise); its stdout. */
  kubectlOk(args: readonly string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-kcm-'));
  const logFile = join(dir, 'test.log');
  const destination = pino.destination({ dest: openSync(logFile, 'a'), sync: false });
  const logger = createLogger({ component: 'kcm-test', instance: 'test', destination, level: 'info' });
  const clock = new RealClock();
  const managers: ControllerManagerProcess[] = [];
  let nats: NatsServerProcess | undefined;
  let member: { member: StoreMember; host: ServiceHost; wal: Wal } | undefined;
  let api: ClusterApiServer | undefined;
  let clientBus: NatsBus | undefined;
  const stop = async (): Promise<void> => {
    for (const s of managers.splice(0)) await s.stop();
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
    clientBus = await NatsBus.connect({ servers: [nats.url], name: 'kcm-test-client' });
  } catch (err) {
    await stop();
    throw err;
  }
  const client = createApiClient({ bus: clientBus, cluster: CLUSTER, clock, random: new SeededRandom(7) });
  const natsUrl = nats.url;
  const kubectlEnv = { ...process.env, KUBECONFIG: api.kubeconfigPath ?? '', HOME: dir };
  return {
    client,
    logFile,
    natsUrl,
    dir,
    clock,
    logger,
    async startControllerManager(instance, extra = {}) {
      const s = await startControllerManagerProcess({
        natsUrls: [natsUrl],
        cluster: CLUSTER,
        instance,
        version: '0.1.0',
        clock,
        logger: child(logger, { kcm: instance }),
        // Short lease so that a crashed leader's successor needs no 15 s; a clean stop releases it anyway.
        leaderElection: { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 300 },
        ...extra,
      });
      managers.push(s);
      return s;
    },
    kubectl: (args) => runKubectl(args, kubectlEnv),
    kubectlOk: async (args) => {
      const r = await runKubectl(args, kubectlEnv);
      expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
      return r.stdout;
    },
    stop: async () => {
      await stop();
      if (process.env['SKIFF_TEST_KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function child(logger: ServiceLogger, bindings: Record<string, string>): ServiceLogger {
  const c = logger.child(bindings);
  return Object.assign(c, { loggerFor: (actorId: string) => c.child({ actorId }) });
}

async function startMember(dir: string, nats: NatsServerProcess, clock: RealClock, logger: ServiceLogger) {
  const { wal, state } = await Wal.open(join(dir, 'store', 'store-1'), { fsync: false });
  const bus = await NatsBus.connect({ servers: [nats.url], name: 'kcm-test-store-1' });
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

export interface KubectlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const KUBECTL_TIMEOUT_MS = 60_000;

/** Runs /usr/bin/kubectl as an async child (a sync one would block the in-process API server). */
function runKubectl(args: readonly string[], env: NodeJS.ProcessEnv): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn('/usr/bin/kubectl', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => proc.kill('SIGKILL'), KUBECTL_TIMEOUT_MS);
    proc.on('error', reject);
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

type PodObj = Pod & KubeObject;

/** Pods of `labelSelector` in `namespace` that are not being deleted. */
export async function livePods(client: ApiClient, labelSelector: string, namespace = 'default'): Promise<PodObj[]> {
  return (await client.list<PodObj>(Resources.pods, { namespace, labelSelector })).items.filter((p) => p.metadata.deletionTimestamp === undefined);
}

export function isReady(p: Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
