// update (PUT) and the shared update pipeline that patch, scale and finalizer removal use
// (Kubernetes' Store.Update inside GuaranteedUpdate's tryUpdate):
//   produce the new object from the current one -> optimistic concurrency (409 Conflict when the
//   body's resourceVersion is stale; absent = unconditional where the kind allows it) -> carry the
//   system fields over -> defaults -> mutating admission -> prepareForUpdate (main resource keeps
//   status, status keeps spec and metadata) -> validate against the old object (422) ->
//   validating admission -> CAS write, or a delete when the last finalizer of an object being
//   deleted (without a pending grace period) went away.

import type { KubeObject, ResourceInfo } from '@skiff/api';
import { runMutating, runValidating } from './admission/admission.js';
import type { CoreContext } from './context.js';
import { createObject } from './create.js';
import { afterDelete } from './delete.js';
import { fail } from './errors.js';
import { fieldManagerOf, trackUpdate } from './machinery.js';
import { cloneObject, finalizersOf, isBeingDeleted, jsonEqual, namespaceFinalizers, rfc3339 } from './meta.js';
import type { UpdateOutcome } from './object-store.js';
import { badRequest, conflict, invalid, OBJECT_MODIFIED } from './status.js';
import type { ApiRequest, UserInfo } from './types.js';
import { dropTypeDependentFields, updateServiceNodePorts } from './service-ips.js';
import { asObject, ensureNamespace, isDryRun, validateOrFail } from './write-common.js';

/** Kinds whose updates must carry a resourceVersion (their strategy's AllowUnconditionalUpdate is false). */
const CONDITIONAL_ONLY = new Set(['policy/poddisruptionbudgets', 'certificates.k8s.io/certificatesigningrequests']);

/** Kinds a PUT may create (their strategy's AllowCreateOnUpdate is true). */
const CREATE_ON_UPDATE = new Set([
  '/endpoints',
  '/events',
  '/limitranges',
  'events.k8s.io/events',
  'coordination.k8s.io/leases',
  'rbac.authorization.k8s.io/roles',
  'rbac.authorization.k8s.io/rolebindings',
  'rbac.authorization.k8s.io/clusterroles',
  'rbac.authorization.k8s.io/clusterrolebindings',
]);

export interface UpdateOptions {
  readonly user: UserInfo;
  readonly dryRun: boolean;
  readonly subresource?: string;
  /** The field manager recorded in managedFields; absent when the caller already did (apply). */
  readonly manager?: string;
}

export interface WriteResponse {
  readonly object: KubeObject;
  readonly status: number;
}

export async function updateFromRequest(ctx: CoreContext, info: ResourceInfo, req: ApiRequest, subresource?: string): Promise<WriteResponse> {
  const body = asObject(info, req.body);
  ensureNamespace(info, body, req.namespace);
  const name = req.name as string;
  if ((body.metadata.name ?? '') !== name) fail(badRequest(`the name of the object (${body.metadata.name ?? ''}) does not match the name on the URL (${name})`));
  const opts = { user: req.user, dryRun: isDryRun(req.query), manager: fieldManagerOf(req.query, req.userAgent), ...(subresource === undefined ? {} : { subresource }) };
  if (subresource === undefined && CREATE_ON_UPDATE.has(`${info.group}/${info.resource}`)) {
    const existing = await ctx.objects.get(info, req.namespace, name);
    if (existing === undefined) return { object: await createObject(ctx, info, body, opts), status: 201 };
  }
  const outcome = await updateWith(ctx, info, req.namespace, name, () => cloneObject(body), opts);
  return { object: outcome.object, status: 200 };
}

/** GuaranteedUpdate with the full update pipeline around `produce`. */
export async function updateWith(
  ctx: CoreContext,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  produce: (current: KubeObject) => KubeObject | Promise<KubeObject>,
  opts: UpdateOptions,
): Promise<UpdateOutcome> {
  let releaseDropped: (() => Promise<void>) | undefined;
  const reservedNodePorts = new Set<number>();
  const outcome = await ctx.objects.guaranteedUpdate(info, namespace, name, async (current) => {
    const obj = await produce(cloneObject(current));
    checkPreconditions(info, obj, current, name);
    carrySystemFields(obj, current);
    if (opts.subresource === undefined) info.defaults(obj);
    const attrs = { operation: 'UPDATE' as const, info, subresource: opts.subresource, namespace, name, object: obj, oldObject: current, user: opts.user, dryRun: opts.dryRun };
    await runMutating(ctx.admission, attrs, ctx);
    if (opts.subresource === undefined) info.defaults(obj);
    prepareForUpdate(info, obj, current, opts.subresource);
    if (isCoreServices(info) && opts.subresource === undefined) dropTypeDependentFields(obj, current);
    validateOrFail(info, obj, current);
    checkFinalizers(info, obj, current);
    await runValidating(ctx.admission, attrs, ctx);
    if (shouldDeleteDuringUpdate(obj, current)) return opts.dryRun ? { type: 'keep' } : { type: 'delete' };
    if (isCoreServices(info) && opts.subresource === undefined && !opts.dryRun) {
      releaseDropped = await updateServiceNodePorts(ctx, obj, current, reservedNodePorts);
    }
    const tracked = opts.manager === undefined ? obj : trackUpdate(info, current, obj, opts.manager, rfc3339(ctx.clock.now()), opts.subresource);
    return { type: 'put', object: tracked, dryRun: opts.dryRun };
  });
  if (outcome.type === 'deleted') await afterDelete(ctx, info, outcome.object);
  else await releaseDropped?.();
  return outcome;
}

