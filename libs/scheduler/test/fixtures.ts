// Builders for Kubernetes-shaped test objects: short to write, the same JSON a cluster would hold.
import { SeededRandom } from '@skiff/core';
import { Framework, createSnapshot, customizeProfile, defaultProfile, inTreeRegistry, scheduleOne, type Pod, type Node, type ScheduleResult, type SnapshotInput, type Taint, type Toleration, type Affinity, type TopologySpreadConstraint, type Container, type Profile } from '../src/index.js';

export interface NodeOptions {
  readonly cpu?: string;
  readonly memory?: string;
  readonly pods?: string;
  readonly labels?: Record<string, string>;
  readonly taints?: readonly Taint[];
  readonly unschedulable?: boolean;
  readonly images?: readonly { names: string[]; sizeBytes: number }[];
  readonly extra?: Record<string, string>;
}

export function node(name: string, o: NodeOptions = {}): Node {
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { ...(o.taints === undefined ? {} : { taints: o.taints }), ...(o.unschedulable === undefined ? {} : { unschedulable: o.unschedulable }) },
    status: {
      allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...o.extra },
      ...(o.images === undefined ? {} : { images: o.images }),
    },
  };
}

export interface PodOptions {
  readonly namespace?: string;
  readonly uid?: string;
  readonly cpu?: string;
  readonly memory?: string;
  readonly labels?: Record<string, string>;
  readonly nodeName?: string;
  readonly nominatedNodeName?: string;
  readonly nodeSelector?: Record<string, string>;
  readonly affinity?: Affinity;
  readonly tolerations?: readonly Toleration[];
  readonly priority?: number;
  readonly preemptionPolicy?: string;
  readonly schedulerName?: string;
  readonly spread?: readonly TopologySpreadConstraint[];
  readonly hostPorts?: readonly number[];
  readonly image?: string;
  readonly containers?: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly overhead?: Record<string, string>;
  readonly creationTimestamp?: string;
  readonly startTime?: string;
  readonly deleting?: boolean;
}

export function pod(name: string, o: PodOptions = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu !== undefined) requests['cpu'] = o.cpu;
  if (o.memory !== undefined) requests['memory'] = o.memory;
  const app: Container = {
    name: 'app',
    image: o.image ?? 'registry.k8s.io/pause:3.10',
    resources: { requests },
    ...(o.hostPorts === undefined ? {} : { ports: o.hostPorts.map((p) => ({ containerPort: p, hostPort: p })) }),
  };
  const spec = {
    containers: o.containers ?? [app],
    ...(o.initContainers === undefined ? {} : { initContainers: o.initContainers }),
    ...(o.nodeName === undefined ? {} : { nodeName: o.nodeName }),
    ...(o.nodeSelector === undefined ? {} : { nodeSelector: o.nodeSelector }),
    ...(o.affinity === undefined ? {} : { affinity: o.affinity }),
    ...(o.tolerations === undefined ? {} : { tolerations: o.tolerations }),
    ...(o.priority === undefined ? {} : { priority: o.priority }),
    ...(o.preemptionPolicy === undefined ? {} : { preemptionPolicy: o.preemptionPolicy }),
    ...(o.schedulerName === undefined ? {} : { schedulerName: o.schedulerName }),
    ...(o.spread === undefined ? {} : { topologySpreadConstraints: o.spread }),
    ...(o.overhead === undefined ? {} : { overhead: o.overhead }),
  };
  const namespace = o.namespace ?? 'default';
  return {
    metadata: {
      name,
      namespace,
      uid: o.uid ?? `${namespace}-${name}`,
      labels: o.labels ?? {},
      ...(o.creationTimestamp === undefined ? {} : { creationTimestamp: o.creationTimestamp }),
      ...(o.deleting === true ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}),
    },
    spec,
    status: {
      ...(o.nominatedNodeName === undefined ? {} : { nominatedNodeName: o.nominatedNodeName }),
      ...(o.startTime === undefined ? {} : { startTime: o.startTime }),
    },
  };
}

export function defaultFramework(changes?: Parameters<typeof customizeProfile>[1]): Framework {
  const profile: Profile = changes === undefined ? defaultProfile() : customizeProfile(defaultProfile(), changes);
  return new Framework(profile, inTreeRegistry());
}

/** Schedules one pod on a cluster described as plain objects, with the default profile. */
export function schedule(p: Pod, cluster: SnapshotInput, framework = defaultFramework(), seed = 1): ScheduleResult {
  return scheduleOne(p, createSnapshot(cluster), framework, new SeededRandom(seed));
}

export function scheduledNode(result: ScheduleResult): string | undefined {
  return result.type === 'scheduled' ? result.nodeName : undefined;
}

/** Places pods one by one, binding each where scheduleOne put it; returns pod name -> node. */
export function scheduleAll(pods: readonly Pod[], cluster: SnapshotInput, framework = defaultFramework(), seed = 1): Map<string, string | undefined> {
  const random = new SeededRandom(seed);
  const bound: Pod[] = [...(cluster.pods ?? [])];
  const placement = new Map<string, string | undefined>();
  for (const p of pods) {
    const result = scheduleOne(p, createSnapshot({ ...cluster, pods: bound }), framework, random);
    const nodeName = scheduledNode(result);
    placement.set(p.metadata!.name!, nodeName);
    if (nodeName !== undefined) bound.push({ ...p, spec: { ...p.spec, nodeName } });
  }
  return placement;
}
