// NodePorts: a pod's host ports must be free on the node (same protocol and port, on the same
// address or where either side binds the wildcard 0.0.0.0).
import { ClusterEventType, type EnqueueExtensions, type FilterPlugin, type PreFilterPlugin } from '../../framework/interfaces.js';
import { Code, SKIP, newStatus, type Status } from '../../framework/status.js';
import { portConflicts, type NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import { PluginName } from '../names.js';

export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";
const REJECTED: Status = newStatus(Code.Unschedulable, PluginName.NodePorts, ERR_REASON_PORTS);

export function fitsPorts(pod: PodInfo, nodeInfo: NodeInfo): boolean {
  for (const hp of pod.hostPorts) if (portConflicts(nodeInfo.usedPorts, hp)) return false;
  return true;
}

export function newNodePorts(): PreFilterPlugin & FilterPlugin & EnqueueExtensions {
  return {
    name: PluginName.NodePorts,
    preFilter: (_state, pod) => (pod.hostPorts.length === 0 ? SKIP : null),
    filter: (_state, pod, nodeInfo) => (fitsPorts(pod, nodeInfo) ? null : REJECTED),
    eventsToRegister: () => [ClusterEventType.NodeAdd, ClusterEventType.PodDelete],
  };
}
