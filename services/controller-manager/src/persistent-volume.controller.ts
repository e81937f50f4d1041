// Adapter: the `persistentvolume-binder` controller (pkg/controller/volume/persistentvolume) with
// Skiff's in-tree local-path provisioner. Claim events enqueue `claim:<ns>/<name>`, volume events
// `volume:<name>` and the claim their claimRef names; a deleted claim wakes its volume (to release
// it) and a new StorageClass wakes every Pending claim. The pure sync is syncPersistentVolumeKey;
// the folder work it asks for (create a provisioned volume's folder, remove it on Delete) runs
// here, before the sync's API actions, as Kubernetes deletes the storage before the PV object.

import { mkdir, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { LOCAL_PATH_PROVISIONER, type PersistentVolume, type PersistentVolumeClaim, type Pod, type StorageClass } from '@skiff/api';
import type { DeletedFinalStateUnknown, KubeObject, ResourceRef, SharedInformerFactory } from '@skiff/client';
import { claimKey, Resources, syncPersistentVolumeKey, volumeKey, type ListerView, type PersistentVolumeListers, type ProvisionerConfig, type VolumeOp } from '@skiff/controllers';
import { createController, type ControllerDeps, type RunningControllerHandle } from './controller-runner.js';

export const PERSISTENT_VOLUME_CONTROLLER = 'persistentvolume-binder';

export interface PersistentVolumeControllerOptions {
  /** --local-path-volumes-dir: where provisioned volumes' folders go. Default ~/.skiff/<cluster>/volumes. */
  readonly volumesDir?: string;
}

export function defaultVolumesDir(cluster: string): string {
  return join(homedir(), '.skiff', cluster, 'volumes');
}

type Tombstone<T> = T | DeletedFinalStateUnknown<T>;
const unwrap = <T>(o: Tombstone<T>): T => ((o as { type?: unknown }).type === 'DeletedFinalStateUnknown' ? (o as DeletedFinalStateUnknown<T>).obj : (o as T));

function lister<T extends KubeObject>(factory: SharedInformerFactory, resource: ResourceRef): ListerView<T> {
  return factory.informerFor<T>(resource).lister as unknown as ListerView<T>;
}

/** Runs one folder operation; refuses any path outside the volumes dir (a PV's hostPath is user data). */
export async function runVolumeOp(op: VolumeOp, volumesDir: string): Promise<void> {
  const path = resolve(op.path);
  if (!path.startsWith(`${resolve(volumesDir)}/`)) throw new Error(`refusing to touch ${path}: not under ${volumesDir}`);
  // World-writable as rancher's local-path provisioner makes them: any container user may write.
  if (op.type === 'createDir') await mkdir(path, { recursive: true, mode: 0o777 });
  else await rm(path, { recursive: true, force: true });
}

export function persistentVolumeController(factory: SharedInformerFactory, deps: ControllerDeps, cluster: string, opts: PersistentVolumeControllerOptions = {}): RunningControllerHandle {
  const provisioner: ProvisionerConfig = { name: LOCAL_PATH_PROVISIONER, volumesDir: resolve(opts.volumesDir ?? defaultVolumesDir(cluster)) };
  const listers: PersistentVolumeListers = {
    claims: lister<PersistentVolumeClaim & KubeObject>(factory, Resources.persistentVolumeClaims),
    volumes: lister<PersistentVolume & KubeObject>(factory, Resources.persistentVolumes),
    classes: lister<StorageClass & KubeObject>(factory, Resources.storageClasses),
    pods: lister<Pod & KubeObject>(factory, Resources.pods),
  };
  const c = createController(
    {
      name: PERSISTENT_VOLUME_CONTROLLER,
      // One worker: binding decisions read the listers, and two workers could pick one volume twice.
      workers: 1,
      sync: async (key) => {
        const result = syncPersistentVolumeKey(key, listers, provisioner);
        for (const op of result.volumeOps) await runVolumeOp(op, provisioner.volumesDir);
        return result;
      },
    },
    deps,
  );
  const onClaim = (o: Tombstone<KubeObject>): void => {
    const pvc = unwrap(o) as unknown as PersistentVolumeClaim;
    c.enqueue(claimKey(pvc.metadata.namespace ?? '', pvc.metadata.name ?? ''));
  };
  const onClaimDeleted = (o: Tombstone<KubeObject>): void => {
    const pvc = unwrap(o) as unknown as PersistentVolumeClaim;
    const bound = pvc.spec?.volumeName;
    if (bound !== undefined && bound !== '') c.enqueue(volumeKey(bound));
    for (const pv of listers.volumes.list()) if (pv.spec?.claimRef?.uid === pvc.metadata.uid) c.enqueue(volumeKey(pv.metadata.name ?? ''));
  };
  const onVolume = (o: Tombstone<KubeObject>): void => {
    const pv = unwrap(o) as unknown as PersistentVolume;
    c.enqueue(volumeKey(pv.metadata.name ?? ''));
    const ref = pv.spec?.claimRef;
    if (ref?.name !== undefined) c.enqueue(claimKey(ref.namespace ?? '', ref.name));
    else for (const pvc of listers.claims.list()) if (pvc.status?.phase === 'Pending') c.enqueue(claimKey(pvc.metadata.namespace ?? '', pvc.metadata.name ?? ''));
  };
  const pendingClaims = (): void => {
    for (const pvc of listers.claims.list()) if (pvc.status?.phase !== 'Bound') c.enqueue(claimKey(pvc.metadata.namespace ?? '', pvc.metadata.name ?? ''));
  };
  factory.informerFor(Resources.persistentVolumeClaims).addEventHandler({ onAdd: onClaim, onUpdate: (_, o) => onClaim(o), onDelete: onClaimDeleted });
  factory.informerFor(Resources.persistentVolumes).addEventHandler({ onAdd: onVolume, onUpdate: (_, o) => onVolume(o), onDelete: onVolume });
  factory.informerFor(Resources.storageClasses).addEventHandler({ onAdd: pendingClaims, onUpdate: pendingClaims });
  return c;
}
