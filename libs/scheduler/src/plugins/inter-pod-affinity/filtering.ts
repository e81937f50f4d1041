// InterPodAffinity, the required part (interpodaffinity/filtering.go). PreFilter counts, per
// topology pair (key, value):
// - existingAntiAffinity: existing pods whose required anti-affinity terms match the incoming pod;
//   a node in such a domain is refused (the symmetric check);
// - affinity: existing pods that match ALL the incoming pod's required affinity terms;
// - antiAffinity: existing pods matching each of the incoming pod's required anti-affinity terms.
// Filter then reads only these counts and the node's labels.
import type { StateData } from '../../framework/cycle-state.js';
import { affinityTermMatches, type AffinityTerm } from '../../helpers/affinity-term.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import type { Snapshot } from '../../snapshot.js';
import type { Labels } from '../../types.js';

/**
 * Counts per topology pair (key, value), nested by key so that a lookup hashes two strings the
 * node's labels already hold instead of building "key\0value" per pod and per node. Only pairs
 * with a non-zero count are kept; `size` counts them.
 */
export class TopologyCounts {
  private readonly byKey = new Map<string, Map<string, number>>();
  private pairs = 0;

  get size(): number {
    return this.pairs;
  }

  get(key: string, value: string): number {
    return this.byKey.get(key)?.get(value) ?? 0;
  }

  add(key: string, value: string, delta: number): void {
    let values = this.byKey.get(key);
    if (values === undefined) this.byKey.set(key, (values = new Map()));
    const before = values.get(value) ?? 0;
    const n = before + delta;
    if (n === 0) {
      if (values.delete(value)) this.pairs--;
      if (values.size === 0) this.byKey.delete(key);
    } else {
      values.set(value, n);
      if (before === 0) this.pairs++;
    }
  }

  /** Adds (sign 1) or subtracts (sign -1) every count of `other`. */
  addAll(other: TopologyCounts, sign: 1 | -1): void {
    for (const [key, values] of other.byKey) for (const [value, n] of values) this.add(key, value, sign * n);
  }

  /** Does any counted pair (count > 0) appear among these labels? */
  anyPositiveIn(labels: Labels | undefined): boolean {
    if (labels === undefined) return false;
    for (const [key, values] of this.byKey) {
      const value = labels[key];
      if (value !== undefined && (values.get(value) ?? 0) > 0) return true;
    }
    return false;
  }

  clone(): TopologyCounts {
    const copy = new TopologyCounts();
    for (const [key, values] of this.byKey) copy.byKey.set(key, new Map(values));
    copy.pairs = this.pairs;
    return copy;
  }
}

export class InterPodAffinityState implements StateData {
  /** Shared across cycles (PreFilterMemo): AddPod/RemovePod must work on a clone, as the framework's do. */
  frozen = false;

  constructor(
    readonly namespaceLabels: Labels | undefined,
    readonly existingAntiAffinityCounts = new TopologyCounts(),
    readonly affinityCounts = new TopologyCounts(),
    readonly antiAffinityCounts = new TopologyCounts(),
  ) {}

  clone(): InterPodAffinityState {
    return new InterPodAffinityState(this.namespaceLabels, this.existingAntiAffinityCounts.clone(), this.affinityCounts.clone(), this.antiAffinityCounts.clone());
  }
}

function bump(counts: TopologyCounts, labels: Labels | undefined, topologyKey: string, delta: number): void {
  const value = labels?.[topologyKey];
  if (value !== undefined) counts.add(topologyKey, value, delta);
}

/** Does `other` (an existing pod) match every one of `terms` (the incoming pod's)? */
export function podMatchesAllAffinityTerms(terms: readonly AffinityTerm[], other: PodInfo, namespaceLabels: Labels | undefined): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!affinityTermMatches(t, other.namespace, other.labels, namespaceLabels)) return false;
  return true;
}

/** Adds (delta 1) or removes (delta -1) one existing pod's contribution to the counts. */
export function updateWithPod(state: InterPodAffinityState, pod: PodInfo, other: PodInfo, nodeInfo: NodeInfo, snapshot: Snapshot, delta: number): void {
  if (state.frozen) throw new Error('InterPodAffinity: shared PreFilter state changed in place; clone the CycleState first');
  const labels = nodeInfo.labels;
  for (const t of other.requiredAntiAffinityTerms) {
    if (affinityTermMatches(t, pod.namespace, pod.labels, state.namespaceLabels)) bump(state.existingAntiAffinityCounts, labels, t.topologyKey, delta);
  }
  if (pod.requiredAffinityTerms.length === 0 && pod.requiredAntiAffinityTerms.length === 0) return;
  const otherNamespaceLabels = snapshot.namespaceLabels(other.namespace);
  if (podMatchesAllAffinityTerms(pod.requiredAffinityTerms, other, otherNamespaceLabels)) {
    for (const t of pod.requiredAffinityTerms) bump(state.affinityCounts, labels, t.topologyKey, delta);
  }
  for (const t of pod.requiredAntiAffinityTerms) {
    if (affinityTermMatches(t, other.namespace, other.labels, otherNamespaceLabels)) bump(state.antiAffinityCounts, labels, t.topologyKey, delta);
  }
}

export function computePreFilterState(pod: PodInfo, snapshot: Snapshot): InterPodAffinityState {
  const state = new InterPodAffinityState(snapshot.namespaceLabels(pod.namespace));
  const own = pod.requiredAffinityTerms.length > 0 || pod.requiredAntiAffinityTerms.length > 0;
  // Without terms of its own, only existing pods' required anti-affinity can refuse the pod.
  const nodes = own ? snapshot.nodeInfoList : snapshot.nodesWithRequiredAntiAffinityPods();
  for (const nodeInfo of nodes) {
    const others = own ? nodeInfo.pods : nodeInfo.podsWithRequiredAntiAffinity;
    for (const other of others) updateWithPod(state, pod, other, nodeInfo, snapshot, 1);
  }
  return state;
}

/**
 * Every required affinity term's topology key must be on the node, and the node's domain must hold
 * a matching pod. Exception: when no pod anywhere matches and the pod matches its own terms, it may
 * go first (so a group with affinity to itself can start).
 */
export function satisfyPodAffinity(state: InterPodAffinityState, pod: PodInfo, nodeInfo: NodeInfo): boolean {
  let podsExist = true;
  for (const t of pod.requiredAffinityTerms) {
    const value = nodeInfo.labels?.[t.topologyKey];
    if (value === undefined) return false;
    if (state.affinityCounts.get(t.topologyKey, value) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  return state.affinityCounts.size === 0 && podMatchesAllAffinityTerms(pod.requiredAffinityTerms, pod, state.namespaceLabels);
}

export function satisfyPodAntiAffinity(state: InterPodAffinityState, pod: PodInfo, nodeInfo: NodeInfo): boolean {
  if (state.antiAffinityCounts.size === 0) return true;
  for (const t of pod.requiredAntiAffinityTerms) {
    const value = nodeInfo.labels?.[t.topologyKey];
    if (value !== undefined && state.antiAffinityCounts.get(t.topologyKey, value) > 0) return false;
  }
  return true;
}

export function satisfyExistingPodsAntiAffinity(state: InterPodAffinityState, nodeInfo: NodeInfo): boolean {
  if (state.existingAntiAffinityCounts.size === 0) return true;
  return !state.existingAntiAffinityCounts.anyPositiveIn(nodeInfo.labels);
}
