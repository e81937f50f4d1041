// Which PersistentVolume a claim may bind to (pkg/controller/volume/persistentvolume
// index.go findBestMatchForClaim, util.FindMatchingVolume): same storage class, same volume
// mode, every requested access mode offered, enough capacity, labels matching the claim's
// selector; among the candidates the smallest volume wins, so big volumes stay free for big claims.
// A volume pre-bound to the claim (claimRef naming it) wins over any other.
import { parseQuantityNanos, type PersistentVolume, type PersistentVolumeClaim } from '@skiff/api';
import { matchesSelector, selectorOf } from '../util/selector.js';

export function claimClass(pvc: PersistentVolumeClaim): string {
  return pvc.spec?.storageClassName ?? '';
}

export function requestedNanos(pvc: PersistentVolumeClaim): bigint {
  return parseQuantityNanos(pvc.spec?.resources?.requests?.['storage']) ?? 0n;
}

function capacityNanos(pv: PersistentVolume): bigint {
  return parseQuantityNanos(pv.spec?.capacity?.['storage']) ?? 0n;
}

/** Does the PV's claimRef name this claim (uid too, once the claim has one)? */
export function isPreBoundTo(pv: PersistentVolume, pvc: PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  if (ref?.name !== pvc.metadata.name || (ref?.namespace ?? '') !== (pvc.metadata.namespace ?? '')) return false;
  return ref?.uid === undefined || ref.uid === pvc.metadata.uid;
}

/** Would this volume satisfy the claim, ignoring who else claims it? */
export function volumeSatisfies(pv: PersistentVolume, pvc: PersistentVolumeClaim, useSelector = true): boolean {
  if ((pv.spec?.storageClassName ?? '') !== claimClass(pvc)) return false;
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (pvc.spec?.volumeMode ?? 'Filesystem')) return false;
  const offered = new Set(pv.spec?.accessModes ?? []);
  if (!(pvc.spec?.accessModes ?? []).every((m) => offered.has(m))) return false;
  if (capacityNanos(pv) < requestedNanos(pvc)) return false;
  if (useSelector && pvc.spec?.selector !== undefined && !matchesSelector(selectorOf(pvc.spec.selector), pv.metadata.labels)) return false;
  return true;
}

function isFree(pv: PersistentVolume): boolean {
  const phase = pv.status?.phase;
  return pv.spec?.claimRef === undefined && pv.metadata.deletionTimestamp === undefined && phase !== 'Released' && phase !== 'Failed';
}

/** The volume to bind the claim to, or undefined when none fits. */
export function findBestMatch(pvc: PersistentVolumeClaim, volumes: readonly PersistentVolume[]): PersistentVolume | undefined {
  const named = pvc.spec?.volumeName;
  if (named !== undefined && named !== '') {
    const pv = volumes.find((v) => v.metadata.name === named);
    // A claim naming its volume binds to it when free or pre-bound to it (only size and modes must fit).
    return pv !== undefined && (isFree(pv) || isPreBoundTo(pv, pvc)) && volumeSatisfies(pv, pvc, false) ? pv : undefined;
  }
  const preBound = volumes.find((v) => isPreBoundTo(v, pvc) && v.metadata.deletionTimestamp === undefined);
  if (preBound !== undefined) return volumeSatisfies(preBound, pvc) ? preBound : undefined;
  const candidates = volumes.filter((v) => isFree(v) && volumeSatisfies(v, pvc));
  candidates.sort((a, b) => {
    const d = capacityNanos(a) - capacityNanos(b);
    return d < 0n ? -1 : d > 0n ? 1 : String(a.metadata.name).localeCompare(String(b.metadata.name));
  });
  return candidates[0];
}
