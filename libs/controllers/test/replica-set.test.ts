import { describe, expect, it } from 'vitest';
import type { Pod, ReplicaSet } from '@skiff/api';
import { SeededRandom } from '@skiff/core';
import {
  Resources,
  expectationsSatisfied,
  flattenActions,
  listerOf,
  noExpectations,
  podsInDeletionOrder,
  raiseExpectations,
  slowStartBatchSizes,
  syncReplicaSet,
  syncReplicationController,
  type ReplicationController,
} from '../src/index.js';
import { FakeCluster } from './fake-cluster.js';
import { T0, iso, pod, replicaSet, template } from './fixtures.js';

const ctx = (over: Partial<Parameters<typeof syncReplicaSet>[2]> = {}) => ({ nowMs: T0, random: new SeededRandom(1), expectations: noExpectations, ...over });
const listers = (rss: ReplicaSet[], pods: Pod[]) => ({ replicaSets: listerOf(rss), pods: listerOf(pods) });
const owned = { kind: 'ReplicaSet', name: 'web', uid: 'rs-web' };

describe('ReplicaSet sync: scale up', () => {
  it('creates 0 -> 3 in one slow-start batch (groups 1, 2) of owned pods named <rs>-<5 random>', () => {
    const result = syncReplicaSet('default/web', listers([replicaSet('web', 3)], []), ctx());
    const batch = result.actions.find((a) => a.type === 'batch');
    expect(batch).toMatchObject({ type: 'batch', mode: 'slowStart' });
    const creates = flattenActions(result.actions).filter((a) => a.type === 'create');
    expect(creates).toHaveLength(3);
    expect(slowStartBatchSizes(creates.length)).toEqual([1, 2]);
    for (const c of creates) {
      expect(c.object.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(c.object.metadata.generateName).toBe('web-');
      expect(c.object.metadata.labels).toEqual({ app: 'web' });
      expect(c.object.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-web', controller: true, blockOwnerDeletion: true }]);
      expect(c.expectation).toEqual({ key: 'default/web', kind: 'add' });
      expect(c.successEvent?.reason).toBe('SuccessfulCreate');
      expect(c.successEvent?.message).toBe(`Created pod: ${c.object.metadata.name}`);
    }
    expect(new Set(creates.map((c) => c.object.metadata.name)).size).toBe(3);
  });

  it('does not create again while its creations are unobserved (expectations)', () => {
    const first = syncReplicaSet('default/web', listers([replicaSet('web', 3)], []), ctx());
    const expectations = raiseExpectations(noExpectations, first.actions, T0);
    expect(expectationsSatisfied(expectations, 'default/web', T0)).toBe(false);
    const second = syncReplicaSet('default/web', listers([replicaSet('web', 3)], []), ctx({ expectations }));
    expect(flattenActions(second.actions).filter((a) => a.type === 'create')).toHaveLength(0);
    // Expectations expire after 5 minutes: a lost event cannot wedge the controller.
    const late = syncReplicaSet('default/web', listers([replicaSet('web', 3)], []), ctx({ expectations, nowMs: T0 + 5 * 60_000 + 1 }));
    expect(flattenActions(late.actions).filter((a) => a.type === 'create')).toHaveLength(3);
  });

  it('runs creates as slow start: after a failing group the rest are skipped and their expectations lowered', () => {
    const cluster = new FakeCluster();
    cluster.add(Resources.replicaSets, replicaSet('web', 10));
    const sync = () => syncReplicaSet('default/web', { replicaSets: cluster.lister(Resources.replicaSets), pods: cluster.lister(Resources.pods) }, { nowMs: cluster.nowMs, random: cluster.random, expectations: cluster.expectations });
    const counts = cluster.execute(sync().actions, { failCreatesOf: { resource: 'pods', after: 4 } });
    // groups 1, 2, 4: the third group runs in parallel and 3 of its 4 creates fail, so the
    // last group (3 creates) is never tried.
    expect(counts.batches).toEqual([1, 2, 4]);
    expect(counts.created).toBe(4);
    expect(counts.failed).toBe(3);
    expect(cluster.events.filter((e) => e.reason === 'FailedCreate')[0]?.message).toBe('Error creating: quota exceeded');
    expect(expectationsSatisfied(cluster.expectations, 'default/web', cluster.nowMs)).toBe(true);
    const again = cluster.execute(sync().actions);
    expect(again.created).toBe(6);
    expect(cluster.list(Resources.pods)).toHaveLength(10);
  });

  it('creates at most burstReplicas (500) per sync', () => {
    const result = syncReplicaSet('default/web', listers([replicaSet('web', 700)], []), ctx());
    expect(flattenActions(result.actions).filter((a) => a.type === 'create')).toHaveLength(500);
  });

  it('ignores terminating and finished pods when counting', () => {
    const pods = [
      pod('a', { labels: { app: 'web' }, owner: owned, deleting: true }),
      pod('b', { labels: { app: 'web' }, owner: owned, phase: 'Failed' }),
      pod('c', { labels: { app: 'web' }, owner: owned, phase: 'Running' }),
    ];
    const result = syncReplicaSet('default/web', listers([replicaSet('web', 2)], pods), ctx());
    expect(flattenActions(result.actions).filter((a) => a.type === 'create')).toHaveLength(1);
  });
});

describe('ReplicaSet sync: scale down', () => {
  it('deletes the pods Kubernetes ranks first: unassigned, pending, not ready, newest', () => {
    const labels = { app: 'web' };
    const pods = [
      pod('old-ready', { labels, owner: owned, node: 'n1', ready: true, readySinceMs: T0 - 86_400_000, createdMs: T0 - 86_400_000 }),
      pod('new-ready', { labels, owner: owned, node: 'n2', ready: true, readySinceMs: T0 - 10_000, createdMs: T0 - 20_000 }),
      pod('not-ready', { labels, owner: owned, node: 'n3', ready: false }),
      pod('pending', { labels, owner: owned, node: 'n4', phase: 'Pending' }),
      pod('unassigned', { labels, owner: owned, phase: 'Pending' }),
    ];
    const result = syncReplicaSet('default/web', listers([replicaSet('web', 1)], pods), ctx());
    const deletes = flattenActions(result.actions).filter((a) => a.type === 'delete');
    expect(deletes.map((d) => d.name)).toEqual(['unassigned', 'pending', 'not-ready', 'new-ready']);
    expect(deletes[0]).toMatchObject({ preconditions: { uid: 'pod-unassigned' }, expectation: { key: 'default/web', kind: 'delete', podKey: 'default/unassigned' } });
    expect(deletes[0]?.successEvent?.message).toBe('Deleted pod: unassigned');
  });

  it('prefers doubled-up pods, then more restarts, and honours pod-deletion-cost', () => {
    const labels = { app: 'web' };
    const base = { labels, owner: owned, ready: true, readySinceMs: T0 - 3600_000, createdMs: T0 - 3600_000 };
    const a = pod('alone', { ...base, node: 'n1', uid: 'a' });
    const b = pod('doubled-1', { ...base, node: 'n2', uid: 'b' });
    const c = pod('doubled-2', { ...base, node: 'n2', uid: 'c', restarts: 3 });
    expect(podsInDeletionOrder([a, b, c], [a, b, c], T0).map((p) => p.metadata.name)).toEqual(['doubled-2', 'doubled-1', 'alone']);
    const cheap = pod('cheap', { ...base, node: 'n1', uid: 'd' });
    cheap.metadata.annotations = { 'controller.kubernetes.io/pod-deletion-cost': '-10' };
    expect(podsInDeletionOrder([a, b, cheap], [a, b, cheap], T0)[0]?.metadata.name).toBe('cheap');
  });

  it('compares ready times in log2 buckets, breaking ties by UID', () => {
    const labels = { app: 'web' };
    // Ready 100 s and 101 s ago fall in the same power-of-two bucket of nanoseconds.
    const x = pod('x', { labels, node: 'n1', ready: true, readySinceMs: T0 - 100_000, uid: 'b-uid' });
    const y = pod('y', { labels, node: 'n2', ready: true, readySinceMs: T0 - 101_000, uid: 'a-uid' });
    expect(podsInDeletionOrder([x, y], [], T0).map((p) => p.metadata.name)).toEqual(['y', 'x']);
    // Without a reference time the later-ready pod goes first.
    expect(podsInDeletionOrder([y, x], [], undefined).map((p) => p.metadata.name)).toEqual(['x', 'y']);
  });
});

describe('ReplicaSet sync: adoption and release', () => {
  it('adopts matching orphans, releases owned pods that stopped matching, leaves others alone', () => {
    const pods = [
      pod('orphan', { labels: { app: 'web' } }),
      pod('mine-relabelled', { labels: { app: 'other' }, owner: owned }),
      pod('someone-elses', { labels: { app: 'web' }, owner: { kind: 'ReplicaSet', name: 'x', uid: 'rs-x' } }),
      pod('orphan-deleting', { labels: { app: 'web' }, deleting: true }),
    ];
    const result = syncReplicaSet('default/web', listers([replicaSet('web', 1)], pods), ctx());
    const patches = result.actions.filter((a) => a.type === 'patch');
    expect(patches).toEqual([
      {
        type: 'patch', resource: Resources.pods, namespace: 'default', name: 'orphan', patchType: 'strategic',
        patch: { metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-web', controller: true, blockOwnerDeletion: true }], uid: 'pod-orphan' } },
      },
      {
        type: 'patch', resource: Resources.pods, namespace: 'default', name: 'mine-relabelled', patchType: 'strategic',
        patch: { metadata: { ownerReferences: [{ $patch: 'delete', uid: 'rs-web' }], uid: 'pod-mine-relabelled' } },
      },
    ]);
    // The adopted orphan counts toward replicas: nothing to create or delete.
    expect(flattenActions(result.actions).filter((a) => a.type === 'create' || a.type === 'delete')).toHaveLength(0);
  });

  it('applies through a strategic merge patch: the pod ends up owned, then released', () => {
    const cluster = new FakeCluster();
    cluster.add(Resources.replicaSets, replicaSet('web', 1));
    cluster.add(Resources.pods, pod('orphan', { labels: { app: 'web' } }));
    const sync = () => syncReplicaSet('default/web', { replicaSets: cluster.lister(Resources.replicaSets), pods: cluster.lister(Resources.pods) }, { nowMs: cluster.nowMs, random: cluster.random, expectations: cluster.expectations });
    cluster.execute(sync().actions);
    expect(cluster.get<Pod>(Resources.pods, 'default', 'orphan')?.metadata.ownerReferences?.[0]?.uid).toBe('rs-web');
    const p = cluster.get<Pod>(Resources.pods, 'default', 'orphan')!;
    cluster.put(Resources.pods, { ...p, metadata: { ...p.metadata, labels: { app: 'moved' } } });
    cluster.execute(sync().actions);
    expect(cluster.get<Pod>(Resources.pods, 'default', 'orphan')?.metadata.ownerReferences ?? []).toEqual([]);
    // ... and a replacement was created.
    expect(cluster.list(Resources.pods)).toHaveLength(2);
  });

  it('neither adopts nor manages while the ReplicaSet is being deleted', () => {
    const rs = replicaSet('web', 3, { app: 'web' }, { deletionTimestamp: iso(T0) });
    const result = syncReplicaSet('default/web', listers([rs], [pod('orphan', { labels: { app: 'web' } })]), ctx());
    expect(result.actions.filter((a) => a.type !== 'updateStatus')).toEqual([]);
  });
});

describe('ReplicaSet status', () => {
  it('counts replicas, fully labelled, ready and available (minReadySeconds), and requeues for availability', () => {
    const rs = replicaSet('web', 3);
    rs.spec!.minReadySeconds = 30;
    rs.spec!.template = template({ app: 'web', tier: 'front' });
    const pods = [
      pod('a', { labels: { app: 'web', tier: 'front' }, owner: owned, ready: true, readySinceMs: T0 - 60_000 }),
      pod('b', { labels: { app: 'web', tier: 'front' }, owner: owned, ready: true, readySinceMs: T0 - 10_000 }),
      pod('c', { labels: { app: 'web' }, owner: owned, ready: true, readySinceMs: T0 - 60_000 }),
    ];
    const result = syncReplicaSet('default/web', listers([rs], pods), ctx());
    const update = result.actions.find((a) => a.type === 'updateStatus');
    expect(update?.object['status']).toEqual({ replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 3, availableReplicas: 2, observedGeneration: 1 });
    expect(result.requeueAfterMs).toBe(20_001);
  });

  it('sets ReplicaFailure from the last manage error and clears it once managing works', () => {
    const failed = syncReplicaSet('default/web', listers([replicaSet('web', 2)], []), ctx({ manageReplicasError: 'pods "web-x" is forbidden: exceeded quota' }));
    const status = failed.actions.find((a) => a.type === 'updateStatus')?.object['status'] as ReplicaSet['status'];
    expect(status?.conditions).toEqual([{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-x" is forbidden: exceeded quota', lastTransitionTime: iso(T0) }]);
    const rs = { ...replicaSet('web', 0), status: status! };
    const ok = syncReplicaSet('default/web', listers([rs], []), ctx());
    expect((ok.actions.find((a) => a.type === 'updateStatus')?.object['status'] as ReplicaSet['status'])?.conditions).toBeUndefined();
  });

  it('writes no status when nothing changed', () => {
    const rs = replicaSet('web', 1);
    rs.status = { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 };
    const result = syncReplicaSet('default/web', listers([rs], [pod('a', { labels: { app: 'web' }, owner: owned, ready: true })]), ctx());
    expect(result.actions).toEqual([]);
  });

  it('does nothing for a ReplicaSet that is gone', () => {
    expect(syncReplicaSet('default/gone', listers([], []), ctx())).toEqual({ actions: [] });
  });
});

describe('ReplicationController sync', () => {
  it('manages pods by its map selector and writes ReplicationController status', () => {
    const rc: ReplicationController = {
      apiVersion: 'v1', kind: 'ReplicationController',
      metadata: { name: 'legacy', namespace: 'default', uid: 'rc-legacy', generation: 2 },
      spec: { replicas: 2, selector: { app: 'legacy' }, template: template({ app: 'legacy' }) },
    };
    const result = syncReplicationController('default/legacy', { replicationControllers: listerOf([rc]), pods: listerOf([]) }, ctx());
    const creates = flattenActions(result.actions).filter((a) => a.type === 'create');
    expect(creates).toHaveLength(2);
    expect(creates[0]?.object.metadata.ownerReferences?.[0]).toMatchObject({ apiVersion: 'v1', kind: 'ReplicationController', uid: 'rc-legacy' });
    expect(result.actions.find((a) => a.type === 'updateStatus')).toMatchObject({ resource: Resources.replicationControllers, object: { status: { replicas: 0, observedGeneration: 2 } } });
  });
});
