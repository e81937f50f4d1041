// pods/eviction (policy/v1 Eviction; Kubernetes' EvictionREST): a graceful delete that honours
// PodDisruptionBudgets. A pod that is not running (Pending, Succeeded, Failed) or already being
// deleted is deleted without a budget check. Otherwise the one PDB selecting it must allow a
// disruption: its status.disruptionsAllowed is decremented (and the pod recorded in
// status.disruptedPods) with a CAS on the PDB before the pod is deleted; a budget that allows none,
// or that its controller has not processed yet, answers 429 TooManyRequests and kubectl retries.
// Success is 201 with a Success Status.

import type { KubeObject, ResourceInfo } from '@skiff/api';
import type { CoreContext } from '../context.js';
import type { DeleteOptions } from '../delete-plan.js';
import { deleteObject } from '../delete.js';
import { fail } from '../errors.js';
import { labelSelectorMatcher, type LabelSelectorSpec } from '../machinery.js';
import { getPath, isBeingDeleted, labelsOf, recordAt, rfc3339 } from '../meta.js';
import { listPrefix } from '../keys.js';
import { decodeObject, encodeObject } from '../codec.js';
import { guard } from '../object-store.js';
import { badRequest, internalError, statusSuccess, tooManyRequests } from '../status.js';
import type { ApiRequest } from '../types.js';
import { isDryRun } from '../write-common.js';

const EVICTION_ATTEMPTS = 8;
export const PDB_VIOLATION_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";

export async function createEviction(ctx: CoreContext, pods: ResourceInfo, req: ApiRequest, podName: string): Promise<KubeObject> {
  const eviction = evictionFrom(req.body, podName);
  const deleteOptions = evictionDeleteOptions(eviction, isDryRun(req.query));
  for (let attempt = 0; attempt < EVICTION_ATTEMPTS; attempt++) {
    const pod = await ctx.objects.mustGet(pods, req.namespace, podName);
    if (!canIgnorePdb(pod)) {
      const pdb = await disruptionBudgetFor(ctx, pod);
      if (pdb !== undefined && !(await takeDisruption(ctx, pdb, pod, deleteOptions.dryRun))) continue;
    }
    await deleteObject(ctx, pods, req.namespace, podName, deleteOptions, req.user);
    return statusSuccess(undefined, 201) as unknown as KubeObject;
  }
  return fail(tooManyRequests('the eviction could not get a consistent view of the pod and its disruption budget, please try again', 1));
}

function evictionFrom(body: unknown, podName: string): KubeObject {
  if (typeof body !== 'object' || body === null) fail(badRequest('the body must be a policy/v1 Eviction'));
  const name = getPath(body, ['metadata', 'name']);
  if (name !== undefined && name !== '' && name !== podName) fail(badRequest('name in URL does not match name in Eviction object'));
  return body as KubeObject;
}

function evictionDeleteOptions(eviction: KubeObject, dryRunQuery: boolean): DeleteOptions {
  const d = recordAt(eviction, 'deleteOptions');
  const grace = d['gracePeriodSeconds'];
  const policy = d['propagationPolicy'];
  const pre = recordAt(d, 'preconditions');
  return {
    ...(typeof grace === 'number' ? { gracePeriodSeconds: grace } : {}),
    ...(policy === 'Orphan' || policy === 'Background' || policy === 'Foreground' ? { propagationPolicy: policy } : {}),
    ...(typeof pre['uid'] === 'string' || typeof pre['resourceVersion'] === 'string'
      ? { preconditions: { ...(typeof pre['uid'] === 'string' ? { uid: pre['uid'] } : {}), ...(typeof pre['resourceVersion'] === 'string' ? { resourceVersion: pre['resourceVersion'] } : {}) } }
      : {}),
    dryRun: dryRunQuery || (Array.isArray(d['dryRun']) && (d['dryRun'] as unknown[]).includes('All')),
  };
}

/** Pods not running, or already going away, are evicted without asking a budget. */
export function canIgnorePdb(pod: KubeObject): boolean {
  const phase = getPath(pod, ['status', 'phase']);
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || isBeingDeleted(pod);
}

/** The PodDisruptionBudget selecting the pod (live read); 500 when several do, as Kubernetes. */
async function disruptionBudgetFor(ctx: CoreContext, pod: KubeObject): Promise<KubeObject | undefined> {
  const info = ctx.registry.findResource('policy', 'poddisruptionbudgets');
  if (info === undefined) return undefined;
  const page = await guard(ctx.storage.list(listPrefix('policy', 'poddisruptionbudgets', pod.metadata.namespace)));
  const labels = labelsOf(pod);
  const matching = page.kvs
    .map((kv) => decodeObject(kv.value, kv.modRevision))
    .filter((pdb) => {
      const sel = getPath(pdb, ['spec', 'selector']) as LabelSelectorSpec | undefined;
      // policy/v1: an empty selector selects every pod of the namespace, a missing one none.
      return labelSelectorMatcher(sel)(labels);
    });
  if (matching.length > 1) fail(internalError('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.'));
  return matching[0];
}

/** Takes one disruption from the budget (CAS on the PDB); false when the PDB changed meanwhile. 429 when none is allowed. */
async function takeDisruption(ctx: CoreContext, pdb: KubeObject, pod: KubeObject, dryRun: boolean): Promise<boolean> {
  const status = recordAt(pdb, 'status');
  const name = pdb.metadata.name ?? '';
  const observed = typeof status['observedGeneration'] === 'number' ? status['observedGeneration'] : 0;
  const generation = typeof pdb.metadata.generation === 'number' ? pdb.metadata.generation : 0;
  if (observed < generation) {
    fail(violation(`The disruption budget ${name} is still being processed by the server.`));
  }
  const allowed = typeof status['disruptionsAllowed'] === 'number' ? status['disruptionsAllowed'] : 0;
  if (allowed <= 0) {
    const desired = typeof status['desiredHealthy'] === 'number' ? status['desiredHealthy'] : 0;
    const current = typeof status['currentHealthy'] === 'number' ? status['currentHealthy'] : 0;
    fail(violation(`The disruption budget ${name} needs ${desired} healthy pods and has ${current} currently`));
  }
  if (dryRun) return true;
  const disrupted = { ...recordAt(status, 'disruptedPods'), [pod.metadata.name as string]: rfc3339(ctx.clock.now()) };
  const updated = { ...pdb, status: { ...status, disruptionsAllowed: allowed - 1, disruptedPods: disrupted } } as KubeObject;
  const { resourceVersion: _rv, ...meta } = pdb.metadata;
  updated.metadata = meta;
  const pdbInfo = ctx.registry.findResource('policy', 'poddisruptionbudgets') as ResourceInfo;
  const key = ctx.objects.key(pdbInfo, pdb.metadata.namespace, name);
  const r = await guard(ctx.storage.update(key, encodeObject(updated), Number(pdb.metadata.resourceVersion)));
  return r.ok;
}

function violation(cause: string) {
  const s = tooManyRequests(PDB_VIOLATION_MESSAGE);
  return { ...s, details: { ...(s.details ?? {}), causes: [{ reason: 'DisruptionBudget', message: cause }] } };
}
