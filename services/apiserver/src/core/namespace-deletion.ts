// Deleting a Namespace (Kubernetes' namespace REST Delete + the namespace controller, inline):
// 1. DELETE sets deletionTimestamp and status.phase Terminating; the namespace keeps the
//    `kubernetes` entry of spec.finalizers (set at creation), so it stays;
// 2. a cleanup pass deletes every namespaced object in it (Background propagation, the pods'
//    default grace periods) and repeats every namespaceCleanupIntervalMs while some remain
//    (pods on a node wait for their kubelet; objects with finalizers for their controllers);
// 3. once it is empty, `kubernetes` leaves spec.finalizers, and the namespace goes when its
//    metadata.finalizers are gone too.
// Kubernetes runs 2-3 in the controller manager; here every apiserver replica may run them, so
// each step is idempotent (CAS writes, 404 tolerated), and ready() resumes namespaces left
// Terminating by a restart. The controller-manager issue may move this out.

import type { KubeObject, ResourceInfo } from '@skiff/api';
import { runMutating, runValidating } from './admission/admission.js';
import { encodeObject } from './codec.js';
import type { CoreContext } from './context.js';
import { finalizersAfterDelete, type DeleteOptions } from './delete-plan.js';
import { deleteObject } from './delete.js';
import { fail, isApiError, statusOf } from './errors.js';
import { listPrefix } from './keys.js';
import { cloneObject, FINALIZER_KUBERNETES, finalizersOf, isBeingDeleted, namespaceFinalizers, rfc3339 } from './meta.js';
import { guard } from './object-store.js';
import { conflict, OBJECT_MODIFIED } from './status.js';
import type { UserInfo } from './types.js';
import type { WriteResponse } from './update.js';

const NAMESPACE_DELETE_ATTEMPTS = 16;
const CLEANUP_ROUNDS_MAX = 100_000;

export const SYSTEM_USER: UserInfo = { username: 'system:apiserver', groups: ['system:masters'] };

export async function deleteNamespace(ctx: CoreContext, info: ResourceInfo, name: string, opts: DeleteOptions, user: UserInfo, cleaner: NamespaceCleaner): Promise<WriteResponse> {
  for (let attempt = 0; attempt < NAMESPACE_DELETE_ATTEMPTS; attempt++) {
    const current = await ctx.objects.mustGet(info, undefined, name);
    checkPreconditions(info, current, opts);
    const attrs = { operation: 'DELETE' as const, info, subresource: undefined, namespace: undefined, name, object: undefined, oldObject: current, user, dryRun: opts.dryRun };
    await runMutating(ctx.admission, attrs, ctx);
    await runValidating(ctx.admission, attrs, ctx);
    const finalizers = finalizersAfterDelete(current, opts);
    const rev = Number(current.metadata.resourceVersion);
    const key = ctx.objects.key(info, undefined, name);
    if (isBeingDeleted(current)) {
      if (finalizers.length > 0 || namespaceFinalizers(current).length > 0) {
        if (!opts.dryRun) cleaner.ensure(name);
        return { object: current, status: 200 };
      }
      if (opts.dryRun) return { object: current, status: 200 };
      if ((await guard(ctx.storage.delete(key, rev))).ok) return { object: current, status: 200 };
      continue;
    }
    const obj = terminating(current, finalizers, ctx.clock.now());
    if (opts.dryRun) return { object: obj, status: 200 };
    if (finalizers.length === 0 && namespaceFinalizers(obj).length === 0) {
      if ((await guard(ctx.storage.delete(key, rev))).ok) return { object: current, status: 200 };
      continue;
    }
    const r = await guard(ctx.storage.update(key, encodeObject(obj), rev));
    if (!r.ok) continue;
    obj.metadata.resourceVersion = String(r.revision);
    cleaner.ensure(name);
    return { object: obj, status: 200 };
  }
  return fail(conflict(info, name, OBJECT_MODIFIED));
}

function terminating(current: KubeObject, finalizers: string[], nowMs: number): KubeObject {
  const obj = cloneObject(current);
  obj.metadata.deletionTimestamp = rfc3339(nowMs);
  obj.metadata.deletionGracePeriodSeconds = 0;
  if (finalizers.length > 0) obj.metadata.finalizers = finalizers;
  else delete obj.metadata.finalizers;
  obj['status'] = { ...((obj['status'] as Record<string, unknown> | undefined) ?? {}), phase: 'Terminating' };
  return obj;
}

