// NamespaceLifecycle (Kubernetes' plugin of that name): nothing is created in a namespace that
// does not exist (404 `namespaces "x" not found`) or is being deleted (403 `unable to create new
// content in namespace x because it is being terminated`), and the system namespaces cannot be
// deleted (403 `this namespace may not be deleted`). The namespace is read live from the store,
// not the cache, so a namespace just created or just deleted is seen at once.

import type { KubeObject } from '@skiff/api';
import type { CoreContext } from '../context.js';
import { fail } from '../errors.js';
import { lookupLive } from '../lookup.js';
import { getPath, isBeingDeleted } from '../meta.js';
import { forbidden, notFound } from '../status.js';
import type { AdmissionAttributes, AdmissionPlugin } from './admission.js';

/** Namespaces that must always exist (Kubernetes' immortal namespaces, plus kube-node-lease). */
export const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

const NAMESPACES = { group: '', resource: 'namespaces' };

/** Pure decision for a create in a namespace (undefined: allowed). */
export function namespaceCreateRefusal(attrs: AdmissionAttributes, namespace: KubeObject | undefined): 'missing' | 'terminating' | undefined {
  if (namespace === undefined) return 'missing';
  if (isBeingDeleted(namespace) || getPath(namespace, ['status', 'phase']) === 'Terminating') return 'terminating';
  void attrs;
  return undefined;
}

export const namespaceLifecycle: AdmissionPlugin = {
  name: 'NamespaceLifecycle',
  async validate(attrs: AdmissionAttributes, ctx: CoreContext): Promise<void> {
    const isNamespace = attrs.info.group === '' && attrs.info.resource === 'namespaces';
    if (attrs.operation === 'DELETE' && isNamespace && IMMORTAL_NAMESPACES.has(attrs.name)) {
      fail(forbidden(NAMESPACES, attrs.name, 'this namespace may not be deleted'));
    }
    if (attrs.operation !== 'CREATE' || !attrs.info.namespaced || attrs.namespace === undefined || attrs.namespace === '') return;
    const ns = await lookupLive(ctx, '', 'namespaces', undefined, attrs.namespace);
    const refusal = namespaceCreateRefusal(attrs, ns);
    if (refusal === 'missing') fail(notFound(NAMESPACES, attrs.namespace));
    if (refusal === 'terminating') {
      const s = forbidden(attrs.info, attrs.name, `unable to create new content in namespace ${attrs.namespace} because it is being terminated`);
      fail({ ...s, details: { ...(s.details ?? {}), causes: [{ reason: 'NamespaceTerminating', message: `namespace ${attrs.namespace} is being terminated`, field: 'metadata.namespace' }] } });
    }
  },
};
