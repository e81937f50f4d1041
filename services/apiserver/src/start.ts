// The API server of a cluster on NATS, wired end to end: a store client on its own NATS connection,
// the REST core over it, the HTTP(S) front and the NATS API on a second connection, and the admin
// kubeconfig in the data directory. main.ts and `skiff up` both start it this way.
//
// Two connections, so that stopping is ordered: the front and the NATS API stop first (their host
// drains and closes the API connection), then the core, then the store connection it used.

import { join } from 'node:path';
import { createLogger, RealClock, systemRandom, type ServiceLogger } from '@skiff/actors';
import { NatsBus } from '@skiff/bus';
import type { Clock, Random } from '@skiff/core';
import { createStoreClient } from '@skiff/store-client';
import { apiRegistry, decodeProtobufBody } from './defaults.js';
import { createApiCore, storeClientStorage, type ApiCore } from './core/index.js';
import { kubeletPodLogs } from './nats/kubelet-logs.js';
import { kubeletStats } from './nats/kubelet-stats.js';
import { kubeletNodeProxy } from './nats/kubelet-proxy.js';
import { createApiMetrics } from './http/metrics.js';
import { instrumentStorage } from './metrics/storage-metrics.js';
import { writeKubeconfig } from './kubeconfig.js';
import { startApiServer, type ApiServer } from './server.js';

export const KUBECONFIG_FILE = 'kubeconfig';
/** ClusterIPs of a local cluster: loopback, so the proxy binds them without root (Linux routes all of 127/8 locally). */
export const DEFAULT_SERVICE_CLUSTER_IP_RANGE = '127.96.0.0/16';

export interface ClusterApiServerOptions {
  readonly natsUrls: readonly string[];
  readonly cluster: string;
  /** This replica's name (a NATS token). */
  readonly instance: string;
  /** Skiff's version, for the NATS service framework. */
  readonly version: string;
  readonly dataDir: string;
  readonly bind?: string;
  readonly port?: number;
  readonly insecureHttp?: boolean;
  readonly extraSans?: readonly string[];
  /** Store member names; discovered from the leader when absent. */
  readonly storeMembers?: readonly string[];
  /** Where the admin kubeconfig goes; default `<dataDir>/kubeconfig`; null: none. */
  readonly kubeconfigPath?: string | null;
  readonly clock?: Clock;
  readonly random?: Random;
  readonly logger?: ServiceLogger;
  readonly processMetrics?: boolean;
  /** `--service-cluster-ip-range`; the core's default (10.96.0.0/12) when absent. */
  readonly serviceClusterIpRange?: string;
}

export interface ClusterApiServer {
  readonly server: ApiServer;
  readonly kubeconfigPath: string | undefined;
  stop(): Promise<void>;
}

export async function startClusterApiServer(opts: ClusterApiServerOptions): Promise<ClusterApiServer> {
  const clock = opts.clock ?? new RealClock();
  const random = opts.random ?? systemRandom();
  const logger = opts.logger ?? createLogger({ component: 'apiserver', instance: opts.instance });
  const storeBus = await NatsBus.connect({ servers: opts.natsUrls, name: `skiff-${opts.cluster}-apiserver-${opts.instance}-store` });
  const store = createStoreClient({
    bus: storeBus,
    cluster: opts.cluster,
    clock,
    random,
    ...(opts.storeMembers === undefined ? {} : { members: opts.storeMembers }),
  });
  const metrics = createApiMetrics({ processMetrics: opts.processMetrics === true });
  const storage = instrumentStorage(storeClientStorage(store), metrics.observeStorage);
  let core: ApiCore | undefined;
  const closeStore = async (): Promise<void> => {
    await core?.stop();
    await store.close();
    await storeBus.close();
  };
  let server: ApiServer;
  try {
    const apiBus = await NatsBus.connect({ servers: opts.natsUrls, name: `skiff-${opts.cluster}-apiserver-${opts.instance}` });
    server = await startApiServer({
      // Made once the server listens: the `kubernetes` Service gets the real port, and the service
      // host inspects the core's watch-cache actor.
      core: ({ port, inspect }) =>
        (core = createApiCore({ storage, clock, random, logger: logger.child({ part: 'core' }), apiserverPort: port, ...(opts.serviceClusterIpRange === undefined ? {} : { serviceClusterIpRange: opts.serviceClusterIpRange }), podLogs: kubeletPodLogs(apiBus, opts.cluster, clock), nodeProxy: kubeletNodeProxy(apiBus, opts.cluster), kubeletStats: kubeletStats(apiBus, opts.cluster, clock, { onError: (node, err) => logger.debug({ node, err: String(err) }, 'kubelet stats unavailable') }), ...(inspect === undefined ? {} : { inspect }) })),
      metrics,
      registry: apiRegistry,
      decodeProtobuf: decodeProtobufBody,
      dataDir: opts.dataDir,
      clock,
      logger,
      nats: { bus: apiBus, cluster: opts.cluster, instance: opts.instance, version: opts.version },
      ...(opts.bind === undefined ? {} : { bind: opts.bind }),
      ...(opts.port === undefined ? {} : { port: opts.port }),
      ...(opts.insecureHttp === undefined ? {} : { insecureHttp: opts.insecureHttp }),
      ...(opts.extraSans === undefined ? {} : { extraSans: opts.extraSans }),
    });
  } catch (err) {
    await closeStore();
    throw err;
  }
  const kubeconfigPath = opts.kubeconfigPath === null ? undefined : (opts.kubeconfigPath ?? join(opts.dataDir, KUBECONFIG_FILE));
  if (kubeconfigPath !== undefined) {
    writeKubeconfig(kubeconfigPath, {
      cluster: opts.cluster,
      server: server.url,
      ...(server.tls ? { caCertPem: server.pki.ca.certPem, token: server.pki.adminToken } : {}),
    });
  }
  let stopping: Promise<void> | undefined;
  return {
    server,
    kubeconfigPath,
    stop: () =>
      (stopping ??= (async () => {
        await server.stop();
        await closeStore();
      })()),
  };
}
