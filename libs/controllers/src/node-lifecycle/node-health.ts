// tryUpdateNodeHealth (node_lifecycle_controller.go): a node is healthy while its kubelet renews
// its Lease or changes its Ready heartbeat. Times are the controller's own (when it saw the
// change), never the kubelet's, so clock skew between them does not matter. Past the grace
// period every kubelet-owned condition turns Unknown ("Kubelet stopped posting node status.").
import type { Lease, Node } from '@skiff/api';
import { deepEqual } from '../util/equal.js';
import { formatTime, parseTime } from '../util/time.js';

type NodeCondition = NonNullable<NonNullable<Node['status']>['conditions']>[number];

export interface NodeHealth {
  /** When this controller last saw the node alive. */
  readonly probeTimestampMs: number;
  readonly readyTransitionTimestampMs: number;
  /** The Ready condition's times as last seen; undefined when the node had no Ready condition. */
  readonly savedReady?: { readonly lastHeartbeatTime?: string; readonly lastTransitionTime?: string };
  readonly leaseRenewMs?: number;
}

export interface NodeHealthUpdate {
  readonly health: NodeHealth;
  /** The Ready condition as the node showed it (a stand-in when it had none). */
  readonly observedReady: NodeCondition;
  /** The Ready condition after this pass (Unknown once the grace period passed). */
  readonly currentReady: NodeCondition | undefined;
  /** The node with changed conditions, when they changed and must be written. */
  readonly updatedNode?: Node;
}

/** The conditions a kubelet owns; NetworkUnavailable belongs to the network plugin. */
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

const snapshot = (c: NodeCondition): NonNullable<NodeHealth['savedReady']> => ({
  ...(c.lastHeartbeatTime === undefined ? {} : { lastHeartbeatTime: c.lastHeartbeatTime }),
  ...(c.lastTransitionTime === undefined ? {} : { lastTransitionTime: c.lastTransitionTime }),
});

function observe(node: Node, ready: NodeCondition | undefined, saved: NodeHealth | undefined, nowMs: number): NodeHealth {
  const fresh = (s?: NodeCondition): NodeHealth => ({
    probeTimestampMs: nowMs,
    readyTransitionTimestampMs: nowMs,
    ...(s === undefined ? {} : { savedReady: snapshot(s) }),
    ...(saved?.leaseRenewMs === undefined ? {} : { leaseRenewMs: saved.leaseRenewMs }),
  });
  if (ready === undefined) {
    const created = parseTime(node.metadata.creationTimestamp) ?? nowMs;
    if (saved === undefined) return { probeTimestampMs: created, readyTransitionTimestampMs: created };
    if (saved.savedReady !== undefined) return fresh(); // the Ready condition was removed
    return saved;
  }
  if (saved === undefined || saved.savedReady === undefined) return fresh(ready);
  if (saved.savedReady.lastHeartbeatTime === ready.lastHeartbeatTime) return saved;
  const transitioned = saved.savedReady.lastTransitionTime !== ready.lastTransitionTime;
  return { ...fresh(ready), readyTransitionTimestampMs: transitioned ? nowMs : saved.readyTransitionTimestampMs };
}

/** The node's conditions with the kubelet-owned ones Unknown. */
function markUnknown(node: Node, nowMs: number): NodeCondition[] {
  const nowIso = formatTime(nowMs);
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  for (const type of KUBELET_CONDITIONS) {
    const c = conditions.find((x) => x.type === type);
    if (c === undefined) {
      conditions.push({
        type,
        status: 'Unknown',
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
        ...(node.metadata.creationTimestamp === undefined ? {} : { lastHeartbeatTime: node.metadata.creationTimestamp }),
        lastTransitionTime: nowIso,
      });
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
      c.lastTransitionTime = nowIso;
    }
  }
  return conditions;
}

export function updateNodeHealth(node: Node, lease: Lease | undefined, saved: NodeHealth | undefined, nowMs: number, graceMs: { monitor: number; startup: number }): NodeHealthUpdate {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const observedReady: NodeCondition = ready ?? {
    type: 'Ready',
    status: 'Unknown',
    ...(node.metadata.creationTimestamp === undefined ? {} : { lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: node.metadata.creationTimestamp }),
  };
  const gracePeriodMs = ready === undefined ? graceMs.startup : graceMs.monitor;
  let health = observe(node, ready, saved, nowMs);
  const renewMs = parseTime(lease?.spec?.renewTime);
  if (renewMs !== undefined && (health.leaseRenewMs === undefined || health.leaseRenewMs < renewMs)) {
    health = { ...health, leaseRenewMs: renewMs, probeTimestampMs: nowMs };
  }
  if (nowMs <= health.probeTimestampMs + gracePeriodMs) return { health, observedReady, currentReady: ready };
  const conditions = markUnknown(node, nowMs);
  const currentReady = conditions.find((c) => c.type === 'Ready');
  if (deepEqual(currentReady, observedReady)) return { health, observedReady, currentReady };
  const updatedNode: Node = { ...node, status: { ...(node.status ?? {}), conditions } };
  return { health: { ...health, readyTransitionTimestampMs: nowMs }, observedReady, currentReady, updatedNode };
}
