// Garbage collector (pkg/controller/garbagecollector): one pass over the ownership graph of
// every object of the listed resources.
//   dependent whose owners are all gone                -> delete it (Background, or the policy
//                                                         its own finalizers ask for)
//   dependent with a live owner and some gone / waiting -> drop those references only
//   dependent of an owner in foreground deletion       -> delete it (Foreground if it has dependents)
//   owner with `foregroundDeletion`                    -> remove the finalizer once no dependent
//                                                         with blockOwnerDeletion is left
//   owner with `orphan`                                -> remove its references from the
//                                                         dependents, then the finalizer
// An owner counts as gone only if its kind is among the listed resources (otherwise the pass
// cannot know) and no object of that uid, name and scope exists; decisions made on a gone owner
// carry `requireAbsentOwners` so the executor confirms them live first.
import type { KubeObject } from '@skiff/api';
import { type Action, type ObjectReference, type PropagationPolicy, type ResourceType } from '../actions.js';
import type { OwnerReference } from '../util/controller-ref.js';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

export interface GcResourceObjects {
  readonly resource: ResourceType;
  readonly objects: readonly KubeObject[];
}

interface GraphNode {
  readonly resource: ResourceType;
  readonly object: KubeObject;
  readonly dependents: GraphNode[];
}

type RefClass = 'solid' | 'dangling' | 'waiting' | 'unknown';

const isNamespaced = (n: GraphNode): boolean => (n.object.metadata.namespace ?? '') !== '';
const hasFinalizer = (o: KubeObject, f: string): boolean => (o.metadata.finalizers ?? []).includes(f);
const isDeletingDependents = (o: KubeObject): boolean => o.metadata.deletionTimestamp !== undefined && hasFinalizer(o, FOREGROUND_FINALIZER);
const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

function buildGraph(resources: readonly GcResourceObjects[]): { byUid: Map<string, GraphNode>; nodes: GraphNode[] } {
  const byUid = new Map<string, GraphNode>();
  const nodes: GraphNode[] = [];
  for (const { resource, objects } of resources) {
    for (const object of objects) {
      const node: GraphNode = { resource, object, dependents: [] };
      nodes.push(node);
      if (object.metadata.uid !== undefined) byUid.set(object.metadata.uid, node);
    }
  }
  for (const node of nodes) {
    for (const ref of node.object.metadata.ownerReferences ?? []) {
      const owner = resolveOwner(byUid, node, ref);
      if (owner !== undefined) owner.dependents.push(node);
    }
  }
  return { byUid, nodes };
}

/** The owner a reference names, if it exists with that uid, name and a compatible scope. */
function resolveOwner(byUid: ReadonlyMap<string, GraphNode>, dependent: GraphNode, ref: OwnerReference): GraphNode | undefined {
  const owner = byUid.get(ref.uid);
  if (owner === undefined || owner.object.metadata.name !== ref.name) return undefined;
  // A namespaced owner must share the dependent's namespace; a cluster-scoped dependent cannot have one.
  if (isNamespaced(owner) && owner.object.metadata.namespace !== dependent.object.metadata.namespace) return undefined;
  return owner;
}

function classify(byUid: ReadonlyMap<string, GraphNode>, covered: ReadonlySet<string>, node: GraphNode, ref: OwnerReference): RefClass {
  const owner = resolveOwner(byUid, node, ref);
  if (owner === undefined) return covered.has(`${groupOf(ref.apiVersion)}/${ref.kind}`) ? 'dangling' : 'unknown';
  return isDeletingDependents(owner.object) ? 'waiting' : 'solid';
}

function ownerRefAsObjectReference(ref: OwnerReference, dependent: GraphNode): ObjectReference {
  return { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, ...(isNamespaced(dependent) ? { namespace: dependent.object.metadata.namespace ?? '' } : {}) };
}

/** A JSON merge patch of metadata guarded by the object's resourceVersion. */
function metadataPatch(node: GraphNode, metadata: Record<string, unknown>, requireAbsentOwners?: readonly ObjectReference[]): Action {
  return {
    type: 'patch',
    resource: node.resource,
    ...(isNamespaced(node) ? { namespace: node.object.metadata.namespace ?? '' } : {}),
    name: node.object.metadata.name ?? '',
    patchType: 'merge',
    patch: { metadata: { ...metadata, ...(node.object.metadata.resourceVersion === undefined ? {} : { resourceVersion: node.object.metadata.resourceVersion }), uid: node.object.metadata.uid } },
    ...(requireAbsentOwners === undefined || requireAbsentOwners.length === 0 ? {} : { requireAbsentOwners }),
  };
}

