// Shared pieces of PodTopologySpread (podtopologyspread/common.go): which nodes count toward a
// constraint (nodeAffinityPolicy Honor by default, nodeTaintsPolicy Ignore by default), and which
// pods count in a domain (same namespace, matching selector, not terminating).
import { labelSelectorMatches, type LabelSelector } from '@skiff/apimachinery';
import { requiredNodeAffinityMatches } from '../../helpers/node-selector.js';
import { findUntoleratedTaint, isScheduleBlocking } from '../../helpers/taints.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo, SpreadConstraint } from '../../pod-info.js';
import type { Labels } from '../../types.js';

export function nodeLabelsMatchSpreadConstraints(labels: Labels | undefined, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (labels?.[c.topologyKey] === undefined) return false;
  return true;
}

export function matchNodeInclusionPolicies(c: SpreadConstraint, pod: PodInfo, nodeInfo: NodeInfo): boolean {
  if (c.honorNodeAffinity && !requiredNodeAffinityMatches(pod.requiredNodeAffinity, nodeInfo.node)) return false;
  if (c.honorNodeTaints && findUntoleratedTaint(nodeInfo.taints, pod.tolerations, isScheduleBlocking) !== undefined) return false;
  return true;
}

export function countPodsMatchSelector(pods: readonly PodInfo[], selector: LabelSelector, namespace: string): number {
  let n = 0;
  for (const p of pods) {
    if (p.terminating || p.namespace !== namespace) continue;
    if (labelSelectorMatches(selector, p.labels)) n++;
  }
  return n;
}
