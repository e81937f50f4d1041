// Persistent storage end to end: real nats-server, store, API server, scheduler, the
// persistentvolume-binder controller and one real kubelet with the process runtime, driven by
// the real kubectl through the docs' task "Configure a Pod to Use a PersistentVolume for
// Storage" (/mnt/data is a temp dir), then a claim provisioned from the default StorageClass.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '@skiff/api';
import { SeededRandom } from '@skiff/core';
import { Resources } from '@skiff/controllers';
import { startKubelet, type Kubelet } from '@skiff/kubelet-service';
import { startSchedulerProcess, type SchedulerProcess } from '@skiff/kube-scheduler';
import { child, CLUSTER, eventually, startTestCluster, type TestCluster } from '@skiff/kube-controller-manager/testing';

const T = 180_000;
let c: TestCluster;
let kubelet: Kubelet | undefined;
let scheduler: SchedulerProcess | undefined;
let volumesDir = '';
let hostData = '';

beforeAll(async () => {
  c = await startTestCluster();
  volumesDir = join(c.dir, 'volumes');
  hostData = join(c.dir, 'mnt-data');
  await c.startControllerManager('kcm-pv', { controllers: ['persistentvolume-binder'], persistentVolume: { volumesDir } });
  scheduler = await startSchedulerProcess({ natsUrls: [c.natsUrl], cluster: CLUSTER, schedulerName: 'default-scheduler', instance: 'sched-pv', version: '0.1.0', clock: c.clock, random: new SeededRandom(3), logger: child(c.logger, { part: 'scheduler' }) });
  kubelet = await startKubelet({ natsUrls: [c.natsUrl], cluster: CLUSTER, nodeName: 'pv-node', nodeIP: '127.0.9.1', podCIDR: '127.45.9.0/24', rootDir: join(c.dir, 'kubelet'), clock: c.clock, random: new SeededRandom(5), logger: child(c.logger, { part: 'kubelet' }) });
  await kubelet.ready;
}, T);

afterAll(async () => {
  await kubelet?.stop();
  await scheduler?.stop();
  await c?.stop();
}, T);

