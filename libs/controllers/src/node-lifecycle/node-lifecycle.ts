// Node lifecycle controller, monitor pass (pkg/controller/nodelifecycle, run every
// nodeMonitorPeriod). State carried between passes (NodeLifecycleState) replaces the
// controller's maps: node health, zone limiters, the NoExecute tainting queue, known nodes.
//
//   per node:  health from Lease renewals and Ready heartbeats ──grace period──▶ Unknown
//              observed Ready False/Unknown ─▶ queue for NoExecute not-ready/unreachable taint
//              observed Ready True          ─▶ drop both NoExecute taints (reachable again)
//              just went not ready          ─▶ event NodeNotReady, its pods' Ready=False
//   per zone:  Normal / PartialDisruption / FullDisruption set the tainting rate; all zones down
//              = master disruption: no evictions, NoExecute taints removed
//   per node:  NoSchedule taints follow the conditions and spec.unschedulable
// One taint patch per node per pass.
import type { Lease, Node, Pod, Taint } from '@skiff/api';
import { Resources, eventFor, type Action } from '../actions.js';
import type { ListerView } from '../lister.js';
import { formatTime } from '../util/time.js';
import { sameTaint } from '../util/taints.js';
import { updateNodeHealth, type NodeHealth } from './node-health.js';
import { NotReadyNoExecute, UnreachableNoExecute, noScheduleTaintsFor, swapTaints, taintPatch, withNoScheduleTaints } from './node-taints.js';
import { ZoneStates, computeZoneState, newLimiter, qpsFor, tryAccept, zoneKey, type EvictionRates, type ZoneLimiter, type ZoneState } from './zone-limiter.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** Nodes with this label do not count toward zone disruption. */
export const EXCLUDE_DISRUPTION_LABEL = 'node.kubernetes.io/exclude-disruption';

export interface NodeLifecycleConfig extends EvictionRates {
  readonly nodeMonitorPeriodMs: number;
  readonly nodeMonitorGracePeriodMs: number;
  readonly nodeStartupGracePeriodMs: number;
}

export const defaultNodeLifecycleConfig: NodeLifecycleConfig = {
  nodeMonitorPeriodMs: 5_000,
  nodeMonitorGracePeriodMs: 40_000,
  nodeStartupGracePeriodMs: 60_000,
  evictionRate: 0.1,
  secondaryEvictionRate: 0.01,
  largeClusterThreshold: 50,
  unhealthyZoneThreshold: 0.55,
};

export interface NodeLifecycleState {
  readonly health: ReadonlyMap<string, NodeHealth>;
  readonly zones: ReadonlyMap<string, ZoneLimiter>;
  /** Nodes waiting for a NoExecute taint, first come first served within a zone. */
  readonly taintQueue: readonly string[];
  readonly knownNodes: ReadonlySet<string>;
}

export const initialNodeLifecycleState: NodeLifecycleState = { health: new Map(), zones: new Map(), taintQueue: [], knownNodes: new Set() };

export interface NodeLifecycleListers {
  readonly nodes: ListerView<Node>;
  readonly leases: ListerView<Lease>;
  readonly pods: ListerView<Pod>;
}

export interface NodeLifecycleResult {
  readonly actions: readonly Action[];
  readonly state: NodeLifecycleState;
  readonly requeueAfterMs: number;
}

/** Mutable working copy of one pass. */
interface Pass {
  readonly nowMs: number;
  readonly config: NodeLifecycleConfig;
  readonly actions: Action[];
  readonly health: Map<string, NodeHealth>;
  readonly zones: Map<string, ZoneLimiter>;
  queue: string[];
  readonly taints: Map<string, Taint[]>;
  readonly ready: Map<string, string | undefined>;
}

