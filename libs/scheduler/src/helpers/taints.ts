// Taints and tolerations (k8s.io/api/core/v1 Toleration.ToleratesTaint, component-helpers
// FindMatchingUntoleratedTaint): an empty toleration key with operator Exists tolerates every
// taint, an empty effect matches every effect, and Equal (the default operator) compares values.
import type { Taint, Toleration } from '../types.js';

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect !== undefined && t.effect !== '' && t.effect !== taint.effect) return false;
  if (t.key !== undefined && t.key !== '' && t.key !== taint.key) return false;
  const operator = t.operator ?? '';
  if (operator === '' || operator === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return operator === 'Exists';
}

export function taintTolerated(taint: Taint, tolerations: readonly Toleration[]): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first taint (in the node's order) passing `include` that no toleration tolerates. */
export function findUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], include: (taint: Taint) => boolean): Taint | undefined {
  for (const taint of taints) if (include(taint) && !taintTolerated(taint, tolerations)) return taint;
  return undefined;
}

export function isScheduleBlocking(taint: Taint): boolean {
  return taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';
}