async function kubectl(args: string[]): Promise<string> {
  const r = await c.kubectl(args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.code} ${r.stderr}`);
  return r.stdout;
}
let files = 0;
async function apply(yaml: string): Promise<string> {
  const file = join(c.dir, `manifest-${++files}.yaml`);
  writeFileSync(file, yaml);
  return kubectl(['apply', '-f', file]);
}

const getPV = (name: string): Promise<PersistentVolume | undefined> => c.client.get<PersistentVolume & { metadata: { name: string } }>(Resources.persistentVolumes, name).catch(() => undefined);
const getPVC = (name: string): Promise<PersistentVolumeClaim | undefined> =>
  c.client.get<PersistentVolumeClaim & { metadata: { name: string } }>(Resources.persistentVolumeClaims, name, { namespace: 'default' }).catch(() => undefined);

const nginxPod = (name: string, claim: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  volumes:
    - name: task-pv-storage
      persistentVolumeClaim:
        claimName: ${claim}
  containers:
    - name: task-pv-container
      image: nginx
      ports:
        - containerPort: 80
          name: "http-server"
      volumeMounts:
        - mountPath: "/usr/share/nginx/html"
          name: task-pv-storage
`;

async function servedBy(pod: string): Promise<string> {
  const running = await eventually(async () => {
    const p = await c.client.get<Pod & { metadata: { name: string } }>(Resources.pods, pod, { namespace: 'default' });
    return p.status?.phase === 'Running' && p.status.podIP ? p : undefined;
  }, `pod ${pod} Running`, 90_000);
  return eventually(async () => {
    const res = await fetch(`http://${running.status?.podIP ?? ''}/`).catch(() => undefined);
    return res?.status === 200 ? res.text() : undefined;
  }, `pod ${pod} serving`, 30_000);
}

describe('PersistentVolumes', () => {
  it("runs the docs' task: hostPath PV, a claim bound to it, an nginx pod serving the host folder", async () => {
    mkdirSync(hostData, { recursive: true });
    writeFileSync(join(hostData, 'index.html'), 'Hello from Kubernetes storage\n');
    await apply(`apiVersion: v1
kind: PersistentVolume
metadata:
  name: task-pv-volume
  labels:
    type: local
spec:
  storageClassName: manual
  capacity:
    storage: 10Gi
  accessModes:
    - ReadWriteOnce
  hostPath:
    path: "${hostData}"
`);
    await eventually(async () => ((await getPV('task-pv-volume'))?.status?.phase === 'Available' ? true : undefined), 'PV Available');
    expect(await kubectl(['get', 'pv', 'task-pv-volume'])).toMatch(/^task-pv-volume\s+10Gi\s+RWO\s+Retain\s+Available\s+manual\s+<unset>\s+\d+s/m);

    await apply(`apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: task-pv-claim
spec:
  storageClassName: manual
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: 3Gi
`);
    await eventually(async () => ((await getPVC('task-pv-claim'))?.status?.phase === 'Bound' ? true : undefined), 'PVC Bound');
    const pvTable = await kubectl(['get', 'pv', 'task-pv-volume']);
    expect(pvTable.split('\n')[0]).toMatch(/^NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+REASON\s+AGE\s*$/);
    await eventually(async () => ((await getPV('task-pv-volume'))?.status?.phase === 'Bound' ? true : undefined), 'PV Bound');
    expect(await kubectl(['get', 'pv', 'task-pv-volume'])).toMatch(/^task-pv-volume\s+10Gi\s+RWO\s+Retain\s+Bound\s+default\/task-pv-claim\s+manual\s+<unset>\s+\d+s/m);
    expect(await kubectl(['get', 'pvc', 'task-pv-claim'])).toMatch(/^task-pv-claim\s+Bound\s+task-pv-volume\s+10Gi\s+RWO\s+manual\s+<unset>\s+\d+s/m);

    await apply(nginxPod('task-pv-pod', 'task-pv-claim'));
    expect(await servedBy('task-pv-pod')).toBe('Hello from Kubernetes storage\n');

    // Clean up as the docs do: the Retain volume becomes Released, its folder stays.
    await kubectl(['delete', 'pod', 'task-pv-pod', '--wait=false']);
    await kubectl(['delete', 'pvc', 'task-pv-claim']);
    await eventually(async () => ((await getPV('task-pv-volume'))?.status?.phase === 'Released' ? true : undefined), 'PV Released', 60_000);
    expect(existsSync(join(hostData, 'index.html'))).toBe(true);
  }, T);

  it('provisions a claim without a class from the default StorageClass standard, and deletes volume and folder with the claim', async () => {
    expect(await kubectl(['get', 'sc'])).toMatch(/^standard \(default\)\s+skiff\.dev\/local-path\s+Delete\s+Immediate\s+false\s+\d+s/m);
    await apply(`apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: www
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
`);
    const claim = await eventually(async () => {
      const pvc = await getPVC('www');
      return pvc?.status?.phase === 'Bound' ? pvc : undefined;
    }, 'provisioned PVC Bound', 60_000);
    expect(claim.spec?.storageClassName).toBe('standard');
    const pvName = `pvc-${claim.metadata.uid ?? ''}`;
    expect(claim.spec?.volumeName).toBe(pvName);
    const pv = await getPV(pvName);
    expect(pv?.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard', hostPath: { path: join(volumesDir, pvName) } });
    expect(pv?.metadata.annotations?.['pv.kubernetes.io/provisioned-by']).toBe('skiff.dev/local-path');
    const folder = join(volumesDir, pvName);
    expect(existsSync(folder)).toBe(true);
    writeFileSync(join(folder, 'index.html'), 'provisioned\n');
    await apply(nginxPod('www-pod', 'www'));
    expect(await servedBy('www-pod')).toBe('provisioned\n');

    await kubectl(['delete', 'pod', 'www-pod']);
    await kubectl(['delete', 'pvc', 'www']);
    await eventually(async () => ((await getPV(pvName)) === undefined ? true : undefined), 'provisioned PV deleted', 60_000);
    expect(existsSync(folder)).toBe(false);

    // The docs' "Change the default StorageClass": a strategic merge patch of the annotation.
    await kubectl(['patch', 'storageclass', 'standard', '-p', '{"metadata": {"annotations":{"storageclass.kubernetes.io/is-default-class":"false"}}}']);
    expect(await kubectl(['get', 'sc'])).toMatch(/^standard\s+skiff\.dev\/local-path\s+Delete/m);
  }, T);

  it('keeps a pod whose claim is unbound waiting with a FailedMount event, and runs it once a volume binds', async () => {
    const late = join(c.dir, 'late-data');
    mkdirSync(late, { recursive: true });
    writeFileSync(join(late, 'index.html'), 'late\n');
    await apply(`apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: late-claim
spec:
  storageClassName: manual
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
`);
    await apply(nginxPod('late-pod', 'late-claim'));
    const events = await eventually(async () => {
      const out = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=late-pod', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
      return out.includes('FailedMount') ? out : undefined;
    }, 'FailedMount event', 60_000);
    expect(events).toMatch(/FailedMount: MountVolume.SetUp failed: volume task-pv-storage: persistentvolumeclaim "late-claim" is not bound \(phase Pending\)/);
    expect((await getPVC('late-claim'))?.status?.phase).toBe('Pending');
    await apply(`apiVersion: v1
kind: PersistentVolume
metadata:
  name: late-volume
spec:
  storageClassName: manual
  capacity:
    storage: 2Gi
  accessModes: [ReadWriteOnce]
  hostPath:
    path: "${late}"
`);
    expect(await servedBy('late-pod')).toBe('late\n');
  }, T);
});
