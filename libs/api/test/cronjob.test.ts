import { describe, expect, it } from 'vitest';
import { findResource, type KubeObject, type ResourceInfo } from '../src/index.js';

const cronJobs = findResource('batch', 'v1', 'cronjobs') as ResourceInfo;

function cronJob(o: { name?: string; schedule?: string; timeZone?: string; restartPolicy?: string } = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: o.name ?? 'hello', namespace: 'default' },
    spec: {
      schedule: o.schedule ?? '*/5 * * * *',
      ...(o.timeZone === undefined ? {} : { timeZone: o.timeZone }),
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox' }], restartPolicy: o.restartPolicy ?? 'OnFailure' } } } },
    },
  };
}

function errors(obj: KubeObject): string[] {
  cronJobs.defaults(obj);
  return cronJobs.validate(obj).map((e) => `${e.field}: ${e.type}`);
}

describe('batch/v1 CronJob', () => {
  it('defaults as SetDefaults_CronJob and validates a good one', () => {
    const cj = cronJob({ timeZone: 'Europe/Berlin' });
    expect(errors(cj)).toEqual([]);
    expect(cj['spec']).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  });

  it('rejects a bad schedule, an unknown time zone, a long name and restartPolicy Always', () => {
    expect(errors(cronJob({ schedule: '61 * * * *' }))).toEqual(['spec.schedule: Invalid']);
    expect(errors(cronJob({ timeZone: 'Mars/Olympus' }))).toEqual(['spec.timeZone: Invalid']);
    expect(errors(cronJob({ name: 'x'.repeat(53) }))).toEqual(['metadata.name: Invalid']);
    expect(errors(cronJob({ restartPolicy: 'Always' }))).toEqual(['spec.jobTemplate.spec.template.spec.restartPolicy: NotSupported']);
  });

  it('prints the columns of kubectl get cronjob', () => {
    expect(cronJobs.tableColumns.map((c) => c.name)).toEqual(['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers', 'Images', 'Selector']);
    const cj = cronJob();
    cronJobs.defaults(cj);
    expect(cronJobs.tableRow(cj, Date.now()).slice(0, 6)).toEqual(['hello', '*/5 * * * *', '<none>', 'False', 0, '<none>']);
  });
});
