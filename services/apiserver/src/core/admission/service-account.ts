// ServiceAccount (Kubernetes' plugin of that name), for pods on create: a pod without
// spec.serviceAccountName runs as `default`, and the named account must exist (403 otherwise,
// with Kubernetes' message). Mirror pods (static pods reflected by a kubelet) are left alone.
// Not yet: the projected token volume Kubernetes mounts (kube-api-access-*); the kubelet issue
// brings the consumer of it.

import type { KubeObject } from '@skiff/api';
import type { CoreContext } from '../context.js';
import { fail } from '../errors.js';
import { lookup } from '../lookup.js';
import { recordAt } from '../meta.js';
import { forbidden } from '../status.js';
import { isCore, type AdmissionAttributes, type AdmissionPlugin } from './admission.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** Sets spec.serviceAccountName when absent; returns the account the pod runs as (undefined for mirror pods). */
export function defaultServiceAccount(pod: KubeObject): string | undefined {
  if ((pod.metadata.annotations ?? {})[MIRROR_POD_ANNOTATION] !== undefined) return undefined;
  const spec = recordAt(pod, 'spec');
  const name = typeof spec['serviceAccountName'] === 'string' && spec['serviceAccountName'] !== '' ? spec['serviceAccountName'] : DEFAULT_SERVICE_ACCOUNT;
  pod['spec'] = { ...spec, serviceAccountName: name };
  return name;
}

export const serviceAccount: AdmissionPlugin = {
  name: 'ServiceAccount',
  admit(attrs: AdmissionAttributes): void {
    if (attrs.operation === 'CREATE' && isCore(attrs, 'pods') && attrs.object !== undefined) defaultServiceAccount(attrs.object);
  },
  async validate(attrs: AdmissionAttributes, ctx: CoreContext): Promise<void> {
    if (attrs.operation !== 'CREATE' || !isCore(attrs, 'pods') || attrs.object === undefined) return;
    if ((attrs.object.metadata.annotations ?? {})[MIRROR_POD_ANNOTATION] !== undefined) return;
    const name = recordAt(attrs.object, 'spec')['serviceAccountName'] as string;
    const ns = attrs.namespace ?? '';
    if ((await lookup(ctx, '', 'serviceaccounts', ns, name)) !== undefined) return;
    fail(forbidden(attrs.info, attrs.name, `error looking up service account ${ns}/${name}: serviceaccount "${name}" not found`));
  },
};
