// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint.
import { ClusterEventType, type FilterPlugin, type EnqueueExtensions } from '../../framework/interfaces.js';
import { Code, newStatus, type Status } from '../../framework/status.js';
import { taintTolerated } from '../../helpers/taints.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import { TaintNodeUnschedulable } from '../../types.js';
import { PluginName } from '../names.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const REJECTED: Status = newStatus(Code.UnschedulableAndUnresolvable, PluginName.NodeUnschedulable, ERR_REASON_UNSCHEDULABLE);
const UNSCHEDULABLE_TAINT = { key: TaintNodeUnschedulable, effect: 'NoSchedule' } as const;

export function fitsSchedulable(pod: PodInfo, nodeInfo: NodeInfo): boolean {
  return !nodeInfo.unschedulable || taintTolerated(UNSCHEDULABLE_TAINT, pod.tolerations);
}

export function newNodeUnschedulable(): FilterPlugin & EnqueueExtensions {
  return {
    name: PluginName.NodeUnschedulable,
    filter: (_state, pod, nodeInfo) => (fitsSchedulable(pod, nodeInfo) ? null : REJECTED),
    eventsToRegister: () => [ClusterEventType.NodeAdd, ClusterEventType.NodeUpdate],
  };
}
