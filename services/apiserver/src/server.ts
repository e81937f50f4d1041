// The API server's composition: the HTTP(S) front on node:https (node:http only when asked for
// explicitly), the same API over NATS on a service host, and the key material they need. The REST
// core comes in from outside (main.ts, `skiff up`, tests) and stays its creator's to stop.
//
// No web framework: the front needs exact control over streaming (watch headers flushed at once,
// chunked lines, backpressure), status codes and content types, which node:http gives directly.
//
//   starting --listening, NATS endpoints up--> serving --core.ready()--> ready (readyz ok)
//   serving|ready --stop()--> stopping (readyz fails; watches end; listeners close) --> stopped

import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { createLogger, RealClock, startServiceHost, type ServiceHost, type ServiceLogger } from '@skiff/actors';
import type { InspectionEvent } from 'xstate';
import type { Bus } from '@skiff/bus';
import type { Clock } from '@skiff/core';
import type { ApiCore } from './core/index.js';
import { adminTokenAuthenticator } from './http/authn.js';
import { execUpgrade } from './http/exec-upgrade.js';
import { kubeletPodPortForward } from './nats/kubelet-portforward.js';
import type { ProtobufDecoder } from './http/body.js';
import { HttpFront } from './http/front.js';
import { createApiMetrics, type ApiMetrics } from './http/metrics.js';
import type { Registry } from './http/registry.js';
import { startNatsApi, type NatsApi } from './nats/api-endpoints.js';
import { kubeletPodExec } from './nats/kubelet-exec.js';
import { kubeletPodAttach } from './nats/kubelet-attach.js';
import { ensurePki, type Pki } from './tls/pki.js';
import { versionInfo } from './version.js';

export const DEFAULT_PORT = 6443;
export const DEFAULT_BIND = '127.0.0.1';
/** How long stop() lets requests in flight finish before cutting their connections. */
export const STOP_GRACE_MS = 5_000;

export interface ApiServerNatsOptions {
  /** The bus the API is served on; the server's service host owns it and closes it on stop. */
  readonly bus: Bus;
  readonly cluster: string;
  readonly instance: string;
  /** Semantic version for the NATS service framework. */
  readonly version: string;
}

/** What the server knows once it listens, for a core made then (its actors inspected by the host). */
export interface CoreEnvironment {
  readonly port: number;
  /** The service host's XState inspector (undefined without NATS). */
  readonly inspect: ((event: InspectionEvent) => void) | undefined;
}

export interface ApiServerOptions {
  /** The REST core, or a factory called once the server listens and its service host runs. */
  readonly core: ApiCore | ((env: CoreEnvironment) => ApiCore);
  readonly registry: Registry;
  readonly decodeProtobuf: ProtobufDecoder;
  /** `<dataDir>/pki/` holds the CA, the serving certificate and the admin token. */
  readonly dataDir: string;
  readonly bind?: string;
  /** 0: a free port. */
  readonly port?: number;
  /** Plain HTTP instead of HTTPS (every request is the admin: no credentials travel over it). */
  readonly insecureHttp?: boolean;
  /** More names and addresses for the serving certificate. */
  readonly extraSans?: readonly string[];
  /** Serve the API over NATS too (api.<verb>, api.watch), registered as service `apiserver`. */
  readonly nats?: ApiServerNatsOptions;
  readonly clock?: Clock;
  readonly logger?: ServiceLogger;
  readonly bodyLimitBytes?: number;
  /** Process metrics (CPU, memory, event loop) in /metrics; off in tests running many servers. */
  readonly processMetrics?: boolean;
  /** The registry to serve on /metrics (made here when absent), e.g. shared with instrumentStorage. */
  readonly metrics?: ApiMetrics;
}

export interface ApiServer {
  /** `https://127.0.0.1:6443` */
  readonly url: string;
  readonly port: number;
  readonly tls: boolean;
  readonly pki: Pki;
  readonly metrics: ApiMetrics;
  readonly host: ServiceHost | undefined;
  /** The core given, or made by the factory given; the caller stops it. */
  readonly core: ApiCore;
  /** Resolves once the core is ready and /readyz answers ok. */
  readonly ready: Promise<void>;
  /** Open watches over HTTP and NATS. */
  openWatches(): number;
  stop(): Promise<void>;
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const clock = opts.clock ?? new RealClock();
  const logger = opts.logger ?? createLogger({ component: 'apiserver', instance: opts.nats?.instance ?? 'local' });
  const bind = opts.bind ?? DEFAULT_BIND;
  const tls = opts.insecureHttp !== true;
  const pki = await ensurePki({ dataDir: opts.dataDir, extraSans: [...bindAddresses(bind), ...(opts.extraSans ?? [])], nowMs: clock.now() });
  if (pki.issued.length > 0) logger.info({ dir: pki.dir, issued: pki.issued }, 'issued key material');

