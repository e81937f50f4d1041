// NodeAffinity. Filter: spec.nodeSelector and requiredDuringSchedulingIgnoredDuringExecution must
// both match the node. Score: the sum of the weights of the preferred terms the node matches,
// scaled so that the best node gets 100.
import { ClusterEventType, type EnqueueExtensions, type FilterPlugin, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from '../../framework/interfaces.js';
import { defaultNormalizeScore } from '../../framework/normalize.js';
import { Code, SKIP, newStatus, type Status } from '../../framework/status.js';
import { hasRequiredNodeAffinity, requiredNodeAffinityMatches, termMatches } from '../../helpers/node-selector.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import { PluginName } from '../names.js';

export const ERR_REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
const REJECTED: Status = newStatus(Code.UnschedulableAndUnresolvable, PluginName.NodeAffinity, ERR_REASON_NODE_AFFINITY);

export function fitsNodeAffinity(pod: PodInfo, nodeInfo: NodeInfo): boolean {
  return requiredNodeAffinityMatches(pod.requiredNodeAffinity, nodeInfo.node);
}

/** The sum of the weights of the pod's preferred terms that the node matches. */
export function preferredNodeAffinityScore(pod: PodInfo, nodeInfo: NodeInfo): number {
  let score = 0;
  for (const { weight, term } of pod.preferredNodeAffinity) if (termMatches(term, nodeInfo.name, nodeInfo.labels)) score += weight;
  return score;
}

export function newNodeAffinity(): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  return {
    name: PluginName.NodeAffinity,
    preFilter: (_state, pod) => (hasRequiredNodeAffinity(pod.requiredNodeAffinity) ? null : SKIP),
    filter: (_state, pod, nodeInfo) => (fitsNodeAffinity(pod, nodeInfo) ? null : REJECTED),
    preScore: (_state, pod) => (pod.preferredNodeAffinity.length > 0 ? null : SKIP),
    score: (_state, pod, nodeInfo) => preferredNodeAffinityScore(pod, nodeInfo),
    normalizeScore: (_state, _pod, _nodes, scores) => defaultNormalizeScore(scores, false),
    eventsToRegister: () => [ClusterEventType.NodeAdd, ClusterEventType.NodeUpdate],
  };
}
