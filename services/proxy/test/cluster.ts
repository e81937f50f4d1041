// Integration harness: a real nats-server, a real single-member store (Raft + MVCC + write-ahead
// log on disk), the real API server (core + NATS API, ClusterIPs in 127.96.0.0/16) in this process,
// an API client, and the proxy process under test.

import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createLogger, startServiceHost, type ServiceHost, type ServiceLogger } from '@skiff/actors';
import { DEFAULT_SERVICE_CLUSTER_IP_RANGE, startClusterApiServer, type ClusterApiServer } from '@skiff/apiserver';
import { NatsBus, startNatsServer, type NatsServerProcess } from '@skiff/bus';
import { createApiClient, type ApiClient } from '@skiff/client';
import { RealClock, SeededRandom, systemRandom } from '@skiff/core';
import { createStoreMember, type StoreMember } from '@skiff/store';
import { Wal } from '@skiff/wal';
import { startProxyProcess, type ProxyProcess } from '../src/start.js';

export const CLUSTER = 'proxytest';

export interface TestCluster {
  readonly client: ApiClient;
  readonly logFile: string;
  startProxy(nodeIps: readonly string[], dns?: { ip: string; port: number }): Promise<ProxyProcess>;
  stop(): Promise<void>;
}

export async function startTestCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-proxy-'));
  const logFile = join(dir, 'test.log');
  const destination = pino.destination({ dest: openSync(logFile, 'a'), sync: false });
  const logger = createLogger({ component: 'proxy-test', instance: 'test', destination, level: 'info' });
  const clock = new RealClock();
  const proxies: ProxyProcess[] = [];
  let nats: NatsServerProcess | undefined;
  let member: { member: StoreMember; host: ServiceHost; wal: Wal } | undefined;
  let api: ClusterApiServer | undefined;
  let clientBus: NatsBus | undefined;
  const stop = async (): Promise<void> => {
    for (const p of proxies.splice(0)) await p.stop();
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
      serviceClusterIpRange: DEFAULT_SERVICE_CLUSTER_IP_RANGE,
      clock,
      logger: child(logger, { part: 'apiserver' }),
    });
    await api.server.ready;
    clientBus = await NatsBus.connect({ servers: [nats.url], name: 'proxy-test-client' });
  } catch (err) {
    await stop();
    throw err;
  }
  const client = createApiClient({ bus: clientBus, cluster: CLUSTER, clock, random: new SeededRandom(7) });
  const natsUrl = nats.url;
  return {
    client,
    logFile,
    async startProxy(nodeIps, dns) {
      const p = await startProxyProcess({ natsUrls: [natsUrl], cluster: CLUSTER, instance: 'proxy-1', version: '0.1.0', clock, logger: child(logger, { part: 'proxy' }), nodeIps, ...(dns === undefined ? {} : { dns }) });
      proxies.push(p);
      return p;
    },
    stop: async () => {
      await stop();
      if (process.env['SKIFF_TEST_KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function child(logger: ServiceLogger, bindings: Record<string, string>): ServiceLogger {
  const c = logger.child(bindings);
  return Object.assign(c, { loggerFor: (actorId: string) => c.child({ actorId }) });
}

async function startMember(dir: string, nats: NatsServerProcess, clock: RealClock, logger: ServiceLogger) {
  const { wal, state } = await Wal.open(join(dir, 'store', 'store-1'), { fsync: false });
  const bus = await NatsBus.connect({ servers: [nats.url], name: 'proxy-test-store-1' });
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
