// A whole API server stack in this process for the system tests and the API server benchmark: a real
// nats-server, N real store members (Raft + MVCC + write-ahead logs on disk), the real API server over
// NATS with HTTPS and the admin kubeconfig it writes (CA data + bearer token). Logs go to a file in
// the run's directory, which is removed on stop.

import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createLogger, startServiceHost, systemRandom, type LogLevel, type ServiceHost, type ServiceLogger } from '@skiff/actors';
import { startClusterApiServer, waitForReadyz, type ClusterApiServer } from '@skiff/apiserver';
import { NatsBus, startNatsServer, type NatsServerProcess } from '@skiff/bus';
import { RealClock } from '@skiff/core';
import { createStoreMember, type StoreMember } from '@skiff/store';
import { Wal } from '@skiff/wal';

const CLUSTER = 'apibench';

export interface ApiStack {
  readonly dir: string;
  readonly api: ClusterApiServer;
  readonly url: string;
  readonly kubeconfig: string;
  readonly caCertPem: string;
  readonly token: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

interface Member {
  readonly member: StoreMember;
  readonly host: ServiceHost;
  readonly wal: Wal;
}

export async function startApiStack(opts: { members?: number; fsync?: boolean; logLevel?: LogLevel } = {}): Promise<ApiStack> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-apistack-'));
  const logFile = join(dir, 'stack.log');
  const destination = pino.destination({ dest: openSync(logFile, 'a'), sync: false });
  const logger = createLogger({ component: 'apistack', instance: 'test', destination, level: opts.logLevel ?? 'info' });
  const clock = new RealClock();
  const nats = await startNatsServer();
  const names = Array.from({ length: opts.members ?? 1 }, (_, i) => `store-${i + 1}`);
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
    for (const name of names) members.push(await startMember(name, names, dir, nats, clock, child(logger, { member: name }), opts.fsync ?? false));
    api = await startClusterApiServer({
      natsUrls: [nats.url],
      cluster: CLUSTER,
      instance: 'api-1',
      version: '0.1.0',
      dataDir: join(dir, 'api'),
      port: 0,
      bind: '127.0.0.1',
      storeMembers: names,
      clock,
      logger: child(logger, { part: 'apiserver' }),
    });
    await api.server.ready;
    await waitForReadyz({ url: api.server.url, caCertPem: api.server.pki.ca.certPem, timeoutMs: 30_000 });
  } catch (err) {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const started = api;
  return {
    dir,
    api: started,
    url: started.server.url,
    kubeconfig: started.kubeconfigPath!,
    caCertPem: started.server.pki.ca.certPem,
    token: started.server.pki.adminToken,
    logFile,
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

async function startMember(name: string, names: readonly string[], dir: string, nats: NatsServerProcess, clock: RealClock, logger: ServiceLogger, fsync: boolean): Promise<Member> {
  const { wal, state } = await Wal.open(join(dir, 'store', name), { fsync });
  const bus = await NatsBus.connect({ servers: [nats.url], name: `apistack-${name}` });
  const host = await startServiceHost({ bus, cluster: CLUSTER, service: 'store', instance: name, version: '0.1.0', description: 'api stack store member', clock, logger });
  const member = createStoreMember({ name, members: names, cluster: CLUSTER, bus, wal, recovered: state, clock, random: systemRandom(), logger, host });
  await member.start();
  host.setReady(true);
  return { member, host, wal };
}
