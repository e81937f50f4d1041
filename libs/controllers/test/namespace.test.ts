import { describe, expect, it } from 'vitest';
import type { Namespace } from '@skiff/api';
import { Resources, listerOf, syncNamespace } from '../src/index.js';
import { T0, iso, pod, replicaSet } from './fixtures.js';

const terminating = (extra: Partial<Namespace> = {}): Namespace => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'default', uid: 'ns-1', resourceVersion: '5', deletionTimestamp: iso(T0) },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active' },
  ...extra,
});

describe('namespace deletion', () => {
  it('deletes what the namespace holds and reports what remains', () => {
    const stuck = pod('b', { deleting: true });
    stuck.metadata.finalizers = ['example.com/keep'];
    const contents = [
      { resource: Resources.pods, objects: [pod('a'), stuck] },
      { resource: Resources.replicaSets, objects: [replicaSet('web', 1)] },
      { resource: Resources.services, objects: [] },
    ];
    const r = syncNamespace('default', { namespaces: listerOf([terminating()]) }, contents, { nowMs: T0 });
    expect(r.actions.map((a) => [a.type, 'name' in a ? a.name : ''])).toEqual([['updateStatus', ''], ['delete', 'a'], ['delete', 'web']]);
    const status = (r.actions[0] as { object: Namespace }).object.status!;
    expect(status.phase).toBe('Terminating');
    expect(status.conditions).toContainEqual({ type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: pods. has 2 resource instances, replicasets.apps has 1 resource instances', lastTransitionTime: iso(T0) });
    expect(status.conditions).toContainEqual({ type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: 'Some content in the namespace has finalizers remaining: example.com/keep in 1 resource instances', lastTransitionTime: iso(T0) });
    expect(r.actions[1]).toMatchObject({ propagationPolicy: 'Background', preconditions: { uid: 'pod-a' } });
    expect(r.requeueAfterMs).toBe(30_000);
  });

  it('removes the kubernetes finalizer through finalize once empty', () => {
    const r = syncNamespace('default', { namespaces: listerOf([terminating({ spec: { finalizers: ['kubernetes', 'other'] } })]) }, [{ resource: Resources.pods, objects: [] }], { nowMs: T0 });
    expect(r.actions).toEqual([{ type: 'update', resource: Resources.namespaces, subresource: 'finalize', object: expect.objectContaining({ spec: { finalizers: ['other'] } }) }]);
  });

  it('leaves active and already finalized namespaces alone', () => {
    const active = terminating();
    delete active.metadata.deletionTimestamp;
    expect(syncNamespace('default', { namespaces: listerOf([active]) }, [{ resource: Resources.pods, objects: [pod('a')] }], { nowMs: T0 }).actions).toEqual([]);
    expect(syncNamespace('default', { namespaces: listerOf([terminating({ spec: { finalizers: [] } })]) }, [{ resource: Resources.pods, objects: [pod('a')] }], { nowMs: T0 }).actions).toEqual([]);
  });
});
