// scheduleOne: one scheduling cycle for one pod, pure (schedule_one.go's schedulePod plus the
// PostFilter step). Input: the pod, a snapshot, the pod's profile framework, a Random and the node
// index where the previous cycle stopped. Output: a node, a preemption nomination with victims, or
// the reasons it fits nowhere, as data. It never touches a cache, a clock or the network: the
// caller assumes the pod, binds it, deletes victims or requeues.
//
// Order of work: PreFilter -> the nominated node first (a pod that preempted goes back there) ->
// Filter from the rotating start index until enough feasible nodes are found -> PostFilter when
// none -> PreScore/Score/NormalizeScore -> the highest total, ties broken at random.
import type { Random } from '@skiff/core';
import { CycleState } from './framework/cycle-state.js';
import { NO_NODES_AVAILABLE, fitErrorMessage, newDiagnosis, type Diagnosis } from './framework/diagnosis.js';
import type { Framework } from './framework/framework.js';
import { Code, isRejected, statusMessage, type Status } from './framework/status.js';
import type { NodeInfo } from './node-info.js';
import { podInfoOf, type PodInfo } from './pod-info.js';
import type { Snapshot } from './snapshot.js';
import type { Pod } from './types.js';

export type ScheduleResult =
  | {
      readonly type: 'scheduled';
      readonly nodeName: string;
      /** Nodes filtered this cycle (feasible + rejected). */
      readonly evaluatedNodes: number;
      readonly feasibleNodes: number;
      readonly nextStartNodeIndex: number;
    }
  | {
      readonly type: 'unschedulable';
      /** The FailedScheduling event message and PodScheduled condition message. */
      readonly message: string;
      readonly diagnosis: Diagnosis;
      /** Preemption found nothing: status.nominatedNodeName should be cleared. */
      readonly clearNominatedNode: boolean;
      readonly nextStartNodeIndex: number;
    }
  | {
      readonly type: 'nominated';
      readonly nominatedNodeName: string;
      /** Pods to delete so that the pod fits on the nominated node. */
      readonly victims: readonly Pod[];
      /** Lower-priority pods nominated to the same node whose nomination should be cleared. */
      readonly lowerPriorityNominatedPods: readonly Pod[];
      readonly message: string;
      readonly diagnosis: Diagnosis;
      readonly nextStartNodeIndex: number;
    }
  | { readonly type: 'error'; readonly message: string; readonly nextStartNodeIndex: number };

export interface ScheduleOptions {
  /** Where the previous cycle stopped (rotates so that every node gets its turn). */
  readonly nextStartNodeIndex?: number;
}

/** minFeasibleNodesToFind / minFeasibleNodesPercentageToFind (schedule_one.go). */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * numFeasibleNodesToFind: below 100 nodes, all of them; otherwise percentageOfNodesToScore of them
 * (adaptive when unset: 50% - numNodes/125, at least 5%), and never fewer than 100.
 */
