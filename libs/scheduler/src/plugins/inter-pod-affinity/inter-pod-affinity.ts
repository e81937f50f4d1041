// The InterPodAffinity plugin: PreFilter/Filter over filtering.ts, PreScore/Score over scoring.ts,
// AddPod/RemovePod so that preemption's dry runs see victims leave.
import { ClusterEventType, type EnqueueExtensions, type FilterPlugin, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from '../../framework/interfaces.js';
import { Code, SKIP, newStatus, type Status } from '../../framework/status.js';
import { PluginName } from '../names.js';
import { InterPodAffinityState, computePreFilterState, satisfyExistingPodsAntiAffinity, satisfyPodAffinity, satisfyPodAntiAffinity, updateWithPod } from './filtering.js';
import { PreFilterMemo } from './prefilter-memo.js';
import { computeTopologyScore, nodeAffinityScore, normalizeMinMax, type TopologyScore } from './scoring.js';

export const ERR_REASON_AFFINITY_RULES = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY_RULES = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES = "node(s) didn't satisfy existing pods anti-affinity rules";

const AFFINITY: Status = newStatus(Code.UnschedulableAndUnresolvable, PluginName.InterPodAffinity, ERR_REASON_AFFINITY_RULES);
const ANTI_AFFINITY: Status = newStatus(Code.Unschedulable, PluginName.InterPodAffinity, ERR_REASON_ANTI_AFFINITY_RULES);
const EXISTING_ANTI_AFFINITY: Status = newStatus(Code.Unschedulable, PluginName.InterPodAffinity, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES);

export interface InterPodAffinityArgs {
  /** Weight of an existing pod's required affinity term that matches the incoming pod. Default 1. */
  readonly hardPodAffinityWeight?: number;
}

const PRE_FILTER_KEY = `PreFilter${PluginName.InterPodAffinity}`;
const PRE_SCORE_KEY = `PreScore${PluginName.InterPodAffinity}`;

export function newInterPodAffinity(args: InterPodAffinityArgs = {}): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const hardPodAffinityWeight = args.hardPodAffinityWeight ?? 1;
  const memo = new PreFilterMemo();
  const read = (state: { read<T>(key: string): T | undefined }): InterPodAffinityState | undefined => state.read<InterPodAffinityState>(PRE_FILTER_KEY);
  return {
    name: PluginName.InterPodAffinity,
    preFilter(state, pod, snapshot) {
      const s = PreFilterMemo.applies(pod) ? memo.compute(pod, snapshot) : computePreFilterState(pod, snapshot);
      const own = pod.requiredAffinityTerms.length > 0 || pod.requiredAntiAffinityTerms.length > 0;
      if (!own && s.existingAntiAffinityCounts.size === 0) return SKIP;
      state.write(PRE_FILTER_KEY, s);
      return null;
    },
    preFilterExtensions: {
      addPod: (state, pod, podToAdd, nodeInfo, snapshot) => {
        const s = read(state);
        if (s !== undefined) updateWithPod(s, pod, podToAdd, nodeInfo, snapshot, 1);
      },
      removePod: (state, pod, podToRemove, nodeInfo, snapshot) => {
        const s = read(state);
        if (s !== undefined) updateWithPod(s, pod, podToRemove, nodeInfo, snapshot, -1);
      },
    },
    filter(state, pod, nodeInfo) {
      const s = read(state);
      if (s === undefined) return null;
      if (!satisfyPodAffinity(s, pod, nodeInfo)) return AFFINITY;
      if (!satisfyPodAntiAffinity(s, pod, nodeInfo)) return ANTI_AFFINITY;
      if (!satisfyExistingPodsAntiAffinity(s, nodeInfo)) return EXISTING_ANTI_AFFINITY;
      return null;
    },
    preScore(state, pod, _nodes, snapshot) {
      const score = computeTopologyScore(pod, snapshot, hardPodAffinityWeight);
      if (score.size === 0) return SKIP;
      state.write(PRE_SCORE_KEY, score);
      return null;
    },
    score: (state, _pod, nodeInfo) => nodeAffinityScore(state.read<TopologyScore>(PRE_SCORE_KEY) ?? new Map(), nodeInfo),
    normalizeScore: (_state, _pod, _nodes, scores) => normalizeMinMax(scores),
    eventsToRegister: () => [ClusterEventType.NodeAdd, ClusterEventType.NodeUpdate, ClusterEventType.PodAdd, ClusterEventType.PodDelete, ClusterEventType.NamespaceChange],
  };
}
