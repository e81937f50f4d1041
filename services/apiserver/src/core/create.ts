// create (POST), as Kubernetes' create handler and Store.Create run it:
//   decode -> defaults -> mutating admission -> BeforeCreate (prepareForCreate, uid,
//   creationTimestamp, generateName, generation) -> validate (422) -> validating admission
//   -> store (409 AlreadyExists) -> after-create hooks (a new Namespace gets its `default`
//   ServiceAccount here; Kubernetes' serviceaccounts controller does it asynchronously)
// A generateName create that collides retries with a new name a few times (Kubernetes retries
// once in the client; retrying here keeps `kubectl create` of generated names quiet).

import type { KubeObject, ResourceInfo } from '@skiff/api';
import { runMutating, runValidating } from './admission/admission.js';
import type { CoreContext } from './context.js';
import { fail, isApiError, statusOf } from './errors.js';
import { fieldManagerOf, generateName, trackUpdate } from './machinery.js';
import { randomUuid, rfc3339 } from './meta.js';
import { allocateServiceAddresses } from './service-ips.js';
import { badRequest } from './status.js';
import type { ApiRequest, UserInfo } from './types.js';
import { asObject, ensureNamespace, isDryRun, validateOrFail } from './write-common.js';

const GENERATE_NAME_ATTEMPTS = 5;
/** The field manager of what the apiserver writes itself (bootstrap objects, default ServiceAccounts). */
export const SYSTEM_MANAGER = 'kube-apiserver';

export interface CreateOptions {
  readonly user: UserInfo;
  readonly dryRun: boolean;
  readonly subresource?: string;
  /** The field manager recorded in managedFields; absent when the caller already did (apply). */
  readonly manager?: string;
}

export async function createFromRequest(ctx: CoreContext, info: ResourceInfo, req: ApiRequest): Promise<KubeObject> {
  const obj = asObject(info, req.body);
  ensureNamespace(info, obj, req.namespace);
  return createObject(ctx, info, obj, { user: req.user, dryRun: isDryRun(req.query), manager: fieldManagerOf(req.query, req.userAgent) });
}

/** Runs the whole create pipeline on a decoded object (also used by apply-creates and bootstrap). */
export async function createObject(ctx: CoreContext, info: ResourceInfo, input: KubeObject, opts: CreateOptions): Promise<KubeObject> {
  let obj = input;
  if (obj.metadata.resourceVersion !== undefined && obj.metadata.resourceVersion !== '') {
    fail(badRequest('resourceVersion should not be set on objects to be created'));
  }
  info.defaults(obj);
  const attrs = {
    operation: 'CREATE' as const,
    info,
    subresource: opts.subresource,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name ?? '',
    object: obj,
    oldObject: undefined,
    user: opts.user,
    dryRun: opts.dryRun,
  };
  await runMutating(ctx.admission, attrs, ctx);
  // Kubernetes stores the admitted object in its versioned form and reads it back defaulted (the
  // v1 conversion, e.g. spec.serviceAccount from the serviceAccountName admission just set).
  info.defaults(obj);
  const wantsGeneratedName = (obj.metadata.name ?? '') === '' && (obj.metadata.generateName ?? '') !== '';
  beforeCreate(ctx, info, obj);
  validateOrFail(info, obj);
  await runValidating(ctx.admission, attrs, ctx);
  if (opts.manager !== undefined) obj = trackUpdate(info, undefined, obj, opts.manager, rfc3339(ctx.clock.now()), opts.subresource);
  if (opts.dryRun) return obj;
  const release = isService(info) ? await allocateServiceAddresses(ctx, obj) : async () => undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      const created = await ctx.objects.create(info, obj);
      await afterCreate(ctx, info, created, opts.user);
      return created;
    } catch (err) {
      if (isApiError(err) && statusOf(err).reason === 'AlreadyExists' && !wantsGeneratedName) await release();
      const retry = wantsGeneratedName && attempt < GENERATE_NAME_ATTEMPTS && isApiError(err) && statusOf(err).reason === 'AlreadyExists';
      if (!retry) throw err;
      obj.metadata.name = generateName(obj.metadata.generateName as string, ctx.random);
    }
  }
}

/** rest.BeforeCreate: strategy reset, system fields, a generated name. */
export function beforeCreate(ctx: CoreContext, info: ResourceInfo, obj: KubeObject): void {
  const meta = obj.metadata;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  info.prepareForCreate(obj);
  meta.uid = randomUuid(ctx.random);
  meta.creationTimestamp = rfc3339(ctx.clock.now());
  if ((meta.name ?? '') === '' && (meta.generateName ?? '') !== '') meta.name = generateName(meta.generateName as string, ctx.random);
  // Kinds with a spec track its changes in metadata.generation (Kubernetes strategies set 1).
  if (meta.generation === undefined && 'spec' in obj) meta.generation = 1;
}

async function afterCreate(ctx: CoreContext, info: ResourceInfo, created: KubeObject, user: UserInfo): Promise<void> {
  if (info.group === '' && info.resource === 'namespaces') await ensureDefaultServiceAccount(ctx, created.metadata.name as string, user);
}

/** The `default` ServiceAccount of a namespace, created if absent (idempotent). */
export async function ensureDefaultServiceAccount(ctx: CoreContext, namespace: string, user: UserInfo): Promise<void> {
  const sa = ctx.registry.findResource('', 'serviceaccounts');
  if (sa === undefined) return;
  if ((await ctx.objects.get(sa, namespace, 'default')) !== undefined) return;
  try {
    await createObject(ctx, sa, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } } as KubeObject, { user, dryRun: false, manager: SYSTEM_MANAGER });
  } catch (err) {
    if (!(isApiError(err) && statusOf(err).reason === 'AlreadyExists')) throw err;
  }
}

export function isService(info: ResourceInfo): boolean {
  return info.group === '' && info.resource === 'services';
}
