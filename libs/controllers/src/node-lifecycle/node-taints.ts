// The taints the node lifecycle controller owns (pkg/controller/nodelifecycle): NoSchedule taints
// mirroring node conditions and spec.unschedulable, and the NoExecute not-ready / unreachable
// pair (mutually exclusive, as the Ready condition they stand for).
import type { Node, Taint } from '@skiff/api';
import type { PatchAction } from '../actions.js';
import { Resources } from '../actions.js';
import { deepEqual } from '../util/equal.js';
import { TaintEffect, TaintKeys, sameTaint } from '../util/taints.js';
import { formatTime } from '../util/time.js';

export const NotReadyNoExecute: Taint = { key: TaintKeys.NotReady, effect: TaintEffect.NoExecute };
export const UnreachableNoExecute: Taint = { key: TaintKeys.Unreachable, effect: TaintEffect.NoExecute };

/** nodeConditionToTaintKeyStatusMap. */
const conditionTaints: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Ready: { False: TaintKeys.NotReady, Unknown: TaintKeys.Unreachable },
  MemoryPressure: { True: TaintKeys.MemoryPressure },
  DiskPressure: { True: TaintKeys.DiskPressure },
  NetworkUnavailable: { True: TaintKeys.NetworkUnavailable },
  PIDPressure: { True: TaintKeys.PIDPressure },
};
const conditionTaintKeys = new Set(Object.values(conditionTaints).flatMap((m) => Object.values(m)));

type NodeConditions = NonNullable<NonNullable<Node['status']>['conditions']>;

/** doNoScheduleTaintingPass: the NoSchedule taints a node's conditions call for. */
export function noScheduleTaintsFor(conditions: NodeConditions, unschedulable: boolean): Taint[] {
  const taints: Taint[] = [];
  for (const c of conditions) {
    const key = conditionTaints[c.type]?.[c.status];
    if (key !== undefined) taints.push({ key, effect: TaintEffect.NoSchedule });
  }
  if (unschedulable) taints.push({ key: TaintKeys.Unschedulable, effect: TaintEffect.NoSchedule });
  return taints;
}

const ownedNoSchedule = (t: Taint): boolean => t.effect === TaintEffect.NoSchedule && (t.key === TaintKeys.Unschedulable || conditionTaintKeys.has(t.key));

/** The node's taints with the controller-owned NoSchedule ones replaced by `wanted` (others kept, order kept). */
export function withNoScheduleTaints(current: readonly Taint[], wanted: readonly Taint[]): Taint[] {
  const kept = current.filter((t) => !ownedNoSchedule(t) || wanted.some((w) => sameTaint(w, t)));
  const added = wanted.filter((w) => !kept.some((t) => sameTaint(t, w)));
  return [...kept, ...added];
}

/** SwapNodeControllerTaint: add (NoExecute ones stamped with timeAdded) and remove. */
export function swapTaints(current: readonly Taint[], add: readonly Taint[], remove: readonly Taint[], nowMs: number): Taint[] {
  const out = current.filter((t) => !remove.some((r) => sameTaint(r, t)));
  for (const a of add) {
    if (out.some((t) => sameTaint(t, a))) continue;
    out.push(a.effect === TaintEffect.NoExecute ? { ...a, timeAdded: formatTime(nowMs) } : { ...a });
  }
  return out;
}

/**
 * A compare-and-swap of spec.taints alone (JSON patch `test` then `replace`), so it neither
 * conflicts with a status update of the same node in the same pass nor loses a concurrent
 * `kubectl taint`.
 */
export function taintPatch(node: Node, taints: readonly Taint[]): PatchAction | undefined {
  const current = node.spec?.taints;
  if (deepEqual(current ?? [], taints)) return undefined;
  const patch: unknown[] = [];
  if (node.spec === undefined) patch.push({ op: 'add', path: '/spec', value: {} });
  if (current === undefined) patch.push({ op: 'add', path: '/spec/taints', value: taints });
  else patch.push({ op: 'test', path: '/spec/taints', value: current }, { op: 'replace', path: '/spec/taints', value: taints });
  return { type: 'patch', resource: Resources.nodes, name: node.metadata.name ?? '', patchType: 'json', patch };
}
