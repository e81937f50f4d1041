// The TTL-after-finished controller (pkg/controller/ttlafterfinished): a finished Job (Complete or
// Failed) with spec.ttlSecondsAfterFinished is deleted that long after it finished, with
// propagationPolicy Foreground so that its pods go first, and preconditions on its uid and
// resourceVersion so that a Job recreated or changed meanwhile is left alone. The finish time is
// the terminal condition's lastTransitionTime (Kubernetes' jobFinishTime).
import type { Job } from '@skiff/api';
import { Resources, type Action, type SyncResult } from '../actions.js';
import { splitKey, type ListerView } from '../lister.js';
import { parseTime } from '../util/time.js';

export interface TtlAfterFinishedListers {
  readonly jobs: ListerView<Job>;
}

interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly lastTransitionTime?: string;
}

/** When the Job finished, if it did (its Complete or Failed condition turned True). */
export function jobFinishTimeMs(job: Job): number | undefined {
  const conditions = (job.status?.conditions ?? []) as Condition[];
  const finished = conditions.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  return finished === undefined ? undefined : parseTime(finished.lastTransitionTime);
}

export function syncTtlAfterFinished(key: string, listers: TtlAfterFinishedListers, ctx: { readonly nowMs: number }): SyncResult {
  const { namespace, name } = splitKey(key);
  const job = listers.jobs.get(name, namespace);
  const ttlSeconds = job?.spec?.ttlSecondsAfterFinished;
  if (job === undefined || ttlSeconds === undefined || job.metadata.deletionTimestamp !== undefined) return { actions: [] };
  const finishedMs = jobFinishTimeMs(job);
  if (finishedMs === undefined) return { actions: [] };
  const expireAtMs = finishedMs + ttlSeconds * 1000;
  if (expireAtMs > ctx.nowMs) return { actions: [], requeueAfterMs: expireAtMs - ctx.nowMs };
  const del: Action = {
    type: 'delete',
    resource: Resources.jobs,
    namespace,
    name,
    propagationPolicy: 'Foreground',
    preconditions: { ...(job.metadata.uid === undefined ? {} : { uid: job.metadata.uid }), ...(job.metadata.resourceVersion === undefined ? {} : { resourceVersion: job.metadata.resourceVersion }) },
  };
  return { actions: [del] };
}
