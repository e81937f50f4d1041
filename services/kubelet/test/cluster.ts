// Integration harness: a real nats-server, one real store member (Raft + MVCC + WAL on disk),
// the real API server (core, NATS API, HTTPS with a kubeconfig) in this process; kubelets are
// started by the tests. Logs go to <dir>/test.log.
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createLogger, startServiceHost, systemRandom, type ServiceHost, type ServiceLogger } from '@skiff/actors';
import { NatsBus, startNatsServer, type NatsServerProcess } from '@skiff/bus';
import { RealClock } from '@skiff/core';
import { createStoreMember, type StoreMember } from '@skiff/store';
import { Wal } from '@skiff/wal';
import { startClusterApiServer, waitForReadyz, type ClusterApiServer } from '@skiff/apiserver';

export const CLUSTER = 'kubelet-it';

export interface TestCluster {
  readonly dir: string;
  readonly nats: NatsServerProcess;
  readonly api: ClusterApiServer;
  readonly clock: RealClock;
  readonly logger: ServiceLogger;
  readonly logFile: string;
  stop(): Promise<void>;
}

export function child(logger: ServiceLogger, bindings: Record<string, string>): ServiceLogger {
  const c = logger.child(bindings);
  return Object.assign(c, { loggerFor: (actorId: string) => c.child({ actorId }) });
}

export async function startTestCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-kubelet-it-'));
  const logFile = join(dir, 'test.log');
  const destination = pino.destination({ dest: openSync(logFile, 'a'), sync: false });
  const logger = createLogger({ component: 'kubelet-it', instance: 'test', destination, level: 'debug' });
  const clock = new RealClock();
  const nats = await startNatsServer();
  let member: { member: StoreMember; host: ServiceHost; wal: Wal } | undefined;
  let api: ClusterApiServer | undefined;
  const stop = async (): Promise<void> => {
    await api?.stop();
    if (member !== undefined) {
      await member.member.stop({ transferLeadership: false });
      await member.host.stop();
      await member.wal.close();
    }
    await nats.dispose();
    destination.flushSync();
  };
  try {
    const { wal, state } = await Wal.open(join(dir, 'store', 'store-1'), { fsync: false });
    const bus = await NatsBus.connect({ servers: [nats.url], name: 'it-store-1' });
    const host = await startServiceHost({ bus, cluster: CLUSTER, service: 'store', instance: 'store-1', version: '0.1.0', description: 'test store', clock, logger: child(logger, { part: 'store' }) });
    const m = createStoreMember({ name: 'store-1', members: ['store-1'], cluster: CLUSTER, bus, wal, recovered: state, clock, random: systemRandom(), logger: child(logger, { part: 'store' }), host });
    member = { member: m, host, wal };
    await m.start();
    host.setReady(true);
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
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    dir,
    nats,
    api,
    clock,
    logger,
    logFile,
    stop: async () => {
      await stop();
      if (process.env['SKIFF_IT_KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every 100 ms until it returns a value (not undefined), at most `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const attempts = Math.ceil(timeoutMs / 100);
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
}
