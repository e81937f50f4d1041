// NodeInfo (framework.NodeInfo): a node and the aggregate of the pods on it: requested resources
// (real and non-zero), used host ports, pods with affinity, image sizes. Filters and scores read
// only this; the cache keeps one per node and updates it as pods come and go.
import { hasAffinityTerms, normalizedImageName, type HostPort, type PodInfo } from './pod-info.js';
import { addResource, cloneResource, emptyResource, nodeAllocatable, type Resource } from './resources.js';
import type { Labels, Node, Taint } from './types.js';

/** Host ports in use: "protocol/port" -> host IP -> number of pods using it. */
export type UsedPorts = Map<string, Map<string, number>>;

export class NodeInfo {
  node: Node;
  name: string;
  labels: Labels | undefined;
  taints: readonly Taint[];
  unschedulable: boolean;
  allocatable: Resource;
  /** Image name (normalized) -> size in bytes. */
  imageSizes: Map<string, number>;
  readonly pods: PodInfo[] = [];
  readonly podsWithAffinity: PodInfo[] = [];
  readonly podsWithRequiredAntiAffinity: PodInfo[] = [];
  requested: Resource = emptyResource();
  nonZeroRequested: Resource = emptyResource();
  usedPorts: UsedPorts = new Map();
  /** Bumped on every change; lets callers notice that a node moved on. */
  generation = 0;

  constructor(node: Node) {
    this.node = node;
    this.name = node.metadata?.name ?? '';
    this.labels = node.metadata?.labels;
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable === true;
    this.allocatable = nodeAllocatable(node.status?.allocatable ?? node.status?.capacity);
    this.imageSizes = imageSizes(node);
  }

  /** Replaces the Node object, keeping the pods (a node update). */
  setNode(node: Node): void {
    this.node = node;
    this.name = node.metadata?.name ?? '';
    this.labels = node.metadata?.labels;
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable === true;
    this.allocatable = nodeAllocatable(node.status?.allocatable ?? node.status?.capacity);
    this.imageSizes = imageSizes(node);
    this.generation++;
  }

  addPod(p: PodInfo): void {
    this.pods.push(p);
    if (hasAffinityTerms(p)) this.podsWithAffinity.push(p);
    if (p.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity.push(p);
    this.update(p, 1);
  }

  /** Removes the pod with this key; false when it is not on this node. */
  removePod(key: string): boolean {
    const index = this.pods.findIndex((p) => p.key === key);
    if (index < 0) return false;
    const [p] = this.pods.splice(index, 1);
    removeByKey(this.podsWithAffinity, key);
    removeByKey(this.podsWithRequiredAntiAffinity, key);
    this.update(p!, -1);
    return true;
  }

  private update(p: PodInfo, sign: 1 | -1): void {
    addResource(this.requested, p.requests, sign);
    addResource(this.nonZeroRequested, p.nonZeroRequests, sign);
    for (const hp of p.hostPorts) updatePort(this.usedPorts, hp, sign);
    this.generation++;
  }

  /** A copy that can be changed without touching this one (preemption's dry runs). */
  clone(): NodeInfo {
    // Field by field (not Object.assign over `this`): preemption clones up to a hundred nodes per
    // cycle, and this keeps every copy the same shape as the original.
    const copy = Object.create(NodeInfo.prototype) as { -readonly [K in keyof NodeInfo]: NodeInfo[K] };
    copy.node = this.node;
    copy.name = this.name;
    copy.labels = this.labels;
    copy.taints = this.taints;
    copy.unschedulable = this.unschedulable;
    copy.allocatable = this.allocatable;
    copy.imageSizes = this.imageSizes;
    copy.pods = this.pods.slice();
    copy.podsWithAffinity = this.podsWithAffinity.slice();
    copy.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.slice();
    copy.requested = cloneResource(this.requested);
    copy.nonZeroRequested = cloneResource(this.nonZeroRequested);
    copy.usedPorts = this.usedPorts.size === 0 ? new Map() : new Map([...this.usedPorts].map(([k, v]) => [k, new Map(v)]));
    copy.generation = this.generation;
    return copy as NodeInfo;
  }
}

function removeByKey(list: PodInfo[], key: string): void {
  const index = list.findIndex((p) => p.key === key);
  if (index >= 0) list.splice(index, 1);
}

function updatePort(used: UsedPorts, hp: HostPort, sign: 1 | -1): void {
  const slot = `${hp.protocol}/${hp.port}`;
  let ips = used.get(slot);
  if (ips === undefined) {
    if (sign < 0) return;
    ips = new Map();
    used.set(slot, ips);
  }
  const count = (ips.get(hp.ip) ?? 0) + sign;
  if (count > 0) ips.set(hp.ip, count);
  else ips.delete(hp.ip);
  if (ips.size === 0) used.delete(slot);
}

/**
 * HostPortInfo.CheckConflict: the wildcard address 0.0.0.0 conflicts with every address on the
 * same protocol and port; a specific address conflicts with itself and with the wildcard.
 */
export function portConflicts(used: UsedPorts, hp: HostPort): boolean {
  const ips = used.get(`${hp.protocol}/${hp.port}`);
  if (ips === undefined) return false;
  if (hp.ip === '0.0.0.0') return ips.size > 0;
  return ips.has(hp.ip) || ips.has('0.0.0.0');
}

function imageSizes(node: Node): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const image of node.status?.images ?? []) {
    for (const name of image.names ?? []) sizes.set(normalizedImageName(name), image.sizeBytes ?? 0);
  }
  return sizes;
}
