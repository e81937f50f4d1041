// The PersistentVolume controller (kube-controller-manager's persistentvolume-binder,
// pkg/controller/volume/persistentvolume pv_controller.go) as pure syncs over listers, plus the
// local-path provisioner it runs in-tree (kind runs one as a separate pod; Skiff's nodes share
// one host, so the controller-manager can make the folders itself).
//
// Keys: `claim:<ns>/<name>` syncs a claim (bind, provision, Lost), `volume:<name>` a volume
// (Available, Bound, Released, reclaim). Binding writes in Kubernetes' order: PV claimRef first
// (a full update: its resourceVersion makes two claims racing for one volume conflict), then
// PV status, then the claim's volumeName, then the claim's status.
// Folder I/O is returned as `volumeOps` for the adapter to run before the actions.
import type { KubeObject, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '@skiff/api';
import { eventFor, Resources, type Action, type SyncResult } from '../actions.js';
import type { ListerView } from '../lister.js';
import { claimClass, findBestMatch, isPreBoundTo } from './volume-match.js';

export const PROVISIONED_BY_ANNOTATION = 'pv.kubernetes.io/provisioned-by';
export const BIND_COMPLETED_ANNOTATION = 'pv.kubernetes.io/bind-completed';
export const BOUND_BY_CONTROLLER_ANNOTATION = 'pv.kubernetes.io/bound-by-controller';

export interface PersistentVolumeListers {
  readonly claims: ListerView<PersistentVolumeClaim>;
  readonly volumes: ListerView<PersistentVolume>;
  readonly classes: ListerView<StorageClass>;
  /** Pods, so a volume still mounted by a pod of its deleted claim is not wiped under it. */
  readonly pods?: ListerView<Pod>;
}

/** How long a Released volume still mounted by a pod waits before its reclaim is tried again. */
export const VOLUME_IN_USE_RETRY_MS = 5_000;

export interface ProvisionerConfig {
  /** The provisioner name this controller answers for (StorageClass.provisioner). */
  readonly name: string;
  /** Where provisioned volumes live: `<volumesDir>/<pv-name>`. */
  readonly volumesDir: string;
}

export type VolumeOp = { readonly type: 'createDir'; readonly path: string } | { readonly type: 'removeDir'; readonly path: string };

export interface PersistentVolumeSyncResult extends SyncResult {
  readonly volumeOps: readonly VolumeOp[];
}

const none: PersistentVolumeSyncResult = { actions: [], volumeOps: [] };
const claimKeyPrefix = 'claim:';
const volumeKeyPrefix = 'volume:';

export const claimKey = (namespace: string, name: string): string => `${claimKeyPrefix}${namespace}/${name}`;
export const volumeKey = (name: string): string => `${volumeKeyPrefix}${name}`;

export function syncPersistentVolumeKey(key: string, listers: PersistentVolumeListers, provisioner: ProvisionerConfig): PersistentVolumeSyncResult {
  if (key.startsWith(claimKeyPrefix)) {
    const rest = key.slice(claimKeyPrefix.length);
    const slash = rest.indexOf('/');
    const pvc = listers.claims.get(rest.slice(slash + 1), rest.slice(0, slash));
    return pvc === undefined ? none : syncClaim(pvc, listers, provisioner);
  }
  if (key.startsWith(volumeKeyPrefix)) {
    const pv = listers.volumes.get(key.slice(volumeKeyPrefix.length));
    return pv === undefined ? none : syncVolume(pv, listers, provisioner);
  }
  return none;
}

const asObj = (o: unknown): KubeObject => o as KubeObject;

function claimRefOf(pvc: PersistentVolumeClaim): Record<string, string> {
  const ref: Record<string, string> = { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: pvc.metadata.namespace ?? '', name: pvc.metadata.name ?? '' };
  if (pvc.metadata.uid !== undefined) ref['uid'] = pvc.metadata.uid;
  if (pvc.metadata.resourceVersion !== undefined) ref['resourceVersion'] = pvc.metadata.resourceVersion;
  return ref;
}

/** The four writes that bind `pvc` to `pv`, skipping the ones already done. */
export function bindActions(pvc: PersistentVolumeClaim, pv: PersistentVolume): Action[] {
  const actions: Action[] = [];
  const ns = pvc.metadata.namespace ?? '';
  if (pv.spec?.claimRef?.uid !== pvc.metadata.uid || pv.spec?.claimRef?.name !== pvc.metadata.name) {
    const annotations = { ...(pv.metadata.annotations ?? {}), [BOUND_BY_CONTROLLER_ANNOTATION]: 'yes' };
    actions.push({ type: 'update', resource: Resources.persistentVolumes, object: asObj({ ...pv, metadata: { ...pv.metadata, annotations }, spec: { ...pv.spec, claimRef: claimRefOf(pvc) } }) });
  }
  if (pv.status?.phase !== 'Bound') actions.push({ type: 'patch', resource: Resources.persistentVolumes, name: pv.metadata.name ?? '', patchType: 'merge', patch: { status: { phase: 'Bound' } }, subresource: 'status' });
  if (pvc.spec?.volumeName !== pv.metadata.name || pvc.metadata.annotations?.[BIND_COMPLETED_ANNOTATION] !== 'yes') {
    const annotations: Record<string, string> = { [BIND_COMPLETED_ANNOTATION]: 'yes' };
    if (pvc.spec?.volumeName !== pv.metadata.name) annotations[BOUND_BY_CONTROLLER_ANNOTATION] = 'yes';
    actions.push({ type: 'patch', resource: Resources.persistentVolumeClaims, namespace: ns, name: pvc.metadata.name ?? '', patchType: 'merge', patch: { metadata: { annotations }, spec: { volumeName: pv.metadata.name } } });
  }
  if (pvc.status?.phase !== 'Bound') {
    const status = { phase: 'Bound', accessModes: pv.spec?.accessModes ?? [], capacity: pv.spec?.capacity ?? {} };
    actions.push({ type: 'patch', resource: Resources.persistentVolumeClaims, namespace: ns, name: pvc.metadata.name ?? '', patchType: 'merge', patch: { status }, subresource: 'status' });
  }
  return actions;
}

/** The hostPath PV the local-path provisioner makes for a claim, pre-bound to it. */
export function provisionedVolume(pvc: PersistentVolumeClaim, sc: StorageClass, provisioner: ProvisionerConfig): PersistentVolume {
  const name = `pvc-${pvc.metadata.uid ?? ''}`;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { [PROVISIONED_BY_ANNOTATION]: provisioner.name } },
    spec: {
      capacity: { storage: String(pvc.spec?.resources?.requests?.['storage'] ?? '') },
      accessModes: [...(pvc.spec?.accessModes ?? [])],
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: sc.metadata.name ?? '',
      volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
      claimRef: claimRefOf(pvc),
      hostPath: { path: `${provisioner.volumesDir}/${name}`, type: 'DirectoryOrCreate' },
    },
  } as PersistentVolume;
}

