// TaintToleration. Filter: every NoSchedule and NoExecute taint of the node must be tolerated; the
// first one that is not is named in the reason. Score: fewer untolerated PreferNoSchedule taints
// is better (counted with the pod's PreferNoSchedule and effect-less tolerations, then reversed).
import { ClusterEventType, type EnqueueExtensions, type FilterPlugin, type PreScorePlugin, type ScorePlugin } from '../../framework/interfaces.js';
import { defaultNormalizeScore } from '../../framework/normalize.js';
import { Code, newStatus, type Status } from '../../framework/status.js';
import { findUntoleratedTaint, isScheduleBlocking, taintTolerated } from '../../helpers/taints.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import type { Taint, Toleration } from '../../types.js';
import { PluginName } from '../names.js';

export interface TaintTolerationArgs {
  /**
   * Name the taint in the reason ("node(s) had untolerated taint {key: value}", Kubernetes up to
   * 1.33) or not ("node(s) had untolerated taint(s)", Kubernetes 1.34 on). Default true.
   */
  readonly detailedReason?: boolean;
}

export function untoleratedTaintReason(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
}
export const ERR_REASON_UNTOLERATED_TAINTS = 'node(s) had untolerated taint(s)';

/** The first NoSchedule/NoExecute taint the pod does not tolerate, if any. */
export function untoleratedTaint(pod: PodInfo, nodeInfo: NodeInfo): Taint | undefined {
  return findUntoleratedTaint(nodeInfo.taints, pod.tolerations, isScheduleBlocking);
}

/** How many PreferNoSchedule taints the given tolerations leave untolerated. */
export function countIntolerablePreferNoSchedule(taints: readonly Taint[], tolerations: readonly Toleration[]): number {
  let n = 0;
  for (const taint of taints) if (taint.effect === 'PreferNoSchedule' && !taintTolerated(taint, tolerations)) n++;
  return n;
}

const STATE_KEY = `PreScore${PluginName.TaintToleration}`;

export function newTaintToleration(args: TaintTolerationArgs = {}): FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const detailed = args.detailedReason ?? true;
  const generic: Status = newStatus(Code.UnschedulableAndUnresolvable, PluginName.TaintToleration, ERR_REASON_UNTOLERATED_TAINTS);
  return {
    name: PluginName.TaintToleration,
    filter(_state, pod, nodeInfo) {
      const taint = untoleratedTaint(pod, nodeInfo);
      if (taint === undefined) return null;
      return detailed ? newStatus(Code.UnschedulableAndUnresolvable, PluginName.TaintToleration, untoleratedTaintReason(taint)) : generic;
    },
    preScore(state, pod) {
      const preferred = pod.tolerations.filter((t) => t.effect === undefined || t.effect === '' || t.effect === 'PreferNoSchedule');
      state.write(STATE_KEY, preferred);
      return null;
    },
    score(state, _pod, nodeInfo) {
      return countIntolerablePreferNoSchedule(nodeInfo.taints, state.read<Toleration[]>(STATE_KEY) ?? []);
    },
    normalizeScore: (_state, _pod, _nodes, scores) => defaultNormalizeScore(scores, true),
    eventsToRegister: () => [ClusterEventType.NodeAdd, ClusterEventType.NodeUpdate],
  };
}
