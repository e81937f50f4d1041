// delete and deletecollection (Kubernetes' Store.Delete / DeleteCollection): preconditions (409),
// admission, then the plan of delete-plan.ts carried out with a CAS on the object's
// modRevision (a concurrent write makes it re-plan). The answer is the object while it stays
// (deletionTimestamp set), else the deleted object for kinds whose Kubernetes store has
// ReturnDeletedObject, else a Status Success naming it. Namespaces take their own path
// (namespace-deletion.ts).

import type { KubeObject, ResourceInfo } from '@skiff/api';
import { runMutating, runValidating } from './admission/admission.js';
import { encodeObject } from './codec.js';
import type { CoreContext } from './context.js';
import { planDeletion, type DeleteOptions, type PropagationPolicy } from './delete-plan.js';
import { fail, isApiError, statusOf } from './errors.js';
import { listOutcome, listObject } from './read.js';
import { guard } from './object-store.js';
import { badRequest, conflict, OBJECT_MODIFIED, statusSuccess } from './status.js';
import type { ApiRequest, UserInfo } from './types.js';
import type { WriteResponse } from './update.js';
import { isDryRun } from './write-common.js';
import { releaseServiceAddresses } from './service-ips.js';
import { isService } from './create.js';

/** Kinds whose delete answers with the deleted object (ReturnDeletedObject in their Kubernetes store). */
const RETURNS_DELETED_OBJECT = new Set(['/pods', '/services', '/serviceaccounts', '/namespaces', 'storage.k8s.io/storageclasses']);

const DELETE_ATTEMPTS = 16;

/** DeleteOptions from the body, with query parameters (gracePeriodSeconds, propagationPolicy, orphanDependents, dryRun) as fallbacks. */
export function deleteOptionsFrom(req: ApiRequest): DeleteOptions {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
  const q = req.query;
  const grace = body['gracePeriodSeconds'] ?? numberParam(q.get('gracePeriodSeconds'));
  const policy = body['propagationPolicy'] ?? q.get('propagationPolicy') ?? undefined;
  const orphan = body['orphanDependents'] ?? boolParam(q.get('orphanDependents'));
  if (grace !== undefined && grace !== null && (typeof grace !== 'number' || !Number.isInteger(grace))) fail(badRequest('gracePeriodSeconds must be an integer'));
  if (policy !== undefined && policy !== null && policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
    fail(badRequest(`propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan"`));
  }
  if (orphan !== undefined && orphan !== null && policy !== undefined && policy !== null) fail(badRequest('orphanDependents: Invalid value: using both OrphanDependents and PropagationPolicy is not allowed'));
  const bodyDryRun = Array.isArray(body['dryRun']) && (body['dryRun'] as unknown[]).includes('All');
  const pre = body['preconditions'] as { uid?: unknown; resourceVersion?: unknown } | undefined;
  return {
    ...(typeof grace === 'number' ? { gracePeriodSeconds: grace } : {}),
    ...(typeof policy === 'string' ? { propagationPolicy: policy as PropagationPolicy } : {}),
    ...(typeof orphan === 'boolean' ? { orphanDependents: orphan } : {}),
    ...(pre !== undefined && pre !== null
      ? { preconditions: { ...(typeof pre.uid === 'string' ? { uid: pre.uid } : {}), ...(typeof pre.resourceVersion === 'string' ? { resourceVersion: pre.resourceVersion } : {}) } }
      : {}),
    dryRun: bodyDryRun || isDryRun(q),
  };
}

function numberParam(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) fail(badRequest(`invalid gracePeriodSeconds "${v}"`));
  return n;
}

function boolParam(v: string | null): boolean | undefined {
  return v === 'true' ? true : v === 'false' ? false : undefined;
}

export async function deleteFromRequest(ctx: CoreContext, info: ResourceInfo, req: ApiRequest): Promise<WriteResponse> {
  return deleteObject(ctx, info, req.namespace, req.name as string, deleteOptionsFrom(req), req.user);
}

