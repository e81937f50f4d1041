// pickOneNodeForPreemption: among candidate nodes, keep those best on each criterion in turn,
// stopping as soon as one is left:
//   1. fewest PodDisruptionBudget violations;
//   2. lowest priority of the most important victim;
//   3. smallest sum of victim priorities (each shifted by 2^31 so negative priorities count);
//   4. fewest victims;
//   5. latest start time of the most important victims (disturb the youngest work);
//   6. otherwise the first candidate.
import type { PodInfo } from '../../pod-info.js';

export interface Candidate {
  readonly nodeName: string;
  /** Ordered from most to least important. */
  readonly victims: readonly PodInfo[];
  readonly numPDBViolations: number;
}

const PRIORITY_SHIFT = 2 ** 31;

/** The earliest start among the victims that share the highest priority (GetEarliestPodStartTime). */
export function earliestStartOfMostImportant(victims: readonly PodInfo[]): number {
  if (victims.length === 0) return Number.NEGATIVE_INFINITY;
  const top = Math.max(...victims.map((v) => v.priority));
  return Math.min(...victims.filter((v) => v.priority === top).map((v) => v.startMs));
}

const SCORE_FUNCS: readonly ((c: Candidate) => number)[] = [
  (c) => -c.numPDBViolations,
  (c) => -(c.victims[0]?.priority ?? 0),
  (c) => -c.victims.reduce((sum, v) => sum + v.priority + PRIORITY_SHIFT, 0),
  (c) => -c.victims.length,
  (c) => earliestStartOfMostImportant(c.victims),
];

export function pickOneNodeForPreemption(candidates: readonly Candidate[]): Candidate | undefined {
  let remaining = candidates;
  for (const score of SCORE_FUNCS) {
    if (remaining.length <= 1) break;
    let best = Number.NEGATIVE_INFINITY;
    let kept: Candidate[] = [];
    for (const c of remaining) {
      const s = score(c);
      if (s > best) {
        best = s;
        kept = [c];
      } else if (s === best) {
        kept.push(c);
      }
    }
    remaining = kept;
  }
  return remaining[0];
}

/** MoreImportantPod: higher priority first, then the one that started earlier. */
export function moreImportantFirst(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.startMs === b.startMs ? 0 : a.startMs < b.startMs ? -1 : 1;
}
