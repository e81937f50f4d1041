// Adapter: one kubelet (DESIGN.md; pkg/kubelet). It hosts its actors on a service host named
// `kubelet/<node>`: the node agent (registration, NodeStatus, the node Lease), one pod worker per
// pod, informers (its pods by spec.nodeName; configmaps, secrets and services for env and
// volumes), the static pod source and the logs endpoint `kubelet.<node>.logs`.
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { readFileSync, statfsSync } from 'node:fs';
import type { Pod } from '@skiff/api';
import { startServiceHost, type Clock, type Random, type ServiceHost, type ServiceLogger } from '@skiff/actors';
import { NatsBus, type Bus } from '@skiff/bus';
import { createApiClient, createInformer, isDeletedFinalStateUnknown, Resources, type ApiClient } from '@skiff/client';
import { defaultEvictionHard, evictionManagerMachine, isMirrorPod, KubeletRuntime, nodeAgentMachine, parseThresholdConfig, type ContainerRuntime, type EvictionConfigInput, type StatsProvider, type VolumeHost } from '@skiff/kubelet';
import { HollowRuntime, hostProbers, HostStatsProvider, HostVolumes, ProcessRuntime } from '@skiff/runtime';
import { CONTAINER_RUNTIME_VERSION, DEFAULT_KUBELET_PORT, DEFAULT_MAX_PODS, goArch, type NodeFacts } from './node-object.js';
import { NodeRegistration } from './node-registration.js';
import { PodManager } from './pod-manager.js';
import { serveLogs } from './logs-endpoint.js';
import { serveStats } from './stats-endpoint.js';
import { serveExec } from './exec-endpoint.js';
import { serveAttach } from './attach-endpoint.js';
import { servePortForward } from './portforward-endpoint.js';
import { StaticPodSource } from './static-pod-source.js';
import { listenKubeletApi, type KubeletApi, type KubeletApiOptions } from './kubelet-api.js';
import { borrowBus } from './borrowed-bus.js';
import { createKubeletObjects, type KubeletObjects } from './kubelet-objects.js';

export type RuntimeKind = 'process' | 'hollow';

export interface KubeletOptions extends KubeletApiOptions {
  readonly natsUrls: readonly string[];
  readonly cluster: string;
  readonly nodeName: string;
  readonly nodeIP: string;
  /** Loopback range of this node's pod IPs (ProcessRuntime). */
  readonly podCIDR?: string;
  readonly rootDir: string;
  readonly registerNode?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: NodeFacts['taints'];
  readonly runtime?: RuntimeKind;
  readonly podManifestPath?: string;
  readonly staticPodIntervalMs?: number;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger?: ServiceLogger;
  readonly version?: string;
  /** Overrides of the machine facts (capacity), e.g. from flags. */
  readonly facts?: Partial<NodeFacts>;
  readonly leaseRenewIntervalMs?: number;
  readonly statusReportIntervalMs?: number;
  /** Node stats for the eviction manager; default the host's (/proc, statfs) with the process runtime, none with hollow. */
  readonly stats?: StatsProvider;
  /** --eviction-hard and friends; default Kubernetes' hard thresholds. */
  readonly eviction?: EvictionConfigInput;
  readonly evictionMonitoringIntervalMs?: number;
  /** --cluster-dns: the nameservers of ClusterFirst pods (none: pods use the host's resolver). */
  readonly clusterDNS?: readonly string[];
  /** --cluster-domain (default cluster.local). */
  readonly clusterDomain?: string;
  /** A NATS connection shared with other kubelets of this process (hollow nodes); it stays open on stop. Default: its own. */
  readonly bus?: Bus;
  /** ConfigMaps, Secrets and Services shared with other kubelets of this process. Default: its own informers. */
  readonly objects?: KubeletObjects;
  /** The container runtime, made by the caller (e.g. a HollowRuntime it configures). Default: from `runtime`. */
  readonly cri?: ContainerRuntime;
  /** Where pod volumes are laid out. Default: folders under <rootDir>/pods. */
  readonly volumes?: VolumeHost;
}

