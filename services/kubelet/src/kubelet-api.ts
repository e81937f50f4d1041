// Adapter: the kubelet's own API and the pod sources that come with it, wired in two steps.
// `listenKubeletApi` runs first, so the Node registers with the real port
// (status.daemonEndpoints.kubeletEndpoint.Port); `serve` then hands the HTTPS server the pod
// manager, runtime and stats, adds the NATS endpoints kubelet.<node>.pods and .healthz, and
// starts the --manifest-url source once the kubelet is ready. Without a port (the default of
// startKubelet, what in-process hollow nodes use) there is no HTTP server and no manifest
// endpoint; the NATS endpoints are always there.
import { join } from 'node:path';
import type { Clock, ServiceHost, ServiceLogger } from '@skiff/actors';
import type { ApiClient } from '@skiff/client';
import type { ContainerRuntime, StatsProvider } from '@skiff/kubelet';
import { ApiPodSource } from './api-pod-source.js';
import { servePodsAndHealthz } from './kubelet-endpoints.js';
import { listenKubeletServer, type KubeletServer } from './kubelet-server.js';
import { DEFAULT_HTTP_CHECK_FREQUENCY_MS, ManifestUrlSource } from './manifest-url-source.js';
import type { PodManager } from './pod-manager.js';
import { StaticPodSet } from './static-pod-set.js';

export interface KubeletApiOptions {
  /** The HTTPS server's port (--port, 10250 on the command line; 0 picks a free one). Default: no HTTP server. */
  readonly port?: number;
  /** The bearer token every HTTP path but /healthz needs (--auth-token-file). Without one they answer 401. */
  readonly authToken?: string;
  /** --manifest-url: polled for static pods. */
  readonly manifestUrl?: string;
  /** --http-check-frequency: how often the manifest URL is read (default 20 s). */
  readonly httpCheckFrequencyMs?: number;
}

export interface KubeletApiServeParts {
  readonly host: ServiceHost;
  readonly cri: ContainerRuntime;
  readonly pods: PodManager;
  readonly stats?: StatsProvider | undefined;
  readonly client: ApiClient;
  readonly logger: ServiceLogger;
  readonly nodeUID: () => string | undefined;
  /** The kubelet is registered and has its pods: static sources may start. */
  readonly ready: Promise<void>;
}

export interface KubeletApi {
  /** The HTTPS server, when a port was given. */
  readonly server: KubeletServer | undefined;
  /** Node facts this API decides: the port the Node advertises. */
  readonly facts: { readonly kubeletPort?: number };
  serve(parts: KubeletApiServeParts): Promise<void>;
  stop(): Promise<void>;
}

interface Common {
  readonly nodeName: string;
  readonly nodeIP: string;
  readonly rootDir: string;
  readonly clock: Clock;
}

export async function listenKubeletApi(opts: KubeletApiOptions & Common): Promise<KubeletApi> {
  const { clock, nodeName } = opts;
  const startTimeMs = clock.now();
  const server =
    opts.port === undefined
      ? undefined
      : await listenKubeletServer({ port: opts.port, address: opts.nodeIP, hostname: nodeName, certDir: join(opts.rootDir, 'pki'), nowMs: startTimeMs, ...(opts.authToken !== undefined ? { authToken: opts.authToken } : {}) });
  let urlSource: ManifestUrlSource | undefined;
  return {
    server,
    facts: server === undefined ? {} : { kubeletPort: server.port },
    serve: async (p) => {
      const set = (): StaticPodSet => new StaticPodSet({ nodeName, nodeUID: p.nodeUID, client: p.client, pods: p.pods, clock, logger: p.logger });
      server?.serve({ nodeName, cri: p.cri, pods: p.pods, ...(p.stats !== undefined ? { stats: p.stats } : {}), apiPods: new ApiPodSource(set(), nodeName, clock), clock, logger: p.logger, startTimeMs });
      await servePodsAndHealthz(p.host, nodeName, p.pods);
      if (opts.manifestUrl !== undefined) {
        const source = new ManifestUrlSource({ url: opts.manifestUrl, nodeName, set: set(), clock, logger: p.logger, intervalMs: opts.httpCheckFrequencyMs ?? DEFAULT_HTTP_CHECK_FREQUENCY_MS });
        urlSource = source;
        void p.ready.then(() => source.start());
      }
    },
    stop: async () => {
      urlSource?.stop();
      await server?.close();
    },
  };
}
