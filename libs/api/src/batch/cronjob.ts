// CronJob's registry parts: validation (pkg/apis/batch/validation ValidateCronJob), table columns
// as kubectl 1.32 prints them, and the resource definition. Schema defaults give
// concurrencyPolicy Allow, suspend false and the history limits 3 and 1 (SetDefaults_CronJob).
import { ageSince } from '../age.js';
import { FieldPath, invalid, notSupported, required, type FieldError } from '../field-error.js';
import { containerCells, ageCol, col, nameCol, wide } from '../printers/columns.js';
import { defineResource, statusSub } from '../registry/define-resource.js';
import { CronJob } from '../schema/cronjob.schema.js';
import type { TableColumn } from '../types.js';
import { validatePodTemplateSpec } from '../validation/apps.validation.js';
import { validateNonnegative } from '../validation/common.js';
import { nameIsDNSSubdomain } from '../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/object-meta.validation.js';
import { defaultTemplate } from '../defaults/kind.defaults.js';
import { CronParseError, isKnownTimeZone, parseCronSchedule } from './cron-schedule.js';
import { formatLabelSelectorOrNone } from '../validation/label-selector.validation.js';
import { makeStrategy } from '../strategy/strategy.js';

/** Job names are `<cronjob>-<minutes since the epoch>`: 52 + 11 characters stay within 63. */
export const CRONJOB_NAME_MAX = 52;

export function validateCronJob(cj: CronJob, old?: CronJob): FieldError[] {
  const errs = old === undefined ? validateObjectMeta(cj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain }) : validateObjectMetaUpdate(cj.metadata, old.metadata);
  const name = cj.metadata.name ?? '';
  if (old === undefined && name.length > CRONJOB_NAME_MAX) errs.push(invalid(FieldPath.root('metadata').child('name'), name, `must be no more than ${CRONJOB_NAME_MAX} characters`));
  const spec = cj.spec;
  const path = FieldPath.root('spec');
  if (spec === undefined) return [...errs, required(path)];
  if (spec.schedule === '') errs.push(required(path.child('schedule')));
  else {
    try {
      parseCronSchedule(spec.schedule);
    } catch (err) {
      if (!(err instanceof CronParseError)) throw err;
      errs.push(invalid(path.child('schedule'), spec.schedule, err.message));
    }
  }
  if (spec.timeZone !== undefined) {
    if (!isKnownTimeZone(spec.timeZone)) errs.push(invalid(path.child('timeZone'), spec.timeZone, 'unknown time zone ' + spec.timeZone));
    else if (/^(CRON_)?TZ=/.test(spec.schedule.trim())) errs.push(invalid(path.child('schedule'), spec.schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  }
  if (!['Allow', 'Forbid', 'Replace'].includes(spec.concurrencyPolicy ?? '')) errs.push(notSupported(path.child('concurrencyPolicy'), spec.concurrencyPolicy ?? '', ['Allow', 'Forbid', 'Replace']));
  for (const key of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'] as const) errs.push(...validateNonnegative(spec[key], path.child(key)));
  const jobSpec = spec.jobTemplate.spec;
  const jobPath = path.child('jobTemplate', 'spec');
  for (const key of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished'] as const) errs.push(...validateNonnegative(jobSpec?.[key], jobPath.child(key)));
  errs.push(...validatePodTemplateSpec(jobSpec?.template, jobPath.child('template')));
  const policy = jobSpec?.template?.spec?.restartPolicy;
  if (policy !== 'OnFailure' && policy !== 'Never') errs.push(notSupported(jobPath.child('template', 'spec', 'restartPolicy'), policy ?? '', ['OnFailure', 'Never']));
  return errs;
}

export const cronJobColumns: TableColumn[] = [
  nameCol,
  col('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
  col('Timezone', 'string', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'),
  col('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.'),
  col('Active', 'integer', 'A list of pointers to currently running jobs.'),
  col('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
  ageCol,
  wide('Containers', 'Names of each container in the template.'),
  wide('Images', 'Images referenced by each container in the template.'),
  wide('Selector', 'A label query over pods that should match the pod count.'),
];

export function cronJobRow(cj: CronJob, nowMs: number): unknown[] {
  const last = cj.status?.lastScheduleTime;
  const [names, images] = containerCells(cj.spec?.jobTemplate.spec?.template?.spec?.containers);
  return [
    cj.metadata.name ?? '',
    cj.spec?.schedule ?? '',
    cj.spec?.timeZone ?? '<none>',
    // printBoolPtr: a string cell under a boolean column, as Kubernetes prints it.
    cj.spec?.suspend === undefined ? '<unset>' : cj.spec.suspend ? 'True' : 'False',
    cj.status?.active?.length ?? 0,
    last === undefined ? '<none>' : ageSince(last, nowMs),
    ageSince(cj.metadata.creationTimestamp, nowMs),
    names,
    images,
    formatLabelSelectorOrNone(cj.spec?.jobTemplate.spec?.selector),
  ];
}

export const cronJobResource = defineResource<CronJob>({
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  resource: 'cronjobs',
  namespaced: true,
  schema: CronJob,
  shortNames: ['cj'],
  categories: ['all'],
  subresources: [statusSub('CronJob')],
  defaults: (cj) => defaultTemplate(cj.spec?.jobTemplate.spec?.template),
  validate: validateCronJob,
  strategy: makeStrategy({ hasStatus: true, initialStatus: () => ({}), generationFields: ['spec'] }),
  columns: cronJobColumns,
  row: cronJobRow,
});