export interface Kubelet {
  readonly nodeName: string;
  readonly host: ServiceHost;
  readonly client: ApiClient;
  readonly pods: PodManager;
  /** The HTTPS server (api.server, when a port was given) and the NATS pods/healthz endpoints. */
  readonly api: KubeletApi;
  /** Resolves once the Node is registered and the pods informer has synced. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/** Kubernetes' default: NodeStatus at least every 5 min, the Lease every 10 s is the heartbeat. */
export const NODE_STATUS_REPORT_INTERVAL_MS = 300_000;

function osImage(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return m?.[1] ?? 'Linux';
  } catch {
    return 'Linux';
  }
}

function diskBytes(dir: string): number {
  try {
    const s = statfsSync(dir);
    return s.blocks * s.bsize;
  } catch {
    return 0;
  }
}

export function machineFacts(opts: KubeletOptions): NodeFacts {
  return {
    nodeName: opts.nodeName,
    nodeIP: opts.nodeIP,
    hostname: opts.nodeName,
    ...(opts.podCIDR !== undefined ? { podCIDR: opts.podCIDR } : {}),
    labels: opts.labels ?? {},
    taints: opts.taints ?? [],
    cpuCores: cpus().length,
    memoryBytes: totalmem(),
    ephemeralStorageBytes: diskBytes('/'),
    maxPods: DEFAULT_MAX_PODS,
    osImage: osImage(),
    kernelVersion: release(),
    architecture: goArch(process.arch),
    kubeletPort: DEFAULT_KUBELET_PORT,
    runtimeVersion: opts.runtime === 'hollow' ? 'skiff-hollow://0.1' : CONTAINER_RUNTIME_VERSION,
    ...opts.facts,
  };
}

function makeCri(opts: KubeletOptions): ContainerRuntime {
  if (opts.runtime === 'hollow') return new HollowRuntime({ clock: opts.clock, random: opts.random.fork() });
  return new ProcessRuntime({ rootDir: join(opts.rootDir, 'containers'), ...(opts.podCIDR !== undefined ? { podCIDR: opts.podCIDR } : {}) });
}

