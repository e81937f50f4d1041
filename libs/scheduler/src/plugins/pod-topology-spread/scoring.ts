// PodTopologySpread, ScheduleAnyway constraints (podtopologyspread/scoring.go). A node's raw score
// sums, per constraint, cnt * log(domains + 2) + (maxSkew - 1), where cnt is the matching pods in
// its domain; fewer is better, so normalization maps the lowest raw score to 100. Feasible nodes
// missing a topology key are ignored (score 0).
import { MAX_NODE_SCORE } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo, SpreadConstraint } from '../../pod-info.js';
import type { Snapshot } from '../../snapshot.js';
import { LabelHostname } from '../../types.js';
import { countPodsMatchSelector, matchNodeInclusionPolicies, nodeLabelsMatchSpreadConstraints } from './common.js';

export interface SpreadScoreState {
  readonly constraints: readonly SpreadConstraint[];
  readonly ignoredNodes: ReadonlySet<string>;
  readonly podCounts: readonly Map<string, number>[];
  readonly normalizingWeights: readonly number[];
}

export function computeScoreState(pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot, constraints: readonly SpreadConstraint[]): SpreadScoreState {
  const ignoredNodes = new Set<string>();
  const podCounts = constraints.map(() => new Map<string, number>());
  for (const nodeInfo of nodes) {
    if (!nodeLabelsMatchSpreadConstraints(nodeInfo.labels, constraints)) {
      ignoredNodes.add(nodeInfo.name);
      continue;
    }
    constraints.forEach((c, i) => {
      // Per-node (hostname) counts are taken in Score.
      if (c.topologyKey !== LabelHostname) podCounts[i]!.set(nodeInfo.labels![c.topologyKey]!, 0);
    });
  }
  const normalizingWeights = constraints.map((c, i) =>
    Math.log((c.topologyKey === LabelHostname ? nodes.length - ignoredNodes.size : podCounts[i]!.size) + 2),
  );
  for (const nodeInfo of snapshot.nodeInfoList) {
    if (!nodeLabelsMatchSpreadConstraints(nodeInfo.labels, constraints)) continue;
    constraints.forEach((c, i) => {
      const counts = podCounts[i]!;
      const value = nodeInfo.labels![c.topologyKey]!;
      const current = counts.get(value);
      // Only domains of feasible nodes matter.
      if (current === undefined || !matchNodeInclusionPolicies(c, pod, nodeInfo)) return;
      counts.set(value, current + countPodsMatchSelector(nodeInfo.pods, c.selector, pod.namespace));
    });
  }
  return { constraints, ignoredNodes, podCounts, normalizingWeights };
}

export function spreadScore(state: SpreadScoreState, pod: PodInfo, nodeInfo: NodeInfo): number {
  if (state.ignoredNodes.has(nodeInfo.name)) return 0;
  let score = 0;
  state.constraints.forEach((c, i) => {
    const value = nodeInfo.labels?.[c.topologyKey];
    if (value === undefined) return;
    const cnt = c.topologyKey === LabelHostname ? countPodsMatchSelector(nodeInfo.pods, c.selector, pod.namespace) : (state.podCounts[i]!.get(value) ?? 0);
    score += cnt * state.normalizingWeights[i]! + (c.maxSkew - 1);
  });
  return Math.round(score);
}

export function normalizeSpreadScores(state: SpreadScoreState, nodes: readonly NodeInfo[], scores: Float64Array): void {
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  nodes.forEach((n, i) => {
    if (state.ignoredNodes.has(n.name)) return;
    min = Math.min(min, scores[i]!);
    max = Math.max(max, scores[i]!);
  });
  nodes.forEach((n, i) => {
    if (state.ignoredNodes.has(n.name)) scores[i] = 0;
    else if (max === 0) scores[i] = MAX_NODE_SCORE;
    else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
  });
}