  const metrics = opts.metrics ?? createApiMetrics({ processMetrics: opts.processMetrics === true });
  let coreReady = false;
  let stopping = false;
  let address = `${bind}:0`;
  let core: ApiCore | undefined = typeof opts.core === 'function' ? undefined : opts.core;
  const authenticator = adminTokenAuthenticator(pki.adminToken);
  const front = new HttpFront({
    core: () => core,
    registry: opts.registry,
    clock,
    logger,
    metrics,
    authenticator,
    decodeProtobuf: opts.decodeProtobuf,
    versionInfo: versionInfo(),
    serverAddress: () => address,
    ...(opts.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: opts.bodyLimitBytes }),
    health: {
      livez: () => [{ name: 'ping', ok: true }],
      healthz: () => [
        { name: 'ping', ok: true },
        { name: 'skiff-core', ok: coreReady },
      ],
      readyz: () => [
        { name: 'ping', ok: true },
        { name: 'skiff-core', ok: coreReady },
        { name: 'shutdown', ok: !stopping },
      ],
    },
  });

  const server: Server = tls
    ? createHttpsServer({ cert: pki.serving.certPem, key: pki.serving.keyPem, minVersion: 'TLSv1.2' }, front.listener)
    : createHttpServer(front.listener);
  // Node's requestTimeout bounds receiving a request (slow bodies), not the response: watches,
  // whose requests end at once, stream for as long as their clients want.
  // pods/exec and pods/attach: WebSocket upgrades go to the pod's kubelet over NATS.
  const exec = execUpgrade({
    core: () => core,
    authenticator,
    logger,
    exec: opts.nats === undefined ? undefined : kubeletPodExec(opts.nats.bus, opts.nats.cluster, clock),
    attach: opts.nats === undefined ? undefined : kubeletPodAttach(opts.nats.bus, opts.nats.cluster, clock),
    portForward: opts.nats === undefined ? undefined : kubeletPodPortForward(opts.nats.bus, opts.nats.cluster, clock),
  });
  server.on('upgrade', exec.listener);
  server.on('clientError', (err, socket) => {
    logger.debug({ err }, 'client error');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  await listen(server, opts.port ?? DEFAULT_PORT, bind);
  const port = (server.address() as AddressInfo).port;
  const urlHost = bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind.includes(':') ? `[${bind}]` : bind;
  const url = `${tls ? 'https' : 'http'}://${urlHost}:${port}`;
  address = `${urlHost}:${port}`;

  let host: ServiceHost | undefined;
  let natsApi: NatsApi | undefined;
  try {
    if (opts.nats !== undefined) {
      host = await startServiceHost({
        bus: opts.nats.bus,
        cluster: opts.nats.cluster,
        service: 'apiserver',
        instance: opts.nats.instance,
        version: opts.nats.version,
        description: 'Kubernetes API over HTTPS and NATS',
        clock,
        logger,
        metadata: { url },
      });
    }
    core ??= (opts.core as (env: CoreEnvironment) => ApiCore)({ port, inspect: host?.inspector.inspect });
    if (host !== undefined) natsApi = await startNatsApi({ host, core, clock, logger, metrics });
  } catch (err) {
    server.close();
    server.closeAllConnections();
    await host?.stop();
    throw err;
  }
  logger.info({ url, tls, nats: host !== undefined }, 'apiserver listening');

  const ready = core.ready().then(() => {
    coreReady = true;
    host?.setReady(true);
    logger.info('apiserver ready');
  });
  ready.catch((err: unknown) => logger.error({ err }, 'the core did not become ready'));

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    stopping = true;
    host?.setReady(false);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    exec.stop();
    await Promise.all([front.stopWatches(), natsApi?.stopWatches()]);
    const grace = new Promise<void>((resolve) => {
      const t = setTimeout(resolve, STOP_GRACE_MS);
      t.unref();
    });
    await Promise.race([closed, grace]);
    server.closeAllConnections();
    await closed;
    await host?.stop();
    logger.info('apiserver stopped');
  };
  return {
    url,
    port,
    tls,
    pki,
    metrics,
    host,
    ready,
    core,
    openWatches: () => front.openWatches + (natsApi?.openWatches ?? 0),
    stop: () => (stopped ??= stop()),
  };
}

/** The addresses clients may use: the bind address, or every interface's for a wildcard bind. */
function bindAddresses(bind: string): string[] {
  if (bind !== '0.0.0.0' && bind !== '::') return [bind];
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  return all.filter((i) => bind === '::' || i.family === 'IPv4').map((i) => i.address.replace(/%.*$/, ''));
}

function listen(server: Server, port: number, bind: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, bind, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
