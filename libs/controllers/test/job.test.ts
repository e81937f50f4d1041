import { describe, expect, it } from 'vitest';
import type { Job, Pod } from '@skiff/api';
import { Resources, flattenActions, formatTime, isPodActive, syncJob } from '../src/index.js';
import { FakeCluster } from './fake-cluster.js';
import { template } from './fixtures.js';

function job(o: { completions?: number; parallelism?: number; backoffLimit?: number; activeDeadlineSeconds?: number; suspend?: boolean } = {}): Job {
  const labels = { 'batch.kubernetes.io/job-name': 'pi', 'batch.kubernetes.io/controller-uid': 'job-pi' };
  const t = template(labels, 'perl');
  t.spec!.restartPolicy = 'Never';
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: 'job-pi' },
    spec: {
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'job-pi' } },
      template: t,
      backoffLimit: o.backoffLimit ?? 6,
      ...(o.completions === undefined ? {} : { completions: o.completions }),
      ...(o.parallelism === undefined ? {} : { parallelism: o.parallelism }),
      ...(o.activeDeadlineSeconds === undefined ? {} : { activeDeadlineSeconds: o.activeDeadlineSeconds }),
      ...(o.suspend === undefined ? {} : { suspend: o.suspend }),
    },
  };
}

class JobSim {
  readonly cluster = new FakeCluster();
  constructor(j: Job) {
    this.cluster.add(Resources.jobs, j);
  }
  get job(): Job {
    return this.cluster.list<Job>(Resources.jobs)[0]!;
  }
  active(): Pod[] {
    return this.cluster.list<Pod>(Resources.pods).filter(isPodActive);
  }
  sync() {
    const c = this.cluster;
    const r = syncJob('default/pi', { jobs: c.lister(Resources.jobs), pods: c.lister(Resources.pods) }, { nowMs: c.nowMs, random: c.random, expectations: c.expectations });
    c.execute(r.actions);
    return r;
  }
  finish(n: number, phase: 'Succeeded' | 'Failed'): void {
    for (const p of this.active().slice(0, n)) {
      const finishedAt = formatTime(this.cluster.nowMs);
      this.cluster.put(Resources.pods, { ...p, status: { phase, containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'perl', imageID: '', state: { terminated: { exitCode: phase === 'Failed' ? 1 : 0, finishedAt } } }] } });
    }
  }
  condition(type: string) {
    return (this.job.status?.conditions as { type: string; status: string; reason?: string }[] | undefined)?.find((c) => c.type === type);
  }
}

