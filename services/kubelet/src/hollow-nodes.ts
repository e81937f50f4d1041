// Adapter: M hollow kubelets in one process (kubemark's hollow nodes): real kubelets (node agent,
// Lease, NodeStatus, a field-selected pod watch, pod workers) over the hollow runtime, so the
// control plane sees M real Nodes while no container process runs. Shared per process, because
// they would otherwise cost M times over: one NATS connection (each kubelet borrows it), one set
// of ConfigMap/Secret/Service informers, and one Node informer that hands each runtime its pod
// CIDR once node IPAM assigns it and tells when every node is Ready. Per kubelet stay what is
// per node in Kubernetes: its service host, node agent, pod informer and pod workers.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node } from '@skiff/api';
import { createLogger, type Logger, type ServiceLogger } from '@skiff/actors';
import { NatsBus } from '@skiff/bus';
import { createApiClient, createInformer, Resources, type Informer } from '@skiff/client';
import type { Clock, Random } from '@skiff/core';
import type { VolumeHost } from '@skiff/kubelet';
import { HollowRuntime, type LatencyRange } from '@skiff/runtime';
import { createKubeletObjects, type OwnedKubeletObjects } from './kubelet-objects.js';
import { startKubelet, type Kubelet, type KubeletOptions } from './kubelet.js';
import type { NodeFacts } from './node-object.js';

export const HOLLOW_NODE_PREFIX = 'hollow-node-';
/** Label on every hollow Node, so a pod can aim at (or away from) them with a nodeSelector. */
export const HOLLOW_NODE_LABEL = 'node.skiff.dev/hollow';
const GiB = 1024 ** 3;
/**
 * What a hollow node reports: a small VM (4 cores, 16 GiB), Kubernetes' default 110 pods. The
 * machine's own numbers would be wrong M times over; kwok and kubemark also report fixed ones.
 */
export const HOLLOW_NODE_CAPACITY = { cpuCores: 4, memoryBytes: 16 * GiB, ephemeralStorageBytes: 100 * GiB, maxPods: 110 } as const;
/** Kubelets registering at once: each start is a few round trips; hundreds at once only queue. */
export const HOLLOW_START_CONCURRENCY = 16;

export type HollowConnections = 'shared' | 'per-node';

export interface HollowNodesOptions {
  readonly natsUrls: readonly string[];
  readonly cluster: string;
  readonly count: number;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger?: ServiceLogger;
  readonly version?: string;
  /** `shared` (default): one NATS connection for all; `per-node`: each kubelet its own (to measure). */
  readonly connections?: HollowConnections;
  /** One set of ConfigMap/Secret/Service informers for all (default true); false: each kubelet its own (to measure). */
  readonly sharedObjects?: boolean;
  /** Simulated container start and image pull latencies. Default 0. */
  readonly startLatencyMs?: number | LatencyRange;
  readonly pullLatencyMs?: number | LatencyRange;
  readonly leaseRenewIntervalMs?: number;
  readonly startConcurrency?: number;
}

export interface HollowNodes {
  readonly names: readonly string[];
  readonly kubelets: readonly Kubelet[];
  /** Resolves once every hollow Node is Ready=True and has its pod CIDR; rejects after timeoutMs. */
  whenReady(timeoutMs: number): Promise<void>;
  /** Nodes Ready=True with a pod CIDR, out of names.length. */
  readyCount(): number;
  stop(): Promise<void>;
}

export interface HollowNodeAddress {
  readonly name: string;
  readonly nodeIP: string;
}

/** Hollow node i (from 1): hollow-node-i with InternalIP 127.1.x.y (apart from real nodes' 127.0.x.y). */
export function hollowNodeAddress(i: number): HollowNodeAddress {
  const k = i - 1;
  return { name: `${HOLLOW_NODE_PREFIX}${i}`, nodeIP: `127.1.${Math.floor(k / 254)}.${(k % 254) + 1}` };
}