function checkPreconditions(info: ResourceInfo, current: KubeObject, opts: DeleteOptions): void {
  const p = opts.preconditions;
  if (p?.uid !== undefined && p.uid !== current.metadata.uid) {
    fail(conflict(info, current.metadata.name ?? '', `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${current.metadata.uid ?? ''}`));
  }
  if (p?.resourceVersion !== undefined && p.resourceVersion !== current.metadata.resourceVersion) {
    fail(conflict(info, current.metadata.name ?? '', `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`));
  }
}

/** Runs at most one cleanup loop per namespace in this process. */
export class NamespaceCleaner {
  private readonly running = new Set<string>();

  constructor(private readonly ctx: CoreContext) {}

  ensure(namespace: string): void {
    if (this.running.has(namespace) || this.ctx.stopping) return;
    this.running.add(namespace);
    this.ctx.background(`namespace cleanup ${namespace}`, async () => {
      try {
        await this.run(namespace);
      } finally {
        this.running.delete(namespace);
      }
    });
  }

  /** Resumes every namespace left Terminating (after a restart). */
  async resumeAll(): Promise<void> {
    const info = this.ctx.registry.findResource('', 'namespaces');
    if (info === undefined) return;
    const page = await guard(this.ctx.storage.list(listPrefix('', 'namespaces', undefined)));
    for (const kv of page.kvs) {
      const ns = JSON.parse(new TextDecoder().decode(kv.value)) as KubeObject;
      if (isBeingDeleted(ns)) this.ensure(ns.metadata.name as string);
    }
  }

  private async run(namespace: string): Promise<void> {
    const info = this.ctx.registry.findResource('', 'namespaces') as ResourceInfo;
    for (let round = 0; round < CLEANUP_ROUNDS_MAX && !this.ctx.stopping; round++) {
      const ns = await this.ctx.objects.get(info, undefined, namespace);
      if (ns === undefined || !isBeingDeleted(ns)) return;
      const remaining = await this.deleteContents(namespace);
      if (remaining === 0) {
        await this.finalize(info, namespace);
        return;
      }
      if (!(await this.ctx.sleep(this.ctx.tunables.namespaceCleanupIntervalMs))) return;
    }
  }

  /** Deletes what is in the namespace; returns how many objects are still there. */
  private async deleteContents(namespace: string): Promise<number> {
    let remaining = 0;
    const seen = new Set<string>();
    for (const info of this.ctx.registry.all) {
      const id = `${info.group}/${info.resource}`;
      if (!info.namespaced || seen.has(id) || !info.verbs.includes('delete')) continue;
      seen.add(id);
      const page = await guard(this.ctx.storage.list(listPrefix(info.group, info.resource, namespace)));
      for (const kv of page.kvs) {
        const obj = JSON.parse(new TextDecoder().decode(kv.value)) as KubeObject;
        remaining++;
        if (isBeingDeleted(obj)) continue;
        try {
          const r = await deleteObject(this.ctx, info, namespace, obj.metadata.name as string, { propagationPolicy: 'Background', dryRun: false }, SYSTEM_USER);
          if (r.object.kind === 'Status' || !isBeingDeleted(r.object)) remaining--;
        } catch (err) {
          if (isApiError(err) && statusOf(err).code === 404) remaining--;
          else this.ctx.logger.warn({ err, namespace, resource: id }, 'namespace cleanup: delete failed');
        }
      }
    }
    return remaining;
  }

  /** The namespace is empty: drop `kubernetes` from spec.finalizers, then delete it if nothing else holds it. */
  private async finalize(info: ResourceInfo, namespace: string): Promise<void> {
    try {
      await this.ctx.objects.guaranteedUpdate(info, undefined, namespace, (ns) => {
        const spec = (ns['spec'] as Record<string, unknown> | undefined) ?? {};
        const left = namespaceFinalizers(ns).filter((f) => f !== FINALIZER_KUBERNETES);
        if (left.length === 0 && finalizersOf(ns).length === 0) return { type: 'delete' };
        ns['spec'] = { ...spec, finalizers: left };
        return { type: 'put', object: ns };
      });
    } catch (err) {
      if (!(isApiError(err) && statusOf(err).code === 404)) throw err;
    }
  }
}
