// What a DELETE does to one object, decided purely from the object and the DeleteOptions
// (Kubernetes' rest.BeforeDelete, podStrategy.CheckGracefulDelete and
// deletionFinalizersForGarbageCollection):
// - pods are deleted gracefully: deletionTimestamp = now + grace and deletionGracePeriodSeconds =
//   grace, where grace = gracePeriodSeconds, else spec.terminationGracePeriodSeconds, and 0 (at
//   once) for a pod bound to no node or already Succeeded/Failed; a pending grace period may only
//   be shortened;
// - propagationPolicy Orphan adds the `orphan` finalizer, Foreground `foregroundDeletion`,
//   Background removes both (the garbage collector removes them later);
// - an object with finalizers stays, with deletionTimestamp set, until they are gone.

import type { KubeObject, ResourceInfo } from '@skiff/api';
import { cloneObject, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, finalizersOf, getPath, isBeingDeleted, rfc3339 } from './meta.js';

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
  readonly gracePeriodSeconds?: number;
  readonly propagationPolicy?: PropagationPolicy;
  readonly orphanDependents?: boolean;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly dryRun: boolean;
}

export type DeletePlan =
  | { readonly type: 'deleteNow' }
  /** Write this object (deletionTimestamp and/or finalizers changed); it stays for now. */
  | { readonly type: 'update'; readonly object: KubeObject }
  /** Nothing to change: a deletion is already pending. */
  | { readonly type: 'pending' };

export function isPod(info: ResourceInfo): boolean {
  return info.group === '' && info.resource === 'pods';
}

/** podStrategy.CheckGracefulDelete: the grace period this delete asks for. */
export function podGracePeriodSeconds(pod: KubeObject, requested: number | undefined): number {
  let period = requested ?? numberOr(getPath(pod, ['spec', 'terminationGracePeriodSeconds']), 0);
  const nodeName = getPath(pod, ['spec', 'nodeName']);
  if (typeof nodeName !== 'string' || nodeName === '') period = 0;
  const phase = getPath(pod, ['status', 'phase']);
  if (phase === 'Succeeded' || phase === 'Failed') period = 0;
  return period < 0 ? 1 : period;
}

/** The finalizers after the delete, per the propagation policy (garbage collection finalizers). */
export function finalizersAfterDelete(obj: KubeObject, opts: DeleteOptions): string[] {
  const current = finalizersOf(obj);
  let orphan = current.includes(FINALIZER_ORPHAN);
  let foreground = current.includes(FINALIZER_FOREGROUND);
  if (opts.orphanDependents !== undefined) {
    orphan = opts.orphanDependents;
    foreground = false;
  } else if (opts.propagationPolicy !== undefined) {
    orphan = opts.propagationPolicy === 'Orphan';
    foreground = opts.propagationPolicy === 'Foreground';
  }
  const rest = current.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
  if (orphan) rest.push(FINALIZER_ORPHAN);
  if (foreground) rest.push(FINALIZER_FOREGROUND);
  return rest;
}

export function planDeletion(info: ResourceInfo, current: KubeObject, opts: DeleteOptions, nowMs: number): DeletePlan {
  if (isBeingDeleted(current)) return planForDeleting(info, current, opts);
  const grace = isPod(info) ? podGracePeriodSeconds(current, opts.gracePeriodSeconds) : 0;
  const finalizers = finalizersAfterDelete(current, opts);
  if (grace === 0 && finalizers.length === 0) return { type: 'deleteNow' };
  const obj = cloneObject(current);
  setFinalizers(obj, finalizers);
  obj.metadata.deletionTimestamp = rfc3339(nowMs + grace * 1000);
  obj.metadata.deletionGracePeriodSeconds = grace;
  const gen = obj.metadata.generation;
  if (grace > 0 && typeof gen === 'number' && gen > 0) obj.metadata.generation = gen + 1;
  return { type: 'update', object: obj };
}

/** A delete of an object whose deletion already started. */
function planForDeleting(info: ResourceInfo, current: KubeObject, opts: DeleteOptions): DeletePlan {
  const grace = numberOr(current.metadata.deletionGracePeriodSeconds, 0);
  if (isPod(info) && grace > 0) {
    // Only a shorter grace period may be asked for; finalizers stay as they are meanwhile.
    if (opts.gracePeriodSeconds === undefined || opts.gracePeriodSeconds >= grace) return { type: 'pending' };
    const shorter = Math.max(0, opts.gracePeriodSeconds);
    if (shorter === 0 && finalizersOf(current).length === 0) return { type: 'deleteNow' };
    const obj = cloneObject(current);
    const startMs = Date.parse(String(current.metadata.deletionTimestamp)) - grace * 1000;
    obj.metadata.deletionTimestamp = rfc3339(startMs + shorter * 1000);
    obj.metadata.deletionGracePeriodSeconds = shorter;
    return { type: 'update', object: obj };
  }
  const finalizers = finalizersAfterDelete(current, opts);
  if (finalizers.length === 0) return { type: 'deleteNow' };
  const before = finalizersOf(current);
  if (finalizers.length === before.length && finalizers.every((f, i) => f === before[i])) return { type: 'pending' };
  const obj = cloneObject(current);
  setFinalizers(obj, finalizers);
  return { type: 'update', object: obj };
}

function setFinalizers(obj: KubeObject, finalizers: string[]): void {
  if (finalizers.length === 0) delete obj.metadata.finalizers;
  else obj.metadata.finalizers = finalizers;
}

function numberOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}
