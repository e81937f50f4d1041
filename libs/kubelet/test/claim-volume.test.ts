// persistentVolumeClaim volumes: resolved to the bound PV's folder, or a retried error while unbound.
import { describe, expect, it } from 'vitest';
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '@skiff/api';
import { planPodVolumes, VolumeError } from '../src/volumes.js';

const claim = (phase: 'Pending' | 'Bound', volumeName?: string): PersistentVolumeClaim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'task-pv-claim', namespace: 'default', uid: 'c1' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '3Gi' } }, ...(volumeName === undefined ? {} : { volumeName }) },
  status: { phase },
});
const volume: PersistentVolume = {
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'task-pv-volume' },
  spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/mnt/data' }, claimRef: { namespace: 'default', name: 'task-pv-claim', uid: 'c1' } },
  status: { phase: 'Bound' },
};
const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'task-pv-pod', namespace: 'default', uid: 'p1' },
  spec: { containers: [{ name: 'task-pv-container', image: 'nginx' }], volumes: [{ name: 'task-pv-storage', persistentVolumeClaim: { claimName: 'task-pv-claim' } }] },
};
const lookupWith = (pvc: PersistentVolumeClaim | undefined, pv: PersistentVolume | undefined) => ({
  configMap: () => undefined,
  secret: () => undefined,
  persistentVolumeClaim: (ns: string, name: string) => (pvc !== undefined && ns === pvc.metadata.namespace && name === pvc.metadata.name ? pvc : undefined),
  persistentVolume: (name: string) => (pv?.metadata.name === name ? pv : undefined),
});

describe('persistentVolumeClaim volumes', () => {
  it('mount the bound PV hostPath', () => {
    expect(planPodVolumes(pod, '/pods/p1', lookupWith(claim('Bound', 'task-pv-volume'), volume))).toEqual([{ type: 'hostPath', name: 'task-pv-storage', hostPath: '/mnt/data', hostPathType: '' }]);
  });

  it('wait while the claim is missing, unbound, or its PV names another claim', () => {
    expect(() => planPodVolumes(pod, '/pods/p1', lookupWith(undefined, volume))).toThrow(new VolumeError('volume task-pv-storage: persistentvolumeclaim "task-pv-claim" not found'));
    expect(() => planPodVolumes(pod, '/pods/p1', lookupWith(claim('Pending'), volume))).toThrow(/is not bound \(phase Pending\)/);
    const stolen = { ...volume, spec: { ...volume.spec, claimRef: { namespace: 'default', name: 'other' } } };
    expect(() => planPodVolumes(pod, '/pods/p1', lookupWith(claim('Bound', 'task-pv-volume'), stolen))).toThrow(/is not bound to claim/);
    expect(() => planPodVolumes(pod, '/pods/p1', { configMap: () => undefined, secret: () => undefined })).toThrow(/not supported by this kubelet/);
  });
});
