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

/** The dry run's scene: one node copy and one state copy, changed as pods leave and return. */
interface DryRun {
  readonly handle: FrameworkHandle;
  readonly state: CycleState;
  readonly pod: PodInfo;
  readonly nodeInfo: NodeInfo;
  readonly snapshot: Snapshot;
}

// Plain functions over a DryRun rather than closures per call: this runs for up to a hundred nodes
// per preemption, and a closure per call costs more than the work it wraps.
function removeFromNode(d: DryRun, p: PodInfo): void {
  d.nodeInfo.removePod(p.key);
  d.handle.runPreFilterExtensionRemovePod(d.state, d.pod, p, d.nodeInfo, d.snapshot);
}

function addToNode(d: DryRun, p: PodInfo): void {
  d.nodeInfo.addPod(p);
  d.handle.runPreFilterExtensionAddPod(d.state, d.pod, p, d.nodeInfo, d.snapshot);
}

/** Puts `p` back; if the preemptor then no longer fits, takes it out again and makes it a victim. */
function reprieve(d: DryRun, p: PodInfo, victims: PodInfo[]): boolean {
  addToNode(d, p);
  if (d.handle.runFilterPluginsWithNominatedPods(d.state, d.pod, d.nodeInfo, d.snapshot) === null) return true;
  removeFromNode(d, p);
  victims.push(p);
  return false;
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
  const potential: PodInfo[] = [];
  for (const p of nodeInfo.pods) if (p.priority < pod.priority) potential.push(p);
  if (potential.length === 0) {
    return { victims: [], numPDBViolations: 0, status: newStatus(Code.UnschedulableAndUnresolvable, PluginName.DefaultPreemption, ERR_NO_VICTIMS) };
  }
  const d: DryRun = { handle, state, pod, nodeInfo, snapshot };
  for (const p of potential) removeFromNode(d, p);
  const fitsWithoutAll = handle.runFilterPluginsWithNominatedPods(state, pod, nodeInfo, snapshot);
  if (fitsWithoutAll !== null) return { victims: [], numPDBViolations: 0, status: fitsWithoutAll };

  potential.sort(moreImportantFirst);
  const { violating, nonViolating } = pdbs.length === 0 ? { violating: [], nonViolating: potential } : splitByPDBViolation(potential, pdbs);
  const victims: PodInfo[] = [];
  let numPDBViolations = 0;
  for (const p of violating) if (!reprieve(d, p, victims)) numPDBViolations++;
  for (const p of nonViolating) reprieve(d, p, victims);
  if (violating.length > 0 && nonViolating.length > 0) victims.sort(moreImportantFirst);
  return { victims, numPDBViolations, status: null };
}
