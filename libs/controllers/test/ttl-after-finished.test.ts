import { describe, expect, it } from 'vitest';
import type { Job } from '@skiff/api';
import { formatTime, listerOf, syncTtlAfterFinished } from '../src/index.js';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

function job(o: { ttl?: number; finishedAtMs?: number; condition?: string; deleting?: boolean } = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: 'u1', resourceVersion: '42', ...(o.deleting === true ? { deletionTimestamp: formatTime(T0) } : {}) },
    spec: { ...(o.ttl === undefined ? {} : { ttlSecondsAfterFinished: o.ttl }), template: {} },
    status: o.finishedAtMs === undefined ? {} : { conditions: [{ type: o.condition ?? 'Complete', status: 'True', lastTransitionTime: formatTime(o.finishedAtMs) }] },
  };
}

const sync = (j: Job, nowMs: number) => syncTtlAfterFinished('default/pi', { jobs: listerOf([j]) }, { nowMs });

describe('TTL after finished', () => {
  it('waits until ttlSecondsAfterFinished after the finish, then deletes with Foreground and preconditions', () => {
    const j = job({ ttl: 100, finishedAtMs: T0 });
    expect(sync(j, T0 + 40_000)).toEqual({ actions: [], requeueAfterMs: 60_000 });
    expect(sync(j, T0 + 100_000).actions).toEqual([
      { type: 'delete', resource: expect.objectContaining({ resource: 'jobs' }), namespace: 'default', name: 'pi', propagationPolicy: 'Foreground', preconditions: { uid: 'u1', resourceVersion: '42' } },
    ]);
  });

  it('counts a Failed job as finished too', () => {
    expect(sync(job({ ttl: 0, finishedAtMs: T0, condition: 'Failed' }), T0).actions).toHaveLength(1);
  });

  it('leaves alone running jobs, jobs without a ttl and jobs being deleted', () => {
    expect(sync(job({ ttl: 0 }), T0)).toEqual({ actions: [] });
    expect(sync(job({ finishedAtMs: T0 }), T0 + 1e9)).toEqual({ actions: [] });
    expect(sync(job({ ttl: 0, finishedAtMs: T0, deleting: true }), T0)).toEqual({ actions: [] });
    expect(sync(job({ ttl: 0, finishedAtMs: T0, condition: 'SuccessCriteriaMet' }), T0)).toEqual({ actions: [] });
  });
});
