// SelectVictimsOnNode (default_preemption.go): on a copy of the node, remove every pod of lower
// priority than the preemptor; if the preemptor still does not fit, the node cannot help. Otherwise
// reprieve as many as possible, most important first, PDB-violating pods before the others, keeping
// each one whose return still lets the preemptor fit. What is left are the victims.
import type { CycleState } from '../../framework/cycle-state.js';
import type { FrameworkHandle } from '../../framework/interfaces.js';
import { Code, newStatus, type PluginResult } from '../../framework/status.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import type { Snapshot } from '../../snapshot.js';
import type { PodDisruptionBudget } from '../../types.js';
import { PluginName } from '../names.js';
import { splitByPDBViolation } from './pdb.js';
import { moreImportantFirst } from './pick-node.js';

export const ERR_NO_VICTIMS = 'No preemption victims found for incoming pod';

export interface VictimSelection {
  readonly victims: PodInfo[];
  readonly numPDBViolations: number;
  /** Null when the preemptor fits once the victims are gone. */
  readonly status: PluginResult;
}

/** Mutates `nodeInfo` and `state`: pass copies. */
export function selectVictimsOnNode(
  handle: FrameworkHandle,
  state: CycleState,
  pod: PodInfo,
  nodeInfo: NodeInfo,
  snapshot: Snapshot,
  pdbs: readonly PodDisruptionBudget[],
): VictimSelection {
  const remove = (p: PodInfo): void => {
    nodeInfo.removePod(p.key);
    handle.runPreFilterExtensionRemovePod(state, pod, p, nodeInfo, snapshot);
  };
  const add = (p: PodInfo): void => {
    nodeInfo.addPod(p);
    handle.runPreFilterExtensionAddPod(state, pod, p, nodeInfo, snapshot);
  };
  const potential = nodeInfo.pods.filter((p) => p.priority < pod.priority);
  if (potential.length === 0) {
    return { victims: [], numPDBViolations: 0, status: newStatus(Code.UnschedulableAndUnresolvable, PluginName.DefaultPreemption, ERR_NO_VICTIMS) };
  }
  for (const p of potential) remove(p);
  const fitsWithoutAll = handle.runFilterPluginsWithNominatedPods(state, pod, nodeInfo, snapshot);
  if (fitsWithoutAll !== null) return { victims: [], numPDBViolations: 0, status: fitsWithoutAll };

  potential.sort(moreImportantFirst);
  const { violating, nonViolating } = splitByPDBViolation(potential, pdbs);
  const victims: PodInfo[] = [];
  const reprieve = (p: PodInfo): boolean => {
    add(p);
    const fits = handle.runFilterPluginsWithNominatedPods(state, pod, nodeInfo, snapshot) === null;
    if (!fits) {
      remove(p);
      victims.push(p);
    }
    return fits;
  };
  let numPDBViolations = 0;
  for (const p of violating) if (!reprieve(p)) numPDBViolations++;
  for (const p of nonViolating) reprieve(p);
  if (violating.length > 0 && nonViolating.length > 0) victims.sort(moreImportantFirst);
  return { victims, numPDBViolations, status: null };
}
