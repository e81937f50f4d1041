// Adapter: the Job controller (pods owned by Jobs, pkg/controller/job), the TTL-after-finished
// controller (finished Jobs deleted after spec.ttlSecondsAfterFinished) and the CronJob controller
// (Jobs started on a schedule), on the shared informers. The pure syncs are @skiff/controllers'
// syncJob, syncTtlAfterFinished and syncCronJob.

import type { KubeObject, ResourceRef, SharedInformerFactory } from '@skiff/client';
import type { Random } from '@skiff/core';
import type { CronJob, Job, Pod } from '@skiff/api';
import { objectKey, Resources, syncCronJob, syncJob, syncTtlAfterFinished, type ListerView } from '@skiff/controllers';
import { createController, type ControllerDeps, type RunningControllerHandle } from './controller-runner.js';
import { podOwnerController, unwrap, type Tombstone } from './pod-owner.controller.js';

export const JOB_CONTROLLERS = ['job', 'ttl-after-finished', 'cronjob'] as const;

function lister<T extends KubeObject>(factory: SharedInformerFactory, resource: ResourceRef): ListerView<T> {
  return factory.informerFor<T>(resource).lister as unknown as ListerView<T>;
}

/** The enabled ones of the Job controllers (`--controllers` names job, ttl-after-finished and cronjob). */
export function jobControllers(factory: SharedInformerFactory, deps: ControllerDeps, enabled: readonly string[], random: Random): RunningControllerHandle[] {
  const clock = deps.host.clock;
  const jobs = lister<Job>(factory, Resources.jobs);
  const pods = lister<Pod>(factory, Resources.pods);
  const out: RunningControllerHandle[] = [];
  if (enabled.includes('job')) {
    out.push(
      podOwnerController(factory, deps, 'Job', Resources.jobs, {
        name: 'job',
        workers: 2,
        sync: (key, expectations) => syncJob(key, { jobs, pods }, { nowMs: clock.now(), random, expectations }),
      }),
    );
  }
  if (enabled.includes('ttl-after-finished')) {
    const c = createController({ name: 'ttl-after-finished', sync: (key) => syncTtlAfterFinished(key, { jobs }, { nowMs: clock.now() }) }, deps);
    const enqueue = (o: Tombstone<KubeObject>): void => c.enqueue(objectKey(unwrap(o)));
    factory.informerFor(Resources.jobs).addEventHandler({ onAdd: enqueue, onUpdate: (_, o) => enqueue(o) });
    out.push(c);
  }
  if (enabled.includes('cronjob')) {
    const cronJobs = lister<CronJob>(factory, Resources.cronJobs);
    out.push(podOwnerController(factory, deps, 'CronJob', Resources.cronJobs, { name: 'cronjob', sync: (key, expectations) => syncCronJob(key, { cronJobs, jobs }, { nowMs: clock.now(), expectations }) }, Resources.jobs));
  }
  return out;
}
