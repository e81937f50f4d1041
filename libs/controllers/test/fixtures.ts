// Object builders for the controller tests.
import type { DaemonSet, Deployment, Node, Pod, PodTemplateSpec, ReplicaSet, Service } from '@skiff/api';

export const T0 = Date.parse('2024-05-01T10:00:00Z');
export const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

export function template(labels: Record<string, string>, image = 'nginx:1.25'): PodTemplateSpec {
  return { metadata: { labels }, spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }] }] } };
}

export function replicaSet(name: string, replicas: number, labels: Record<string, string> = { app: name }, extra: Partial<ReplicaSet['metadata']> = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: `rs-${name}`, generation: 1, ...extra },
    spec: { replicas, selector: { matchLabels: labels }, template: template(labels) },
    status: { replicas: 0 },
  };
}

export interface PodOptions {
  labels?: Record<string, string>;
  owner?: { kind: string; name: string; uid: string };
  node?: string;
  phase?: string;
  ready?: boolean;
  readySinceMs?: number;
  createdMs?: number;
  restarts?: number;
  ip?: string;
  uid?: string;
  deleting?: boolean;
  namespace?: string;
  containerPorts?: { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }[];
  tolerations?: NonNullable<Pod['spec']>['tolerations'];
  hostname?: string;
  subdomain?: string;
}

export function pod(name: string, o: PodOptions = {}): Pod {
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: o.uid ?? `pod-${name}`,
      labels: o.labels ?? {},
      creationTimestamp: iso(o.createdMs ?? T0),
    },
    spec: { containers: [{ name: 'app', image: 'nginx', ports: o.containerPorts ?? [] }] },
    status: { phase: o.phase ?? 'Running' },
  };
  if (o.owner !== undefined) p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', ...o.owner, controller: true, blockOwnerDeletion: true }];
  if (o.node !== undefined) p.spec!.nodeName = o.node;
  if (o.tolerations !== undefined) p.spec!.tolerations = o.tolerations;
  if (o.hostname !== undefined) p.spec!.hostname = o.hostname;
  if (o.subdomain !== undefined) p.spec!.subdomain = o.subdomain;
  if (o.deleting === true) p.metadata.deletionTimestamp = iso(T0);
  if (o.ip !== undefined) p.status!.podIP = o.ip;
  const ready = o.ready ?? false;
  p.status!.conditions = [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: iso(o.readySinceMs ?? T0) }];
  if (o.restarts !== undefined) p.status!.containerStatuses = [{ name: 'app', ready, restartCount: o.restarts, image: 'nginx', imageID: '' }];
  return p;
}

export function deployment(name: string, replicas: number, o: { image?: string; strategy?: NonNullable<Deployment['spec']>['strategy']; minReadySeconds?: number; revisionHistoryLimit?: number; progressDeadlineSeconds?: number } = {}): Deployment {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', uid: `deploy-${name}`, generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: template(labels, o.image ?? 'nginx:1.25'),
      strategy: o.strategy ?? { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
      ...(o.minReadySeconds === undefined ? {} : { minReadySeconds: o.minReadySeconds }),
    },
  };
}

export function node(name: string, o: { labels?: Record<string, string>; taints?: NonNullable<Node['spec']>['taints']; ready?: 'True' | 'False' | 'Unknown'; heartbeatMs?: number; unschedulable?: boolean } = {}): Node {
  const n: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `node-${name}`, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) }, creationTimestamp: iso(T0 - 3600_000) },
    spec: {},
    status: {
      conditions: [
        { type: 'Ready', status: o.ready ?? 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: iso(o.heartbeatMs ?? T0), lastTransitionTime: iso(T0 - 3600_000) },
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: iso(o.heartbeatMs ?? T0), lastTransitionTime: iso(T0 - 3600_000) },
      ],
    },
  };
  if (o.taints !== undefined) n.spec!.taints = o.taints;
  if (o.unschedulable === true) n.spec!.unschedulable = true;
  return n;
}

export function daemonSet(name: string, o: { nodeSelector?: Record<string, string>; tolerations?: NonNullable<NonNullable<DaemonSet['spec']>['template']['spec']>['tolerations']; maxUnavailable?: number | string; image?: string; hostNetwork?: boolean } = {}): DaemonSet {
  const labels = { app: name };
  const t = template(labels, o.image ?? 'agent:1');
  if (o.nodeSelector !== undefined) t.spec!.nodeSelector = o.nodeSelector;
  if (o.tolerations !== undefined) t.spec!.tolerations = o.tolerations;
  if (o.hostNetwork === true) t.spec!.hostNetwork = true;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'kube-system', uid: `ds-${name}`, generation: 1 },
    spec: { selector: { matchLabels: labels }, template: t, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: o.maxUnavailable ?? 1 } } },
    status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
  };
}

export function service(name: string, selector: Record<string, string> | undefined, ports: NonNullable<Service['spec']>['ports'], extra: Partial<NonNullable<Service['spec']>> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', uid: `svc-${name}` },
    spec: { ...(selector === undefined ? {} : { selector }), ports: ports ?? [], clusterIP: '10.96.0.10', ...extra },
  };
}

/** The object an action carries (create, update, updateStatus), typed for the test. */
export function objectOf<T>(action: { type: string } | undefined): T {
  if (action === undefined || !('object' in action)) throw new Error(`no object in action ${action?.type ?? 'undefined'}`);
  return (action as { object: unknown }).object as T;
}
