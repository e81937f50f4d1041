// Job controller, NonIndexed jobs (pkg/controller/job/job_controller.go), counting from pods
// (the job keeps its finished pods): run `parallelism` pods until `completions` succeeded (or,
// without completions, until one succeeded and none runs), recreate failed ones after an
// exponential back-off (10 s doubling, at most 6 min), and fail the Job past backoffLimit
// failures or activeDeadlineSeconds. suspend deletes the running pods.
// Not here: Indexed jobs, podFailurePolicy, successPolicy, finalizer-based tracking.
//
// Finishing as Kubernetes 1.31+ does (JobPodReplacementPolicy on, delayTerminalCondition): the
// interim condition (SuccessCriteriaMet or FailureTarget) is written first and the active pods
// are deleted; the terminal one (Complete or Failed, same reason) follows once no pod of the Job
// is still terminating, so a Job reported Complete has no process left behind.
import type { Job, Pod } from '@skiff/api';
import type { Random } from '@skiff/core';
import { Resources, eventFor, objectReference, type Action, type SyncResult } from '../actions.js';
import { expectationsSatisfied, type Expectations } from '../expectations.js';
import { splitKey, type ListerView } from '../lister.js';
import { podsInDeletionOrder } from '../util/active-pods.js';
import { claimActions, claimObjects, newControllerRef } from '../util/controller-ref.js';
import { deepEqual } from '../util/equal.js';
import { isPodActive, isPodReady, isPodTerminal, podKey } from '../util/pod.js';
import { podFromTemplate } from '../util/pod-template.js';
import { matchesSelector, selectorOf } from '../util/selector.js';
import { formatTime, parseTime } from '../util/time.js';

export const JOB_BACKOFF_BASE_MS = 10_000;
export const JOB_BACKOFF_MAX_MS = 6 * 60_000;

export interface JobListers {
  readonly jobs: ListerView<Job>;
  readonly pods: ListerView<Pod>;
}

export interface JobSyncContext {
  readonly nowMs: number;
  readonly random: Pick<Random, 'int'>;
  readonly expectations: Expectations;
  readonly burstReplicas?: number;
}

type JobStatus = NonNullable<Job['status']>;
interface JobCondition {
  type: string;
  status: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

type Finish = { readonly type: 'Complete' | 'Failed'; readonly reason: string; readonly message: string };

const conditionsOf = (job: Job): JobCondition[] => (job.status?.conditions ?? []) as JobCondition[];
const isTrue = (job: Job, type: string): JobCondition | undefined => conditionsOf(job).find((c) => c.type === type && c.status === 'True');
const isFinished = (job: Job): boolean => isTrue(job, 'Complete') !== undefined || isTrue(job, 'Failed') !== undefined;
/** The interim condition each terminal one follows (batch/v1 JobSuccessCriteriaMet, JobFailureTarget). */
const INTERIM = { Complete: 'SuccessCriteriaMet', Failed: 'FailureTarget' } as const;
const BACKOFF_LIMIT_EXCEEDED: Finish = { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
const COMPLETIONS_REACHED: Finish = { type: 'Complete', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };

/** A finish decided by an earlier sync, waiting for its pods to terminate. */
function pendingFinish(job: Job): Finish | undefined {
  const failure = isTrue(job, INTERIM.Failed);
  if (failure !== undefined) return { type: 'Failed', reason: failure.reason ?? '', message: failure.message ?? '' };
  const success = isTrue(job, INTERIM.Complete);
  return success === undefined ? undefined : { type: 'Complete', reason: success.reason ?? '', message: success.message ?? '' };
}

/** restartPolicy OnFailure: container restarts of running pods count against backoffLimit (pastBackoffLimitOnFailure). */
function pastBackoffLimitOnFailure(job: Job, active: readonly Pod[], backoffLimit: number): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  const restarts = active
    .filter((p) => p.status?.phase === 'Running' || p.status?.phase === 'Pending')
    .flatMap((p) => [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])])
    .reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
  return backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit;
}

function withCondition(conditions: readonly JobCondition[], type: string, status: string, reason: string, message: string, nowIso: string): JobCondition[] {
  const prev = conditions.find((c) => c.type === type);
  if (prev !== undefined && prev.status === status && prev.reason === reason) return [...conditions];
  const next = { type, status, lastProbeTime: nowIso, lastTransitionTime: prev?.status === status ? (prev.lastTransitionTime ?? nowIso) : nowIso, reason, message };
  return [...conditions.filter((c) => c.type !== type), next];
}

/** When the newest failed pod finished (its containers' finishedAt, else its creation). */
function lastFailureMs(failed: readonly Pod[]): number | undefined {
  let last: number | undefined;
  for (const p of failed) {
    const finished = (p.status?.containerStatuses ?? []).map((s) => parseTime(s.state?.terminated?.finishedAt)).filter((t) => t !== undefined);
    const t = finished.length > 0 ? Math.max(...finished) : parseTime(p.metadata.creationTimestamp);
    if (t !== undefined) last = Math.max(last ?? t, t);
  }
  return last;
}

