// DefaultStorageClass (Kubernetes' admission plugin of that name): a new PersistentVolumeClaim
// without spec.storageClassName gets the default StorageClass's name (the class annotated
// storageclass.kubernetes.io/is-default-class=true). With several defaults the newest wins
// (GetDefaultClass since 1.28); with none the claim is left alone. An explicit "" means
// "no class" and is kept.

import { isDefaultStorageClass, type KubeObject } from '@skiff/api';
import type { CoreContext } from '../context.js';
import { cachedList } from '../lookup.js';
import { recordAt } from '../meta.js';
import { isCore, type AdmissionAttributes, type AdmissionPlugin } from './admission.js';

/** Pure: the default class among `classes`, newest first, then by name (GetDefaultClass). */
export function defaultClassName(classes: readonly KubeObject[]): string | undefined {
  const defaults = classes.filter((sc) => isDefaultStorageClass(sc));
  defaults.sort((a, b) => String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')) || String(a.metadata.name).localeCompare(String(b.metadata.name)));
  return defaults[0]?.metadata.name;
}

export const defaultStorageClass: AdmissionPlugin = {
  name: 'DefaultStorageClass',
  admit(attrs: AdmissionAttributes, ctx: CoreContext): void {
    if (attrs.operation !== 'CREATE' || !isCore(attrs, 'persistentvolumeclaims') || attrs.object === undefined) return;
    const spec = recordAt(attrs.object, 'spec');
    if (spec['storageClassName'] !== undefined) return;
    const name = defaultClassName(cachedList(ctx, 'storage.k8s.io', 'storageclasses'));
    if (name !== undefined) attrs.object['spec'] = { ...spec, storageClassName: name };
  },
};
