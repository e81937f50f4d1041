// Taints and tolerations (k8s.io/api/core/v1 toleration.go, component-helpers taint helpers).
import type { Taint, Toleration } from '@skiff/api';

export const TaintEffect = { NoSchedule: 'NoSchedule', PreferNoSchedule: 'PreferNoSchedule', NoExecute: 'NoExecute' } as const;

/** The taint keys Kubernetes' node controllers and DaemonSets know (v1.TaintNode*). */
export const TaintKeys = {
  NotReady: 'node.kubernetes.io/not-ready',
  Unreachable: 'node.kubernetes.io/unreachable',
  Unschedulable: 'node.kubernetes.io/unschedulable',
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
  NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
} as const;

/** Toleration.ToleratesTaint: empty effect or key match all; empty operator means Equal. */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if ((toleration.effect ?? '') !== '' && toleration.effect !== taint.effect) return false;
  if ((toleration.key ?? '') !== '' && toleration.key !== taint.key) return false;
  const operator = toleration.operator ?? '';
  if (operator === '' || operator === 'Equal') return (toleration.value ?? '') === (taint.value ?? '');
  return operator === 'Exists';
}

export function tolerated(taint: Taint, tolerations: readonly Toleration[] | undefined): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** FindMatchingUntoleratedTaint: the first taint passing the filter that no toleration tolerates. */
export function findUntoleratedTaint(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, filter: (t: Taint) => boolean): Taint | undefined {
  return (taints ?? []).find((t) => filter(t) && !tolerated(t, tolerations));
}

export const sameTaint = (a: Taint, b: Taint): boolean => a.key === b.key && a.effect === b.effect;
