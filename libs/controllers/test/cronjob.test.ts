import { describe, expect, it } from 'vitest';
import type { CronJob, Job } from '@skiff/api';
import { CRONJOB_SCHEDULED_TIMESTAMP, Resources, flattenActions, formatTime, syncCronJob } from '../src/index.js';
import { FakeCluster } from './fake-cluster.js';
import { template } from './fixtures.js';

const MIN = 60_000;

function cronJob(o: { schedule?: string; timeZone?: string; concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace'; suspend?: boolean; startingDeadlineSeconds?: number; successful?: number; failed?: number } = {}): CronJob {
  const t = template({ app: 'hello' }, 'busybox');
  t.spec!.restartPolicy = 'OnFailure';
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'default' },
    spec: {
      schedule: o.schedule ?? '*/1 * * * *',
      ...(o.timeZone === undefined ? {} : { timeZone: o.timeZone }),
      concurrencyPolicy: o.concurrencyPolicy ?? 'Allow',
      suspend: o.suspend ?? false,
      successfulJobsHistoryLimit: o.successful ?? 3,
      failedJobsHistoryLimit: o.failed ?? 1,
      ...(o.startingDeadlineSeconds === undefined ? {} : { startingDeadlineSeconds: o.startingDeadlineSeconds }),
      jobTemplate: { metadata: { labels: { team: 'a' } }, spec: { template: t } },
    },
  };
}

class CronSim {
  readonly cluster = new FakeCluster();
  constructor(cj: CronJob) {
    // FakeCluster's clock starts on a whole minute (10:00:00): the CronJob exists from then on.
    this.cluster.add(Resources.cronJobs, cj);
  }
  get cj(): CronJob {
    return this.cluster.list<CronJob>(Resources.cronJobs)[0]!;
  }
  jobs(): Job[] {
    return this.cluster.list<Job>(Resources.jobs).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  }
  sync() {
    const c = this.cluster;
    const r = syncCronJob('default/hello', { cronJobs: c.lister(Resources.cronJobs), jobs: c.lister(Resources.jobs) }, { nowMs: c.nowMs, expectations: c.expectations });
    c.execute(r.actions);
    return r;
  }
  finish(job: Job, as: 'Complete' | 'Failed'): void {
    const now = formatTime(this.cluster.nowMs);
    this.cluster.put(Resources.jobs, { ...job, status: { startTime: job.metadata.creationTimestamp, ...(as === 'Complete' ? { completionTime: now } : {}), conditions: [{ type: as, status: 'True', lastTransitionTime: now }] } });
  }
  reasons(): string[] {
    return this.cluster.events.map((e) => e.reason);
  }
}

