// NoExecute taint eviction (pkg/controller/tainteviction, the "taint manager"), per node: a pod
// that does not tolerate every NoExecute taint of its node is deleted at once; one that tolerates
// them all for a while (tolerationSeconds; the smallest of the tolerations used) is deleted when
// that time has passed, counted from when the taint was added or the pod arrived, whichever is
// later; tolerating without tolerationSeconds means staying. Deletions per sync are bounded; the
// rest are requeued.
import type { Node, Pod, Taint, Toleration } from '@skiff/api';
import { Resources, eventFor, type Action, type SyncResult } from '../actions.js';
import type { ListerView } from '../lister.js';
import { podCondition } from '../util/pod.js';
import { TaintEffect, toleratesTaint } from '../util/taints.js';
import { formatTime, parseTime } from '../util/time.js';

export const DEFAULT_MAX_EVICTIONS_PER_SYNC = 100;

export interface TaintEvictionListers {
  readonly nodes: ListerView<Node>;
  readonly pods: ListerView<Pod>;
}

export interface TaintEvictionContext {
  readonly nowMs: number;
  readonly maxEvictionsPerSync?: number;
}

/**
 * GetMatchingTolerations + getMinTolerationTime: for each taint the first toleration that
 * tolerates it is used; undefined when some taint is not tolerated, Infinity when no used
 * toleration has tolerationSeconds, else the smallest (negative counts as 0) in ms.
 */
export function minTolerationMs(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): number | undefined {
  let min = Infinity;
  for (const taint of taints) {
    const used = (tolerations ?? []).find((t) => toleratesTaint(t, taint));
    if (used === undefined) return undefined;
    if (used.tolerationSeconds !== undefined) min = Math.min(min, Math.max(0, used.tolerationSeconds) * 1000);
  }
  return min;
}

/** When the eviction clock started for a pod: the oldest NoExecute taint, or the pod's arrival if later. */
function evictionStartMs(pod: Pod, taints: readonly Taint[], nowMs: number): number {
  const added = taints.map((t) => parseTime(t.timeAdded) ?? nowMs);
  const taintedSince = Math.min(...added);
  const arrived = parseTime(podCondition(pod, 'PodScheduled')?.lastTransitionTime) ?? parseTime(pod.metadata.creationTimestamp) ?? taintedSince;
  return Math.max(taintedSince, arrived);
}

/** When (ms) a pod on a node with these NoExecute taints must go; undefined: never. */
export function evictionDeadlineMs(pod: Pod, noExecute: readonly Taint[], nowMs: number): number | undefined {
  if (noExecute.length === 0) return undefined;
  const toleration = minTolerationMs(noExecute, pod.spec?.tolerations);
  if (toleration === undefined) return nowMs;
  if (toleration === Infinity) return undefined;
  return evictionStartMs(pod, noExecute, nowMs) + toleration;
}

export function syncTaintEviction(nodeName: string, listers: TaintEvictionListers, ctx: TaintEvictionContext): SyncResult {
  const node = listers.nodes.get(nodeName);
  const noExecute = (node?.spec?.taints ?? []).filter((t) => t.effect === TaintEffect.NoExecute);
  if (noExecute.length === 0) return { actions: [] };
  const max = ctx.maxEvictionsPerSync ?? DEFAULT_MAX_EVICTIONS_PER_SYNC;
  const pods = listers.pods
    .list()
    .filter((p) => p.spec?.nodeName === nodeName && p.metadata.deletionTimestamp === undefined)
    .sort((a, b) => ((a.metadata.namespace ?? '') + '/' + (a.metadata.name ?? '') < (b.metadata.namespace ?? '') + '/' + (b.metadata.name ?? '') ? -1 : 1));
  const actions: Action[] = [];
  let evicted = 0;
  let nextMs: number | undefined;
  for (const pod of pods) {
    const deadline = evictionDeadlineMs(pod, noExecute, ctx.nowMs);
    if (deadline === undefined) continue;
    if (deadline > ctx.nowMs) {
      nextMs = Math.min(nextMs ?? Infinity, deadline - ctx.nowMs);
      continue;
    }
    if (evicted >= max) {
      nextMs = Math.min(nextMs ?? Infinity, 1000);
      continue;
    }
    evicted++;
    actions.push(...evict(pod, ctx.nowMs));
  }
  return nextMs === undefined ? { actions } : { actions, requeueAfterMs: nextMs };
}

/** addConditionAndDeletePod: a DisruptionTarget condition, then the delete, announced by an event. */
function evict(pod: Pod, nowMs: number): Action[] {
  const ns = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  return [
    eventFor(Resources.pods, pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${ns}/${name}`),
    {
      type: 'patch',
      resource: Resources.pods,
      namespace: ns,
      name,
      patchType: 'strategic',
      subresource: 'status',
      patch: { status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: formatTime(nowMs) }] } },
    },
    { type: 'delete', resource: Resources.pods, namespace: ns, name, ...(pod.metadata.uid === undefined ? {} : { preconditions: { uid: pod.metadata.uid } }) },
  ];
}