export async function startKubelet(opts: KubeletOptions): Promise<Kubelet> {
  const { clock, nodeName } = opts;
  const api = await listenKubeletApi(opts);
  const bus = opts.bus !== undefined ? borrowBus(opts.bus) : await NatsBus.connect({ servers: opts.natsUrls, name: `kubelet-${nodeName}` });
  const host = await startServiceHost({
    bus,
    cluster: opts.cluster,
    service: 'kubelet',
    instance: nodeName,
    version: opts.version ?? '0.1.0',
    description: `kubelet of node ${nodeName}`,
    clock,
    ...(opts.logger !== undefined ? { logger: opts.logger } : {}),
  });
  const logger = host.logger;
  const client = createApiClient({ bus, cluster: opts.cluster, clock, random: opts.random, fieldManager: 'kubelet' });
  const facts = { ...machineFacts(opts), ...api.facts };
  const informerOpts = { client, clock, random: opts.random, inspect: host.inspector.inspect, onError: (what: string, err: unknown) => logger.debug({ what, err: String(err) }, 'informer error') };
  const podInformer = createInformer<Pod>({ ...informerOpts, resource: Resources.pods, scope: { fieldSelector: `spec.nodeName=${nodeName}` } });
  const ownObjects = opts.objects === undefined ? createKubeletObjects(informerOpts) : undefined;
  const objects = opts.objects ?? ownObjects!;
  const cri = opts.cri ?? makeCri(opts);
  const runtime = new KubeletRuntime({
    cri,
    runtimeName: opts.runtime ?? 'process',
    hostIP: opts.nodeIP,
    podsDir: join(opts.rootDir, 'pods'),
    volumes: opts.volumes ?? new HostVolumes(join(opts.rootDir, 'pods')),
    lookup: objects.lookup,
    services: () => objects.services(),
    probers: hostProbers,
    clock,
    dns: { clusterDNS: opts.clusterDNS ?? [], clusterDomain: opts.clusterDomain ?? 'cluster.local' },
  });
  const pods = new PodManager({ host, client, runtime, hostIP: opts.nodeIP, nodeName: opts.nodeName, logger });
  const unsubscribeEvents = cri.getContainerEvents((e) => pods.onContainerEvent(e));

  const registration = new NodeRegistration(client, facts, opts.registerNode ?? true);
  let registered!: () => void;
  const whenRegistered = new Promise<void>((resolve) => (registered = resolve));
  const agent = host.spawn(nodeAgentMachine, {
    id: 'node-agent',
    input: {
      nodeName,
      registerNode: async () => {
        await registration.register();
        registered();
      },
      now: () => clock.now(),
      leaseRenewIntervalMs: opts.leaseRenewIntervalMs ?? 10_000,
      statusReportIntervalMs: opts.statusReportIntervalMs ?? NODE_STATUS_REPORT_INTERVAL_MS,
    },
  });
  agent.on('nodeStatus', (e) => void registration.postStatus(e.conditions).catch((err: unknown) => logger.warn({ err: String(err) }, 'node status update failed')));
  agent.on('renewLease', () => void registration.renewLease(clock.now()).catch((err: unknown) => logger.warn({ err: String(err) }, 'node lease renewal failed')));
  agent.on('registrationFailed', (e) => logger.warn({ err: e.error, failures: e.failures }, 'node registration failed'));

  const stats = opts.stats ?? (cri instanceof ProcessRuntime ? new HostStatsProvider(cri, opts.rootDir) : undefined);
  const eviction =
    stats === undefined
      ? undefined
      : host.spawn(evictionManagerMachine, {
          id: 'eviction-manager',
          input: {
            config: { thresholds: parseThresholdConfig(opts.eviction ?? { evictionHard: defaultEvictionHard }), pressureTransitionPeriodMs: 300_000, maxPodGracePeriodSeconds: 30 },
            stats,
            activePods: () => pods.activePods(),
            now: () => clock.now(),
            monitoringIntervalMs: opts.evictionMonitoringIntervalMs ?? 10_000,
          },
        });
  eviction?.on('nodePressure', (e) => agent.send({ type: 'PRESSURE', pressure: e.pressure }));
  eviction?.on('evictPod', (e) => {
    logger.warn({ pod: e.pod.metadata.name, signal: e.signal }, 'evicting pod');
    pods.evict(e.pod.metadata.uid ?? '', e.gracePeriodSeconds, e.message);
  });
  eviction?.on('statsFailed', (e) => logger.debug({ err: e.error }, 'node stats failed'));

  const isOurs = (p: Pod): boolean => !isMirrorPod(p);
  podInformer.addEventHandler({
    onAdd: (p) => isOurs(p) && pods.upsert(p),
    onUpdate: (_old, p) => isOurs(p) && pods.upsert(p),
    onDelete: (d) => {
      const p = isDeletedFinalStateUnknown(d) ? d.obj : d;
      if (isOurs(p)) pods.remove(p);
    },
  });

  const statics = opts.podManifestPath === undefined
    ? undefined
    : new StaticPodSource({ dir: opts.podManifestPath, nodeName, client, pods, clock, logger, intervalMs: opts.staticPodIntervalMs ?? 20_000, nodeUID: () => registration.uid });

  // Secrets and configmaps first: a pod's env may need them at its first start.
  ownObjects?.start();
  const ready = (async () => {
    await objects.whenSynced();
    await whenRegistered;
    podInformer.start();
    await podInformer.whenSynced();
    statics?.start();
    host.setReady(true);
  })();
  // The host stops the endpoint with itself.
  await serveLogs(host, nodeName, cri, pods);
  await api.serve({ host, cri, pods, stats, client, logger, nodeUID: () => registration.uid, ready });
  await serveStats(host, { nodeName, stats, cri, pods: () => pods.activePods(), clock });
  await serveExec(host, nodeName, cri, pods);
  await serveAttach(host, nodeName, cri, pods);
  await servePortForward(host, nodeName, cri, pods);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      statics?.stop();
      podInformer.stop();
      await pods.stop();
      ownObjects?.stop();
      agent.send({ type: 'STOP' });
      eviction?.send({ type: 'STOP' });
      unsubscribeEvents();
      await api.stop();
      await host.stop();
    })());
  return { nodeName, host, client, pods, api, ready, stop };
}
