// Persistent storage resources: core/v1 persistentvolumes (pv) and persistentvolumeclaims (pvc),
// storage.k8s.io/v1 storageclasses (sc). Defaults as SetDefaults_* do, tables as kubectl 1.32
// prints them (pkg/printers/internalversion printPersistentVolume, printPersistentVolumeClaim,
// printStorageClass).
import { ageSince } from '../age.js';
import { ageCol, col, nameCol, wide } from '../printers/columns.js';
import { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../schema/storage.schema.js';
import { makeStrategy } from '../strategy/strategy.js';
import type { TableColumn } from '../types.js';
import { validatePersistentVolume, validatePersistentVolumeClaim, validateStorageClass } from '../validation/storage.validation.js';
import { defineResource, statusSub } from './define-resource.js';

/** Skiff's in-tree local-path provisioner (the controller-manager's persistentvolume-binder). */
export const LOCAL_PATH_PROVISIONER = 'skiff.dev/local-path';
export const IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

/** IsDefaultAnnotation: either annotation set to "true". */
export function isDefaultStorageClass(sc: { metadata: { annotations?: Record<string, string> | undefined } }): boolean {
  const a = sc.metadata.annotations ?? {};
  return a[IS_DEFAULT_CLASS_ANNOTATION] === 'true' || a[BETA_DEFAULT_CLASS_ANNOTATION] === 'true';
}

const modeShort: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };

/** GetAccessModesAsString: the short forms in a fixed order, comma separated. */
export function accessModesString(modes: readonly string[] | undefined): string {
  const set = new Set(modes ?? []);
  return ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'].filter((m) => set.has(m)).map((m) => modeShort[m]).join(',');
}

function storageOf(list: Record<string, unknown> | undefined): string {
  const q = list?.['storage'];
  return q === undefined ? '' : String(q);
}

export function defaultPersistentVolume(pv: PersistentVolume): void {
  if (pv.spec === undefined) return;
  pv.spec.persistentVolumeReclaimPolicy ??= 'Retain';
  pv.spec.volumeMode ??= 'Filesystem';
}

export function defaultPersistentVolumeClaim(pvc: PersistentVolumeClaim): void {
  if (pvc.spec === undefined) return;
  pvc.spec.volumeMode ??= 'Filesystem';
}

export function defaultStorageClass(sc: StorageClass): void {
  sc.reclaimPolicy ??= 'Delete';
  sc.volumeBindingMode ??= 'Immediate';
}

const pvColumns: TableColumn[] = [
  nameCol,
  col('Capacity'),
  col('Access Modes'),
  col('Reclaim Policy'),
  col('Status'),
  col('Claim'),
  col('StorageClass'),
  col('VolumeAttributesClass'),
  col('Reason'),
  ageCol,
  wide('VolumeMode'),
];

function pvRow(pv: PersistentVolume, nowMs: number): unknown[] {
  const ref = pv.spec?.claimRef;
  const claim = ref?.name === undefined ? '' : `${ref.namespace ?? ''}/${ref.name}`;
  return [
    pv.metadata.name ?? '',
    storageOf(pv.spec?.capacity),
    accessModesString(pv.spec?.accessModes),
    pv.spec?.persistentVolumeReclaimPolicy ?? '',
    pv.status?.phase ?? '',
    claim,
    pv.spec?.storageClassName ?? '',
    pv.spec?.volumeAttributesClassName ?? '<unset>',
    pv.status?.reason ?? '',
    ageSince(pv.metadata.creationTimestamp, nowMs),
    pv.spec?.volumeMode ?? '<unset>',
  ];
}

const pvcColumns: TableColumn[] = [nameCol, col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), col('VolumeAttributesClass'), ageCol, wide('VolumeMode')];

function pvcRow(pvc: PersistentVolumeClaim, nowMs: number): unknown[] {
  const phase = pvc.status?.phase ?? '';
  // The table shows capacity and modes only once bound (printPersistentVolumeClaim).
  const bound = pvc.spec?.volumeName !== undefined && pvc.spec.volumeName !== '';
  return [
    pvc.metadata.name ?? '',
    pvc.metadata.deletionTimestamp !== undefined ? 'Terminating' : phase,
    pvc.spec?.volumeName ?? '',
    bound ? storageOf(pvc.status?.capacity) : '',
    bound ? accessModesString(pvc.status?.accessModes) : '',
    pvc.spec?.storageClassName ?? '',
    pvc.spec?.volumeAttributesClassName ?? '<unset>',
    ageSince(pvc.metadata.creationTimestamp, nowMs),
    pvc.spec?.volumeMode ?? '<unset>',
  ];
}

const scColumns: TableColumn[] = [nameCol, col('Provisioner'), col('ReclaimPolicy'), col('VolumeBindingMode'), col('AllowVolumeExpansion'), ageCol];

function scRow(sc: StorageClass, nowMs: number): unknown[] {
  const name = (sc.metadata.name ?? '') + (isDefaultStorageClass(sc) ? ' (default)' : '');
  return [name, sc.provisioner, sc.reclaimPolicy ?? 'Delete', sc.volumeBindingMode ?? 'Immediate', sc.allowVolumeExpansion ?? false, ageSince(sc.metadata.creationTimestamp, nowMs)];
}

export const persistentVolumeResource = defineResource<PersistentVolume>({
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  resource: 'persistentvolumes',
  namespaced: false,
  schema: PersistentVolume,
  shortNames: ['pv'],
  subresources: [statusSub('PersistentVolume')],
  defaults: defaultPersistentVolume,
  validate: validatePersistentVolume,
  strategy: makeStrategy({ hasStatus: true, initialStatus: () => ({ phase: 'Pending' }) }),
  columns: pvColumns,
  row: pvRow,
});

export const persistentVolumeClaimResource = defineResource<PersistentVolumeClaim>({
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  resource: 'persistentvolumeclaims',
  namespaced: true,
  schema: PersistentVolumeClaim,
  shortNames: ['pvc'],
  subresources: [statusSub('PersistentVolumeClaim')],
  defaults: defaultPersistentVolumeClaim,
  validate: validatePersistentVolumeClaim,
  strategy: makeStrategy({ hasStatus: true, initialStatus: () => ({ phase: 'Pending' }) }),
  columns: pvcColumns,
  row: pvcRow,
});

export const storageClassResource = defineResource<StorageClass>({
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  resource: 'storageclasses',
  namespaced: false,
  schema: StorageClass,
  shortNames: ['sc'],
  defaults: defaultStorageClass,
  validate: validateStorageClass,
  columns: scColumns,
  row: scRow,
});
