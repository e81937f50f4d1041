// Validation of PersistentVolume, PersistentVolumeClaim and StorageClass (pkg/apis/core/validation
// ValidatePersistentVolume / ValidatePersistentVolumeClaim, pkg/apis/storage/validation): the
// rules a user hits with the docs' manifests; the rest is left to the schema.
import { FieldPath, forbidden, invalid, notSupported, required, type FieldError } from '../field-error.js';
import { parseQuantityNanos, quantityFormatMessage } from '../quantity.js';
import { accessModes, reclaimPolicies, volumeBindingModes, type PersistentVolume, type PersistentVolumeClaim, type StorageClass } from '../schema/storage.schema.js';
import { validateLabelSelector } from './label-selector.validation.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.validation.js';

function meta(obj: { metadata: PersistentVolume['metadata'] }, old: { metadata: PersistentVolume['metadata'] } | undefined, namespaced: boolean): FieldError[] {
  return old === undefined ? validateObjectMeta(obj.metadata, namespaced) : validateObjectMetaUpdate(obj.metadata, old.metadata);
}

function validateAccessModes(modes: readonly string[] | undefined, path: FieldPath): FieldError[] {
  if (modes === undefined || modes.length === 0) return [required(path, '')];
  const errs = modes.filter((m) => !(accessModes as readonly string[]).includes(m)).map((m) => notSupported(path, m, accessModes));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

function validateStorage(value: unknown, path: FieldPath): FieldError[] {
  if (value === undefined) return [required(path, '')];
  const nanos = parseQuantityNanos(value);
  if (nanos === undefined) return [invalid(path, value, quantityFormatMessage)];
  return nanos <= 0n ? [invalid(path, value, 'must be greater than zero')] : [];
}

export function validatePersistentVolume(pv: PersistentVolume, old?: PersistentVolume): FieldError[] {
  const errs = meta(pv, old, false);
  const spec = pv.spec;
  const path = FieldPath.root('spec');
  errs.push(...validateAccessModes(spec?.accessModes, path.child('accessModes')));
  errs.push(...validateStorage(spec?.capacity?.['storage'], path.child('capacity').key('storage')));
  const policy = spec?.persistentVolumeReclaimPolicy;
  if (policy !== undefined && !(reclaimPolicies as readonly string[]).includes(policy)) errs.push(notSupported(path.child('persistentVolumeReclaimPolicy'), policy, reclaimPolicies));
  const sources = [spec?.hostPath, spec?.local].filter((s) => s !== undefined).length;
  if (sources === 0) errs.push(required(path, 'must specify a volume type'));
  if (sources > 1) errs.push(forbidden(path.child('local'), 'may not specify more than 1 volume type'));
  if (spec?.hostPath !== undefined && !spec.hostPath.path) errs.push(required(path.child('hostPath', 'path')));
  if (spec?.local !== undefined && spec.nodeAffinity?.required === undefined) errs.push(required(path.child('nodeAffinity'), 'Local volume requires node affinity'));
  return errs;
}

export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim, old?: PersistentVolumeClaim): FieldError[] {
  const errs = meta(pvc, old, true);
  const spec = pvc.spec;
  const path = FieldPath.root('spec');
  errs.push(...validateAccessModes(spec?.accessModes, path.child('accessModes')));
  errs.push(...validateStorage(spec?.resources?.requests?.['storage'], path.child('resources', 'requests').key('storage')));
  if (spec?.selector !== undefined) errs.push(...validateLabelSelector(spec.selector, path.child('selector')));
  if (old !== undefined && old.status?.phase === 'Bound') {
    // ValidatePersistentVolumeClaimUpdate: spec is immutable after creation except resources.requests and volumeName set once.
    const strip = (s: PersistentVolumeClaim['spec']): string => JSON.stringify({ ...(s ?? {}), resources: undefined, volumeName: undefined });
    if (strip(spec) !== strip(old.spec)) errs.push(forbidden(path, 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  return errs;
}

export function validateStorageClass(sc: StorageClass, old?: StorageClass): FieldError[] {
  const errs = meta(sc, old, false);
  if (!sc.provisioner) errs.push(required(FieldPath.root('provisioner')));
  const mode = sc.volumeBindingMode;
  if (mode !== undefined && !(volumeBindingModes as readonly string[]).includes(mode)) errs.push(notSupported(FieldPath.root('volumeBindingMode'), mode, volumeBindingModes));
  if (old !== undefined) {
    for (const field of ['provisioner', 'reclaimPolicy', 'volumeBindingMode'] as const) {
      if (sc[field] !== old[field]) errs.push(forbidden(FieldPath.root(field), 'updates to ' + field + ' are forbidden.'));
    }
  }
  return errs;
}