function isCoreServices(info: ResourceInfo): boolean {
  return info.group === '' && info.resource === 'services';
}

function checkPreconditions(info: ResourceInfo, obj: KubeObject, current: KubeObject, name: string): void {
  const rv = obj.metadata.resourceVersion ?? '';
  if (rv === '') {
    if (CONDITIONAL_ONLY.has(`${info.group}/${info.resource}`)) {
      fail(invalid(info.kind, info.group, name, [{ type: 'Invalid', field: 'metadata.resourceVersion', value: 0, message: 'Invalid value: 0x0: must be specified for an update' }]));
    }
  } else if (rv !== current.metadata.resourceVersion) {
    fail(conflict(info, name, OBJECT_MODIFIED));
  }
  const uid = obj.metadata.uid ?? '';
  if (uid !== '' && uid !== current.metadata.uid) {
    fail(conflict(info, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid ?? ''}`));
  }
}

/** Fields only the server sets survive any update (rest.BeforeUpdate / FillObjectMetaSystemFields). */
function carrySystemFields(obj: KubeObject, current: KubeObject): void {
  const m = obj.metadata;
  const c = current.metadata;
  for (const f of SYSTEM_FIELDS) copyOrDelete(m, c, f);
}

const SYSTEM_FIELDS = ['uid', 'creationTimestamp', 'resourceVersion', 'namespace', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const;

function copyOrDelete(m: KubeObject['metadata'], c: KubeObject['metadata'], field: (typeof SYSTEM_FIELDS)[number]): void {
  const mm = m as Record<string, unknown>;
  const cc = c as Record<string, unknown>;
  if (cc[field] === undefined) delete mm[field];
  else mm[field] = cc[field];
}

/** The strategy hook, plus the parts of it every kind shares. */
function prepareForUpdate(info: ResourceInfo, obj: KubeObject, current: KubeObject, subresource: string | undefined): void {
  if (subresource === 'status') {
    // Which metadata a status write may change is the kind's own rule (Kubernetes' status
    // strategies differ: a Deployment's status update keeps its labels but may set annotations,
    // which is how the deployment controller records deployment.kubernetes.io/revision).
    info.prepareForUpdate(obj, current, 'status');
    if ('spec' in current) obj['spec'] = current['spec'];
    else delete obj['spec'];
    return;
  }
  info.prepareForUpdate(obj, current);
  // Generation counts spec changes (metav1 conventions); kept if the strategy already bumped it.
  const gen = current.metadata.generation;
  if (typeof gen === 'number' && obj.metadata.generation === gen && !jsonEqual(obj['spec'], current['spec'])) obj.metadata.generation = gen + 1;
}

/** ValidateObjectMetaUpdate: no new finalizers once deletion started. */
function checkFinalizers(info: ResourceInfo, obj: KubeObject, current: KubeObject): void {
  if (!isBeingDeleted(current)) return;
  const old = new Set(finalizersOf(current));
  const added = finalizersOf(obj).filter((f) => !old.has(f));
  if (added.length > 0) {
    fail(invalid(info.kind, info.group, obj.metadata.name ?? '', [{ type: 'Forbidden', field: 'metadata.finalizers', message: 'Forbidden: no new finalizers can be added if the object is being deleted' }]));
  }
}

/** Store.shouldDeleteDuringUpdate: the last finalizer is gone and no grace period is pending. */
function shouldDeleteDuringUpdate(obj: KubeObject, current: KubeObject): boolean {
  if (finalizersOf(obj).length > 0 || !isBeingDeleted(current)) return false;
  // A Namespace also waits for its spec.finalizers (the namespace controller's `kubernetes`).
  if (obj.kind === 'Namespace' && namespaceFinalizers(obj).length > 0) return false;
  const grace = current.metadata.deletionGracePeriodSeconds;
  return grace === undefined || grace === null || grace === 0;
}
