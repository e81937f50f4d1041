// InterPodAffinity's PreFilter counts, kept across cycles. kube-scheduler recounts every existing pod
// against the incoming pod's terms each cycle (16 goroutines share the work); in one thread, a
// workload of 3,000 pods with required anti-affinity spends most of each cycle recounting. Pods of
// one workload carry the same terms, so the counts for one "shape" of incoming pod (namespace,
// labels, namespace labels, required terms) are kept with each node's share and its
// NodeInfo.generation; the next cycle recounts only the nodes whose generation moved (usually the
// one that got the last pod) and hands out the totals, frozen.
//
// Used only when no term has a namespaceSelector: those match against namespace labels, which can
// change while a node's generation does not.
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import type { Snapshot } from '../../snapshot.js';
import { InterPodAffinityState, updateWithPod } from './filtering.js';

interface NodeShare {
  readonly generation: number;
  /** This node's contribution to the totals; undefined when it contributes nothing. */
  readonly share: InterPodAffinityState | undefined;
}

interface Entry {
  readonly totals: InterPodAffinityState;
  readonly nodes: Map<NodeInfo, NodeShare>;
}

/** Distinct incoming-pod shapes remembered at once; beyond that the memo starts over. */
export const MEMO_SHAPES_MAX = 16;

export class PreFilterMemo {
  private readonly entries = new Map<string, Entry>();

  /** Whether the memo may answer for this pod (see the header). */
  static applies(pod: PodInfo): boolean {
    if (pod.requiredAffinityTerms.length === 0 && pod.requiredAntiAffinityTerms.length === 0) return false;
    for (const t of pod.requiredAffinityTerms) if (t.namespaceSelector.type !== 'nothing') return false;
    for (const t of pod.requiredAntiAffinityTerms) if (t.namespaceSelector.type !== 'nothing') return false;
    return true;
  }

  /**
   * The same counts computePreFilterState returns for a pod with terms of its own. Not a copy: the
   * state is frozen, and the framework clones a CycleState before AddPod/RemovePod change it
   * (preemption's dry runs, nominated pods), so a cycle never pays for copying thousands of counts.
   */
  compute(pod: PodInfo, snapshot: Snapshot): InterPodAffinityState {
    const namespaceLabels = snapshot.namespaceLabels(pod.namespace);
    const key = shapeKey(pod, namespaceLabels);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      if (this.entries.size >= MEMO_SHAPES_MAX) this.entries.clear();
      const totals = new InterPodAffinityState(namespaceLabels);
      totals.frozen = true;
      entry = { totals, nodes: new Map() };
      this.entries.set(key, entry);
    }
    refresh(entry, pod, snapshot, namespaceLabels);
    return entry.totals;
  }
}

function refresh(entry: Entry, pod: PodInfo, snapshot: Snapshot, namespaceLabels: InterPodAffinityState['namespaceLabels']): void {
  const knownBefore = entry.nodes.size;
  let current = 0;
  for (const nodeInfo of snapshot.nodeInfoList) {
    const known = entry.nodes.get(nodeInfo);
    if (known !== undefined) {
      current++;
      if (known.generation === nodeInfo.generation) continue;
      if (known.share !== undefined) addShare(entry.totals, known.share, -1);
    }
    const share = nodeShare(pod, nodeInfo, snapshot, namespaceLabels);
    if (share !== undefined) addShare(entry.totals, share, 1);
    entry.nodes.set(nodeInfo, { generation: nodeInfo.generation, share });
  }
  // Nodes gone from the snapshot (or replaced by new NodeInfo objects) take their shares with them.
  if (current < knownBefore) sweep(entry, snapshot);
}

function sweep(entry: Entry, snapshot: Snapshot): void {
  const live = new Set(snapshot.nodeInfoList);
  for (const [nodeInfo, known] of entry.nodes) {
    if (live.has(nodeInfo)) continue;
    if (known.share !== undefined) addShare(entry.totals, known.share, -1);
    entry.nodes.delete(nodeInfo);
  }
}

function nodeShare(pod: PodInfo, nodeInfo: NodeInfo, snapshot: Snapshot, namespaceLabels: InterPodAffinityState['namespaceLabels']): InterPodAffinityState | undefined {
  if (nodeInfo.pods.length === 0) return undefined;
  const share = new InterPodAffinityState(namespaceLabels);
  for (const other of nodeInfo.pods) updateWithPod(share, pod, other, nodeInfo, snapshot, 1);
  const empty = share.existingAntiAffinityCounts.size === 0 && share.affinityCounts.size === 0 && share.antiAffinityCounts.size === 0;
  return empty ? undefined : share;
}

function addShare(totals: InterPodAffinityState, share: InterPodAffinityState, sign: 1 | -1): void {
  totals.existingAntiAffinityCounts.addAll(share.existingAntiAffinityCounts, sign);
  totals.affinityCounts.addAll(share.affinityCounts, sign);
  totals.antiAffinityCounts.addAll(share.antiAffinityCounts, sign);
}

/** What the counts depend on besides the cluster: the pod's namespace, labels and required terms. */
function shapeKey(pod: PodInfo, namespaceLabels: InterPodAffinityState['namespaceLabels']): string {
  const affinity = pod.pod.spec?.affinity;
  return JSON.stringify([
    pod.namespace,
    pod.labels ?? null,
    namespaceLabels ?? null,
    affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? null,
    affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? null,
  ]);
}