export function monitorNodeHealth(listers: NodeLifecycleListers, state: NodeLifecycleState, ctx: { nowMs: number; config?: NodeLifecycleConfig }): NodeLifecycleResult {
  const config = ctx.config ?? defaultNodeLifecycleConfig;
  const nodes = [...listers.nodes.list()].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const pass: Pass = {
    nowMs: ctx.nowMs,
    config,
    actions: [],
    health: new Map(state.health),
    zones: new Map(state.zones),
    queue: [...state.taintQueue],
    taints: new Map(nodes.map((n) => [n.metadata.name ?? '', [...(n.spec?.taints ?? [])]])),
    ready: new Map(),
  };
  const knownNodes = classifyNodes(pass, nodes, state.knownNodes);
  const zoneReady = new Map<string, (string | undefined)[]>();
  for (const node of nodes) {
    const current = monitorNode(pass, node, listers);
    if (node.metadata.labels?.[EXCLUDE_DISRUPTION_LABEL] !== undefined) continue;
    const zone = zoneKey(node.metadata.labels);
    zoneReady.set(zone, [...(zoneReady.get(zone) ?? []), current]);
  }
  handleDisruption(pass, zoneReady, nodes);
  noExecuteTaintingPass(pass, nodes);
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    const conditions = node.status?.conditions ?? [];
    const withCurrentReady = conditions.map((c) => (c.type === 'Ready' && pass.ready.has(name) ? { ...c, status: pass.ready.get(name) ?? c.status } : c));
    pass.taints.set(name, withNoScheduleTaints(pass.taints.get(name) ?? [], noScheduleTaintsFor(withCurrentReady, node.spec?.unschedulable === true)));
    const patch = taintPatch(node, pass.taints.get(name) ?? []);
    if (patch !== undefined) pass.actions.push(patch);
  }
  const next: NodeLifecycleState = { health: pass.health, zones: pass.zones, taintQueue: pass.queue, knownNodes };
  return { actions: pass.actions, state: next, requeueAfterMs: config.nodeMonitorPeriodMs };
}

/** classifyNodes: RegisteredNode / RemovingNode, limiters for new zones, new nodes made reachable. */
function classifyNodes(pass: Pass, nodes: readonly Node[], known: ReadonlySet<string>): Set<string> {
  const names = new Set(nodes.map((n) => n.metadata.name ?? ''));
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    const zone = zoneKey(node.metadata.labels);
    if (!pass.zones.has(zone)) pass.zones.set(zone, newLimiter(pass.config.evictionRate, pass.nowMs));
    if (known.has(name)) continue;
    pass.actions.push(eventFor(Resources.nodes, node, 'Normal', 'RegisteredNode', `Registered Node ${name} in Controller`));
    markNodeAsReachable(pass, name);
  }
  for (const name of known) {
    if (names.has(name)) continue;
    pass.actions.push({ type: 'event', involvedObject: { apiVersion: 'v1', kind: 'Node', name }, eventType: 'Normal', reason: 'RemovingNode', message: `Removing Node ${name} from Controller` });
    pass.health.delete(name);
    pass.queue = pass.queue.filter((n) => n !== name);
  }
  return names;
}

