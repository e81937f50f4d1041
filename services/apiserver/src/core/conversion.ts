// Versions served by conversion (ResourceInfo.conversion: autoscaling/v1 HorizontalPodAutoscaler
// over the stored autoscaling/v2). Kubernetes converts at the REST boundary and keeps one
// storage version; so does this: a request for the served version runs as a request for the
// storage version, with the body converted on the way in and every object, list item and watch
// event converted on the way out. A patch is applied to the served version's representation of
// the current object inside the update pipeline, so it means what the client wrote.

import type { KubeObject, ResourceInfo } from '@skiff/api';
import type { CoreContext } from './context.js';
import { fail } from './errors.js';
import { fieldManagerOf } from './machinery.js';
import { patchedObject } from './patch.js';
import { badRequest, invalid } from './status.js';
import type { ApiRequest, ApiResult, WatchEvent } from './types.js';
import { updateWith } from './update.js';
import { asObject, isDryRun } from './write-common.js';

type Next = (req: ApiRequest) => Promise<ApiResult>;
type VersionConversion = NonNullable<ResourceInfo['conversion']>;

/** Serves `req` (for the converted version `info`) through the storage version's handling. */
export async function handleConverted(ctx: CoreContext, info: ResourceInfo, conversion: VersionConversion, req: ApiRequest, next: Next): Promise<ApiResult> {
  const storage = ctx.registry.find(info.group, conversion.storageVersion, info.resource);
  if (storage === undefined) throw new Error(`${info.group}/${info.version} ${info.resource}: storage version ${conversion.storageVersion} is not registered`);
  const stored = { ...req, version: conversion.storageVersion };
  if (req.verb === 'patch') return { kind: 'object', status: 200, object: conversion.fromStorage(await patchConverted(ctx, info, storage, conversion, req)) };
  const body = req.verb === 'create' || req.verb === 'update' ? { body: conversion.toStorage(checked(info, req)) } : {};
  return fromStorage(info, conversion, await next({ ...stored, ...body }));
}

/** The body as a valid object of the served version (structure checked before converting, so errors name its fields). */
function checked(info: ResourceInfo, req: ApiRequest): KubeObject {
  const obj = asObject(info, req.body);
  info.defaults(obj);
  const errors = info.validate(obj);
  if (errors.length > 0) fail(invalid(info.kind, info.group, obj.metadata.name ?? req.name ?? '', errors));
  return obj;
}

async function patchConverted(ctx: CoreContext, info: ResourceInfo, storage: ResourceInfo, conversion: VersionConversion, req: ApiRequest): Promise<KubeObject> {
  const patchType = req.patchType;
  if (patchType === undefined) fail(badRequest('a patch needs a patch type (Content-Type)'));
  if (patchType === 'apply') fail(badRequest(`server-side apply of ${info.group}/${info.version} ${info.resource} is not supported: apply the ${conversion.storageVersion} object`));
  const subresource = req.subresource === undefined || req.subresource === '' ? {} : { subresource: req.subresource };
  const opts = { user: req.user, dryRun: isDryRun(req.query), manager: fieldManagerOf(req.query, req.userAgent), ...subresource };
  const outcome = await updateWith(ctx, storage, req.namespace, req.name as string, (current) => conversion.toStorage(patchedObject(info, conversion.fromStorage(current), patchType, req.body)), opts);
  return outcome.object;
}

function isOurs(info: ResourceInfo, obj: KubeObject): boolean {
  return obj.kind === info.kind;
}

function convertObject(info: ResourceInfo, conversion: VersionConversion, obj: KubeObject): KubeObject {
  if (isOurs(info, obj)) return conversion.fromStorage(obj);
  if (obj.kind === info.listKind && Array.isArray((obj as { items?: unknown }).items)) {
    const list = obj as KubeObject & { items: KubeObject[] };
    return { ...list, apiVersion: info.group === '' ? info.version : `${info.group}/${info.version}`, items: list.items.map((item) => conversion.fromStorage(item)) } as KubeObject;
  }
  // A Status (delete) or another kind passes as it is.
  return obj;
}

function fromStorage(info: ResourceInfo, conversion: VersionConversion, result: ApiResult): ApiResult {
  if (result.kind === 'object') return { ...result, object: convertObject(info, conversion, result.object) };
  if (result.kind === 'text') return result;
  const events = result.events;
  return {
    kind: 'watch',
    cancel: () => result.cancel(),
    events: {
      async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
        for await (const e of events) yield e.type === 'ERROR' ? e : { type: e.type, object: convertObject(info, conversion, e.object) };
      },
    },
  };
}
