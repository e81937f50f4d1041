// Which pods a controller deletes first when it scales down: controller.ActivePodsWithRanks
// (pkg/controller/controller_utils.go, Kubernetes 1.32, LogarithmicScaleDown and PodDeletionCost
// on, as they are by default). Earlier in the order = deleted sooner:
//   1. unassigned < assigned            5. more pods of the same owner on its node first
//   2. Pending < Unknown < Running      6. ready for less time first (log2 buckets)
//   3. not ready < ready                7. more container restarts first
//   4. lower pod-deletion-cost first    8. newer first (log2 buckets), then by UID
import type { Pod } from '@skiff/api';
import { isPodActive, isPodReady, maxContainerRestarts, podPhase, podReadySinceMs } from './pod.js';
import { parseTime } from './time.js';

/** Annotation a user sets to steer scale-down (core.PodDeletionCost). */
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const phaseOrdinal: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Pod): number {
  const raw = pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return 0;
  const n = Number(raw);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

/** afterOrZero: a missing time sorts first, otherwise the later time sorts first. */
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

/** logarithmicRankDiff on Go durations (nanoseconds): pods within a power of two count as equal. */
function logRank(t: number, nowMs: number): number {
  const ns = (nowMs - t) * 1e6;
  return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
}

function compareTimes(a: number | undefined, b: number | undefined, nowMs: number | undefined, uidA: string, uidB: string): number {
  if (a === b) return 0;
  if (nowMs === undefined || a === undefined || b === undefined) return afterOrZero(a, b) ? -1 : 1;
  const diff = logRank(a, nowMs) - logRank(b, nowMs);
  if (diff === 0) return uidA < uidB ? -1 : uidA > uidB ? 1 : 0;
  return diff < 0 ? -1 : 1;
}

export interface RankedPod {
  readonly pod: Pod;
  /** Active pods of the same owner (family) on the pod's node. */
  readonly rank: number;
}

/** Negative when a should be deleted before b (ActivePodsWithRanks.Less). */
export function compareForDeletion(a: RankedPod, b: RankedPod, nowMs?: number): number {
  const pa = a.pod;
  const pb = b.pod;
  const na = pa.spec?.nodeName ?? '';
  const nb = pb.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
  const oa = phaseOrdinal[podPhase(pa)] ?? 0;
  const ob = phaseOrdinal[podPhase(pb)] ?? 0;
  if (oa !== ob) return oa - ob;
  const ra = isPodReady(pa);
  const rb = isPodReady(pb);
  if (ra !== rb) return ra ? 1 : -1;
  const ca = deletionCost(pa);
  const cb = deletionCost(pb);
  if (ca !== cb) return ca - cb;
  if (a.rank !== b.rank) return b.rank - a.rank;
  const uidA = pa.metadata.uid ?? '';
  const uidB = pb.metadata.uid ?? '';
  if (ra && rb) {
    const byReady = compareTimes(podReadySinceMs(pa), podReadySinceMs(pb), nowMs, uidA, uidB);
    if (byReady !== 0) return byReady;
  }
  const restarts = maxContainerRestarts(pb) - maxContainerRestarts(pa);
  if (restarts !== 0) return restarts;
  return compareTimes(parseTime(pa.metadata.creationTimestamp), parseTime(pb.metadata.creationTimestamp), nowMs, uidA, uidB);
}

/**
 * getPodsRankedByRelatedPodsOnSameNode + sort: the pods in deletion order, each ranked by how
 * many active related pods (its owner's family) share its node.
 */
export function podsInDeletionOrder(pods: readonly Pod[], relatedPods: readonly Pod[], nowMs?: number): Pod[] {
  const onNode = new Map<string, number>();
  for (const p of relatedPods) {
    if (!isPodActive(p)) continue;
    const node = p.spec?.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((a, b) => compareForDeletion(a, b, nowMs));
  return ranked.map((r) => r.pod);
}
