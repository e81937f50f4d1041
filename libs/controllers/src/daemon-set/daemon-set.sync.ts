// DaemonSet controller (pkg/controller/daemon/daemon_controller.go, update.go):
//   gone / selector {} / being deleted -> nothing (a Warning for selector {})
//   history   -> the current ControllerRevision and its hash (created or raised as needed)
//   manage    -> a pod on every node that should run one (pinned there by node affinity),
//                no pod where it may not continue, failed pods replaced, duplicates removed
//   rolling   -> if manage had nothing to do: replace old pods within maxUnavailable
//   status    -> desired/current/misscheduled/ready/updated/available/unavailable counts
import type { ControllerRevision, DaemonSet, Node, Pod } from '@skiff/api';
import type { Random } from '@skiff/core';
import { Resources, eventFor, objectReference, type Action, type SyncResult } from '../actions.js';
import { expectationsSatisfied, type Expectations } from '../expectations.js';
import { splitKey, type ListerView } from '../lister.js';
import { claimActions, claimObjects, newControllerRef } from '../util/controller-ref.js';
import { deepEqual } from '../util/equal.js';
import { scaledValue } from '../util/int-or-percent.js';
import { isPodActive, isPodAvailable, isPodReady, msUntilAvailable, podKey } from '../util/pod.js';
import { podFromTemplate } from '../util/pod-template.js';
import { isEmptySelectorObject, matchesSelector, selectorOf } from '../util/selector.js';
import { parseTime } from '../util/time.js';
import { cleanupHistory, constructHistory } from './daemon-set-history.js';
import { daemonPodTemplate, isDaemonPodUpdated, nodeShouldRunDaemonPod, pinToNode, targetNodeName } from './daemon-set-util.js';

/** daemon.BurstReplicas. */
export const DAEMON_BURST_REPLICAS = 250;

export interface DaemonSetListers {
  readonly daemonSets: ListerView<DaemonSet>;
  readonly nodes: ListerView<Node>;
  readonly pods: ListerView<Pod>;
  readonly controllerRevisions: ListerView<ControllerRevision>;
}

export interface DaemonSetSyncContext {
  readonly nowMs: number;
  readonly random: Pick<Random, 'int'>;
  readonly expectations: Expectations;
  readonly burstReplicas?: number;
}

type NodeToPods = Map<string, Pod[]>;

