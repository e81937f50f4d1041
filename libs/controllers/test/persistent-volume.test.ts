import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '@skiff/api';
import { describe, expect, it } from 'vitest';
import { claimKey, listerOf, syncPersistentVolumeKey, volumeKey, type Action, type PersistentVolumeListers } from '../src/index.js';

const provisioner = { name: 'skiff.dev/local-path', volumesDir: '/data/volumes' };

function pv(name: string, storage: string, extra: Partial<NonNullable<PersistentVolume['spec']>> = {}, phase = 'Available', labels?: Record<string, string>): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, uid: `uid-${name}`, resourceVersion: '5', ...(labels === undefined ? {} : { labels }) },
    spec: { storageClassName: 'manual', capacity: { storage }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: `/mnt/${name}` }, ...extra },
    status: { phase: phase as 'Available' },
  };
}

function pvc(name: string, storage: string, extra: Partial<NonNullable<PersistentVolumeClaim['spec']>> = {}): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '7' },
    spec: { storageClassName: 'manual', accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, ...extra },
    status: { phase: 'Pending' },
  };
}

const standard: StorageClass = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard' }, provisioner: provisioner.name, reclaimPolicy: 'Delete' };

function listers(claims: PersistentVolumeClaim[], volumes: PersistentVolume[], classes: StorageClass[] = [standard]): PersistentVolumeListers {
  return { claims: listerOf(claims), volumes: listerOf(volumes), classes: listerOf(classes) };
}

const boundVolume = (actions: readonly Action[]): string | undefined => {
  const update = actions.find((a) => a.type === 'update');
  return update?.type === 'update' ? update.object.metadata.name : undefined;
};

describe('PersistentVolume controller: binding', () => {
  it('binds a claim to the smallest volume that fits, writing claimRef, phases and volumeName', () => {
    const claim = pvc('task-pv-claim', '3Gi');
    const r = syncPersistentVolumeKey(claimKey('default', 'task-pv-claim'), listers([claim], [pv('big', '100Gi'), pv('small', '1Gi'), pv('task-pv-volume', '10Gi')]), provisioner);
    expect(boundVolume(r.actions)).toBe('task-pv-volume');
    const update = r.actions[0];
    expect(update?.type === 'update' && (update.object.spec as { claimRef: { uid: string } }).claimRef.uid).toBe('uid-task-pv-claim');
    const patches = r.actions.filter((a) => a.type === 'patch').map((a) => (a.type === 'patch' ? [a.resource.resource, a.subresource ?? '', a.patch] : []));
    expect(patches).toEqual([
      ['persistentvolumes', 'status', { status: { phase: 'Bound' } }],
      ['persistentvolumeclaims', '', { metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' } }, spec: { volumeName: 'task-pv-volume' } }],
      ['persistentvolumeclaims', 'status', { status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } } }],
    ]);
    expect(r.volumeOps).toEqual([]);
  });

  it('skips volumes of another class, without the access mode, already claimed, or not matching the selector', () => {
    const claim = pvc('c', '1Gi', { accessModes: ['ReadWriteMany'], selector: { matchLabels: { tier: 'db' } } });
    const volumes = [
      pv('other-class', '1Gi', { storageClassName: 'fast', accessModes: ['ReadWriteMany'] }, 'Available', { tier: 'db' }),
      pv('rwo-only', '1Gi', {}, 'Available', { tier: 'db' }),
      pv('claimed', '1Gi', { accessModes: ['ReadWriteMany'], claimRef: { namespace: 'default', name: 'x', uid: 'u' } }, 'Bound', { tier: 'db' }),
      pv('wrong-label', '1Gi', { accessModes: ['ReadWriteMany'] }, 'Available', { tier: 'web' }),
      pv('fits', '5Gi', { accessModes: ['ReadWriteMany', 'ReadWriteOnce'] }, 'Available', { tier: 'db' }),
    ];
    expect(boundVolume(syncPersistentVolumeKey(claimKey('default', 'c'), listers([claim], volumes), provisioner).actions)).toBe('fits');
  });

  it('leaves a claim Pending with a FailedBinding event when nothing fits and the class has no provisioner here', () => {
    const claim = pvc('c', '50Gi');
    const r = syncPersistentVolumeKey(claimKey('default', 'c'), listers([claim], [pv('small', '10Gi')]), provisioner);
    expect(r.actions.map((a) => (a.type === 'event' ? a.reason : a.type))).toEqual(['FailedBinding']);
  });

  it('binds a claim naming its volume to that volume even when a smaller one fits', () => {
    const claim = pvc('c', '1Gi', { volumeName: 'big' });
    expect(boundVolume(syncPersistentVolumeKey(claimKey('default', 'c'), listers([claim], [pv('small', '1Gi'), pv('big', '10Gi')]), provisioner).actions)).toBe('big');
  });
});

