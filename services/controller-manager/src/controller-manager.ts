// Adapter: kube-controller-manager. Every instance runs the shared informers; only the instance
// holding Lease kube-system/kube-controller-manager runs the controllers' workers (standbys keep
// warm caches and take over when the lease lapses). Informer handlers only enqueue keys: an
// owned object enqueues its controller owner (ownerReference with controller=true).

import type { ServiceHost } from '@skiff/actors';
import {
  createApiClient,
  createEventRecorder,
  createSharedInformerFactory,
  Resources,
  startLeaderElector,
  type ApiClient,
  type KubeObject,
  type LeaderElectionTimings,
  type LeaderElector,
  type SharedInformerFactory,
} from '@skiff/client';
import type { Random } from '@skiff/core';
import type { ControllerRevision, DaemonSet, Deployment, Endpoints, EndpointSlice, Lease, Node, Pod, ReplicaSet, Service } from '@skiff/api';
import {
  controllerRefOf,
  eventFor,
  defaultNodeLifecycleConfig,
  initialNodeLifecycleState,
  monitorNodeHealth,
  planGarbageCollection,
  Resources as ControllerResources,
  syncEndpoints,
  syncEndpointSlices,
  objectKey,
  syncDaemonSet,
  syncDeployment,
  syncReplicaSet,
  syncTaintEviction,
  type ListerView,
  type NodeLifecycleConfig,
  type SyncResult,
} from '@skiff/controllers';
import { DEFAULT_CLUSTER_CIDR, DEFAULT_NODE_CIDR_MASK_SIZE, nextFreeNodeCidr, parseClusterCidr, type ClusterCidr } from './node-ipam.js';
import { createController, type ControllerDeps, type RunningControllerHandle } from './controller-runner.js';
import { podOwnerController, unwrap, type Tombstone } from './pod-owner.controller.js';
import { createLeadershipTerms } from './controller-term.js';
import { jobControllers } from './job.controller.js';
import { replicationControllerController } from './replication-controller.controller.js';
import { persistentVolumeController, type PersistentVolumeControllerOptions } from './persistent-volume.controller.js';
import { statefulSetController } from './stateful-set.controller.js';
import { hpaController, type HpaControllerOptions } from './hpa.controller.js';

export const LEASE_NAMESPACE = 'kube-system';
export const LEASE_NAME = 'kube-controller-manager';
export const ALL_CONTROLLERS = ['replicaset', 'replicationcontroller', 'deployment', 'endpoints', 'endpointslice', 'daemonset', 'statefulset', 'garbagecollector', 'nodelifecycle', 'taint-eviction', 'nodeipam', 'job', 'ttl-after-finished', 'cronjob', 'horizontalpodautoscaling', 'persistentvolume-binder'] as const;
/** How often the garbage collector re-walks the ownership graph without being woken. */
export const GC_RESYNC_MS = 2_000;
export type ControllerName = (typeof ALL_CONTROLLERS)[number];

export interface ControllerManagerOptions {
  readonly host: ServiceHost;
  readonly cluster: string;
  readonly random: Random;
  /** `--controllers`: names, `*` for all, `-name` to leave one out. Default all. */
  readonly controllers?: readonly string[];
  readonly nodeMonitorGracePeriodMs?: number;
  readonly nodeMonitorPeriodMs?: number;
  readonly leaderElection?: Partial<LeaderElectionTimings>;
  /** `--cluster-cidr`: the pod range node CIDRs are cut from. Default DEFAULT_CLUSTER_CIDR. */
  readonly clusterCidr?: string;
  readonly nodeCidrMaskSize?: number;
  /** --horizontal-pod-autoscaler-* flags and the metrics port. */
  readonly horizontalPodAutoscaler?: HpaControllerOptions;
  /** The PV controller's local-path provisioner (--local-path-volumes-dir). */
  readonly persistentVolume?: PersistentVolumeControllerOptions;
}

