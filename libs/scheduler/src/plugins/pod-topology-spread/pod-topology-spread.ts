// The PodTopologySpread plugin: DoNotSchedule constraints filter (filtering.ts), ScheduleAnyway
// constraints score (scoring.ts). Kubernetes' cluster-level default constraints (applied to pods
// owned by Services and controllers) are not applied: only the pod's own constraints count.
import { ClusterEventType, type EnqueueExtensions, type FilterPlugin, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from '../../framework/interfaces.js';
import { Code, SKIP, newStatus, type Status } from '../../framework/status.js';
import { PluginName } from '../names.js';
import { SpreadFilterState, checkSpread, computeFilterState, updateWithPod } from './filtering.js';
import { computeScoreState, normalizeSpreadScores, spreadScore, type SpreadScoreState } from './scoring.js';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

const MISSING_LABEL: Status = newStatus(Code.UnschedulableAndUnresolvable, PluginName.PodTopologySpread, ERR_REASON_NODE_LABEL_NOT_MATCH);
const SKEW: Status = newStatus(Code.Unschedulable, PluginName.PodTopologySpread, ERR_REASON_CONSTRAINTS_NOT_MATCH);

const PRE_FILTER_KEY = `PreFilter${PluginName.PodTopologySpread}`;
const PRE_SCORE_KEY = `PreScore${PluginName.PodTopologySpread}`;

export function newPodTopologySpread(): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const filterState = (state: { read<T>(key: string): T | undefined }) => state.read<SpreadFilterState>(PRE_FILTER_KEY);
  return {
    name: PluginName.PodTopologySpread,
    preFilter(state, pod, snapshot) {
      const constraints = pod.spreadConstraints.filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
      if (constraints.length === 0) return SKIP;
      state.write(PRE_FILTER_KEY, computeFilterState(pod, snapshot, constraints));
      return null;
    },
    preFilterExtensions: {
      addPod: (state, pod, podToAdd, nodeInfo) => {
        const s = filterState(state);
        if (s !== undefined) updateWithPod(s, pod, podToAdd, nodeInfo, 1);
      },
      removePod: (state, pod, podToRemove, nodeInfo) => {
        const s = filterState(state);
        if (s !== undefined) updateWithPod(s, pod, podToRemove, nodeInfo, -1);
      },
    },
    filter(state, pod, nodeInfo) {
      const s = filterState(state);
      if (s === undefined) return null;
      const verdict = checkSpread(s, pod, nodeInfo);
      return verdict === 'fits' ? null : verdict === 'missingLabel' ? MISSING_LABEL : SKEW;
    },
    preScore(state, pod, nodes, snapshot) {
      const constraints = pod.spreadConstraints.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway');
      if (constraints.length === 0 || snapshot.numNodes === 0) return SKIP;
      state.write(PRE_SCORE_KEY, computeScoreState(pod, nodes, snapshot, constraints));
      return null;
    },
    score: (state, pod, nodeInfo) => spreadScore(state.read<SpreadScoreState>(PRE_SCORE_KEY)!, pod, nodeInfo),
    normalizeScore: (state, _pod, nodes, scores) => normalizeSpreadScores(state.read<SpreadScoreState>(PRE_SCORE_KEY)!, nodes, scores),
    eventsToRegister: () => [ClusterEventType.NodeAdd, ClusterEventType.NodeUpdate, ClusterEventType.PodAdd, ClusterEventType.PodDelete],
  };
}
