// The CronJob controller end to end with the real kubectl, scheduler and a real kubelet (process
// runtime): the docs' hello CronJob (https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/)
// starts a Job at the next minute that really runs, `kubectl create job --from=cronjob/hello`
// starts one by hand, and deleting the CronJob takes its Jobs and pods along.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CronJob, Job, Pod } from '@skiff/api';
import { Resources } from '@skiff/controllers';
import { eventually } from '@skiff/kube-controller-manager/testing';
import { startRealNodeCluster, type RealNodeCluster } from './real-node.js';

const T = 180_000;
let k: RealNodeCluster;

beforeAll(async () => {
  k = await startRealNodeCluster(['job', 'cronjob', 'garbagecollector'], { name: 'cron-node', ip: '127.0.7.2', podCIDR: '127.43.8.0/24' });
}, T);

afterAll(async () => {
  await k?.stop();
}, T);

const HELLO = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            command:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
          restartPolicy: OnFailure
`;

const complete = (j: Job): boolean => ((j.status?.conditions ?? []) as { type: string; status: string }[]).some((x) => x.type === 'Complete' && x.status === 'True');
const jobsOf = async (cj: CronJob): Promise<Job[]> =>
  (await k.c.client.list<Job>(Resources.jobs, { namespace: 'default' })).items.filter((j) => j.metadata.ownerReferences?.some((r) => r.uid === cj.metadata.uid));

describe('CronJob', () => {
  it("runs the docs' hello CronJob every minute; kubectl get, logs, create job --from, delete", async () => {
    await k.apply('hello', HELLO);
    const cj = await k.c.client.get<CronJob>(Resources.cronJobs, 'hello', { namespace: 'default' });
    expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    const table = await k.kubectl(['get', 'cronjob', 'hello']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\s*$/);
    expect(table).toMatch(/^hello\s+\* \* \* \* \*\s+<none>\s+False\s+\d+\s+\S+\s+\d+s/m);

    // The first start is at the next whole minute (up to 60 s away).
    const job = await eventually(async () => (await jobsOf(cj)).find(complete), 'a scheduled Job of hello completed', 150_000);
    const scheduledMinute = Number(job.metadata.name?.slice('hello-'.length));
    expect(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe(new Date(scheduledMinute * 60_000).toISOString().replace('.000Z', 'Z'));
    expect(await k.kubectl(['logs', `job/${job.metadata.name ?? ''}`])).toContain('Hello from the Kubernetes cluster');
    const after = await eventually(async () => {
      const now = await k.c.client.get<CronJob>(Resources.cronJobs, 'hello', { namespace: 'default' });
      return now.status?.lastSuccessfulTime !== undefined ? now : undefined;
    }, 'lastSuccessfulTime');
    expect(after.status?.lastScheduleTime).toBeDefined();
    expect(await k.kubectl(['get', 'cronjob', 'hello'])).toMatch(/^hello\s+\* \* \* \* \*\s+<none>\s+False\s+\d+\s+\d+s\s+\d+s/m);

    await k.kubectl(['create', 'job', 'by-hand', '--from=cronjob/hello']);
    await k.kubectl(['wait', '--for=condition=complete', 'job/by-hand', '--timeout=90s']);
    const byHand = await k.c.client.get<Job>(Resources.jobs, 'by-hand', { namespace: 'default' });
    expect(byHand.metadata.annotations?.['cronjob.kubernetes.io/instantiate']).toBe('manual');

    await k.kubectl(['delete', 'cronjob', 'hello']);
    await eventually(async () => ((await jobsOf(cj)).length === 0 ? true : undefined), 'the Jobs of hello collected', 60_000);
    await eventually(async () => ((await k.c.client.list<Pod>(Resources.pods, { namespace: 'default' })).items.length === 0 ? true : undefined), 'their pods collected', 60_000);
  }, T);
});
