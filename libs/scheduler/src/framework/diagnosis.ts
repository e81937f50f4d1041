// Diagnosis and the FailedScheduling message (framework.FitError.Error()):
//   "0/<all> nodes are available: <PreFilterMsg>. <count reason>, <count reason>. <PostFilterMsg>"
// Each node contributes every reason of its status; the "count reason" strings are sorted as Go's
// sort.Strings sorts them (byte order, so "10 x" sorts before "2 y"). When PreFilter rejected the
// pod, its message stands alone instead of the per-node histogram.
import type { Status } from './status.js';

export interface Diagnosis {
  /** Statuses of nodes that were evaluated and rejected. */
  readonly nodeToStatus: Map<string, Status>;
  /** The status of every node absent from nodeToStatus (set when PreFilter rejected the pod). */
  absentNodesStatus: Status | null;
  /** Plugins that rejected the pod somewhere: the queue moves it on their events only. */
  readonly unschedulablePlugins: Set<string>;
  preFilterMsg: string;
  postFilterMsg: string;
}

export function newDiagnosis(): Diagnosis {
  return { nodeToStatus: new Map(), absentNodesStatus: null, unschedulablePlugins: new Set(), preFilterMsg: '', postFilterMsg: '' };
}

/** The status of one node, explicit or implied by absentNodesStatus. */
export function nodeStatus(d: Diagnosis, nodeName: string): Status | null {
  return d.nodeToStatus.get(nodeName) ?? d.absentNodesStatus;
}

/** ErrNoNodesAvailable's text. */
export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let message = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg !== '') {
    message += ` ${d.preFilterMsg}.`;
  } else {
    const histogram = reasonHistogram(numAllNodes, d);
    if (histogram.length > 0) message += ` ${histogram.join(', ')}.`;
  }
  if (d.postFilterMsg !== '') message += ` ${d.postFilterMsg}`;
  return message;
}

function reasonHistogram(numAllNodes: number, d: Diagnosis): string[] {
  const counts = new Map<string, number>();
  for (const status of d.nodeToStatus.values()) {
    for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const absent = numAllNodes - d.nodeToStatus.size;
  if (absent > 0 && d.absentNodesStatus !== null) {
    for (const reason of d.absentNodesStatus.reasons) counts.set(reason, (counts.get(reason) ?? 0) + absent);
  }
  return [...counts].map(([reason, n]) => `${n} ${reason}`).sort(byteOrder);
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
