// DefaultPreemption, the PostFilter (preemption.go Evaluator.Preempt). For a pod that fits nowhere:
// 1. a pod with preemptionPolicy Never does not preempt;
// 2. candidates are the nodes that rejected it as Unschedulable (not ...AndUnresolvable);
// 3. dry-run victim selection from a random offset until enough candidates are found
//    (max(10% of candidates, 100)), at least one of them violating no PDB;
// 4. pick one node (pick-node.ts) and return it with its victims: the caller deletes them and
//    sets status.nominatedNodeName.
import type { Random } from '@skiff/core';
import type { CycleState } from '../../framework/cycle-state.js';
import { fitErrorMessage, newDiagnosis, nodeStatus, type Diagnosis } from '../../framework/diagnosis.js';
import type { FrameworkHandle, PostFilterPlugin, PostFilterResult } from '../../framework/interfaces.js';
import { Code, newStatus } from '../../framework/status.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import type { Snapshot } from '../../snapshot.js';
import { PluginName } from '../names.js';
import { pickOneNodeForPreemption, type Candidate } from './pick-node.js';
import { selectVictimsOnNode } from './select-victims.js';

export const ERR_PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';

export interface DefaultPreemptionArgs {
  readonly minCandidateNodesPercentage?: number;
  readonly minCandidateNodesAbsolute?: number;
}

export function calculateNumCandidates(numNodes: number, args: Required<DefaultPreemptionArgs>): number {
  const n = Math.max(Math.trunc((numNodes * args.minCandidateNodesPercentage) / 100), args.minCandidateNodesAbsolute);
  return Math.min(n, numNodes);
}

/** PodEligibleToPreemptOthers: the reason a pod may not preempt, or undefined when it may. */
export function ineligibilityReason(pod: PodInfo, snapshot: Snapshot, diagnosis: Diagnosis): string | undefined {
  if (pod.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
  if (pod.nominatedNodeName === '') return undefined;
  // Its earlier victims are still leaving: wait for them rather than preempt more.
  if (nodeStatus(diagnosis, pod.nominatedNodeName)?.code === Code.UnschedulableAndUnresolvable) return undefined;
  const nominated = snapshot.get(pod.nominatedNodeName);
  if (nominated?.pods.some((p) => p.priority < pod.priority && p.terminating)) return 'not eligible due to a terminating pod on the nominated node.';
  return undefined;
}

function notHelpful(numAllNodes: number, statuses: Diagnosis): PostFilterResult {
  statuses.absentNodesStatus = newStatus(Code.UnschedulableAndUnresolvable, PluginName.DefaultPreemption, ERR_PREEMPTION_NOT_HELPFUL);
  return { type: 'failed', message: `preemption: ${fitErrorMessage(numAllNodes, statuses)}`, clearNomination: true };
}

export function newDefaultPreemption(input: DefaultPreemptionArgs = {}): PostFilterPlugin {
  const args: Required<DefaultPreemptionArgs> = {
    minCandidateNodesPercentage: input.minCandidateNodesPercentage ?? 10,
    minCandidateNodesAbsolute: input.minCandidateNodesAbsolute ?? 100,
  };
  return {
    name: PluginName.DefaultPreemption,
    postFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot, diagnosis: Diagnosis, handle: FrameworkHandle, random: Random): PostFilterResult {
      const reason = ineligibilityReason(pod, snapshot, diagnosis);
      if (reason !== undefined) return { type: 'failed', message: `preemption: ${reason}`, clearNomination: false };
      const all = snapshot.nodeInfoList;
      const potential = all.filter((n) => nodeStatus(diagnosis, n.name)?.code === Code.Unschedulable);
      if (potential.length === 0) return notHelpful(all.length, newDiagnosis());
      const statuses = newDiagnosis();
      const candidates = dryRun(state, pod, snapshot, handle, potential, random.int(0, potential.length - 1), calculateNumCandidates(potential.length, args), statuses);
      const best = pickOneNodeForPreemption(candidates);
      if (best === undefined) return notHelpful(all.length, statuses);
      const lowerNominated = snapshot.nominatedPods(best.nodeName).filter((p) => p.priority < pod.priority && p.key !== pod.key);
      return { type: 'nominated', nominatedNodeName: best.nodeName, victims: best.victims.map((v) => v.pod), lowerPriorityNominatedPods: lowerNominated.map((p) => p.pod) };
    },
  };
}

function dryRun(
  state: CycleState,
  pod: PodInfo,
  snapshot: Snapshot,
  handle: FrameworkHandle,
  potential: readonly NodeInfo[],
  offset: number,
  wanted: number,
  statuses: Diagnosis,
): Candidate[] {
  const nonViolating: Candidate[] = [];
  const violating: Candidate[] = [];
  for (let i = 0; i < potential.length; i++) {
    const nodeInfo = potential[(offset + i) % potential.length]!;
    const selection = selectVictimsOnNode(handle, state.clone(), pod, nodeInfo.clone(), snapshot, snapshot.pdbs);
    if (selection.status === null && selection.victims.length > 0) {
      const candidate = { nodeName: nodeInfo.name, victims: selection.victims, numPDBViolations: selection.numPDBViolations };
      (selection.numPDBViolations === 0 ? nonViolating : violating).push(candidate);
      if (nonViolating.length > 0 && nonViolating.length + violating.length >= wanted) break;
      continue;
    }
    const status = selection.status ?? newStatus(Code.Error, PluginName.DefaultPreemption, `expected at least one victim pod on node "${nodeInfo.name}"`);
    statuses.nodeToStatus.set(nodeInfo.name, status);
  }
  return [...nonViolating, ...violating];
}