describe('PersistentVolume controller: provisioning and reclaiming', () => {
  it('provisions a hostPath volume under the volumes dir for a claim of our class, pre-bound to it', () => {
    const claim = pvc('data', '2Gi', { storageClassName: 'standard' });
    const r = syncPersistentVolumeKey(claimKey('default', 'data'), listers([claim], []), provisioner);
    expect(r.volumeOps).toEqual([{ type: 'createDir', path: '/data/volumes/pvc-uid-data' }]);
    const create = r.actions.find((a) => a.type === 'create');
    expect(create?.type === 'create' && create.object).toMatchObject({
      metadata: { name: 'pvc-uid-data', annotations: { 'pv.kubernetes.io/provisioned-by': 'skiff.dev/local-path' } },
      spec: { capacity: { storage: '2Gi' }, persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard', claimRef: { name: 'data', uid: 'uid-data' }, hostPath: { path: '/data/volumes/pvc-uid-data' } },
    });
    // Once the volume exists, the claim binds to it instead of provisioning again.
    const made = create?.type === 'create' ? (create.object as unknown as PersistentVolume) : pv('x', '1Gi');
    const again = syncPersistentVolumeKey(claimKey('default', 'data'), listers([claim], [made]), provisioner);
    expect(again.volumeOps).toEqual([]);
    expect(boundVolume(again.actions)).toBeUndefined(); // claimRef already names the claim: no PV update
    expect(again.actions.some((a) => a.type === 'patch' && a.resource.resource === 'persistentvolumeclaims')).toBe(true);
  });

  it('waits for an external provisioner, and refuses to provision for a claim with a selector', () => {
    const external: StorageClass = { ...standard, metadata: { name: 'ebs' }, provisioner: 'ebs.csi.aws.com' };
    const a = syncPersistentVolumeKey(claimKey('default', 'c'), listers([pvc('c', '1Gi', { storageClassName: 'ebs' })], [], [external]), provisioner);
    expect(a.actions.map((x) => (x.type === 'event' ? x.reason : x.type))).toEqual(['ExternalProvisioning']);
    const b = syncPersistentVolumeKey(claimKey('default', 'c'), listers([pvc('c', '1Gi', { storageClassName: 'standard', selector: { matchLabels: { a: 'b' } } })], []), provisioner);
    expect(b.actions.map((x) => (x.type === 'event' ? x.reason : x.type))).toEqual(['ProvisioningFailed']);
  });

  it('releases a volume whose claim is gone (confirmed live), then deletes it and its folder when provisioned with Delete', () => {
    const ref = { namespace: 'default', name: 'gone', uid: 'uid-gone' };
    const provisioned = pv('pvc-uid-gone', '1Gi', { claimRef: ref, persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard', hostPath: { path: '/data/volumes/pvc-uid-gone' } }, 'Bound');
    provisioned.metadata.annotations = { 'pv.kubernetes.io/provisioned-by': provisioner.name };
    const first = syncPersistentVolumeKey(volumeKey('pvc-uid-gone'), listers([], [provisioned]), provisioner);
    expect(first.actions).toMatchObject([{ type: 'patch', patch: { status: { phase: 'Released' } }, requireAbsentOwners: [{ kind: 'PersistentVolumeClaim', name: 'gone', uid: 'uid-gone' }] }]);
    const released = { ...provisioned, status: { phase: 'Released' as const } };
    const second = syncPersistentVolumeKey(volumeKey('pvc-uid-gone'), listers([], [released]), provisioner);
    expect(second.volumeOps).toEqual([{ type: 'removeDir', path: '/data/volumes/pvc-uid-gone' }]);
    expect(second.actions).toMatchObject([{ type: 'delete', name: 'pvc-uid-gone' }]);
    // A pod still mounting the deleted claim holds the folder back.
    const user = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [], volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'gone' } }] }, status: { phase: 'Running' } } as Pod;
    const held = syncPersistentVolumeKey(volumeKey('pvc-uid-gone'), { ...listers([], [released]), pods: listerOf([user]) }, provisioner);
    expect(held).toMatchObject({ actions: [], volumeOps: [], requeueAfterMs: 5000 });
  });

  it('keeps a Retain volume Released, and never removes a folder it did not provision', () => {
    const retained = { ...pv('task-pv-volume', '10Gi', { claimRef: { namespace: 'default', name: 'gone', uid: 'u' } }), status: { phase: 'Released' as const } };
    expect(syncPersistentVolumeKey(volumeKey('task-pv-volume'), listers([], [retained]), provisioner)).toEqual({ actions: [], volumeOps: [] });
    const manualDelete = { ...retained, spec: { ...retained.spec, persistentVolumeReclaimPolicy: 'Delete' as const } };
    const r = syncPersistentVolumeKey(volumeKey('task-pv-volume'), listers([], [manualDelete]), provisioner);
    expect(r.volumeOps).toEqual([]);
    expect(r.actions[0]).toMatchObject({ type: 'patch', patch: { status: { phase: 'Failed' } } });
  });

  it('marks a fresh volume Available, and Bound once its claim names it', () => {
    const fresh = pv('v', '1Gi', {}, 'Pending');
    expect(syncPersistentVolumeKey(volumeKey('v'), listers([], [fresh]), provisioner).actions).toMatchObject([{ patch: { status: { phase: 'Available' } } }]);
    const claim = pvc('c', '1Gi', { volumeName: 'v' });
    const claimed = pv('v', '1Gi', { claimRef: { namespace: 'default', name: 'c', uid: 'uid-c' } }, 'Available');
    expect(syncPersistentVolumeKey(volumeKey('v'), listers([claim], [claimed]), provisioner).actions).toMatchObject([{ patch: { status: { phase: 'Bound' } } }]);
  });
});
