// persistentVolumeClaim pod volumes (pkg/volume/util, the kubelet's volume manager): the claim
// must be Bound, and the volume behind it is mounted as the PV's own source. Skiff's PVs are
// hostPath or local folders on the (shared) host, so a claim volume becomes a hostPath volume.
// An unbound claim is an error the pod worker retries (MountVolume.SetUp failed), as the
// kubelet keeps a pod ContainerCreating until its volumes attach.
import type { ObjectLookup } from './container-env.js';

export type ClaimVolumeResolution =
  | { readonly type: 'resolved'; readonly hostPath: string; readonly hostPathType: string }
  | { readonly type: 'waiting'; readonly message: string };

export function resolveClaimVolume(namespace: string, claimName: string, lookup: ObjectLookup): ClaimVolumeResolution {
  if (lookup.persistentVolumeClaim === undefined || lookup.persistentVolume === undefined) return { type: 'waiting', message: 'persistentVolumeClaim volumes are not supported by this kubelet' };
  const pvc = lookup.persistentVolumeClaim(namespace, claimName);
  if (pvc === undefined) return { type: 'waiting', message: `persistentvolumeclaim "${claimName}" not found` };
  const volumeName = pvc.spec?.volumeName ?? '';
  if (pvc.status?.phase !== 'Bound' || volumeName === '') return { type: 'waiting', message: `persistentvolumeclaim "${claimName}" is not bound (phase ${pvc.status?.phase ?? 'Pending'})` };
  const pv = lookup.persistentVolume(volumeName);
  if (pv === undefined) return { type: 'waiting', message: `persistentvolume "${volumeName}" not found` };
  const ref = pv.spec?.claimRef;
  if (ref?.name !== claimName || (ref.namespace ?? '') !== namespace || (ref.uid !== undefined && ref.uid !== pvc.metadata.uid)) {
    return { type: 'waiting', message: `persistentvolume "${volumeName}" is not bound to claim "${claimName}"` };
  }
  if (pv.spec?.hostPath !== undefined) return { type: 'resolved', hostPath: pv.spec.hostPath.path, hostPathType: pv.spec.hostPath.type ?? '' };
  if (pv.spec?.local !== undefined) return { type: 'resolved', hostPath: pv.spec.local.path, hostPathType: 'Directory' };
  return { type: 'waiting', message: `persistentvolume "${volumeName}": only hostPath and local volumes are supported` };
}
