// batch/v1 CronJob (k8s.io/api/batch/v1/types.go): a Job template run on a cron schedule.
import { Type, type Static } from '@sinclair/typebox';
import { atomicList, Bool, define, doc, Enum, Int32, Int64, Opt, Str, Time } from './helpers.js';
import { metadataField, ObjectMeta, ObjectReference, typeMetaFields } from './meta.schema.js';
import { Job } from './groups.schema.js';

const BATCH = 'io.k8s.api.batch.v1';

export const JobTemplateSpec = define(
  `${BATCH}.JobTemplateSpec`,
  Type.Object(
    {
      metadata: Opt(doc(ObjectMeta, "Standard object's metadata of the jobs created from this template.")),
      spec: Job.properties.spec,
    },
    { description: 'JobTemplateSpec describes the data a Job should have when created from a template' },
  ),
);

export const CronJob = define(
  `${BATCH}.CronJob`,
  Type.Object(
    {
      ...typeMetaFields,
      metadata: metadataField,
      spec: Opt(
        define(
          `${BATCH}.CronJobSpec`,
          Type.Object({
            schedule: Str('The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
            timeZone: Opt(Str('The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.')),
            startingDeadlineSeconds: Opt(Int64('Optional deadline in seconds for starting the job if it misses scheduled time for any reason.')),
            concurrencyPolicy: Opt(Enum(['Allow', 'Forbid', 'Replace'], 'Specifies how to treat concurrent executions of a Job.', { default: 'Allow' })),
            suspend: Opt(Bool('This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.', { default: false })),
            jobTemplate: doc(JobTemplateSpec, 'Specifies the job that will be created when executing a CronJob.'),
            successfulJobsHistoryLimit: Opt(Int32('The number of successful finished jobs to retain. Value must be non-negative integer. Defaults to 3.', { default: 3 })),
            failedJobsHistoryLimit: Opt(Int32('The number of failed finished jobs to retain. Value must be non-negative integer. Defaults to 1.', { default: 1 })),
          }),
        ),
      ),
      status: Opt(
        define(
          `${BATCH}.CronJobStatus`,
          Type.Object({
            active: Opt(atomicList(ObjectReference, 'A list of pointers to currently running jobs.')),
            lastScheduleTime: Opt(doc(Time, 'Information when was the last time the job was successfully scheduled.')),
            lastSuccessfulTime: Opt(doc(Time, 'Information when was the last time the job successfully completed.')),
          }),
        ),
      ),
    },
    { description: 'CronJob represents the configuration of a single cron job.' },
  ),
);
export type CronJob = Static<typeof CronJob>;
