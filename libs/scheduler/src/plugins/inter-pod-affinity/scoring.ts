// InterPodAffinity, the preferred part (interpodaffinity/scoring.go). For every existing pod, each
// matching term adds its weight to the topology domain of that pod's node:
// - the incoming pod's preferred affinity (+) and anti-affinity (-) terms matching the existing pod;
// - the existing pod's preferred affinity (+) and anti-affinity (-) terms matching the incoming
//   pod, and its required affinity terms with hardPodAffinityWeight (symmetry).
// A node scores the sum over its labels; scores are then min-max scaled to 0..100.
import type { WeightedAffinityTerm, AffinityTerm } from '../../helpers/affinity-term.js';
import { affinityTermMatches } from '../../helpers/affinity-term.js';
import { MAX_NODE_SCORE } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import { scoresOthers, type Snapshot } from '../../snapshot.js';
import type { Labels } from '../../types.js';

/** topologyKey -> topology value -> score. */
export type TopologyScore = Map<string, Map<string, number>>;

function add(score: TopologyScore, labels: Labels | undefined, topologyKey: string, weight: number): void {
  const value = labels?.[topologyKey];
  if (value === undefined) return;
  let values = score.get(topologyKey);
  if (values === undefined) score.set(topologyKey, (values = new Map()));
  values.set(value, (values.get(value) ?? 0) + weight);
}

function processTerms(score: TopologyScore, terms: readonly WeightedAffinityTerm[], target: PodInfo, targetNsLabels: Labels | undefined, labels: Labels | undefined, sign: number): void {
  for (const t of terms) {
    if (affinityTermMatches(t, target.namespace, target.labels, targetNsLabels)) add(score, labels, t.topologyKey, sign * t.weight);
  }
}

function processRequired(score: TopologyScore, terms: readonly AffinityTerm[], target: PodInfo, targetNsLabels: Labels | undefined, labels: Labels | undefined, weight: number): void {
  for (const t of terms) if (affinityTermMatches(t, target.namespace, target.labels, targetNsLabels)) add(score, labels, t.topologyKey, weight);
}

export function computeTopologyScore(pod: PodInfo, snapshot: Snapshot, hardPodAffinityWeight: number): TopologyScore {
  const score: TopologyScore = new Map();
  const hasPreferred = pod.preferredAffinityTerms.length > 0 || pod.preferredAntiAffinityTerms.length > 0;
  const podNsLabels = snapshot.namespaceLabels(pod.namespace);
  // Without preferred terms of its own, only existing pods whose terms score others can move the
  // score (required anti-affinity alone, the common case, never does).
  for (const nodeInfo of hasPreferred ? snapshot.nodeInfoList : snapshot.nodesWithScoringAffinityPods()) {
    const labels = nodeInfo.labels;
    if (labels === undefined) continue;
    for (const other of hasPreferred ? nodeInfo.pods : nodeInfo.podsWithAffinity) {
      if (!hasPreferred && !scoresOthers(other)) continue;
      if (hasPreferred) {
        const otherNsLabels = snapshot.namespaceLabels(other.namespace);
        processTerms(score, pod.preferredAffinityTerms, other, otherNsLabels, labels, 1);
        processTerms(score, pod.preferredAntiAffinityTerms, other, otherNsLabels, labels, -1);
      }
      if (hardPodAffinityWeight > 0) processRequired(score, other.requiredAffinityTerms, pod, podNsLabels, labels, hardPodAffinityWeight);
      processTerms(score, other.preferredAffinityTerms, pod, podNsLabels, labels, 1);
      processTerms(score, other.preferredAntiAffinityTerms, pod, podNsLabels, labels, -1);
    }
  }
  return score;
}

export function nodeAffinityScore(score: TopologyScore, nodeInfo: NodeInfo): number {
  let total = 0;
  for (const [key, values] of score) {
    const value = nodeInfo.labels?.[key];
    if (value !== undefined) total += values.get(value) ?? 0;
  }
  return total;
}

/** Min-max scaling to 0..100 (all equal: all 0). */
export function normalizeMinMax(scores: Float64Array): void {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const s of scores) {
    if (s > max) max = s;
    if (s < min) min = s;
  }
  const diff = max - min;
  for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (scores[i]! - min)) / diff) : 0;
}
