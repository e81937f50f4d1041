// Namespace controller (pkg/controller/namespace/deletion/namespaced_resources_deleter.go): a
// namespace with a deletionTimestamp is Terminating; everything in it is deleted (Background),
// conditions report what remains, and once nothing does the `kubernetes` finalizer is removed
// through the finalize subresource, letting the API server delete the namespace.
import type { KubeObject, Namespace } from '@skiff/api';
import { Resources, type Action, type ResourceType, type SyncResult } from '../actions.js';
import type { ListerView } from '../lister.js';
import { deepEqual } from '../util/equal.js';
import { formatTime } from '../util/time.js';

export const KUBERNETES_FINALIZER = 'kubernetes';

export interface NamespaceContent {
  readonly resource: ResourceType;
  /** The objects of this resource in the namespace. */
  readonly objects: readonly KubeObject[];
}

interface NamespaceCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

/** Types, with the reason and message each has when all is well (deletion/status_condition_utils.go). */
const OK: readonly (readonly [string, string, string])[] = [
  ['NamespaceDeletionDiscoveryFailure', 'ResourcesDiscovered', 'All resources successfully discovered'],
  ['NamespaceDeletionGroupVersionParsingFailure', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
  ['NamespaceDeletionContentFailure', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
  ['NamespaceContentRemaining', 'ContentRemoved', 'All content successfully removed'],
  ['NamespaceFinalizersRemaining', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
];

function remainingConditions(contents: readonly NamespaceContent[]): Map<string, { reason: string; message: string }> {
  const bad = new Map<string, { reason: string; message: string }>();
  const resources: string[] = [];
  const finalizers = new Map<string, number>();
  for (const { resource, objects } of contents) {
    if (objects.length > 0) resources.push(`${resource.resource}.${resource.group} has ${objects.length} resource instances`);
    for (const o of objects) for (const f of o.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
  }
  if (resources.length > 0) bad.set('NamespaceContentRemaining', { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${resources.sort().join(', ')}` });
  if (finalizers.size > 0) {
    const list = [...finalizers].map(([f, n]) => `${f} in ${n} resource instances`).sort();
    bad.set('NamespaceFinalizersRemaining', { reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${list.join(', ')}` });
  }
  return bad;
}

function conditionsFor(ns: Namespace, contents: readonly NamespaceContent[], nowIso: string): NamespaceCondition[] {
  const old = (ns.status?.conditions ?? []) as NamespaceCondition[];
  const bad = remainingConditions(contents);
  return OK.map(([type, okReason, okMessage]) => {
    const b = bad.get(type);
    const next = { type, status: b === undefined ? 'False' : 'True', reason: b?.reason ?? okReason, message: b?.message ?? okMessage };
    const prev = old.find((c) => c.type === type);
    return { ...next, lastTransitionTime: prev !== undefined && prev.status === next.status ? (prev.lastTransitionTime ?? nowIso) : nowIso };
  });
}

/** estimateGracefulTermination: pods may take their grace period to go. */
function estimateMs(contents: readonly NamespaceContent[]): number {
  let seconds = 0;
  for (const { resource, objects } of contents) {
    if (resource.resource !== 'pods') continue;
    for (const o of objects) {
      const spec = o['spec'] as { terminationGracePeriodSeconds?: number } | undefined;
      seconds = Math.max(seconds, o.metadata.deletionGracePeriodSeconds ?? spec?.terminationGracePeriodSeconds ?? 30);
    }
  }
  return Math.max(1000, seconds * 1000);
}

export function syncNamespace(name: string, listers: { readonly namespaces: ListerView<Namespace> }, contents: readonly NamespaceContent[], ctx: { readonly nowMs: number }): SyncResult {
  const ns = listers.namespaces.get(name);
  if (ns === undefined || ns.metadata.deletionTimestamp === undefined) return { actions: [] };
  if (!(ns.spec?.finalizers ?? []).includes(KUBERNETES_FINALIZER)) return { actions: [] };
  const remaining = contents.filter((c) => c.objects.length > 0);
  if (remaining.length === 0) {
    // finalizeNamespace. (No status write in the same pass: both would carry one resourceVersion.)
    const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== KUBERNETES_FINALIZER);
    return { actions: [{ type: 'update', resource: Resources.namespaces, subresource: 'finalize', object: { ...ns, spec: { ...ns.spec, finalizers } } }] };
  }
  const actions: Action[] = [];
  const status = { ...(ns.status ?? {}), phase: 'Terminating', conditions: conditionsFor(ns, contents, formatTime(ctx.nowMs)) };
  if (!deepEqual(ns.status ?? {}, status)) actions.push({ type: 'updateStatus', resource: Resources.namespaces, object: { ...ns, status } });
  for (const { resource, objects } of remaining) {
    for (const o of objects) {
      if (o.metadata.deletionTimestamp !== undefined) continue;
      actions.push({
        type: 'delete',
        resource,
        namespace: name,
        name: o.metadata.name ?? '',
        propagationPolicy: 'Background',
        ...(o.metadata.uid === undefined ? {} : { preconditions: { uid: o.metadata.uid } }),
      });
    }
  }
  return { actions, requeueAfterMs: estimateMs(remaining) };
}
