// CronJob controller (pkg/controller/cronjob/cronjob_controllerv2.go syncCronJob): at each
// scheduled time create a Job from spec.jobTemplate, named `<cronjob>-<minutes since the epoch>`
// (so one scheduled time never makes two Jobs), honouring suspend, startingDeadlineSeconds and
// concurrencyPolicy (Allow, Forbid: skip while one runs, Replace: delete the running ones first);
// status.active lists the unfinished Jobs it owns, lastScheduleTime and lastSuccessfulTime follow;
// finished Jobs beyond successfulJobsHistoryLimit / failedJobsHistoryLimit are deleted, oldest
// first. The sync asks to be requeued at the next scheduled time. Schedules are read in
// spec.timeZone (UTC when unset).
import { isKnownTimeZone, nextCronTime, parseCronSchedule, type CronJob, type CronSchedule, type Job, type ObjectReference } from '@skiff/api';
import { Resources, eventFor, objectReference, type Action, type SyncResult } from '../actions.js';
import { expectationsSatisfied, type Expectations } from '../expectations.js';
import { splitKey, type ListerView } from '../lister.js';
import { controllerRefOf, newControllerRef } from '../util/controller-ref.js';
import { deepEqual } from '../util/equal.js';
import { formatTime, parseTime } from '../util/time.js';

export const CRONJOB_SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** Kubernetes warns past this many missed start times (and still starts the most recent). */
export const CRONJOB_MISSED_STARTS_WARN = 100;
/** A bound on the schedule walk since the last run (about 70 days of a once-a-minute schedule). */
const SCHEDULE_WALK_MAX = 100_000;
/** nextScheduleTimeDuration adds this so that the requeue lands after the minute turned. */
const REQUEUE_SLACK_MS = 100;

export interface CronJobListers {
  readonly cronJobs: ListerView<CronJob>;
  readonly jobs: ListerView<Job>;
}

export interface CronJobSyncContext {
  readonly nowMs: number;
  readonly expectations: Expectations;
}

type CronJobStatus = NonNullable<CronJob['status']>;
interface Condition {
  readonly type?: string;
  readonly status?: string;
}

/** Complete or Failed, if the Job finished. */
export function jobFinishedAs(job: Job): 'Complete' | 'Failed' | undefined {
  const conditions = (job.status?.conditions ?? []) as Condition[];
  const done = conditions.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  return done?.type as 'Complete' | 'Failed' | undefined;
}

/** `<cronjob>-<scheduled time in minutes since the epoch>` (getJobName). */
export function cronJobJobName(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}

/** The scheduled times in (earliest, now]: the most recent, how many, and the next one after now. */
export function scheduledTimes(schedule: CronSchedule, earliestMs: number, nowMs: number, timeZone?: string): { mostRecentMs?: number; missed: number; nextMs?: number } {
  let missed = 0;
  let mostRecentMs: number | undefined;
  let t = nextCronTime(schedule, earliestMs, timeZone);
  for (let i = 0; i < SCHEDULE_WALK_MAX && t !== undefined && t <= nowMs; i++) {
    mostRecentMs = t;
    missed++;
    t = nextCronTime(schedule, t, timeZone);
  }
  return { ...(mostRecentMs === undefined ? {} : { mostRecentMs }), missed, ...(t === undefined ? {} : { nextMs: t }) };
}