/** Health, status write, taint decision and pod marking for one node; returns its current Ready status. */
function monitorNode(pass: Pass, node: Node, listers: NodeLifecycleListers): string | undefined {
  const name = node.metadata.name ?? '';
  const lease = listers.leases.get(name, NODE_LEASE_NAMESPACE);
  const grace = { monitor: pass.config.nodeMonitorGracePeriodMs, startup: pass.config.nodeStartupGracePeriodMs };
  const update = updateNodeHealth(node, lease, pass.health.get(name), pass.nowMs, grace);
  pass.health.set(name, update.health);
  if (update.updatedNode !== undefined) pass.actions.push({ type: 'updateStatus', resource: Resources.nodes, object: update.updatedNode });
  pass.ready.set(name, update.currentReady?.status);
  if (update.currentReady === undefined) return undefined;
  processTaintBaseEviction(pass, name, update.observedReady.status);
  if (update.currentReady.status !== 'True' && update.observedReady.status === 'True') {
    pass.actions.push(eventFor(Resources.nodes, node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`));
    pass.actions.push(...markPodsNotReady(listers.pods.list(), name, pass.nowMs));
  }
  return update.currentReady.status;
}

function processTaintBaseEviction(pass: Pass, name: string, observed: string): void {
  const taints = pass.taints.get(name) ?? [];
  const has = (t: Taint): boolean => taints.some((x) => sameTaint(x, t));
  if (observed === 'False' || observed === 'Unknown') {
    const [want, opposite] = observed === 'False' ? [NotReadyNoExecute, UnreachableNoExecute] : [UnreachableNoExecute, NotReadyNoExecute];
    // Already tainted for the other state: swap at once, no rate limit.
    if (has(opposite)) pass.taints.set(name, swapTaints(taints, [want], [opposite], pass.nowMs));
    else if (!has(want) && !pass.queue.includes(name)) pass.queue.push(name);
  } else if (observed === 'True') {
    markNodeAsReachable(pass, name);
  }
}

function markNodeAsReachable(pass: Pass, name: string): void {
  const taints = pass.taints.get(name);
  if (taints !== undefined) pass.taints.set(name, swapTaints(taints, [], [NotReadyNoExecute, UnreachableNoExecute], pass.nowMs));
  pass.queue = pass.queue.filter((n) => n !== name);
}

/** MarkPodsNotReady: Ready=False on the node's pods, each with a NodeNotReady warning. */
export function markPodsNotReady(pods: readonly Pod[], nodeName: string, nowMs: number): Action[] {
  const actions: Action[] = [];
  for (const pod of pods) {
    if (pod.spec?.nodeName !== nodeName) continue;
    const conditions = pod.status?.conditions ?? [];
    const ready = conditions.find((c) => c.type === 'Ready');
    if (ready === undefined || ready.status === 'False') continue;
    const next = conditions.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: formatTime(nowMs) } : c));
    actions.push({ type: 'updateStatus', resource: Resources.pods, object: { ...pod, status: { ...pod.status, conditions: next } } });
    actions.push(eventFor(Resources.pods, pod, 'Warning', 'NodeNotReady', 'Node is not ready'));
  }
  return actions;
}

function setZoneState(pass: Pass, zone: string, state: ZoneState, qps: number): void {
  const limiter = pass.zones.get(zone) ?? newLimiter(qps, pass.nowMs);
  pass.zones.set(zone, { ...limiter, state, qps });
}

/** handleDisruption. */
function handleDisruption(pass: Pass, zoneReady: ReadonlyMap<string, readonly (string | undefined)[]>, nodes: readonly Node[]): void {
  const newStates = new Map<string, ZoneState>();
  for (const [zone, statuses] of zoneReady) newStates.set(zone, computeZoneState(statuses, pass.config));
  const allAreFully = [...newStates.values()].every((s) => s === ZoneStates.FullDisruption);
  for (const zone of [...pass.zones.keys()]) if (!zoneReady.has(zone)) pass.zones.delete(zone);
  const allWereFully = [...pass.zones.values()].every((z) => z.state === ZoneStates.FullDisruption);
  if (allAreFully && allWereFully) return;
  const size = (zone: string): number => zoneReady.get(zone)?.length ?? 0;
  if (allAreFully) {
    for (const node of nodes) markNodeAsReachable(pass, node.metadata.name ?? '');
    for (const zone of pass.zones.keys()) setZoneState(pass, zone, ZoneStates.FullDisruption, 0);
    return;
  }
  if (allWereFully) {
    // Leaving master disruption: everyone gets a fresh grace period.
    for (const [name, h] of pass.health) pass.health.set(name, { ...h, probeTimestampMs: pass.nowMs, readyTransitionTimestampMs: pass.nowMs });
    for (const zone of pass.zones.keys()) {
      const state = newStates.get(zone) ?? ZoneStates.Normal;
      setZoneState(pass, zone, state, qpsFor(state, size(zone), pass.config));
    }
    return;
  }
  for (const [zone, limiter] of pass.zones) {
    const state = newStates.get(zone);
    if (state === undefined || state === limiter.state) continue;
    setZoneState(pass, zone, state, qpsFor(state, size(zone), pass.config));
  }
}

/** doNoExecuteTaintingPass: taint queued nodes as their zone's rate allows. */
function noExecuteTaintingPass(pass: Pass, nodes: readonly Node[]): void {
  const byName = new Map(nodes.map((n) => [n.metadata.name ?? '', n]));
  const blockedZones = new Set<string>();
  const remaining: string[] = [];
  for (const name of pass.queue) {
    const node = byName.get(name);
    const status = pass.ready.get(name);
    if (node === undefined || status === undefined) continue;
    if (status !== 'False' && status !== 'Unknown') continue; // ready again: no taint
    const zone = zoneKey(node.metadata.labels);
    const limiter = pass.zones.get(zone);
    if (limiter === undefined || blockedZones.has(zone)) {
      remaining.push(name);
      continue;
    }
    const r = tryAccept(limiter, pass.nowMs);
    pass.zones.set(zone, r.limiter);
    if (!r.accepted) {
      blockedZones.add(zone);
      remaining.push(name);
      continue;
    }
    const [want, opposite] = status === 'False' ? [NotReadyNoExecute, UnreachableNoExecute] : [UnreachableNoExecute, NotReadyNoExecute];
    pass.taints.set(name, swapTaints(pass.taints.get(name) ?? [], [want], [opposite], pass.nowMs));
  }
  pass.queue = remaining;
}
