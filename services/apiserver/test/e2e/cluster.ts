// End-to-end harness: a real nats-server, a real 3-member store (Raft + MVCC + write-ahead logs
// on disk), the real API server over NATS with HTTPS, and the real kubectl (/usr/bin/kubectl)
// pointed at the kubeconfig the server writes. Everything runs in this process except nats-server
// and kubectl, so kubectl runs as an async child (a sync one would block the server it talks to).
// HOME points into the run's directory, so kubectl's discovery and OpenAPI caches start empty.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createLogger, startServiceHost, systemRandom, type ServiceHost, type ServiceLogger } from '@skiff/actors';
import { NatsBus, startNatsServer, type NatsServerProcess } from '@skiff/bus';
import { RealClock } from '@skiff/core';
import { createStoreMember, type StoreMember } from '@skiff/store';
import { Wal } from '@skiff/wal';
import { startClusterApiServer, type ClusterApiServer } from '../../src/start.js';
import { waitForReadyz } from '../../src/readyz-probe.js';

export const KUBECTL = '/usr/bin/kubectl';
const CLUSTER = 'e2e';

export interface KubectlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TestCluster {
  readonly dir: string;
  readonly api: ClusterApiServer;
  readonly kubeconfig: string;
  readonly logFile: string;
  /** Runs kubectl to its end (bounded); `input` goes to its stdin. */
  kubectl(args: readonly string[], input?: string): Promise<KubectlResult>;
  /** Starts a long-running kubectl (get -w) and reads its output as it comes. */
  kubectlStream(args: readonly string[]): KubectlStream;
  stop(): Promise<void>;
}

export interface KubectlStream {
  /** Resolves with the output so far once `match` holds for it (bounded), rejects otherwise. */
  waitFor(match: (stdout: string) => boolean, timeoutMs?: number): Promise<string>;
  stop(): Promise<KubectlResult>;
}

interface Member {
  readonly member: StoreMember;
  readonly host: ServiceHost;
  readonly wal: Wal;
}

export async function startTestCluster(opts: { members?: number } = {}): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-e2e-'));
  const logFile = join(dir, 'test.log');
  const destination = pino.destination({ dest: openSync(logFile, 'a'), sync: false });
  const logger = createLogger({ component: 'e2e', instance: 'test', destination, level: 'debug' });
  const clock = new RealClock();
  const nats = await startNatsServer();
  const names = Array.from({ length: opts.members ?? 3 }, (_, i) => `store-${i + 1}`);
  const members: Member[] = [];
  let api: ClusterApiServer | undefined;
  const stop = async (): Promise<void> => {
    await api?.stop();
    for (const m of members.splice(0).reverse()) {
      await m.member.stop({ transferLeadership: false });
      await m.host.stop();
      await m.wal.close();
    }
    await nats.dispose();
    destination.flushSync();
  };
  try {
    for (const name of names) members.push(await startMember(name, names, dir, nats, clock, child(logger, { member: name })));
    api = await startClusterApiServer({
      natsUrls: [nats.url],
      cluster: CLUSTER,
      instance: 'api-1',
      version: '0.1.0',
      dataDir: join(dir, 'api'),
      port: 0,
      storeMembers: names,
      clock,
      logger: child(logger, { part: 'apiserver' }),
    });
    await api.server.ready;
    await waitForReadyz({ url: api.server.url, caCertPem: api.server.pki.ca.certPem, timeoutMs: 30_000 });
  } catch (err) {
    await stop();
    throw err;
  }
  const kubeconfig = api.kubeconfigPath!;
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };
  return {
    dir,
    api,
    kubeconfig,
    logFile,
    kubectl: (args, input) => runKubectl(args, env, input),
    kubectlStream: (args) => streamKubectl(args, env),
    stop: async () => {
      await stop();
      if (process.env['SKIFF_E2E_KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function child(logger: ServiceLogger, bindings: Record<string, string>): ServiceLogger {
  const c = logger.child(bindings);
  return Object.assign(c, { loggerFor: (actorId: string) => c.child({ actorId }) });
}

async function startMember(name: string, names: readonly string[], dir: string, nats: NatsServerProcess, clock: RealClock, logger: ServiceLogger): Promise<Member> {
  const { wal, state } = await Wal.open(join(dir, 'store', name), { fsync: false });
  const bus = await NatsBus.connect({ servers: [nats.url], name: `e2e-${name}` });
  const host = await startServiceHost({ bus, cluster: CLUSTER, service: 'store', instance: name, version: '0.1.0', description: 'e2e store member', clock, logger });
  const member = createStoreMember({ name, members: names, cluster: CLUSTER, bus, wal, recovered: state, clock, random: systemRandom(), logger, host });
  await member.start();
  host.setReady(true);
  return { member, host, wal };
}

const KUBECTL_TIMEOUT_MS = 60_000;

function runKubectl(args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(KUBECTL, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
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
    proc.stdin.end(input ?? '');
  });
}

function streamKubectl(args: readonly string[], env: NodeJS.ProcessEnv): KubectlStream {
  const proc: ChildProcess = spawn(KUBECTL, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exited: number | null | undefined;
  const listeners = new Set<() => void>();
  const poke = (): void => listeners.forEach((l) => l());
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    poke();
  });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<void>((resolve) =>
    proc.on('close', (code) => {
      exited = code;
      poke();
      resolve();
    }),
  );
  return {
    waitFor: (match, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (match(stdout)) {
            done();
            resolve(stdout);
          } else if (exited !== undefined) {
            done();
            reject(new Error(`kubectl exited (${exited}) before the expected output; stdout: ${stdout} stderr: ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`expected output did not come within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    stop: async () => {
      if (exited === undefined) proc.kill('SIGTERM');
      await closed;
      return { code: exited ?? null, stdout, stderr };
    },
  };
}