export function syncCronJob(key: string, listers: CronJobListers, ctx: CronJobSyncContext): SyncResult {
  const { namespace, name } = splitKey(key);
  const cj = listers.cronJobs.get(name, namespace);
  if (cj === undefined) return { actions: [] };
  const owned = listers.jobs
    .namespace(namespace)
    .list()
    .filter((j) => {
      const ref = controllerRefOf(j);
      return ref?.kind === 'CronJob' && ref.uid === cj.metadata.uid;
    });
  const actions: Action[] = [];
  const status: CronJobStatus = { ...(cj.status ?? {}) };
  const wasActive = new Set((cj.status?.active ?? []).map((r) => r.uid));
  const running = owned.filter((j) => jobFinishedAs(j) === undefined && j.metadata.deletionTimestamp === undefined);
  for (const j of owned) {
    const finished = jobFinishedAs(j);
    if (finished === undefined || !wasActive.has(j.metadata.uid)) continue;
    actions.push(eventFor(Resources.cronJobs, cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name ?? ''}, condition: ${finished}`));
    const completedMs = parseTime(j.status?.completionTime);
    if (finished === 'Complete' && completedMs !== undefined && completedMs > (parseTime(status.lastSuccessfulTime) ?? -Infinity)) status.lastSuccessfulTime = formatTime(completedMs);
  }
  status.active = running.map((j) => objectReference(Resources.jobs, j) as ObjectReference);
  if (status.active.length === 0) delete status.active;
  actions.push(...cleanupHistory(cj, owned));
  const schedule = cj.metadata.deletionTimestamp === undefined && cj.spec?.suspend !== true ? parseSchedule(cj, actions) : undefined;
  let requeueAfterMs: number | undefined;
  if (schedule !== undefined) {
    const planned = plan(cj, schedule, running, owned, status, ctx, key);
    actions.push(...planned.actions);
    requeueAfterMs = planned.requeueAfterMs;
  }
  if (!deepEqual(cj.status ?? {}, status)) actions.push({ type: 'updateStatus', resource: Resources.cronJobs, object: { ...cj, status } });
  return requeueAfterMs === undefined ? { actions } : { actions, requeueAfterMs };
}

function parseSchedule(cj: CronJob, actions: Action[]): CronSchedule | undefined {
  const timeZone = cj.spec?.timeZone;
  if (timeZone !== undefined && !isKnownTimeZone(timeZone)) {
    actions.push(eventFor(Resources.cronJobs, cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(timeZone)}`));
    return undefined;
  }
  try {
    return parseCronSchedule(cj.spec?.schedule ?? '');
  } catch (err) {
    actions.push(eventFor(Resources.cronJobs, cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec?.schedule ?? '')} : ${(err as Error).message}`));
    return undefined;
  }
}

/** The start due now, if any (written into `status`), and when to look again. */
function plan(cj: CronJob, schedule: CronSchedule, running: readonly Job[], owned: readonly Job[], status: CronJobStatus, ctx: CronJobSyncContext, key: string): { actions: Action[]; requeueAfterMs?: number } {
  const deadlineSeconds = cj.spec?.startingDeadlineSeconds;
  let earliestMs = parseTime(cj.status?.lastScheduleTime) ?? parseTime(cj.metadata.creationTimestamp) ?? ctx.nowMs;
  // Starts older than the deadline are not worth walking to (getMostRecentScheduleTime).
  if (deadlineSeconds !== undefined) earliestMs = Math.max(earliestMs, ctx.nowMs - deadlineSeconds * 1000);
  const { mostRecentMs, missed, nextMs } = scheduledTimes(schedule, earliestMs, ctx.nowMs, cj.spec?.timeZone);
  const after = nextMs === undefined ? {} : { requeueAfterMs: nextMs - ctx.nowMs + REQUEUE_SLACK_MS };
  const actions: Action[] = [];
  if (mostRecentMs === undefined) return { actions, ...after };
  if (missed > CRONJOB_MISSED_STARTS_WARN) {
    actions.push(eventFor(Resources.cronJobs, cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`));
  }
  const jobName = cronJobJobName(cj.metadata.name ?? '', mostRecentMs);
  if (owned.some((j) => j.metadata.name === jobName) || !expectationsSatisfied(ctx.expectations, key, ctx.nowMs)) return { actions, ...after };
  if (cj.spec?.concurrencyPolicy === 'Forbid' && running.length > 0) {
    // lastScheduleTime stays: when the running Job ends, the missed start still happens (if within the deadline).
    actions.push(eventFor(Resources.cronJobs, cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid'));
    return { actions, ...after };
  }
  if (cj.spec?.concurrencyPolicy === 'Replace') actions.push(...running.map((j) => deleteJob(cj, j)));
  actions.push(createJob(cj, jobName, mostRecentMs, key));
  status.lastScheduleTime = formatTime(mostRecentMs);
  return { actions, ...after };
}

function createJob(cj: CronJob, name: string, scheduledMs: number, key: string): Action {
  const namespace = cj.metadata.namespace ?? '';
  const template = cj.spec?.jobTemplate;
  const job: Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace,
      labels: { ...(template?.metadata?.labels ?? {}) },
      annotations: { ...(template?.metadata?.annotations ?? {}), [CRONJOB_SCHEDULED_TIMESTAMP]: formatTime(scheduledMs) },
      ownerReferences: [newControllerRef(cj, Resources.cronJobs)],
    },
    spec: structuredClone(template?.spec ?? { template: {} }),
  };
  return {
    type: 'create',
    resource: Resources.jobs,
    namespace,
    object: job,
    expectation: { key, kind: 'add' },
    successEvent: eventFor(Resources.cronJobs, cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`),
    failureEvent: { involvedObject: objectReference(Resources.cronJobs, cj), reason: 'FailedCreate', messagePrefix: 'Error creating job: ' },
  };
}

function deleteJob(cj: CronJob, job: Job): Action {
  return {
    type: 'delete',
    resource: Resources.jobs,
    namespace: job.metadata.namespace ?? '',
    name: job.metadata.name ?? '',
    propagationPolicy: 'Background',
    ...(job.metadata.uid === undefined ? {} : { preconditions: { uid: job.metadata.uid } }),
    successEvent: eventFor(Resources.cronJobs, cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name ?? ''}`),
  };
}

/** cleanupFinishedJobs: the oldest finished Jobs beyond each history limit. */
function cleanupHistory(cj: CronJob, owned: readonly Job[]): Action[] {
  const startedMs = (j: Job): number => parseTime(j.status?.startTime) ?? parseTime(j.metadata.creationTimestamp) ?? 0;
  const finished = owned.filter((j) => j.metadata.deletionTimestamp === undefined);
  const excess = (kind: 'Complete' | 'Failed', limit: number | undefined): Job[] => {
    const jobs = finished.filter((j) => jobFinishedAs(j) === kind).sort((a, b) => startedMs(a) - startedMs(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    return limit === undefined ? [] : jobs.slice(0, Math.max(0, jobs.length - limit));
  };
  return [...excess('Complete', cj.spec?.successfulJobsHistoryLimit), ...excess('Failed', cj.spec?.failedJobsHistoryLimit)].map((j) => deleteJob(cj, j));
}
