// patch (PATCH): the patch is applied to the CURRENT object inside the update pipeline's
// GuaranteedUpdate, so a concurrent write makes it re-apply to the newer object instead of
// failing (Kubernetes' patcher); only a patch that itself sets metadata.resourceVersion can
// conflict. Types:
// - json (RFC 6902), merge (RFC 7386), strategic (Kubernetes' strategic merge patch, per the
//   kind's patch strategies) via @skiff/apimachinery;
// - apply: server-side apply with managedFields; conflicts with other managers are 409 with
//   FieldManagerConflict causes unless force=true; on a missing object it creates it (201).

import type { KubeObject, ResourceInfo } from '@skiff/api';
import type { CoreContext } from './context.js';
import { createObject } from './create.js';
import { fail } from './errors.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, fieldManagerOf, serverSideApply } from './machinery.js';
import { rfc3339 } from './meta.js';
import { badRequest, invalid } from './status.js';
import type { ApiRequest, PatchType } from './types.js';
import { updateWith, type WriteResponse } from './update.js';
import { asObject, ensureNamespace, isDryRun } from './write-common.js';

export async function patchFromRequest(ctx: CoreContext, info: ResourceInfo, req: ApiRequest, subresource?: string): Promise<WriteResponse> {
  const patchType = req.patchType;
  if (patchType === undefined) fail(badRequest('a patch needs a patch type (Content-Type)'));
  const name = req.name as string;
  const opts = { user: req.user, dryRun: isDryRun(req.query), manager: fieldManagerOf(req.query, req.userAgent), ...(subresource === undefined ? {} : { subresource }) };
  if (patchType === 'apply') return applyPatch(ctx, info, req, subresource);
  const outcome = await updateWith(ctx, info, req.namespace, name, (current) => patchedObject(info, current, patchType, req.body), opts);
  return { object: outcome.object, status: 200 };
}

/** The current object with the patch applied, as an object of the resource's kind. */
export function patchedObject(info: ResourceInfo, current: KubeObject, patchType: Exclude<PatchType, 'apply'>, patch: unknown): KubeObject {
  let out: unknown;
  if (patchType === 'json') out = applyJsonPatch(current, patch);
  else {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) fail(badRequest(`the ${patchType} patch must be a JSON object`));
    out = patchType === 'merge' ? applyMergePatch(current, patch) : applyStrategicMergePatch(info, current, patch);
  }
  const obj = asObject(info, out);
  // A patch may not move an object to another name or namespace.
  if (obj.metadata.name !== current.metadata.name) fail(badRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${current.metadata.name ?? ''})`));
  if ((obj.metadata.namespace ?? '') !== (current.metadata.namespace ?? '')) fail(badRequest('the namespace of the provided object does not match the namespace sent on the request'));
  return obj;
}

async function applyPatch(ctx: CoreContext, info: ResourceInfo, req: ApiRequest, subresource: string | undefined): Promise<WriteResponse> {
  const manager = req.query.get('fieldManager') ?? '';
  const name = req.name as string;
  if (manager === '') fail(invalid(info.kind, info.group, name, [{ type: 'Required', field: 'fieldManager', message: 'Required value: is required for apply patch' }]));
  const force = parseForce(req.query.get('force'));
  const applied = asObject(info, req.body);
  ensureNamespace(info, applied, req.namespace);
  if ((applied.metadata.name ?? '') !== name) fail(badRequest(`the name of the object (${applied.metadata.name ?? ''}) does not match the name on the URL (${name})`));
  const dryRun = isDryRun(req.query);
  const opts = { user: req.user, dryRun, ...(subresource === undefined ? {} : { subresource }) };
  const now = () => rfc3339(ctx.clock.now());
  if (subresource === undefined && (await ctx.objects.get(info, req.namespace, name)) === undefined) {
    const created = serverSideApply(info, undefined, applied, { manager, force, time: now(), subresource });
    return { object: await createObject(ctx, info, created, opts), status: 201 };
  }
  const outcome = await updateWith(ctx, info, req.namespace, name, (current) => serverSideApply(info, current, applied, { manager, force, time: now(), subresource }), opts);
  return { object: outcome.object, status: 200 };
}

function parseForce(v: string | null): boolean {
  if (v === null || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  return fail(badRequest(`invalid force "${v}"`));
}
