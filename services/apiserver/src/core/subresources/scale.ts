// The scale subresource (autoscaling/v1 Scale) of deployments, replicasets, statefulsets and
// replicationcontrollers: GET reads spec.replicas, status.replicas and the selector as a string;
// PUT and PATCH change only spec.replicas of the parent, through the parent's update pipeline
// (a Scale carrying a resourceVersion is a precondition, as in Kubernetes' ScaleREST).

import type { KubeObject, ResourceInfo } from '@skiff/api';
import type { CoreContext } from '../context.js';
import { fail } from '../errors.js';
import { applyJsonPatch, applyMergePatch, fieldManagerOf, formatLabelSelector, type LabelSelectorSpec } from '../machinery.js';
import { getPath } from '../meta.js';
import { badRequest, invalid } from '../status.js';
import type { ApiRequest } from '../types.js';
import { updateWith, type WriteResponse } from '../update.js';
import { isDryRun } from '../write-common.js';

export function scaleOf(info: ResourceInfo, obj: KubeObject): KubeObject {
  const m = obj.metadata;
  const selector = getPath(obj, ['spec', 'selector']);
  // ReplicationControllers have a plain label map as their selector.
  const selectorText =
    info.group === '' ? formatLabelSelector({ matchLabels: (selector ?? {}) as Record<string, string> }) : formatLabelSelector(selector as LabelSelectorSpec | undefined);
  const metadata: Record<string, unknown> = { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp };
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata,
    spec: { replicas: numberAt(obj, ['spec', 'replicas']) },
    status: { replicas: numberAt(obj, ['status', 'replicas']), selector: selectorText },
  } as KubeObject;
}

function numberAt(obj: unknown, path: readonly string[]): number {
  const v = getPath(obj, path);
  return typeof v === 'number' ? v : 0;
}

export async function getScale(ctx: CoreContext, info: ResourceInfo, req: ApiRequest): Promise<KubeObject> {
  return scaleOf(info, await ctx.objects.mustGet(info, req.namespace, req.name as string));
}

export async function updateScale(ctx: CoreContext, info: ResourceInfo, req: ApiRequest): Promise<WriteResponse> {
  return writeScale(ctx, info, req, () => req.body);
}

export async function patchScale(ctx: CoreContext, info: ResourceInfo, req: ApiRequest): Promise<WriteResponse> {
  const t = req.patchType;
  if (t === 'apply') fail(badRequest('server-side apply is not supported on the scale subresource'));
  // Scale has no lists, so a strategic merge patch is a merge patch.
  return writeScale(ctx, info, req, (currentScale) => (t === 'json' ? applyJsonPatch(currentScale, req.body) : applyMergePatch(currentScale, req.body)));
}

async function writeScale(ctx: CoreContext, info: ResourceInfo, req: ApiRequest, newScale: (current: KubeObject) => unknown): Promise<WriteResponse> {
  const name = req.name as string;
  const outcome = await updateWith(
    ctx,
    info,
    req.namespace,
    name,
    (current) => {
      const scale = newScale(scaleOf(info, current));
      const replicas = checkScale(scale, name);
      const rv = getPath(scale, ['metadata', 'resourceVersion']);
      current['spec'] = { ...((current['spec'] as Record<string, unknown> | undefined) ?? {}), replicas };
      // The Scale's resourceVersion, when given, is the parent's precondition.
      if (typeof rv === 'string' && rv !== '') current.metadata.resourceVersion = rv;
      return current;
    },
    { user: req.user, dryRun: isDryRun(req.query), subresource: 'scale', manager: fieldManagerOf(req.query, req.userAgent) },
  );
  return { object: scaleOf(info, outcome.object), status: 200 };
}

/** ValidateScale: a non-negative integer spec.replicas, and a name matching the URL. */
function checkScale(scale: unknown, name: string): number {
  if (typeof scale !== 'object' || scale === null) fail(badRequest('the body must be an autoscaling/v1 Scale'));
  const metaName = getPath(scale, ['metadata', 'name']);
  if (metaName !== undefined && metaName !== '' && metaName !== name) fail(badRequest(`the name of the object (${String(metaName)}) does not match the name on the URL (${name})`));
  const replicas = getPath(scale, ['spec', 'replicas']) ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
    fail(invalid('Scale', 'autoscaling', name, [{ type: 'Invalid', field: 'spec.replicas', value: replicas, message: `Invalid value: ${JSON.stringify(replicas)}: must be an integer` }]));
  }
  if (replicas < 0) fail(invalid('Scale', 'autoscaling', name, [{ type: 'Invalid', field: 'spec.replicas', value: replicas, message: `Invalid value: ${replicas}: must be greater than or equal to 0` }]));
  return replicas;
}
