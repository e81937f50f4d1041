// Pure: the Node object a kubelet registers (pkg/kubelet/kubelet_node_status.go initialNode and
// the setters in pkg/kubelet/nodestatus), the status it posts, and its heartbeat Lease
// (pkg/kubelet/nodelease). No I/O: the machine facts come in as NodeFacts.
import type { Lease, Node, Taint } from '@skiff/api';
import type { NodeCondition } from '@skiff/kubelet';

export const KUBELET_VERSION = 'v1.32.0-skiff';
export const CONTAINER_RUNTIME_VERSION = 'skiff-process://0.1';
/** Kubernetes' default maxPods. */
export const DEFAULT_MAX_PODS = 110;
/** The node lease lives 40 s and is renewed every 10 s (nodelease defaults). */
export const NODE_LEASE_DURATION_SECONDS = 40;
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const DEFAULT_KUBELET_PORT = 10250;

export interface NodeFacts {
  readonly nodeName: string;
  readonly nodeIP: string;
  readonly hostname: string;
  readonly podCIDR?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly cpuCores: number;
  readonly memoryBytes: number;
  readonly ephemeralStorageBytes: number;
  readonly maxPods: number;
  readonly osImage: string;
  readonly kernelVersion: string;
  /** Go's GOARCH spelling: amd64, arm64. */
  readonly architecture: string;
  readonly kubeletPort: number;
  readonly runtimeVersion: string;
}

/** Node's GOARCH from Node's process.arch. */
export function goArch(arch: string): string {
  const map: Readonly<Record<string, string>> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x' };
  return map[arch] ?? arch;
}

export class NodeFlagError extends Error {
  override readonly name = 'NodeFlagError';
}

/** `--node-labels k=v,k2=v2`. */
export function parseNodeLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new NodeFlagError(`invalid node label ${JSON.stringify(part)}: want key=value`);
    labels[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return labels;
}

const EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

/** `--register-with-taints k=v:Effect,k2:Effect`. */
export function parseTaints(text: string): Taint[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((part) => {
      const colon = part.lastIndexOf(':');
      const effect = colon < 0 ? '' : part.slice(colon + 1);
      if (!EFFECTS.has(effect)) throw new NodeFlagError(`invalid taint ${JSON.stringify(part)}: want key[=value]:NoSchedule|PreferNoSchedule|NoExecute`);
      const kv = part.slice(0, colon);
      const eq = kv.indexOf('=');
      const key = eq < 0 ? kv : kv.slice(0, eq);
      if (key === '') throw new NodeFlagError(`invalid taint ${JSON.stringify(part)}: empty key`);
      return eq < 0 ? { key, effect } : { key, value: kv.slice(eq + 1), effect };
    });
}

function resources(f: NodeFacts): Record<string, string> {
  return {
    cpu: String(f.cpuCores),
    memory: `${Math.floor(f.memoryBytes / 1024)}Ki`,
    'ephemeral-storage': `${Math.floor(f.ephemeralStorageBytes / 1024)}Ki`,
    pods: String(f.maxPods),
  };
}

/** The Node as first created: labels, taints, capacity, addresses, node info; no conditions yet. */
export function initialNode(f: NodeFacts): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: f.nodeName,
      labels: { 'kubernetes.io/hostname': f.nodeName, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': f.architecture, 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': f.architecture, ...f.labels },
    },
    spec: {
      ...(f.podCIDR !== undefined ? { podCIDR: f.podCIDR, podCIDRs: [f.podCIDR] } : {}),
      ...(f.taints.length > 0 ? { taints: [...f.taints] } : {}),
    },
    status: nodeStatusFacts(f),
  };
}

/** The machine part of the NodeStatus (without conditions). */
export function nodeStatusFacts(f: NodeFacts): NonNullable<Node['status']> {
  return {
    capacity: resources(f),
    allocatable: resources(f),
    addresses: [
      { type: 'InternalIP', address: f.nodeIP },
      { type: 'Hostname', address: f.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: f.kubeletPort } },
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: f.kernelVersion,
      osImage: f.osImage,
      containerRuntimeVersion: f.runtimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: f.architecture,
    },
  };
}

/** The status the kubelet posts: its facts and the node agent's conditions. */
export function nodeStatus(f: NodeFacts, conditions: readonly NodeCondition[]): NonNullable<Node['status']> {
  return { ...nodeStatusFacts(f), conditions: conditions.map((c) => ({ ...c })) };
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

export function nodeLease(nodeName: string, nodeUID: string | undefined, nowMs: number): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: nodeName,
      namespace: NODE_LEASE_NAMESPACE,
      ...(nodeUID !== undefined ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUID }] } : {}),
    },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS, renewTime: microTime(nowMs) },
  };
}
