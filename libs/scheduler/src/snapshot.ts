// The view of the cluster one scheduling cycle reads (cache.Snapshot): node infos in node-tree
// order, image spread, namespace labels (for namespaceSelector), PodDisruptionBudgets and the pods
// nominated to nodes by earlier preemptions. Plugins never see anything else of the cluster.
import { NodeInfo } from './node-info.js';
import { podInfoOf, type PodInfo } from './pod-info.js';
import { LabelTopologyRegion, LabelTopologyZone, type Labels, type Namespace, type Node, type Pod, type PodDisruptionBudget } from './types.js';

export class Snapshot {
  readonly nodeInfoList: readonly NodeInfo[];
  private readonly byName = new Map<string, NodeInfo>();
  private readonly imageNodes = new Map<string, number>();
  /** Lazily built lists of nodes with pods of a kind; each is dropped only when a pod of its kind comes or goes. */
  private withAffinity: readonly NodeInfo[] | undefined;
  private withRequiredAntiAffinity: readonly NodeInfo[] | undefined;
  private withScoringAffinity: readonly NodeInfo[] | undefined;

  constructor(
    nodeInfos: readonly NodeInfo[],
    readonly namespaces: ReadonlyMap<string, Labels> = new Map(),
    readonly pdbs: readonly PodDisruptionBudget[] = [],
    /** Node name -> pods nominated to it (status.nominatedNodeName) that are not bound yet. */
    readonly nominated: ReadonlyMap<string, readonly PodInfo[]> = new Map(),
  ) {
    this.nodeInfoList = nodeTreeOrder(nodeInfos);
    for (const ni of this.nodeInfoList) {
      this.byName.set(ni.name, ni);
      for (const image of ni.imageSizes.keys()) this.imageNodes.set(image, (this.imageNodes.get(image) ?? 0) + 1);
    }
  }

  get numNodes(): number {
    return this.nodeInfoList.length;
  }

  get(name: string): NodeInfo | undefined {
    return this.byName.get(name);
  }

  /** How many nodes hold this (normalized) image: ImageStateSummary.NumNodes. */
  imageNumNodes(image: string): number {
    return this.imageNodes.get(image) ?? 0;
  }

  /** Nodes running a pod with any (anti-)affinity term (HavePodsWithAffinityList). */
  nodesWithAffinityPods(): readonly NodeInfo[] {
    return (this.withAffinity ??= this.nodeInfoList.filter((ni) => ni.podsWithAffinity.length > 0));
  }

  /**
   * Nodes running a pod whose terms score other pods (required or preferred affinity, preferred
   * anti-affinity): the only existing pods InterPodAffinity's PreScore reads for an incoming pod
   * without preferred terms of its own. Required anti-affinity alone never scores.
   */
  nodesWithScoringAffinityPods(): readonly NodeInfo[] {
    return (this.withScoringAffinity ??= this.nodeInfoList.filter((ni) => ni.podsWithAffinity.some(scoresOthers)));
  }

  /** Nodes running a pod with a required anti-affinity term (HavePodsWithRequiredAntiAffinityList). */
  nodesWithRequiredAntiAffinityPods(): readonly NodeInfo[] {
    return (this.withRequiredAntiAffinity ??= this.nodeInfoList.filter((ni) => ni.podsWithRequiredAntiAffinity.length > 0));
  }

  /**
   * The owner of the node infos added or removed a pod with affinity terms: drop the lists that pod
   * belongs to (all of them when no pod is named).
   */
  invalidatePodLists(changed?: PodInfo): void {
    this.withAffinity = undefined;
    if (changed === undefined || changed.requiredAntiAffinityTerms.length > 0) this.withRequiredAntiAffinity = undefined;
    if (changed === undefined || scoresOthers(changed)) this.withScoringAffinity = undefined;
  }

  namespaceLabels(namespace: string): Labels | undefined {
    return this.namespaces.get(namespace);
  }

  nominatedPods(nodeName: string): readonly PodInfo[] {
    return this.nominated.get(nodeName) ?? [];
  }
}

/** Does an existing pod carry terms that score other pods? */
export function scoresOthers(p: PodInfo): boolean {
  return p.requiredAffinityTerms.length > 0 || p.preferredAffinityTerms.length > 0 || p.preferredAntiAffinityTerms.length > 0;
}

/**
 * The node tree's order: zones in the order they appeared, nodes round-robin across zones, so
 * that a cycle which stops after a fraction of the nodes still sees every zone.
 */
export function nodeTreeOrder(nodeInfos: readonly NodeInfo[]): NodeInfo[] {
  const zones = new Map<string, NodeInfo[]>();
  for (const ni of nodeInfos) {
    const zone = `${ni.labels?.[LabelTopologyRegion] ?? ''}\u0000${ni.labels?.[LabelTopologyZone] ?? ''}`;
    let list = zones.get(zone);
    if (list === undefined) zones.set(zone, (list = []));
    list.push(ni);
  }
  if (zones.size <= 1) return [...nodeInfos];
  const lists = [...zones.values()];
  const out: NodeInfo[] = [];
  for (let i = 0; out.length < nodeInfos.length; i++) {
    for (const list of lists) if (i < list.length) out.push(list[i]!);
  }
  return out;
}

export interface SnapshotInput {
  readonly nodes: readonly Node[];
  /** Pods bound to nodes (spec.nodeName set); others are ignored. */
  readonly pods?: readonly Pod[];
  readonly namespaces?: readonly Namespace[];
  readonly pdbs?: readonly PodDisruptionBudget[];
  /** Pods waiting on a nominated node (status.nominatedNodeName, no spec.nodeName). */
  readonly nominatedPods?: readonly Pod[];
}

/** Builds a snapshot from plain objects: the way tests and simulations describe a cluster. */
export function createSnapshot(input: SnapshotInput): Snapshot {
  const infos = new Map<string, NodeInfo>();
  for (const node of input.nodes) infos.set(node.metadata?.name ?? '', new NodeInfo(node));
  for (const pod of input.pods ?? []) {
    const ni = infos.get(pod.spec?.nodeName ?? '');
    if (ni !== undefined) ni.addPod(podInfoOf(pod));
  }
  const namespaces = new Map<string, Labels>();
  for (const ns of input.namespaces ?? []) namespaces.set(ns.metadata?.name ?? '', ns.metadata?.labels ?? {});
  const nominated = new Map<string, PodInfo[]>();
  for (const pod of input.nominatedPods ?? []) {
    const node = pod.status?.nominatedNodeName;
    if (node === undefined || node === '') continue;
    const list = nominated.get(node) ?? [];
    list.push(podInfoOf(pod));
    nominated.set(node, list);
  }
  return new Snapshot([...infos.values()], namespaces, input.pdbs ?? [], nominated);
}