export interface ControllerManager {
  readonly identity: string;
  readonly client: ApiClient;
  readonly elector: LeaderElector;
  readonly enabled: readonly ControllerName[];
  isLeader(): boolean;
  /** Resolves once this instance first leads and its controllers run. */
  whenLeading(): Promise<void>;
  /** The current leadership term's controllers (none while standing by after a lost lease). */
  controllers(): readonly RunningControllerHandle[];
  /** How many times this instance started leading (and started its controllers). */
  leadershipTerms(): number;
  stop(): Promise<void>;
}

/** Which controllers `--controllers` turns on (kube-controller-manager's syntax). */
export function enabledControllers(flags: readonly string[] | undefined): ControllerName[] {
  const list = flags === undefined || flags.length === 0 ? ['*'] : flags;
  const all = list.includes('*');
  return ALL_CONTROLLERS.filter((c) => !list.includes(`-${c}`) && (all || list.includes(c)));
}

export async function startControllerManager(opts: ControllerManagerOptions): Promise<ControllerManager> {
  const { host } = opts;
  const clock = host.clock;
  const log = host.logger;
  const identity = host.instance;
  const client = createApiClient({ bus: host.bus, cluster: opts.cluster, clock, random: opts.random, fieldManager: LEASE_NAME });
  const recorder = createEventRecorder({ client, source: { component: 'controller-manager', host: identity }, onError: (err) => log.debug({ err }, 'event not recorded') });
  const factory = createSharedInformerFactory({ client, clock, random: opts.random, inspect: host.inspector.inspect, onError: (r, what, err) => log.warn({ err, resource: r.resource, what }, 'informer error') });
  const deps: ControllerDeps = { host, client, recorder };
  const enabled = enabledControllers(opts.controllers);
  const config: NodeLifecycleConfig = {
    ...defaultNodeLifecycleConfig,
    ...(opts.nodeMonitorGracePeriodMs === undefined ? {} : { nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriodMs }),
    ...(opts.nodeMonitorPeriodMs === undefined ? {} : { nodeMonitorPeriodMs: opts.nodeMonitorPeriodMs }),
  };
  const cidr = parseClusterCidr(opts.clusterCidr ?? DEFAULT_CLUSTER_CIDR, opts.nodeCidrMaskSize ?? DEFAULT_NODE_CIDR_MASK_SIZE);
  const wire = (f: SharedInformerFactory): RunningControllerHandle[] => {
    const controllers = wireControllers(f, deps, enabled, opts.random, config, cidr);
    if (enabled.includes('horizontalpodautoscaling')) controllers.push(hpaController(f, deps, opts.horizontalPodAutoscaler));
    if (enabled.includes('persistentvolume-binder')) controllers.push(persistentVolumeController(f, deps, opts.cluster, opts.persistentVolume));
    return controllers;
  };
  // Each leadership term gets fresh controllers (controller-term.ts); the first is wired now.
  const terms = createLeadershipTerms(factory, wire, (err) => log.error({ err }, 'controllers did not start or stop cleanly'));

  factory.start();
  await factory.waitForCacheSync();

  let leading: (() => void) | undefined;
  const leadingNow = new Promise<void>((resolve) => (leading = resolve));
  const elector = startLeaderElector({
    client,
    namespace: LEASE_NAMESPACE,
    name: LEASE_NAME,
    identity,
    ...(opts.leaderElection === undefined ? {} : { timings: opts.leaderElection }),
    random: opts.random,
    clock,
    inspect: host.inspector.inspect,
    onStartedLeading: () => {
      log.info({ identity, controllers: enabled }, 'started leading');
      void terms.lead().then(() => leading?.());
    },
    onStoppedLeading: () => {
      // kube-controller-manager exits here; in-process the term's controllers stop, and a later
      // onStartedLeading starts new ones.
      log.warn({ identity }, 'stopped leading: controllers stopped');
      void terms.standDown();
    },
    onError: (err) => log.debug({ err }, 'leader election attempt failed'),
  });

  let stopping: Promise<void> | undefined;
  return {
    identity,
    client,
    elector,
    enabled,
    isLeader: () => elector.isLeader(),
    whenLeading: () => leadingNow,
    controllers: () => terms.controllers(),
    leadershipTerms: () => terms.started,
    stop: () =>
      (stopping ??= (async () => {
        await elector.stop();
        await terms.stop();
        factory.stop();
        await recorder.flush();
      })()),
  };
}