export async function deleteObject(ctx: CoreContext, info: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions, user: UserInfo): Promise<WriteResponse> {
  for (let attempt = 0; attempt < DELETE_ATTEMPTS; attempt++) {
    const current = await ctx.objects.mustGet(info, namespace, name);
    checkPreconditions(info, current, opts);
    const attrs = { operation: 'DELETE' as const, info, subresource: undefined, namespace, name, object: undefined, oldObject: current, user, dryRun: opts.dryRun };
    await runMutating(ctx.admission, attrs, ctx);
    await runValidating(ctx.admission, attrs, ctx);
    const plan = planDeletion(info, current, opts, ctx.clock.now());
    if (plan.type === 'pending') return { object: current, status: 200 };
    if (opts.dryRun) return { object: plan.type === 'update' ? plan.object : deletedAnswer(info, current), status: 200 };
    const key = ctx.objects.key(info, namespace, name);
    const rev = Number(current.metadata.resourceVersion);
    if (plan.type === 'deleteNow') {
      const r = await guard(ctx.storage.delete(key, rev));
      if (!r.ok) continue;
      await afterDelete(ctx, info, current);
      return { object: deletedAnswer(info, current), status: 200 };
    }
    const r = await guard(ctx.storage.update(key, encodeObject(plan.object), rev));
    if (r.ok) {
      plan.object.metadata.resourceVersion = String(r.revision);
      return { object: plan.object, status: 200 };
    }
  }
  return fail(conflict(info, name, OBJECT_MODIFIED));
}

function checkPreconditions(info: ResourceInfo, current: KubeObject, opts: DeleteOptions): void {
  const p = opts.preconditions;
  const name = current.metadata.name ?? '';
  if (p?.uid !== undefined && p.uid !== current.metadata.uid) {
    fail(conflict(info, name, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${current.metadata.uid ?? ''}`));
  }
  if (p?.resourceVersion !== undefined && p.resourceVersion !== current.metadata.resourceVersion) {
    fail(conflict(info, name, `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`));
  }
}

function deletedAnswer(info: ResourceInfo, obj: KubeObject): KubeObject {
  if (RETURNS_DELETED_OBJECT.has(`${info.group}/${info.resource}`)) return obj;
  return statusSuccess({
    name: obj.metadata.name ?? '',
    ...(info.group === '' ? {} : { group: info.group }),
    kind: info.resource,
    ...(obj.metadata.uid === undefined ? {} : { uid: obj.metadata.uid }),
  }) as unknown as KubeObject;
}

/** DELETE on a collection: every object the selectors match; the answer lists what was deleted. */
export async function deleteCollection(ctx: CoreContext, info: ResourceInfo, req: ApiRequest, deleteOne = deleteObject): Promise<KubeObject> {
  const opts = deleteOptionsFrom(req);
  const listQuery = new URLSearchParams();
  for (const k of ['labelSelector', 'fieldSelector']) {
    const v = req.query.get(k);
    if (v !== null) listQuery.set(k, v);
  }
  const listed = await listOutcome(ctx, info, req.namespace, listQuery);
  const deleted: KubeObject[] = [];
  for (const obj of listed.items) {
    try {
      const r = await deleteOne(ctx, info, obj.metadata.namespace, obj.metadata.name as string, opts, req.user);
      deleted.push(r.object.kind === 'Status' ? obj : r.object);
    } catch (err) {
      if (!(isApiError(err) && statusOf(err).code === 404)) throw err;
    }
  }
  return listObject(info, { items: deleted, revision: listed.revision });
}

/** What goes with an object when it leaves the store (a Service's addresses). */
export async function afterDelete(ctx: CoreContext, info: ResourceInfo, last: KubeObject): Promise<void> {
  if (isService(info)) await releaseServiceAddresses(ctx, last);
}