/** A node is usable once it says Ready=True and IPAM gave it a pod CIDR. */
export function hollowNodeReady(node: Node | undefined): boolean {
  return (node?.spec?.podCIDR ?? '') !== '' && (node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
}

/** Hollow pods have no files: volumes are planned (and checked) but nothing is written. */
const noVolumes: VolumeHost = { setUp: () => Promise.resolve(), tearDown: () => Promise.resolve() };

export async function startHollowNodes(options: HollowNodesOptions): Promise<HollowNodes> {
  // One logger for all: a kubelet left without one makes its own pino stream, M times over.
  const opts = { ...options, logger: options.logger ?? serviceLogger(createLogger({ component: 'kubelet', instance: 'hollow' })) };
  const bus = await NatsBus.connect({ servers: opts.natsUrls, name: 'hollow-kubelets' });
  const client = createApiClient({ bus, cluster: opts.cluster, clock: opts.clock, random: opts.random, fieldManager: 'kubelet' });
  const onError = (what: string, err: unknown): void => opts.logger?.debug({ what, err: String(err) }, 'hollow informer error');
  const base = { client, clock: opts.clock, random: opts.random, onError };
  const objects: OwnedKubeletObjects | undefined = opts.sharedObjects === false ? undefined : createKubeletObjects(base);
  const nodes: Informer<Node> = createInformer<Node>({ ...base, resource: Resources.nodes });
  // Runtimes still waiting for their pod CIDR, by node name.
  const runtimes = new Map<string, HollowRuntime>();
  const giveCIDR = (n: Node): void => {
    const name = n.metadata.name ?? '';
    const cidr = n.spec?.podCIDR ?? '';
    const rt = runtimes.get(name);
    if (cidr === '' || rt === undefined) return;
    try {
      rt.setPodCIDR(cidr);
      runtimes.delete(name);
    } catch (err) {
      opts.logger?.warn({ node: name, cidr, err: String(err) }, 'unusable pod CIDR for a hollow node');
    }
  };
  nodes.addEventHandler({ onAdd: giveCIDR, onUpdate: (_old, n) => giveCIDR(n) });
  objects?.start();
  nodes.start();
  const kubelets: Kubelet[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(kubelets.splice(0).map((k) => k.stop()));
    nodes.stop();
    objects?.stop();
    await bus.close();
  };
  const addresses = Array.from({ length: opts.count }, (_, k) => hollowNodeAddress(k + 1));
  try {
    await Promise.all([objects?.whenSynced(), nodes.whenSynced()]);
    const startOne = async (a: HollowNodeAddress): Promise<void> => {
      const cri = new HollowRuntime({
        clock: opts.clock,
        random: opts.random.fork(),
        ...(opts.startLatencyMs !== undefined ? { startLatencyMs: opts.startLatencyMs } : {}),
        ...(opts.pullLatencyMs !== undefined ? { pullLatencyMs: opts.pullLatencyMs } : {}),
      });
      runtimes.set(a.name, cri);
      kubelets.push(await startKubelet(kubeletOptions(opts, a, cri, opts.connections === 'per-node' ? undefined : bus, objects)));
      const known = nodes.store.getByKey(a.name);
      if (known !== undefined) giveCIDR(known);
    };
    await inBatches(addresses, opts.startConcurrency ?? HOLLOW_START_CONCURRENCY, startOne);
  } catch (err) {
    await stop();
    throw err;
  }
  const names = addresses.map((a) => a.name);
  const readyCount = (): number => names.filter((n) => hollowNodeReady(nodes.store.getByKey(n))).length;
  let stopping: Promise<void> | undefined;
  return {
    names,
    kubelets,
    readyCount,
    whenReady: async (timeoutMs) => {
      await Promise.all(kubelets.map((k) => k.ready));
      const pollMs = 100;
      for (let i = 0; i <= timeoutMs / pollMs; i++) {
        if (readyCount() === names.length) return;
        await new Promise((r) => setTimeout(r, pollMs));
      }
      throw new Error(`${names.length - readyCount()} of ${names.length} hollow nodes not Ready with a pod CIDR within ${timeoutMs} ms`);
    },
    stop: () => (stopping ??= stop()),
  };
}

function kubeletOptions(opts: HollowNodesOptions & { readonly logger: ServiceLogger }, a: HollowNodeAddress, cri: HollowRuntime, bus: NatsBus | undefined, objects: OwnedKubeletObjects | undefined): KubeletOptions {
  const facts: Partial<NodeFacts> = { ...HOLLOW_NODE_CAPACITY, osImage: 'Skiff hollow node', kernelVersion: 'hollow' };
  const logger = nodeLogger(opts.logger, a.name);
  return {
    natsUrls: opts.natsUrls,
    cluster: opts.cluster,
    nodeName: a.name,
    nodeIP: a.nodeIP,
    // Never written to: the CRI and the volumes are in memory.
    rootDir: join(tmpdir(), 'skiff-hollow', a.name),
    labels: { [HOLLOW_NODE_LABEL]: 'true' },
    runtime: 'hollow',
    cri,
    volumes: noVolumes,
    facts,
    clock: opts.clock,
    random: opts.random.fork(),
    ...(bus !== undefined ? { bus } : {}),
    ...(objects !== undefined ? { objects } : {}),
    logger,
    ...(opts.version !== undefined ? { version: opts.version } : {}),
    ...(opts.leaseRenewIntervalMs !== undefined ? { leaseRenewIntervalMs: opts.leaseRenewIntervalMs } : {}),
  };
}

function serviceLogger(logger: Logger): ServiceLogger {
  return Object.assign(logger, { loggerFor: (actorId: string) => logger.child({ actorId }) });
}

function nodeLogger(logger: ServiceLogger, node: string): ServiceLogger {
  return serviceLogger(logger.child({ node }));
}

/** Runs `work` over `items`, at most `concurrency` at a time; the first failure rejects. */
async function inBatches<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
}