function view<T extends KubeObject>(factory: SharedInformerFactory, resource: (typeof Resources)[keyof typeof Resources]): ListerView<T> {
  return factory.informerFor<T>(resource).lister as unknown as ListerView<T>;
}

function wireControllers(
  factory: SharedInformerFactory,
  deps: ControllerDeps,
  enabled: readonly ControllerName[],
  random: Random,
  config: NodeLifecycleConfig,
  cidr: ClusterCidr,
): RunningControllerHandle[] {
  const clock = deps.host.clock;
  const pods = view<Pod>(factory, Resources.pods);
  const replicaSets = view<ReplicaSet>(factory, Resources.replicaSets);
  const deployments = view<Deployment>(factory, Resources.deployments);
  const nodes = view<Node>(factory, Resources.nodes);
  const leases = view<Lease>(factory, Resources.leases);
  const out: RunningControllerHandle[] = [];
  if (enabled.includes('replicaset')) out.push(replicaSetController(factory, deps, { pods, replicaSets }, random));
  if (enabled.includes('replicationcontroller')) out.push(replicationControllerController(factory, deps, random));
  if (enabled.includes('deployment')) {
    const c = createController({ name: 'deployment', sync: (key) => syncDeployment(key, { deployments, replicaSets, pods }, { nowMs: clock.now() }) }, deps);
    const enqueueSelf = (d: Tombstone<KubeObject>): void => c.enqueue(objectKey(unwrap(d)));
    factory.informerFor(Resources.deployments).addEventHandler({ onAdd: enqueueSelf, onUpdate: (_, d) => enqueueSelf(d), onDelete: enqueueSelf });
    const enqueueOwner = (o: Tombstone<KubeObject>): void => enqueueController(c, unwrap(o), 'Deployment');
    factory.informerFor(Resources.replicaSets).addEventHandler({ onAdd: enqueueOwner, onUpdate: (old, rs) => (enqueueOwner(old), enqueueOwner(rs)), onDelete: enqueueOwner });
    // Recreate waits for old pods to go: a pod deletion wakes the Deployment owning its ReplicaSet.
    factory.informerFor(Resources.pods).addEventHandler({
      onDelete: (p) => {
        const ref = controllerRefOf(unwrap(p));
        const rs = ref?.kind === 'ReplicaSet' ? replicaSets.get(ref.name, unwrap(p).metadata.namespace) : undefined;
        if (rs !== undefined) enqueueController(c, rs, 'Deployment');
      },
    });
    out.push(c);
  }
  if (enabled.includes('endpoints')) out.push(endpointsController(factory, deps, { pods, services: view<Service>(factory, Resources.services), endpoints: view<Endpoints>(factory, Resources.endpoints) }));
  if (enabled.includes('endpointslice')) {
    const listers = { pods, services: view<Service>(factory, Resources.services), endpointSlices: view<EndpointSlice>(factory, Resources.endpointSlices) };
    const c = createController({ name: 'endpointslice', sync: (key) => syncEndpointSlices(key, listers, { random }) }, deps);
    wireServicePods(factory, c, listers.services);
    const enqueueService = (o: Tombstone<KubeObject>): void => {
      const slice = unwrap(o);
      const service = slice.metadata.labels?.['kubernetes.io/service-name'];
      if (service !== undefined) c.enqueue(`${slice.metadata.namespace ?? ''}/${service}`);
    };
    factory.informerFor(Resources.endpointSlices).addEventHandler({ onUpdate: (_, o) => enqueueService(o), onDelete: enqueueService });
    out.push(c);
  }
  if (enabled.includes('daemonset')) {
    const listers = { daemonSets: view<DaemonSet>(factory, Resources.daemonSets), nodes, pods, controllerRevisions: view<ControllerRevision>(factory, Resources.controllerRevisions) };
    const c = podOwnerController(factory, deps, 'DaemonSet', Resources.daemonSets, { name: 'daemonset', workers: 2, sync: (key, expectations) => syncDaemonSet(key, listers, { nowMs: clock.now(), random, expectations }) });
    // A node added or changed may need (or stop needing) a daemon pod: every DaemonSet looks again.
    const all = (): void => listers.daemonSets.list().forEach((ds) => c.enqueue(objectKey(ds)));
    factory.informerFor(Resources.nodes).addEventHandler({ onAdd: all, onUpdate: all });
    out.push(c);
  }
  if (enabled.includes('statefulset')) out.push(statefulSetController(factory, deps, random));
  if (enabled.includes('garbagecollector')) out.push(garbageCollector(factory, deps));
  if (enabled.includes('nodelifecycle')) out.push(nodeLifecycleController(factory, deps, { nodes, leases, pods }, config));
  if (enabled.includes('taint-eviction')) {
    const c = createController({ name: 'taint-eviction', sync: (key) => syncTaintEviction(key, { nodes, pods }, { nowMs: clock.now() }) }, deps);
    const enqueueNode = (n: Tombstone<KubeObject>): void => c.enqueue(unwrap(n).metadata.name ?? '');
    factory.informerFor(Resources.nodes).addEventHandler({ onAdd: enqueueNode, onUpdate: (_, n) => enqueueNode(n), onDelete: enqueueNode });
    const enqueuePodNode = (p: Tombstone<KubeObject>): void => {
      const nodeName = (unwrap(p) as Pod).spec?.nodeName;
      if (nodeName !== undefined && nodeName !== '') c.enqueue(nodeName);
    };
    factory.informerFor(Resources.pods).addEventHandler({ onAdd: enqueuePodNode, onUpdate: (_, p) => enqueuePodNode(p) });
    out.push(c);
  }
  if (enabled.includes('nodeipam')) out.push(nodeIpamController(factory, deps, nodes, cidr));
  out.push(...jobControllers(factory, deps, enabled, random));
  return out;
}

