// The control plane every integration suite starts (exported as `@skiff/apiserver/testing`): a real
// nats-server, real store members (one by default; Raft + MVCC + write-ahead log on disk), the real API server
// (NATS API and HTTPS with a kubeconfig) and an API client over NATS, all in this process, logs in
// <dir>/test.log. A suite adds the components it tests (a scheduler, kubelets, a controller
// manager) on top; stop() takes down what it added first, then this, and removes <dir> unless
// SKIFF_TEST_KEEP is set.
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createLogger, startServiceHost, type LogLevel, type ServiceHost, type ServiceLogger } from '@skiff/actors';
import { NatsBus, startNatsServer, type NatsServerProcess } from '@skiff/bus';
import { createApiClient, type ApiClient } from '@skiff/client';
import { RealClock, SeededRandom, systemRandom } from '@skiff/core';
import { createStoreMember, type StoreMember } from '@skiff/store';
import { Wal } from '@skiff/wal';
import { startClusterApiServer, waitForReadyz, type ClusterApiServer } from '../src/index.js';

export interface ControlPlaneOptions {
  /** The cluster's name (NATS subject prefix). */
  readonly cluster: string;
  /** Prefix of the temporary folder and the log's component name. */
  readonly name: string;
  readonly logLevel?: LogLevel;
  /** fsync the store's log (default off: tests do not need durability across power loss). */
  readonly fsync?: boolean;
  /** Store members (default 1; the store's own suites cover quorums). */
  readonly storeMembers?: number;
  /** --service-cluster-ip-range (default the apiserver's). */
  readonly serviceClusterIpRange?: string;
  /** The API client's seed, request timeout and field manager (benches wait longer). */
  readonly client?: { readonly seed?: number; readonly requestTimeoutMs?: number; readonly fieldManager?: string };
}

export interface ControlPlane {
  readonly dir: string;
  readonly logFile: string;
  readonly nats: NatsServerProcess;
  readonly natsUrl: string;
  readonly api: ClusterApiServer;
  readonly kubeconfigPath: string;
  readonly client: ApiClient;
  readonly clock: RealClock;
  readonly logger: ServiceLogger;
  /** A logger into the test log with these bindings (what services take as their logger). */
  child(bindings: Record<string, string>): ServiceLogger;
  /** Stops `component` first when the control plane stops (last adopted, first stopped). */
  adopt(component: { stop(): Promise<void> }): void;
  stop(): Promise<void>;
}

export function child(logger: ServiceLogger, bindings: Record<string, string>): ServiceLogger {
  const c = logger.child(bindings);
  return Object.assign(c, { loggerFor: (actorId: string) => c.child({ actorId }) });
}

interface Member {
  readonly member: StoreMember;
  readonly host: ServiceHost;
  readonly wal: Wal;
}

async function startMember(name: string, names: readonly string[], dir: string, opts: ControlPlaneOptions, natsUrl: string, clock: RealClock, logger: ServiceLogger): Promise<Member> {
  const { wal, state } = await Wal.open(join(dir, 'store', name), { fsync: opts.fsync ?? false });
  const bus = await NatsBus.connect({ servers: [natsUrl], name: `${opts.name}-${name}` });
  const host = await startServiceHost({ bus, cluster: opts.cluster, service: 'store', instance: name, version: '0.1.0', description: 'test store member', clock, logger });
  const maxPayloadBytes = bus.connection.info?.max_payload;
  const member = createStoreMember({
    name,
    members: names,
    cluster: opts.cluster,
    bus,
    wal,
    recovered: state,
    clock,
    random: systemRandom(),
    logger,
    host,
    options: maxPayloadBytes === undefined ? {} : { maxPayloadBytes },
  });
  await member.start();
  host.setReady(true);
  return { member, host, wal };
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const dir = mkdtempSync(join(tmpdir(), `skiff-${opts.name}-`));
  const logFile = join(dir, 'test.log');
  const destination = pino.destination({ dest: openSync(logFile, 'a'), sync: false });
  const logger = createLogger({ component: opts.name, instance: 'test', destination, level: opts.logLevel ?? 'info' });
  const clock = new RealClock();
  const adopted: { stop(): Promise<void> }[] = [];
  let nats: NatsServerProcess | undefined;
  const members: Member[] = [];
  const names = Array.from({ length: opts.storeMembers ?? 1 }, (_, i) => `store-${i + 1}`);
  let api: ClusterApiServer | undefined;
  let clientBus: NatsBus | undefined;
  const stopAll = async (): Promise<void> => {
    for (const c of adopted.splice(0).reverse()) await c.stop();
    await clientBus?.close();
    await api?.stop();
    for (const m of members.splice(0).reverse()) {
      await m.member.stop({ transferLeadership: false });
      await m.host.stop();
      await m.wal.close();
    }
    await nats?.dispose();
    destination.flushSync();
  };
  try {
    nats = await startNatsServer();
    for (const name of names) members.push(await startMember(name, names, dir, opts, nats.url, clock, child(logger, { part: 'store', member: name })));
    api = await startClusterApiServer({
      natsUrls: [nats.url],
      cluster: opts.cluster,
      instance: 'api-1',
      version: '0.1.0',
      dataDir: join(dir, 'api'),
      port: 0,
      storeMembers: names,
      ...(opts.serviceClusterIpRange === undefined ? {} : { serviceClusterIpRange: opts.serviceClusterIpRange }),
      clock,
      logger: child(logger, { part: 'apiserver' }),
    });
    await api.server.ready;
    await waitForReadyz({ url: api.server.url, caCertPem: api.server.pki.ca.certPem, timeoutMs: 30_000 });
    clientBus = await NatsBus.connect({ servers: [nats.url], name: `${opts.name}-client` });
  } catch (err) {
    await stopAll();
    throw err;
  }
  return {
    dir,
    logFile,
    nats,
    natsUrl: nats.url,
    api,
    kubeconfigPath: api.kubeconfigPath ?? '',
    client: createApiClient({
      bus: clientBus,
      cluster: opts.cluster,
      clock,
      random: new SeededRandom(opts.client?.seed ?? 7),
      ...(opts.client?.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: opts.client.requestTimeoutMs }),
      ...(opts.client?.fieldManager === undefined ? {} : { fieldManager: opts.client.fieldManager }),
    }),
    clock,
    logger,
    child: (bindings) => child(logger, bindings),
    adopt: (component) => void adopted.push(component),
    stop: async () => {
      await stopAll();
      if (process.env['SKIFF_TEST_KEEP'] === undefined && process.env['SKIFF_BENCH_KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
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

/** waitFor with the probe first, as the controller-manager and scheduler suites call it. */
export function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  return waitFor(what, probe, timeoutMs);
}