function removeOwnerRefs(node: GraphNode, uids: ReadonlySet<string>, requireAbsentOwners?: readonly ObjectReference[]): Action {
  const remaining = (node.object.metadata.ownerReferences ?? []).filter((r) => !uids.has(r.uid));
  return metadataPatch(node, { ownerReferences: remaining }, requireAbsentOwners);
}

function removeFinalizer(node: GraphNode, finalizer: string): Action {
  return metadataPatch(node, { finalizers: (node.object.metadata.finalizers ?? []).filter((f) => f !== finalizer) });
}

function deleteNode(node: GraphNode, policy: PropagationPolicy, requireAbsentOwners: readonly ObjectReference[]): Action {
  const o = node.object;
  const preconditions = { ...(o.metadata.uid === undefined ? {} : { uid: o.metadata.uid }), ...(o.metadata.resourceVersion === undefined ? {} : { resourceVersion: o.metadata.resourceVersion }) };
  return {
    type: 'delete',
    resource: node.resource,
    ...(isNamespaced(node) ? { namespace: o.metadata.namespace ?? '' } : {}),
    name: o.metadata.name ?? '',
    preconditions,
    propagationPolicy: policy,
    ...(requireAbsentOwners.length === 0 ? {} : { requireAbsentOwners }),
  };
}

/** attemptToDeleteItem for a dependent that is not being deleted. */
function attemptToDelete(node: GraphNode, byUid: ReadonlyMap<string, GraphNode>, covered: ReadonlySet<string>): Action[] {
  const refs = node.object.metadata.ownerReferences ?? [];
  if (refs.length === 0) return [];
  const classes = refs.map((ref) => ({ ref, cls: classify(byUid, covered, node, ref) }));
  const solid = classes.filter((c) => c.cls === 'solid' || c.cls === 'unknown');
  const dangling = classes.filter((c) => c.cls === 'dangling');
  const waiting = classes.filter((c) => c.cls === 'waiting');
  const absent = dangling.map((c) => ownerRefAsObjectReference(c.ref, node));
  if (solid.length > 0) {
    if (dangling.length === 0 && waiting.length === 0) return [];
    return [removeOwnerRefs(node, new Set([...dangling, ...waiting].map((c) => c.ref.uid)), absent)];
  }
  if (waiting.length > 0 && node.dependents.length > 0) return [deleteNode(node, 'Foreground', absent)];
  const policy: PropagationPolicy = hasFinalizer(node.object, ORPHAN_FINALIZER) ? 'Orphan' : hasFinalizer(node.object, FOREGROUND_FINALIZER) ? 'Foreground' : 'Background';
  return [deleteNode(node, policy, absent)];
}

/** processDeletingDependentsItem: the finalizer goes once no blocking dependent is left. */
function processDeletingDependents(node: GraphNode): Action[] {
  const uid = node.object.metadata.uid;
  const blocking = node.dependents.filter((d) => (d.object.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion === true));
  return blocking.length === 0 ? [removeFinalizer(node, FOREGROUND_FINALIZER)] : [];
}

/** orphanDependents, then the orphan finalizer. */
function processOrphan(node: GraphNode): Action[] {
  const uid = node.object.metadata.uid ?? '';
  return [...node.dependents.map((d) => removeOwnerRefs(d, new Set([uid]))), removeFinalizer(node, ORPHAN_FINALIZER)];
}

export function planGarbageCollection(resources: readonly GcResourceObjects[]): { actions: Action[] } {
  const covered = new Set(resources.map((r) => `${r.resource.group}/${r.resource.kind}`));
  const { byUid, nodes } = buildGraph(resources);
  const actions: Action[] = [];
  for (const node of nodes) {
    const o = node.object;
    if (o.metadata.deletionTimestamp !== undefined) {
      if (hasFinalizer(o, ORPHAN_FINALIZER)) actions.push(...processOrphan(node));
      else if (hasFinalizer(o, FOREGROUND_FINALIZER)) actions.push(...processDeletingDependents(node));
      continue;
    }
    actions.push(...attemptToDelete(node, byUid, covered));
  }
  return { actions };
}

/** For the executor's live check: whether a found object is the owner a reference meant. */
export function isSameOwner(ref: ObjectReference, found: KubeObject | undefined): boolean {
  return found !== undefined && found.metadata.uid === ref.uid;
}