function enqueueController(c: RunningControllerHandle, obj: KubeObject, kind: string): void {
  const ref = controllerRefOf(obj);
  if (ref?.kind === kind) c.enqueue(`${obj.metadata.namespace ?? ''}/${ref.name}`);
}

function replicaSetController(
  factory: SharedInformerFactory,
  deps: ControllerDeps,
  listers: { pods: ListerView<Pod>; replicaSets: ListerView<ReplicaSet> },
  random: Random,
): RunningControllerHandle {
  const clock = deps.host.clock;
  return podOwnerController(factory, deps, 'ReplicaSet', Resources.replicaSets, {
    name: 'replicaset',
    workers: 2,
    sync: (key, expectations) => syncReplicaSet(key, listers, { nowMs: clock.now(), random, expectations }),
  });
}

/** One key, re-synced every nodeMonitorPeriod: the node lifecycle controller's monitorNodeHealth. */
function nodeLifecycleController(
  factory: SharedInformerFactory,
  deps: ControllerDeps,
  listers: { nodes: ListerView<Node>; leases: ListerView<Lease>; pods: ListerView<Pod> },
  config: NodeLifecycleConfig,
): RunningControllerHandle {
  const clock = deps.host.clock;
  let state = initialNodeLifecycleState;
  const c = createController(
    {
      name: 'nodelifecycle',
      sync: () => {
        const result = monitorNodeHealth(listers, state, { nowMs: clock.now(), config });
        state = result.state;
        return { actions: result.actions, requeueAfterMs: Math.min(result.requeueAfterMs, config.nodeMonitorPeriodMs) };
      },
    },
    deps,
  );
  const poke = (): void => c.enqueue('monitor');
  factory.informerFor(Resources.nodes).addEventHandler({ onAdd: poke, onDelete: poke });
  c.enqueue('monitor');
  return c;
}

/** Services keyed by themselves; a pod wakes every Service of its namespace whose selector matches. */
function endpointsController(
  factory: SharedInformerFactory,
  deps: ControllerDeps,
  listers: { pods: ListerView<Pod>; services: ListerView<Service>; endpoints: ListerView<Endpoints> },
): RunningControllerHandle {
  const c = createController({ name: 'endpoints', sync: (key) => syncEndpoints(key, listers) }, deps);
  wireServicePods(factory, c, listers.services);
  factory.informerFor(Resources.endpoints).addEventHandler({ onDelete: (o) => c.enqueue(objectKey(unwrap(o))) });
  return c;
}