describe('Job', () => {
  it('runs parallelism pods until completions succeeded, then completes', () => {
    const sim = new JobSim(job({ completions: 3, parallelism: 2 }));
    const first = sim.sync();
    expect(flattenActions(first.actions).filter((a) => a.type === 'create')).toHaveLength(2);
    expect(sim.active()[0]?.metadata.name).toMatch(/^pi-[a-z0-9]{5}$/);
    expect(sim.active()[0]?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: 'pi', controller: true });
    expect(sim.job.status).toMatchObject({ active: 0, succeeded: 0, failed: 0, startTime: formatTime(sim.cluster.nowMs) });
    sim.sync();
    expect(sim.job.status?.active).toBe(2);
    sim.finish(2, 'Succeeded');
    sim.sync();
    expect(sim.active()).toHaveLength(1);
    sim.finish(1, 'Succeeded');
    const done = sim.sync();
    expect(sim.condition('SuccessCriteriaMet')).toMatchObject({ status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' });
    expect(sim.condition('Complete')).toMatchObject({ status: 'True', reason: 'CompletionsReached' });
    expect(sim.job.status).toMatchObject({ succeeded: 3, active: 0, completionTime: formatTime(sim.cluster.nowMs) });
    expect(done.actions.find((a) => a.type === 'event')).toMatchObject({ reason: 'Completed', message: 'Job completed' });
    expect(sim.sync().actions).toEqual([]);
  });

  it('recreates failed pods after an exponential back-off and fails past backoffLimit', () => {
    const sim = new JobSim(job({ backoffLimit: 1 }));
    sim.sync();
    sim.finish(1, 'Failed');
    const wait = sim.sync();
    expect(sim.active()).toHaveLength(0);
    expect(wait.requeueAfterMs).toBe(10_000);
    sim.cluster.advance(10_000);
    sim.sync();
    expect(sim.active()).toHaveLength(1);
    sim.finish(1, 'Failed');
    const failed = sim.sync();
    expect(sim.condition('FailureTarget')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    expect(sim.condition('Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    expect(sim.job.status).toMatchObject({ failed: 2, active: 0 });
    expect(failed.actions.find((a) => a.type === 'event')).toMatchObject({ eventType: 'Warning', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
  });

  it('fails and stops its pods past activeDeadlineSeconds', () => {
    const sim = new JobSim(job({ parallelism: 2, completions: 4, activeDeadlineSeconds: 60 }));
    const first = sim.sync();
    expect(first.requeueAfterMs).toBe(60_000);
    sim.cluster.advance(60_000);
    sim.sync();
    expect(sim.active()).toHaveLength(0);
    // Its pods were running: FailureTarget first, Failed once they are gone (Kubernetes 1.31+).
    expect(sim.condition('FailureTarget')).toMatchObject({ status: 'True', reason: 'DeadlineExceeded' });
    expect(sim.condition('Failed')).toBeUndefined();
    expect(sim.job.status).toMatchObject({ active: 0, terminating: 2 });
    sim.sync();
    expect(sim.condition('Failed')).toMatchObject({ status: 'True', reason: 'DeadlineExceeded' });
    expect(sim.job.status).toMatchObject({ terminating: 0 });
  });

  it('waits for a deleted pod that still runs before the terminal condition', () => {
    const sim = new JobSim(job({ activeDeadlineSeconds: 5 }));
    sim.sync();
    const [pod] = sim.active();
    sim.cluster.put(Resources.pods, { ...pod!, metadata: { ...pod!.metadata, deletionTimestamp: formatTime(sim.cluster.nowMs) }, status: { phase: 'Running' } });
    sim.cluster.advance(5_000);
    sim.sync();
    expect(sim.condition('FailureTarget')).toMatchObject({ status: 'True', reason: 'DeadlineExceeded' });
    expect(sim.condition('Failed')).toBeUndefined();
    sim.sync();
    expect(sim.condition('Failed')).toBeUndefined();
    sim.cluster.put(Resources.pods, { ...pod!, metadata: { ...pod!.metadata, deletionTimestamp: formatTime(sim.cluster.nowMs) }, status: { phase: 'Failed' } });
    sim.sync();
    expect(sim.condition('Failed')).toMatchObject({ status: 'True', reason: 'DeadlineExceeded' });
  });

  it('counts container restarts of OnFailure pods against backoffLimit', () => {
    const j = job({ backoffLimit: 2 });
    j.spec!.template!.spec!.restartPolicy = 'OnFailure';
    const sim = new JobSim(j);
    sim.sync();
    const [pod] = sim.active();
    const restarted = (n: number): Pod => ({ ...pod!, status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: n, image: 'perl', imageID: '' }] } });
    sim.cluster.put(Resources.pods, restarted(1));
    sim.sync();
    expect(sim.condition('FailureTarget')).toBeUndefined();
    sim.cluster.put(Resources.pods, restarted(2));
    sim.sync();
    expect(sim.condition('FailureTarget')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    expect(sim.active()).toHaveLength(0);
  });

  it('deletes running pods while suspended and resumes', () => {
    const sim = new JobSim(job({ parallelism: 2, completions: 2 }));
    sim.sync();
    const j = structuredClone(sim.job);
    j.spec!.suspend = true;
    sim.cluster.put(Resources.jobs, j);
    sim.sync();
    expect(sim.active()).toHaveLength(0);
    expect(sim.condition('Suspended')).toMatchObject({ status: 'True', reason: 'JobSuspended' });
    const resumed = structuredClone(sim.job);
    resumed.spec!.suspend = false;
    sim.cluster.put(Resources.jobs, resumed);
    sim.sync();
    expect(sim.active()).toHaveLength(2);
    expect(sim.condition('Suspended')).toMatchObject({ status: 'False', reason: 'JobResumed' });
  });

  it('without completions: stops starting pods after one succeeded, completes when all are done', () => {
    const sim = new JobSim(job({ parallelism: 3 }));
    sim.sync();
    sim.finish(1, 'Succeeded');
    sim.sync();
    expect(sim.active()).toHaveLength(2);
    sim.finish(2, 'Succeeded');
    sim.sync();
    expect(sim.condition('Complete')).toMatchObject({ status: 'True' });
  });
});
