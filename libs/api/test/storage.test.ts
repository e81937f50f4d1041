import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../src/index.js';
import { info } from './fixtures.js';

const pvs = info('', 'v1', 'persistentvolumes');
const pvcs = info('', 'v1', 'persistentvolumeclaims');
const scs = info('storage.k8s.io', 'v1', 'storageclasses');

// The docs' pv-volume.yaml and pv-claim.yaml ("Configure a Pod to Use a PersistentVolume for Storage").
const taskPV = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'task-pv-volume', labels: { type: 'local' } },
  spec: { storageClassName: 'manual', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/mnt/data' } },
});
const taskPVC = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'task-pv-claim', namespace: 'default' },
  spec: { storageClassName: 'manual', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '3Gi' } } },
});

function admitted(r: typeof pvs, obj: KubeObject): string[] {
  r.defaults(obj);
  return r.validate(obj).map((e) => `${e.field}: ${e.message}`);
}

describe('persistent storage kinds', () => {
  it('accept the docs task manifests and default the reclaim policy to Retain', () => {
    const pv = taskPV();
    expect(admitted(pvs, pv)).toEqual([]);
    expect((pv.spec as Record<string, unknown>).persistentVolumeReclaimPolicy).toBe('Retain');
    expect(admitted(pvcs, taskPVC())).toEqual([]);
  });

  it('refuse a volume without a source, access modes or a parseable capacity', () => {
    const pv = taskPV();
    pv.spec = { capacity: { storage: 'lots' } };
    const errs = admitted(pvs, pv);
    expect(errs.some((e) => e.startsWith('spec.accessModes'))).toBe(true);
    expect(errs.some((e) => e.startsWith('spec.capacity[storage]'))).toBe(true);
    expect(errs.some((e) => e.includes('must specify a volume type'))).toBe(true);
  });

  it('refuse a claim without a storage request', () => {
    const pvc = taskPVC();
    pvc.spec = { accessModes: ['ReadWriteOnce'] };
    expect(admitted(pvcs, pvc)).toEqual(['spec.resources.requests[storage]: Required value']);
  });

  it('print pv, pvc and sc as kubectl 1.32 does', () => {
    const pv = taskPV();
    pvs.defaults(pv);
    pv.spec = { ...(pv.spec as object), claimRef: { namespace: 'default', name: 'task-pv-claim' } };
    pv['status'] = { phase: 'Bound' };
    expect(pvs.tableColumns.filter((c) => c.priority === 0).map((c) => c.name.toUpperCase())).toEqual(['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE']);
    expect(pvs.tableRow(pv, 0).slice(0, 9)).toEqual(['task-pv-volume', '10Gi', 'RWO', 'Retain', 'Bound', 'default/task-pv-claim', 'manual', '<unset>', '']);
    const pvc = taskPVC();
    expect(pvcs.tableColumns.filter((c) => c.priority === 0).map((c) => c.name.toUpperCase())).toEqual(['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE']);
    pvc.spec = { ...(pvc.spec as object), volumeName: 'task-pv-volume' };
    pvc['status'] = { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'] };
    expect(pvcs.tableRow(pvc, 0).slice(0, 7)).toEqual(['task-pv-claim', 'Bound', 'task-pv-volume', '10Gi', 'RWO', 'manual', '<unset>']);
    const sc: KubeObject = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'skiff.dev/local-path' };
    expect(admitted(scs, sc)).toEqual([]);
    expect(scs.tableRow(sc, 0).slice(0, 5)).toEqual(['standard (default)', 'skiff.dev/local-path', 'Delete', 'Immediate', false]);
  });

  it('forbid changing a storage class provisioner', () => {
    const old: KubeObject = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'x', resourceVersion: '1' }, provisioner: 'a' };
    scs.defaults(old);
    const next = { ...old, provisioner: 'b' } as KubeObject;
    expect(scs.validate(next, old).map((e) => e.field)).toContain('provisioner');
  });
});