export function numFeasibleNodesToFind(numAllNodes: number, percentageOfNodesToScore?: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = percentageOfNodesToScore ?? 0;
  if (percentage <= 0) percentage = Math.max(50 - Math.trunc(numAllNodes / 125), MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
  if (percentage > 100) percentage = 100;
  const numNodes = Math.trunc((numAllNodes * percentage) / 100);
  return Math.max(numNodes, MIN_FEASIBLE_NODES_TO_FIND);
}

export function scheduleOne(pod: Pod, snapshot: Snapshot, framework: Framework, random: Random, options: ScheduleOptions = {}): ScheduleResult {
  const start = options.nextStartNodeIndex ?? 0;
  try {
    return schedulePod(pod, snapshot, framework, random, start);
  } catch (error) {
    if (error instanceof SchedulingError) return { type: 'error', message: error.message, nextStartNodeIndex: start };
    throw error;
  }
}

function schedulePod(pod: Pod, snapshot: Snapshot, framework: Framework, random: Random, start: number): ScheduleResult {
  const info = podInfoOf(pod);
  if (info.errors.length > 0) return { type: 'error', message: info.errors.join('; '), nextStartNodeIndex: start };
  const numNodes = snapshot.numNodes;
  if (numNodes === 0) {
    const diagnosis = newDiagnosis();
    return { type: 'unschedulable', message: NO_NODES_AVAILABLE, diagnosis, clearNominatedNode: true, nextStartNodeIndex: start };
  }
  const state = new CycleState();
  const diagnosis = newDiagnosis();
  const preFilterStatus = framework.runPreFilterPlugins(state, info, snapshot);
  if (preFilterStatus !== null) {
    if (!isRejected(preFilterStatus)) return { type: 'error', message: statusMessage(preFilterStatus), nextStartNodeIndex: start };
    diagnosis.absentNodesStatus = preFilterStatus;
    diagnosis.preFilterMsg = statusMessage(preFilterStatus);
    diagnosis.unschedulablePlugins.add(preFilterStatus.plugin);
    return fitFailure(state, info, snapshot, framework, random, diagnosis, start);
  }

  let feasible = evaluateNominatedNode(state, info, snapshot, framework, diagnosis);
  let next = start;
  if (feasible.length === 0) {
    const found = findNodesThatPassFilters(state, info, snapshot, framework, diagnosis, start);
    feasible = found.feasible;
    next = (start + found.processed) % numNodes;
  }
  if (feasible.length === 0) return fitFailure(state, info, snapshot, framework, random, diagnosis, next);

  const evaluatedNodes = feasible.length + diagnosis.nodeToStatus.size;
  if (feasible.length === 1) return { type: 'scheduled', nodeName: feasible[0]!.name, evaluatedNodes, feasibleNodes: 1, nextStartNodeIndex: next };
  const preScoreStatus = framework.runPreScorePlugins(state, info, feasible, snapshot);
  if (preScoreStatus !== null) return { type: 'error', message: statusMessage(preScoreStatus), nextStartNodeIndex: next };
  const totals = framework.hasScorePlugins ? framework.runScorePlugins(state, info, feasible, snapshot) : new Float64Array(feasible.length).fill(1);
  return { type: 'scheduled', nodeName: selectHost(feasible, totals, random), evaluatedNodes, feasibleNodes: feasible.length, nextStartNodeIndex: next };
}

/** The nominated node alone, filtered first: if it fits, the cycle is done. */
function evaluateNominatedNode(state: CycleState, pod: PodInfo, snapshot: Snapshot, framework: Framework, diagnosis: Diagnosis): NodeInfo[] {
  if (pod.nominatedNodeName === '') return [];
  const nodeInfo = snapshot.get(pod.nominatedNodeName);
  if (nodeInfo === undefined) return [];
  const status = framework.runFilterPluginsWithNominatedPods(state, pod, nodeInfo, snapshot);
  if (status === null) return [nodeInfo];
  recordRejection(diagnosis, nodeInfo.name, status);
  return [];
}

function findNodesThatPassFilters(
  state: CycleState,
  pod: PodInfo,
  snapshot: Snapshot,
  framework: Framework,
  diagnosis: Diagnosis,
  start: number,
): { feasible: NodeInfo[]; processed: number } {
  const nodes = snapshot.nodeInfoList;
  const n = nodes.length;
  // Without scoring, any feasible node will do.
  const wanted = framework.hasScorePlugins ? numFeasibleNodesToFind(n, framework.percentageOfNodesToScore) : 1;
  const feasible: NodeInfo[] = [];
  let processed = 0;
  for (let i = 0; i < n && feasible.length < wanted; i++) {
    const nodeInfo = nodes[(start + i) % n]!;
    processed++;
    const status = framework.runFilterPluginsWithNominatedPods(state, pod, nodeInfo, snapshot);
    if (status === null) feasible.push(nodeInfo);
    else if (status.code === Code.Error) throw new SchedulingError(statusMessage(status));
    else recordRejection(diagnosis, nodeInfo.name, status);
  }
  return { feasible, processed };
}

function recordRejection(diagnosis: Diagnosis, nodeName: string, status: Status): void {
  diagnosis.nodeToStatus.set(nodeName, status);
  if (isRejected(status)) diagnosis.unschedulablePlugins.add(status.plugin);
}

/** An internal failure of a plugin (Code.Error): the pod goes to back-off. */
export class SchedulingError extends Error {
  override readonly name = 'SchedulingError';
}

/** No node fits: run PostFilter (preemption) and build the FailedScheduling message. */
function fitFailure(state: CycleState, pod: PodInfo, snapshot: Snapshot, framework: Framework, random: Random, diagnosis: Diagnosis, next: number): ScheduleResult {
  let clearNominatedNode = false;
  for (const plugin of framework.postFilterPlugins) {
    const result = plugin.postFilter(state, pod, snapshot, diagnosis, framework, random);
    if (result.type === 'nominated') {
      const message = fitErrorMessage(snapshot.numNodes, diagnosis);
      return { type: 'nominated', nominatedNodeName: result.nominatedNodeName, victims: result.victims, lowerPriorityNominatedPods: result.lowerPriorityNominatedPods, message, diagnosis, nextStartNodeIndex: next };
    }
    diagnosis.postFilterMsg = result.message;
    clearNominatedNode ||= result.clearNomination;
  }
  // Without PostFilter plugins Kubernetes clears the nomination as well.
  if (framework.postFilterPlugins.length === 0) clearNominatedNode = true;
  return { type: 'unschedulable', message: fitErrorMessage(snapshot.numNodes, diagnosis), diagnosis, clearNominatedNode, nextStartNodeIndex: next };
}

/** The node with the highest total score; ties are broken uniformly at random (reservoir sampling). */
export function selectHost(nodes: readonly NodeInfo[], totals: Float64Array, random: Random): string {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < nodes.length; i++) {
    const t = totals[i]!;
    if (t > totals[best]!) {
      best = i;
      ties = 1;
    } else if (t === totals[best]) {
      ties++;
      if (random.int(1, ties) === 1) best = i;
    }
  }
  return nodes[best]!.name;
}