export function syncDaemonSet(key: string, listers: DaemonSetListers, ctx: DaemonSetSyncContext): SyncResult {
  const { namespace, name } = splitKey(key);
  const ds = listers.daemonSets.get(name, namespace);
  if (ds === undefined) return { actions: [] };
  if (isEmptySelectorObject(ds.spec?.selector)) {
    return { actions: [eventFor(Resources.daemonSets, ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.')] };
  }
  if (ds.metadata.deletionTimestamp !== undefined) return { actions: [] };
  const nodes = [...listers.nodes.list()].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const actions: Action[] = [];
  const history = constructHistory(ds, listers.controllerRevisions.namespace(namespace).list(), actions);
  if (history.collision) {
    actions.push({ type: 'updateStatus', resource: Resources.daemonSets, object: { ...ds, status: { ...emptyStatus(ds), collisionCount: (ds.status?.collisionCount ?? 0) + 1 } } });
    return { actions, requeueAfterMs: 0 };
  }
  const nodeToPods = claimDaemonPods(ds, listers.pods.namespace(namespace).list(), actions);
  const satisfied = expectationsSatisfied(ctx.expectations, key, ctx.nowMs);
  if (satisfied) {
    const managed = manage(key, ds, nodes, nodeToPods, history.hash, ctx);
    actions.push(...managed);
    const strategy = ds.spec?.updateStrategy?.type ?? 'RollingUpdate';
    if (managed.length === 0 && strategy === 'RollingUpdate') actions.push(...rollingUpdate(key, ds, nodes, nodeToPods, history.hash, ctx));
    cleanupHistory(ds, history.old, [...nodeToPods.values()].flat(), actions);
  }
  const status = calculateStatus(ds, nodes, nodeToPods, history.hash, ctx.nowMs, satisfied);
  if (statusChanged(ds, status)) actions.push({ type: 'updateStatus', resource: Resources.daemonSets, object: { ...ds, status } });
  const requeueAfterMs = minReadyRequeue(ds, nodeToPods, ctx.nowMs);
  return requeueAfterMs === undefined ? { actions } : { actions, requeueAfterMs };
}

/** getNodesToDaemonPods: the claimed, non-finished-or-deleting... pods by the node they target. */
function claimDaemonPods(ds: DaemonSet, namespacePods: readonly Pod[], actions: Action[]): NodeToPods {
  const selector = selectorOf(ds.spec?.selector);
  // Kubernetes claims every pod (a failed one must still be found and replaced), not only active ones.
  const claim = claimObjects(ds, namespacePods, (p) => matchesSelector(selector, p.metadata.labels));
  actions.push(...claimActions(claim, Resources.pods, ds, Resources.daemonSets));
  const byNode: NodeToPods = new Map();
  for (const pod of claim.claimed) {
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    const list = byNode.get(node) ?? [];
    list.push(pod);
    byNode.set(node, list);
  }
  return byNode;
}

/** podByCreationTimestampAndPhase: scheduled first, then oldest, then by name. */
function byCreationAndPhase(a: Pod, b: Pod): number {
  const sa = (a.spec?.nodeName ?? '') !== '';
  const sb = (b.spec?.nodeName ?? '') !== '';
  if (sa !== sb) return sa ? -1 : 1;
  const ta = parseTime(a.metadata.creationTimestamp) ?? 0;
  const tb = parseTime(b.metadata.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}

function manage(key: string, ds: DaemonSet, nodes: readonly Node[], nodeToPods: NodeToPods, hash: string, ctx: DaemonSetSyncContext): Action[] {
  const needing: string[] = [];
  const toDelete: Pod[] = [];
  const warnings: Action[] = [];
  for (const node of nodes) {
    const nodeName = node.metadata.name ?? '';
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const pods = nodeToPods.get(nodeName);
    if (shouldRun && pods === undefined) needing.push(nodeName);
    else if (shouldContinueRunning && pods !== undefined) {
      const running: Pod[] = [];
      for (const pod of pods) {
        if (pod.metadata.deletionTimestamp !== undefined) continue;
        if (pod.status?.phase === 'Failed') {
          warnings.push(eventFor(Resources.daemonSets, ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${podKey(pod)} on node ${nodeName}, will try to kill it`));
          toDelete.push(pod);
        } else if (pod.status?.phase === 'Succeeded') toDelete.push(pod);
        else running.push(pod);
      }
      // Without surge, one daemon pod per node: keep the oldest.
      toDelete.push(...running.sort(byCreationAndPhase).slice(1));
    } else if (!shouldContinueRunning && pods !== undefined) {
      toDelete.push(...pods.filter((p) => p.metadata.deletionTimestamp === undefined));
    }
  }
  // getUnscheduledPodsWithoutNode: pods pinned to nodes that no longer exist.
  const known = new Set(nodes.map((n) => n.metadata.name));
  for (const [nodeName, pods] of nodeToPods) {
    if (known.has(nodeName)) continue;
    toDelete.push(...pods.filter((p) => (p.spec?.nodeName ?? '') === '' && p.metadata.deletionTimestamp === undefined));
  }
  return [...warnings, ...syncNodes(key, ds, toDelete, needing, hash, ctx)];
}

/** syncNodes: creates pinned pods (slow start) and deletes pods, both bounded by the burst. */
function syncNodes(key: string, ds: DaemonSet, toDelete: readonly Pod[], needing: readonly string[], hash: string, ctx: DaemonSetSyncContext): Action[] {
  const burst = ctx.burstReplicas ?? DAEMON_BURST_REPLICAS;
  const namespace = ds.metadata.namespace ?? '';
  const template = daemonPodTemplate(ds, hash);
  const ref = newControllerRef(ds, Resources.daemonSets);
  const failure = (reason: string, messagePrefix: string) => ({ involvedObject: objectReference(Resources.daemonSets, ds), reason, messagePrefix });
  const creates: Action[] = needing.slice(0, burst).map((nodeName) => {
    const pod = podFromTemplate(template, namespace, ds.metadata.name ?? '', ref, ctx.random);
    pod.spec = { ...pod.spec!, affinity: pinToNode(pod.spec?.affinity, nodeName) };
    return {
      type: 'create',
      resource: Resources.pods,
      namespace,
      object: pod,
      expectation: { key, kind: 'add' },
      successEvent: eventFor(Resources.daemonSets, ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`),
      failureEvent: failure('FailedCreate', 'Error creating: '),
    };
  });
  const deletes: Action[] = toDelete.slice(0, burst).map((pod) => ({
    type: 'delete',
    resource: Resources.pods,
    namespace,
    name: pod.metadata.name ?? '',
    ...(pod.metadata.uid === undefined ? {} : { preconditions: { uid: pod.metadata.uid } }),
    expectation: { key, kind: 'delete', podKey: podKey(pod) },
    successEvent: eventFor(Resources.daemonSets, ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name ?? ''}`),
    failureEvent: failure('FailedDelete', 'Error deleting: '),
  }));
  const out: Action[] = [];
  if (creates.length > 0) out.push({ type: 'batch', mode: 'slowStart', actions: creates });
  if (deletes.length > 0) out.push({ type: 'batch', mode: 'parallel', actions: deletes });
  return out;
}

/** updatedDesiredNodeCounts: maxUnavailable of the nodes that should run (percentages round up). */
function maxUnavailableOf(ds: DaemonSet, desired: number): number {
  const ru = ds.spec?.updateStrategy?.rollingUpdate;
  const unavailable = scaledValue(ru?.maxUnavailable ?? 1, desired, true) ?? 1;
  // Surge is not supported here: treat it as 0, and 0/0 as 1 unavailable (as Kubernetes does).
  return desired > 0 && unavailable === 0 ? 1 : unavailable;
}

/** rollingUpdate (maxSurge 0): delete old pods, unavailable ones first, within maxUnavailable. */
function rollingUpdate(key: string, ds: DaemonSet, nodes: readonly Node[], nodeToPods: NodeToPods, hash: string, ctx: DaemonSetSyncContext): Action[] {
  const minReadySeconds = ds.spec?.minReadySeconds ?? 0;
  const targets = new Map<string, Pod[]>();
  let desired = 0;
  for (const [name, pods] of nodeToPods) targets.set(name, pods);
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    if (!targets.has(node.metadata.name ?? '')) targets.set(node.metadata.name ?? '', []);
  }
  const maxUnavailable = maxUnavailableOf(ds, desired);
  let unavailable = 0;
  const replacements: Pod[] = [];
  const candidates: Pod[] = [];
  for (const name of [...targets.keys()].sort()) {
    const live = targets.get(name)!.filter((p) => p.metadata.deletionTimestamp === undefined);
    const fresh = live.filter((p) => isDaemonPodUpdated(p, hash));
    const stale = live.filter((p) => !isDaemonPodUpdated(p, hash));
    if (fresh.length > 1 || stale.length > 1 || fresh.length + stale.length !== 1) {
      unavailable++; // manage() creates or deletes here first
      continue;
    }
    const pod = (fresh[0] ?? stale[0])!;
    if (fresh.length === 1) {
      if (!isPodAvailable(pod, minReadySeconds, ctx.nowMs)) unavailable++;
    } else if (!isPodAvailable(pod, minReadySeconds, ctx.nowMs)) {
      replacements.push(pod);
      unavailable++;
    } else if (unavailable < maxUnavailable) candidates.push(pod);
  }
  const remaining = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
  return syncNodes(key, ds, [...replacements, ...candidates.slice(0, remaining)], [], hash, ctx);
}

type DaemonSetStatus = NonNullable<DaemonSet['status']>;

function emptyStatus(ds: DaemonSet): DaemonSetStatus {
  return ds.status ?? { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
}

/** updateDaemonSetStatus: counts over the nodes, from the oldest daemon pod on each. */
function calculateStatus(ds: DaemonSet, nodes: readonly Node[], nodeToPods: NodeToPods, hash: string, nowMs: number, updateObservedGeneration: boolean): DaemonSetStatus {
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let updated = 0;
  let available = 0;
  for (const node of nodes) {
    const pods = (nodeToPods.get(node.metadata.name ?? '') ?? []).filter(isPodActive);
    const scheduled = pods.length > 0;
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (scheduled) misscheduled++;
      continue;
    }
    desired++;
    if (!scheduled) continue;
    current++;
    const pod = [...pods].sort(byCreationAndPhase)[0]!;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, ds.spec?.minReadySeconds ?? 0, nowMs)) available++;
    }
    if (isDaemonPodUpdated(pod, hash)) updated++;
  }
  const status: DaemonSetStatus = {
    ...emptyStatus(ds),
    desiredNumberScheduled: desired,
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    numberReady: ready,
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
  };
  if (updateObservedGeneration && ds.metadata.generation !== undefined) status.observedGeneration = ds.metadata.generation;
  return status;
}

function statusChanged(ds: DaemonSet, status: DaemonSetStatus): boolean {
  return !deepEqual(ds.status ?? {}, status);
}

function minReadyRequeue(ds: DaemonSet, nodeToPods: NodeToPods, nowMs: number): number | undefined {
  const minReadySeconds = ds.spec?.minReadySeconds ?? 0;
  if (minReadySeconds <= 0) return undefined;
  const waits = [...nodeToPods.values()].flat().map((p) => msUntilAvailable(p, minReadySeconds, nowMs)).filter((ms) => ms !== undefined);
  return waits.length === 0 ? undefined : Math.min(...waits);
}
