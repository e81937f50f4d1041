// The Job controller end to end: real nats-server, store, API server, scheduler, one real kubelet
// with the process runtime (the image does not matter: the command runs on this host) and the
// controller manager, driven by the real kubectl as the Kubernetes Job docs do (the pi job).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Pod } from '@skiff/api';
import { Resources } from '@skiff/controllers';
import { eventually, type TestCluster } from '@skiff/kube-controller-manager/testing';
import { startRealNodeCluster, type RealNodeCluster } from './real-node.js';

const T = 120_000;
let k: RealNodeCluster;
let c: TestCluster;

beforeAll(async () => {
  k = await startRealNodeCluster(['job', 'ttl-after-finished', 'garbagecollector'], { name: 'job-node', ip: '127.0.7.1', podCIDR: '127.43.7.0/24' });
  c = k.c;
}, T);

afterAll(async () => {
  await k?.stop();
}, T);

const kubectl = (args: string[]): Promise<string> => k.kubectl(args);
let manifests = 0;
const applyManifest = (yaml: string): Promise<void> => k.apply(`manifest-${++manifests}`, yaml);

const conditions = (job: Job): { type: string; status: string; reason?: string }[] => (job.status?.conditions ?? []) as { type: string; status: string; reason?: string }[];

const PI_JOB = `apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(200)"]
      restartPolicy: Never
  backoffLimit: 4
`;

describe('Job', () => {
  it("runs the docs' pi job to completion: kubectl wait, get, logs, describe", async () => {
    await applyManifest(PI_JOB);
    const created = await c.client.get<Job>(Resources.jobs, 'pi', { namespace: 'default' });
    const uid = created.metadata.uid ?? '';
    expect(created.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 4, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } } });
    expect(created.spec?.template?.metadata?.labels).toMatchObject({ 'batch.kubernetes.io/job-name': 'pi', 'job-name': 'pi', 'controller-uid': uid });

    await kubectl(['wait', '--for=condition=complete', 'job/pi', '--timeout=90s']);

    const job = await c.client.get<Job>(Resources.jobs, 'pi', { namespace: 'default' });
    expect(job.status).toMatchObject({ succeeded: 1, active: 0, failed: 0 });
    expect(job.status?.completionTime).toBeDefined();
    expect(conditions(job).filter((x) => x.status === 'True').map((x) => x.type)).toEqual(['SuccessCriteriaMet', 'Complete']);

    const table = await kubectl(['get', 'jobs']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\s*$/);
    expect(table).toMatch(/^pi\s+Complete\s+1\/1\s+\d+s\s+\d+s/m);

    const logs = await kubectl(['logs', 'job/pi']);
    expect(logs.trim()).toMatch(/^3\.14159265358979323846264338327950288419716939937510/);

    const pods = await c.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'job-name=pi' });
    expect(pods.items.map((p) => p.status?.phase)).toEqual(['Succeeded']);
    const describe = await kubectl(['describe', 'job', 'pi']);
    expect(describe).toMatch(/Pods Statuses:\s+0 Active .* 1 Succeeded \/ 0 Failed/);
    expect(describe).toMatch(/SuccessfulCreate\s+.*Created pod: pi-/);
    expect(describe).toMatch(/Completed\s+.*Job completed/);
  }, T);

  it('kubectl create job runs its command; a failing one stops at backoffLimit 1 with BackoffLimitExceeded', async () => {
    await kubectl(['create', 'job', 'hello', '--image=python:3', '--', 'python3', '-c', 'print("hello from a job")']);
    await kubectl(['wait', '--for=condition=complete', 'job/hello', '--timeout=90s']);
    expect((await kubectl(['logs', 'job/hello'])).trim()).toBe('hello from a job');

    const failing = PI_JOB.replace('name: pi', 'name: boom').replace('["perl", "-Mbignum=bpi", "-wle", "print bpi(200)"]', '["sh", "-c", "echo failing; exit 3"]').replace('backoffLimit: 4', 'backoffLimit: 1');
    await applyManifest(failing);
    // The second pod starts after the 10 s failure back-off.
    await kubectl(['wait', '--for=condition=failed', 'job/boom', '--timeout=100s']);
    const job = await c.client.get<Job>(Resources.jobs, 'boom', { namespace: 'default' });
    expect(job.status).toMatchObject({ failed: 2, succeeded: 0, active: 0 });
    expect(conditions(job).find((x) => x.type === 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    expect(conditions(job).find((x) => x.type === 'FailureTarget')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    expect(job.status?.completionTime).toBeUndefined();
    const table = await kubectl(['get', 'job', 'boom']);
    expect(table).toMatch(/^boom\s+Failed\s+0\/1\s+/m);
    const pods = await c.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'job-name=boom' });
    expect(pods.items.map((p) => p.status?.phase)).toEqual(['Failed', 'Failed']);
  }, T);

  it('ttlSecondsAfterFinished deletes the finished Job and its pods; deleting a Job deletes its pods', async () => {
    await applyManifest(PI_JOB.replace('name: pi', 'name: short').replace('backoffLimit: 4', 'backoffLimit: 4\n  ttlSecondsAfterFinished: 2'));
    await eventually(async () => ((await c.client.list<Job>(Resources.jobs, { namespace: 'default' })).items.some((j) => j.metadata.name === 'short') ? undefined : true), 'job short deleted by its TTL', 90_000);
    await eventually(async () => ((await c.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'job-name=short' })).items.length === 0 ? true : undefined), 'pods of short gone', 30_000);

    await kubectl(['delete', 'job', 'pi']);
    await eventually(async () => ((await c.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'job-name=pi' })).items.length === 0 ? true : undefined), 'pods of pi collected', 30_000);
  }, T);
});
