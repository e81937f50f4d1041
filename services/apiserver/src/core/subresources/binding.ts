// pods/binding (and the legacy namespaced `bindings` resource): the scheduler's POST of a Binding
// assigns a pod to a node (Kubernetes' BindingREST.assignPod): spec.nodeName is set once, the
// PodScheduled condition turns True, the Binding's annotations are copied onto the pod. A pod
// already on a node, or being deleted, is a 409 Conflict. The answer is 201 with a Success Status.

import type { KubeObject, ResourceInfo } from '@skiff/api';
import { runMutating, runValidating } from '../admission/admission.js';
import type { CoreContext } from '../context.js';
import { fail } from '../errors.js';
import { getPath, isBeingDeleted, recordAt, rfc3339 } from '../meta.js';
import { badRequest, conflict, statusSuccess } from '../status.js';
import type { ApiRequest } from '../types.js';
import { isDryRun } from '../write-common.js';

const BINDING_RESOURCE = { group: '', resource: 'pods/binding' };

export async function createBinding(ctx: CoreContext, pods: ResourceInfo, req: ApiRequest, podName: string): Promise<KubeObject> {
  const binding = bindingFrom(req.body, podName);
  const node = String(getPath(binding, ['target', 'name']) ?? '');
  const attrs = {
    operation: 'CREATE' as const,
    info: pods,
    subresource: 'binding',
    namespace: req.namespace,
    name: podName,
    object: binding,
    oldObject: undefined,
    user: req.user,
    dryRun: isDryRun(req.query),
  };
  await runMutating(ctx.admission, attrs, ctx);
  await runValidating(ctx.admission, attrs, ctx);
  const uid = binding.metadata.uid;
  await ctx.objects.guaranteedUpdate(pods, req.namespace, podName, (pod) => {
    if (typeof uid === 'string' && uid !== '' && uid !== pod.metadata.uid) {
      fail(conflict(BINDING_RESOURCE, podName, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata.uid ?? ''}`));
    }
    if (isBeingDeleted(pod)) fail(conflict(BINDING_RESOURCE, podName, `pod ${podName} is being deleted, cannot be assigned to a host`));
    const current = getPath(pod, ['spec', 'nodeName']);
    if (typeof current === 'string' && current !== '') fail(conflict(BINDING_RESOURCE, podName, `pod ${podName} is already assigned to node "${current}"`));
    return { type: 'put', object: assignPod(pod, node, binding, ctx.clock.now()), dryRun: attrs.dryRun };
  });
  return statusSuccess(undefined, 201) as unknown as KubeObject;
}

function bindingFrom(body: unknown, podName: string): KubeObject {
  if (typeof body !== 'object' || body === null) fail(badRequest('the body must be a v1 Binding'));
  const b = body as KubeObject;
  const name = getPath(b, ['metadata', 'name']);
  if (name !== undefined && name !== '' && name !== podName) fail(badRequest(`name in URL does not match name in Binding object`));
  const kind = getPath(b, ['target', 'kind']);
  if (kind !== undefined && kind !== '' && kind !== 'Node') fail(badRequest(`target.kind: Unsupported value: "${String(kind)}": supported values: "Node"`));
  const node = getPath(b, ['target', 'name']);
  if (typeof node !== 'string' || node === '') fail(badRequest('target.name: Required value'));
  return { ...b, metadata: { ...recordAt(b, 'metadata') } } as KubeObject;
}

/** The pod bound to `node`: spec.nodeName, PodScheduled=True, the binding's annotations. */
export function assignPod(pod: KubeObject, node: string, binding: KubeObject, nowMs: number): KubeObject {
  pod['spec'] = { ...recordAt(pod, 'spec'), nodeName: node };
  const annotations = binding.metadata.annotations;
  if (annotations !== undefined && Object.keys(annotations).length > 0) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...annotations };
  const status = recordAt(pod, 'status');
  const conditions = Array.isArray(status['conditions']) ? (status['conditions'] as Record<string, unknown>[]).filter((c) => c['type'] !== 'PodScheduled') : [];
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(nowMs) });
  pod['status'] = { ...status, conditions };
  return pod;
}
