// NodeName: a pod that names its node (spec.nodeName) fits only there.
import { ClusterEventType, type FilterPlugin, type EnqueueExtensions } from '../../framework/interfaces.js';
import { Code, newStatus, type Status } from '../../framework/status.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import { PluginName } from '../names.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";
const REJECTED: Status = newStatus(Code.UnschedulableAndUnresolvable, PluginName.NodeName, ERR_REASON_NODE_NAME);

export function fitsNodeName(pod: PodInfo, nodeInfo: NodeInfo): boolean {
  return pod.nodeName === '' || pod.nodeName === nodeInfo.name;
}

export function newNodeName(): FilterPlugin & EnqueueExtensions {
  return {
    name: PluginName.NodeName,
    filter: (_state, pod, nodeInfo) => (fitsNodeName(pod, nodeInfo) ? null : REJECTED),
    eventsToRegister: () => [ClusterEventType.NodeAdd, ClusterEventType.NodeUpdate],
  };
}