export function syncJob(key: string, listers: JobListers, ctx: JobSyncContext): SyncResult {
  const { namespace, name } = splitKey(key);
  const job = listers.jobs.get(name, namespace);
  if (job === undefined || isFinished(job)) return { actions: [] };
  const nowIso = formatTime(ctx.nowMs);
  const selector = selectorOf(job.spec?.selector);
  const claim = claimObjects(job, listers.pods.namespace(namespace).list(), (p) => matchesSelector(selector, p.metadata.labels));
  const actions: Action[] = claimActions(claim, Resources.pods, job, Resources.jobs);
  const pods = claim.claimed;
  const active = pods.filter(isPodActive);
  const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
  const failedPods = pods.filter((p) => p.status?.phase === 'Failed');
  const failed = failedPods.length;
  const status: JobStatus = { ...(job.status ?? {}) };
  let conditions = conditionsOf(job);
  const suspended = job.spec?.suspend === true;
  if (!suspended && status.startTime === undefined) status.startTime = nowIso;
  const startMs = parseTime(status.startTime) ?? ctx.nowMs;
  const completions = job.spec?.completions;
  const backoffLimit = job.spec?.backoffLimit ?? 6;
  const deadline = job.spec?.activeDeadlineSeconds;
  let finish = pendingFinish(job);
  if (finish !== undefined) {
    // decided already: only waiting for the pods to go
  } else if (failed > backoffLimit || pastBackoffLimitOnFailure(job, active, backoffLimit)) finish = BACKOFF_LIMIT_EXCEEDED;
  else if (!suspended && deadline !== undefined && startMs + deadline * 1000 <= ctx.nowMs) finish = { type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
  else if (completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0) finish = COMPLETIONS_REACHED;
  let requeueAfterMs: number | undefined;
  // Pods deleted but still running (deletionTimestamp set, not yet terminal), with the ones deleted now.
  const terminating = pods.filter((p) => p.metadata.deletionTimestamp !== undefined && !isPodTerminal(p)).length + (finish === undefined ? 0 : active.length);
  if (finish !== undefined) {
    actions.push(...deletePods(key, job, active));
    conditions = withCondition(conditions, INTERIM[finish.type], 'True', finish.reason, finish.message, nowIso);
    if (terminating === 0) {
      conditions = withCondition(conditions, finish.type, 'True', finish.reason, finish.message, nowIso);
      if (finish.type === 'Complete') {
        status.completionTime = nowIso;
        actions.push(eventFor(Resources.jobs, job, 'Normal', 'Completed', 'Job completed'));
      } else actions.push(eventFor(Resources.jobs, job, 'Warning', finish.reason, finish.message));
    }
  } else if (expectationsSatisfied(ctx.expectations, key, ctx.nowMs)) {
    const managed = manage(key, job, active, succeeded, failedPods, suspended, ctx);
    actions.push(...managed.actions);
    requeueAfterMs = managed.requeueAfterMs;
    if (deadline !== undefined && !suspended) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, startMs + deadline * 1000 - ctx.nowMs);
  }
  if (suspended) conditions = withCondition(conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', nowIso);
  else if (conditions.some((c) => c.type === 'Suspended' && c.status === 'True')) conditions = withCondition(conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', nowIso);
  const next: JobStatus = { ...status, active: finish === undefined ? active.length : 0, succeeded, failed, terminating, ready: finish === undefined ? active.filter(isPodReady).length : 0 };
  if (conditions.length > 0) next.conditions = conditions;
  if (!deepEqual(job.status ?? {}, next)) actions.push({ type: 'updateStatus', resource: Resources.jobs, object: { ...job, status: next } });
  return requeueAfterMs === undefined ? { actions } : { actions, requeueAfterMs };
}

/** manageJob: the number of active pods it wants, created after the failure back-off. */
function manage(key: string, job: Job, active: readonly Pod[], succeeded: number, failedPods: readonly Pod[], suspended: boolean, ctx: JobSyncContext): { actions: Action[]; requeueAfterMs?: number } {
  const parallelism = suspended ? 0 : (job.spec?.parallelism ?? 1);
  const completions = job.spec?.completions;
  // Without completions, once a pod succeeded no new ones start.
  const wantActive = completions === undefined ? (succeeded > 0 ? Math.min(parallelism, active.length) : parallelism) : Math.max(0, Math.min(parallelism, completions - succeeded));
  if (active.length > wantActive) return { actions: deletePods(key, job, podsInDeletionOrder(active, active, ctx.nowMs).slice(0, active.length - wantActive)) };
  if (active.length === wantActive) return { actions: [] };
  if (failedPods.length > 0) {
    const delayMs = Math.min(JOB_BACKOFF_MAX_MS, JOB_BACKOFF_BASE_MS * 2 ** (failedPods.length - 1));
    const readyAt = (lastFailureMs(failedPods) ?? ctx.nowMs) + delayMs;
    if (readyAt > ctx.nowMs) return { actions: [], requeueAfterMs: readyAt - ctx.nowMs };
  }
  const count = Math.min(wantActive - active.length, ctx.burstReplicas ?? 500);
  const namespace = job.metadata.namespace ?? '';
  const ref = newControllerRef(job, Resources.jobs);
  const creates: Action[] = Array.from({ length: count }, () => {
    const pod = podFromTemplate(job.spec?.template, namespace, job.metadata.name ?? '', ref, ctx.random);
    return {
      type: 'create',
      resource: Resources.pods,
      namespace,
      object: pod,
      expectation: { key, kind: 'add' },
      successEvent: eventFor(Resources.jobs, job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`),
      failureEvent: { involvedObject: objectReference(Resources.jobs, job), reason: 'FailedCreate', messagePrefix: 'Error creating: ' },
    };
  });
  return { actions: [{ type: 'batch', mode: 'slowStart', actions: creates }] };
}

function deletePods(key: string, job: Job, pods: readonly Pod[]): Action[] {
  if (pods.length === 0) return [];
  const actions: Action[] = pods.map((pod) => ({
    type: 'delete',
    resource: Resources.pods,
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name ?? '',
    ...(pod.metadata.uid === undefined ? {} : { preconditions: { uid: pod.metadata.uid } }),
    expectation: { key, kind: 'delete', podKey: podKey(pod) },
    successEvent: eventFor(Resources.jobs, job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name ?? ''}`),
  }));
  return [{ type: 'batch', mode: 'parallel', actions }];
}