function syncClaim(pvc: PersistentVolumeClaim, listers: PersistentVolumeListers, provisioner: ProvisionerConfig): PersistentVolumeSyncResult {
  if (pvc.metadata.deletionTimestamp !== undefined) return none;
  const volumes = listers.volumes.list();
  const bound = pvc.metadata.annotations?.[BIND_COMPLETED_ANNOTATION] === 'yes' && pvc.spec?.volumeName;
  if (bound) {
    const pv = volumes.find((v) => v.metadata.name === pvc.spec?.volumeName);
    // syncBoundClaim: the volume is gone or bound elsewhere -> Lost, which only a human repairs.
    if (pv === undefined || (pv.spec?.claimRef !== undefined && !isPreBoundTo(pv, pvc))) {
      if (pvc.status?.phase === 'Lost') return none;
      return { volumeOps: [], actions: [eventFor(Resources.persistentVolumeClaims, asObj(pvc), 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!'), statusPatch(pvc, 'Lost')] };
    }
    return { volumeOps: [], actions: bindActions(pvc, pv) };
  }
  const match = findBestMatch(pvc, volumes);
  if (match !== undefined) return { volumeOps: [], actions: bindActions(pvc, match) };
  return provisionOrWait(pvc, listers, provisioner);
}

function statusPatch(pvc: PersistentVolumeClaim, phase: string): Action {
  return { type: 'patch', resource: Resources.persistentVolumeClaims, namespace: pvc.metadata.namespace ?? '', name: pvc.metadata.name ?? '', patchType: 'merge', patch: { status: { phase } }, subresource: 'status' };
}

function provisionOrWait(pvc: PersistentVolumeClaim, listers: PersistentVolumeListers, provisioner: ProvisionerConfig): PersistentVolumeSyncResult {
  const className = claimClass(pvc);
  const sc = className === '' ? undefined : listers.classes.get(className);
  const named = pvc.spec?.volumeName !== undefined && pvc.spec.volumeName !== '';
  const wait = (reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal'): PersistentVolumeSyncResult => ({
    volumeOps: [],
    actions: [eventFor(Resources.persistentVolumeClaims, asObj(pvc), type, reason, message)],
  });
  if (named) return wait('FailedBinding', `volume "${pvc.spec?.volumeName ?? ''}" not found or not available`, 'Warning');
  if (sc === undefined) {
    return wait('FailedBinding', className === '' ? 'no persistent volumes available for this claim and no storage class is set' : `storageclass.storage.k8s.io "${className}" not found`, 'Warning');
  }
  if (sc.provisioner !== provisioner.name) return wait('ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator.`);
  if (pvc.spec?.selector !== undefined) return wait('ProvisioningFailed', 'claim Selector is not supported', 'Warning');
  const pv = provisionedVolume(pvc, sc, provisioner);
  // Created already (the informer has not shown it yet, or binding follows): nothing more to do.
  if (listers.volumes.get(pv.metadata.name ?? '') !== undefined) return none;
  const claimObj = asObj(pvc);
  return {
    volumeOps: [{ type: 'createDir', path: pv.spec?.hostPath?.path ?? '' }],
    actions: [
      eventFor(Resources.persistentVolumeClaims, claimObj, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${pvc.metadata.namespace ?? ''}/${pvc.metadata.name ?? ''}"`),
      {
        type: 'create',
        resource: Resources.persistentVolumes,
        object: asObj(pv),
        successEvent: eventFor(Resources.persistentVolumeClaims, claimObj, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pv.metadata.name ?? ''}`),
        failureEvent: { involvedObject: eventFor(Resources.persistentVolumeClaims, claimObj, 'Warning', '', '').involvedObject, reason: 'ProvisioningFailed', messagePrefix: 'failed to provision volume: ' },
      },
    ],
  };
}

function volumeStatus(pv: PersistentVolume, phase: string, extra: Record<string, string> = {}): Action {
  return { type: 'patch', resource: Resources.persistentVolumes, name: pv.metadata.name ?? '', patchType: 'merge', patch: { status: { phase, ...extra } }, subresource: 'status' };
}

function syncVolume(pv: PersistentVolume, listers: PersistentVolumeListers, provisioner: ProvisionerConfig): PersistentVolumeSyncResult {
  if (pv.metadata.deletionTimestamp !== undefined) return none;
  const ref = pv.spec?.claimRef;
  const phase = pv.status?.phase;
  if (ref?.name === undefined) return phase === 'Available' ? none : { volumeOps: [], actions: [volumeStatus(pv, 'Available')] };
  const pvc = listers.claims.get(ref.name, ref.namespace ?? '');
  const sameClaim = pvc !== undefined && (ref.uid === undefined || ref.uid === pvc.metadata.uid);
  if (sameClaim) {
    if (pvc.spec?.volumeName === pv.metadata.name) return phase === 'Bound' ? none : { volumeOps: [], actions: [volumeStatus(pv, 'Bound')] };
    // Pre-bound, waiting for the claim's sync to finish the binding.
    return phase === 'Available' || phase === 'Bound' ? none : { volumeOps: [], actions: [volumeStatus(pv, 'Available')] };
  }
  // A claimRef without uid names a claim still to come: the volume waits for it.
  if (ref.uid === undefined) return phase === 'Available' ? none : { volumeOps: [], actions: [volumeStatus(pv, 'Available')] };
  return reclaim(pv, provisioner, listers);
}

/** The claim is gone: Released (confirmed by a live GET of the claim), then the reclaim policy. */
function reclaim(pv: PersistentVolume, provisioner: ProvisionerConfig, listers: PersistentVolumeListers): PersistentVolumeSyncResult {
  const ref = pv.spec?.claimRef;
  const phase = pv.status?.phase;
  if (phase !== 'Released' && phase !== 'Failed') {
    const claimRef = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: ref?.name ?? '', namespace: ref?.namespace ?? '', ...(ref?.uid === undefined ? {} : { uid: ref.uid }) };
    const released = volumeStatus(pv, 'Released');
    return { volumeOps: [], actions: [{ ...released, requireAbsentOwners: [claimRef] } as Action] };
  }
  if (phase === 'Failed') return none;
  const policy = pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
  if (policy === 'Retain') return none;
  const path = pv.spec?.hostPath?.path;
  const ours = pv.metadata.annotations?.[PROVISIONED_BY_ANNOTATION] === provisioner.name && path !== undefined && path.startsWith(`${provisioner.volumesDir}/`);
  // The claim is gone but a pod may still run on it (Skiff has no pvc-protection finalizer):
  // deleting the folder then would pull the data from under it, so wait for its pods to end.
  if (policy === 'Delete' && ours && claimInUse(ref?.namespace ?? '', ref?.name ?? '', listers)) return { volumeOps: [], actions: [], requeueAfterMs: VOLUME_IN_USE_RETRY_MS };
  if (policy === 'Delete' && ours) {
    return { volumeOps: [{ type: 'removeDir', path }], actions: [{ type: 'delete', resource: Resources.persistentVolumes, name: pv.metadata.name ?? '', ...(pv.metadata.uid === undefined ? {} : { preconditions: { uid: pv.metadata.uid } }) }] };
  }
  const message = policy === 'Delete' ? 'error getting deleter volume plugin for volume: no deletable volume plugin matched' : `reclaim policy ${policy} is not supported`;
  return { volumeOps: [], actions: [volumeStatus(pv, 'Failed', { reason: policy === 'Delete' ? 'VolumeFailedDelete' : 'VolumeFailedRecycle', message }), eventFor(Resources.persistentVolumes, asObj(pv), 'Warning', 'VolumeFailedDelete', message)] };
}

function claimInUse(namespace: string, claimName: string, listers: PersistentVolumeListers): boolean {
  const pods = listers.pods?.namespace(namespace).list() ?? [];
  return pods.some((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && (p.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claimName));
}