describe('CronJob', () => {
  it('creates one Job per scheduled time, named by the minute, and waits for the next one', () => {
    const sim = new CronSim(cronJob());
    const t0 = sim.cluster.nowMs;
    expect(sim.sync()).toEqual({ actions: [], requeueAfterMs: MIN + 100 });
    sim.cluster.advance(MIN + 5_000);
    const r = sim.sync();
    expect(r.requeueAfterMs).toBe(55_000 + 100);
    const [job] = sim.jobs();
    expect(job?.metadata).toMatchObject({
      name: `hello-${(t0 + MIN) / MIN}`,
      labels: { team: 'a' },
      annotations: { [CRONJOB_SCHEDULED_TIMESTAMP]: formatTime(t0 + MIN) },
      ownerReferences: [{ kind: 'CronJob', name: 'hello', controller: true, blockOwnerDeletion: true }],
    });
    expect(job?.spec?.template?.spec?.restartPolicy).toBe('OnFailure');
    expect(sim.cj.status?.lastScheduleTime).toBe(formatTime(t0 + MIN));
    expect(sim.reasons()).toEqual(['SuccessfulCreate']);
    // Same minute again: nothing new; the Job now shows in status.active.
    expect(flattenActions(sim.sync().actions).filter((a) => a.type === 'create')).toHaveLength(0);
    expect(sim.cj.status?.active?.map((a) => a.name)).toEqual([job?.metadata.name]);
    sim.cluster.advance(MIN);
    sim.sync();
    expect(sim.jobs()).toHaveLength(2);
  });

  it('Forbid skips a start while a Job runs and makes it up once it finished', () => {
    const sim = new CronSim(cronJob({ concurrencyPolicy: 'Forbid' }));
    sim.cluster.advance(MIN);
    sim.sync();
    sim.cluster.advance(MIN);
    sim.sync();
    expect(sim.jobs()).toHaveLength(1);
    expect(sim.reasons()).toContain('JobAlreadyActive');
    sim.finish(sim.jobs()[0]!, 'Complete');
    sim.sync();
    expect(sim.jobs()).toHaveLength(2);
    expect(sim.reasons()).toContain('SawCompletedJob');
    expect(sim.cj.status?.lastSuccessfulTime).toBe(formatTime(sim.cluster.nowMs));
  });

  it('Replace deletes the running Job before starting the next', () => {
    const sim = new CronSim(cronJob({ concurrencyPolicy: 'Replace' }));
    sim.cluster.advance(MIN);
    sim.sync();
    const first = sim.jobs()[0]!.metadata.name;
    sim.cluster.advance(MIN);
    sim.sync();
    expect(sim.jobs().map((j) => j.metadata.name)).not.toContain(first);
    expect(sim.jobs()).toHaveLength(1);
    expect(sim.reasons()).toEqual(['SuccessfulCreate', 'SuccessfulDelete', 'SuccessfulCreate']);
  });

  it('reads the schedule in spec.timeZone; an unknown zone starts nothing and says why', () => {
    // 10:00 UTC is 12:00 in Berlin (CEST, May) and 06:00 in New York (EDT).
    const berlin = new CronSim(cronJob({ schedule: '0 13 * * *', timeZone: 'Europe/Berlin' }));
    expect(berlin.sync().requeueAfterMs).toBe(60 * MIN + 100);
    const ny = new CronSim(cronJob({ schedule: '0 13 * * *', timeZone: 'America/New_York' }));
    expect(ny.sync().requeueAfterMs).toBe(7 * 60 * MIN + 100);
    const bad = new CronSim(cronJob({ timeZone: 'Mars/Olympus' }));
    bad.cluster.advance(5 * MIN);
    expect(bad.sync().requeueAfterMs).toBeUndefined();
    expect(bad.jobs()).toHaveLength(0);
    expect(bad.reasons()).toEqual(['UnknownTimeZone']);
  });

  it('a suspended CronJob starts nothing', () => {
    const sim = new CronSim(cronJob({ suspend: true }));
    sim.cluster.advance(10 * MIN);
    expect(sim.sync()).toEqual({ actions: [] });
    expect(sim.jobs()).toHaveLength(0);
  });

  it('keeps successfulJobsHistoryLimit and failedJobsHistoryLimit finished Jobs, deleting the oldest', () => {
    const sim = new CronSim(cronJob({ successful: 2, failed: 1 }));
    for (let i = 0; i < 5; i++) {
      sim.cluster.advance(MIN);
      sim.sync();
      const running = sim.jobs().find((j) => j.status?.conditions === undefined)!;
      sim.finish(running, i < 3 ? 'Complete' : 'Failed');
    }
    sim.sync();
    const names = sim.jobs().map((j) => j.metadata.name);
    const minute = (n: number): string => `hello-${(Date.parse('2024-05-01T10:00:00Z') + n * MIN) / MIN}`;
    expect(names).toEqual([minute(2), minute(3), minute(5)]);
  });

  it('startingDeadlineSeconds: a start missed by more than the deadline is skipped; too many missed starts warn', () => {
    const late = new CronSim(cronJob({ schedule: '0 * * * *', startingDeadlineSeconds: 30 }));
    late.cluster.advance(60 * MIN + 45_000);
    late.sync();
    expect(late.jobs()).toHaveLength(0);

    const behind = new CronSim(cronJob());
    behind.cluster.advance(200 * MIN);
    behind.sync();
    expect(behind.reasons()).toEqual(['TooManyMissedTimes', 'SuccessfulCreate']);
    expect(behind.jobs()).toHaveLength(1);
    expect(behind.cj.status?.lastScheduleTime).toBe(formatTime(behind.cluster.nowMs));
  });
});