/** A Service enqueues itself; a pod enqueues every Service of its namespace whose selector matches it. */
function wireServicePods(factory: SharedInformerFactory, c: RunningControllerHandle, services: ListerView<Service>): void {
  const enqueueSelf = (o: Tombstone<KubeObject>): void => c.enqueue(objectKey(unwrap(o)));
  factory.informerFor(Resources.services).addEventHandler({ onAdd: enqueueSelf, onUpdate: (_, o) => enqueueSelf(o), onDelete: enqueueSelf });
  const enqueueServices = (o: Tombstone<KubeObject>): void => {
    const pod = unwrap(o);
    const labels = pod.metadata.labels ?? {};
    for (const svc of services.namespace(pod.metadata.namespace ?? '').list()) {
      const selector = svc.spec?.selector;
      if (selector !== undefined && Object.entries(selector).every(([k, v]) => labels[k] === v)) c.enqueue(objectKey(svc));
    }
  };
  factory.informerFor(Resources.pods).addEventHandler({ onAdd: enqueueServices, onUpdate: (old, p) => (enqueueServices(old), enqueueServices(p)), onDelete: enqueueServices });
}

/** The resources whose ownership graph the garbage collector walks. */
const GC_RESOURCES = [ControllerResources.pods, ControllerResources.replicaSets, ControllerResources.replicationControllers, ControllerResources.deployments, ControllerResources.daemonSets, ControllerResources.statefulSets, ControllerResources.controllerRevisions, ControllerResources.persistentVolumeClaims, ControllerResources.jobs, ControllerResources.cronJobs] as const;

/** One key: every change re-walks the graph (queue de-duplicates), and a periodic pass catches the rest. */
function garbageCollector(factory: SharedInformerFactory, deps: ControllerDeps): RunningControllerHandle {
  const informers = GC_RESOURCES.map((resource) => ({ resource, informer: factory.informerFor(resource) }));
  const c = createController(
    {
      name: 'garbagecollector',
      sync: () => ({ ...planGarbageCollection(informers.map(({ resource, informer }) => ({ resource, objects: informer.lister.list() }))), requeueAfterMs: GC_RESYNC_MS }),
    },
    deps,
  );
  const poke = (): void => c.enqueue('graph');
  for (const { informer } of informers) informer.addEventHandler({ onAdd: poke, onUpdate: poke, onDelete: poke });
  c.enqueue('graph');
  return c;
}

/**
 * Node IPAM's range allocator: a node without spec.podCIDR gets the lowest free node CIDR. CIDRs
 * handed out but not yet seen in the lister stay reserved here, so two nodes synced before the
 * informer catches up never get the same one.
 */
function nodeIpamController(factory: SharedInformerFactory, deps: ControllerDeps, nodes: ListerView<Node>, cidr: ClusterCidr): RunningControllerHandle {
  const pending = new Map<string, string>();
  const sync = (name: string): SyncResult => {
    const node = nodes.get(name);
    if (node === undefined || (node.spec?.podCIDR ?? '') !== '') {
      pending.delete(name);
      return { actions: [] };
    }
    const taken = new Set([...nodes.list().map((n) => n.spec?.podCIDR ?? ''), ...[...pending].filter(([n]) => n !== name).map(([, c]) => c)]);
    const next = pending.get(name) ?? nextFreeNodeCidr(cidr, taken);
    if (next === undefined) return { actions: [eventFor(ControllerResources.nodes, node, 'Warning', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`)] };
    pending.set(name, next);
    return { actions: [{ type: 'patch', resource: ControllerResources.nodes, name, patchType: 'merge', patch: { spec: { podCIDR: next, podCIDRs: [next] } } }] };
  };
  const c = createController({ name: 'nodeipam', sync }, deps);
  const enqueueNode = (n: Tombstone<KubeObject>): void => c.enqueue(unwrap(n).metadata.name ?? '');
  factory.informerFor(Resources.nodes).addEventHandler({ onAdd: enqueueNode, onUpdate: (_, n) => enqueueNode(n), onDelete: enqueueNode });
  return c;
}
