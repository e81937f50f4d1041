import { describe, expect, it } from 'vitest';
import type { ControllerRevision, KubeObject, Pod, StatefulSet } from '@skiff/api';
import { Resources, formatTime, syncStatefulSet, type SyncResult } from '../src/index.js';
import { FakeCluster } from './fake-cluster.js';

function webSet(o: { replicas?: number; policy?: 'OrderedReady' | 'Parallel'; strategy?: NonNullable<StatefulSet['spec']>['updateStrategy']; claims?: boolean } = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      serviceName: 'nginx',
      replicas: o.replicas ?? 3,
      podManagementPolicy: o.policy ?? 'OrderedReady',
      updateStrategy: o.strategy ?? { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx-slim:0.21', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } },
      ...(o.claims === false ? {} : { volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'] } }] }),
    },
  };
}

class StsSim {
  readonly cluster = new FakeCluster();
  constructor(set: StatefulSet, readonly withClaims = true) {
    this.cluster.add(Resources.statefulSets, set);
  }
  get set(): StatefulSet {
    return this.cluster.list<StatefulSet>(Resources.statefulSets)[0]!;
  }
  podNames(): string[] {
    return this.cluster.list<Pod>(Resources.pods).map((p) => p.metadata.name ?? '').sort();
  }
  pod(name: string): Pod | undefined {
    return this.cluster.get<Pod>(Resources.pods, 'default', name);
  }
  sync(): SyncResult {
    const c = this.cluster;
    const listers = {
      statefulSets: c.lister<StatefulSet>(Resources.statefulSets),
      pods: c.lister<Pod>(Resources.pods),
      controllerRevisions: c.lister<ControllerRevision>(Resources.controllerRevisions),
      ...(this.withClaims ? { persistentVolumeClaims: c.lister<KubeObject>(Resources.persistentVolumeClaims) } : {}),
    };
    const r = syncStatefulSet('default/web', listers, { nowMs: c.nowMs, expectations: c.expectations });
    c.execute(r.actions);
    return r;
  }
  /** Syncs (bounded) until nothing but status changes, making pods ready when `ready`. */
  settle(ready = true): void {
    for (let i = 0; i < 50; i++) {
      if (ready) this.cluster.markPodsReady();
      const r = this.sync();
      if (r.actions.every((a) => a.type === 'updateStatus' || a.type === 'event')) {
        if (r.actions.length === 0) return;
      }
    }
  }
  update(change: (s: StatefulSet) => void): void {
    const next = structuredClone(this.set);
    change(next);
    next.metadata.generation = (next.metadata.generation ?? 1) + 1;
    this.cluster.put(Resources.statefulSets, next);
  }
  revisions(): ControllerRevision[] {
    return this.cluster.list<ControllerRevision>(Resources.controllerRevisions).sort((a, b) => a.revision - b.revision);
  }
  events(reason: string): string[] {
    return this.cluster.events.filter((e) => e.reason === reason).map((e) => e.message);
  }
}

const image = (p: Pod | undefined): string => p?.spec?.containers[0]?.image ?? '';

describe('StatefulSet: OrderedReady', () => {
  it('creates web-0, and web-1 only once web-0 is Running and Ready', () => {
    const sim = new StsSim(webSet());
    sim.sync();
    expect(sim.podNames()).toEqual(['web-0']);
    sim.sync();
    expect(sim.podNames()).toEqual(['web-0']);
    sim.cluster.markPodsReady();
    sim.sync();
    expect(sim.podNames()).toEqual(['web-0', 'web-1']);
    sim.settle();
    expect(sim.podNames()).toEqual(['web-0', 'web-1', 'web-2']);
    expect(sim.events('SuccessfulCreate').filter((m) => m.startsWith('create Pod'))).toEqual([
      'create Pod web-0 in StatefulSet web successful',
      'create Pod web-1 in StatefulSet web successful',
      'create Pod web-2 in StatefulSet web successful',
    ]);
    expect(sim.set.status).toMatchObject({ replicas: 3, readyReplicas: 3, updatedReplicas: 3, currentReplicas: 3 });
  });

  it('gives each pod its identity and claim: hostname, subdomain, labels, volume, PVC', () => {
    const sim = new StsSim(webSet({ replicas: 1 }));
    sim.sync();
    const pod = sim.pod('web-0')!;
    const revision = sim.revisions()[0]!;
    expect(pod.spec).toMatchObject({ hostname: 'web-0', subdomain: 'nginx' });
    expect(pod.metadata.labels).toEqual({ app: 'nginx', 'statefulset.kubernetes.io/pod-name': 'web-0', 'apps.kubernetes.io/pod-index': '0', 'controller-revision-hash': revision.metadata.name });
    expect(pod.spec?.volumes).toEqual([{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }]);
    const claim = sim.cluster.get<KubeObject>(Resources.persistentVolumeClaims, 'default', 'www-web-0');
    expect(claim?.metadata.labels).toEqual({ app: 'nginx' });
    expect(pod.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'web', controller: true });
  });

  it('uses an emptyDir for a claim template when claims are not served', () => {
    const sim = new StsSim(webSet({ replicas: 1 }), false);
    sim.sync();
    expect(sim.pod('web-0')?.spec?.volumes).toEqual([{ name: 'www', emptyDir: {} }]);
    expect(sim.cluster.list(Resources.persistentVolumeClaims)).toEqual([]);
  });

  it('scales down from the highest ordinal, one at a time, waiting for termination', () => {
    const sim = new StsSim(webSet({ replicas: 5 }));
    sim.settle();
    sim.update((s) => (s.spec!.replicas = 2));
    // A terminating pod blocks the next deletion: model graceful termination by hand.
    const deleted: string[] = [];
    for (let i = 0; i < 10 && sim.podNames().length > 2; i++) {
      const r = sim.sync();
      const del = r.actions.filter((a) => a.type === 'delete' && a.resource.resource === 'pods');
      expect(del.length).toBeLessThanOrEqual(1);
      deleted.push(...del.map((a) => (a.type === 'delete' ? a.name : '')));
    }
    expect(deleted).toEqual(['web-4', 'web-3', 'web-2']);
    expect(sim.podNames()).toEqual(['web-0', 'web-1']);
  });

  it('does not delete the next pod while one is still terminating', () => {
    const sim = new StsSim(webSet({ replicas: 3 }));
    sim.settle();
    sim.update((s) => (s.spec!.replicas = 1));
    const web2 = structuredClone(sim.pod('web-2')!);
    web2.metadata.deletionTimestamp = formatTime(sim.cluster.nowMs);
    sim.cluster.put(Resources.pods, web2);
    const r = sim.sync();
    expect(r.actions.filter((a) => a.type === 'delete')).toEqual([]);
  });
});

describe('StatefulSet: ordinals.start', () => {
  it('numbers pods from the start ordinal and scales down from the highest', () => {
    const set = webSet({ replicas: 2 });
    set.spec!.ordinals = { start: 5 };
    const sim = new StsSim(set);
    sim.settle();
    expect(sim.podNames()).toEqual(['web-5', 'web-6']);
    expect(sim.pod('web-5')?.metadata.labels?.['apps.kubernetes.io/pod-index']).toBe('5');
    sim.update((s) => (s.spec!.replicas = 1));
    sim.settle();
    expect(sim.podNames()).toEqual(['web-5']);
  });
});

describe('StatefulSet: Parallel', () => {
  it('creates every pod at once, and deletes every extra pod at once', () => {
    const sim = new StsSim(webSet({ replicas: 3, policy: 'Parallel' }));
    sim.sync();
    expect(sim.podNames()).toEqual(['web-0', 'web-1', 'web-2']);
    sim.update((s) => (s.spec!.replicas = 1));
    sim.sync();
    expect(sim.podNames()).toEqual(['web-0']);
  });
});

describe('StatefulSet: updates', () => {
  function rolled(sim: StsSim): string[] {
    const order: string[] = [];
    for (let i = 0; i < 30; i++) {
      sim.cluster.markPodsReady();
      const r = sim.sync();
      for (const a of r.actions) if (a.type === 'delete' && a.resource.resource === 'pods') order.push(a.name);
    }
    return order;
  }

  it('RollingUpdate replaces pods from the highest ordinal down, one at a time', () => {
    const sim = new StsSim(webSet({ replicas: 3 }));
    sim.settle();
    const first = sim.set.status?.updateRevision;
    sim.update((s) => (s.spec!.template.spec!.containers[0]!.image = 'nginx-slim:0.24'));
    // After the first deletion nothing else happens until web-2 is back and ready.
    sim.sync();
    expect(sim.podNames()).toEqual(['web-0', 'web-1']);
    sim.sync();
    expect(sim.podNames()).toEqual(['web-0', 'web-1', 'web-2']);
    expect(sim.sync().actions.filter((a) => a.type === 'delete')).toEqual([]);
    expect(['web-2', ...rolled(sim)]).toEqual(['web-2', 'web-1', 'web-0']);
    expect(['web-0', 'web-1', 'web-2'].map((n) => image(sim.pod(n)))).toEqual(['nginx-slim:0.24', 'nginx-slim:0.24', 'nginx-slim:0.24']);
    expect(sim.set.status?.currentRevision).toBe(sim.set.status?.updateRevision);
    expect(sim.set.status?.updateRevision).not.toBe(first);
  });

  it('a partition keeps the ordinals below it on the current revision', () => {
    const sim = new StsSim(webSet({ replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }));
    sim.settle();
    sim.update((s) => (s.spec!.template.spec!.containers[0]!.image = 'nginx-slim:0.24'));
    expect(rolled(sim)).toEqual(['web-2']);
    expect(['web-0', 'web-1', 'web-2'].map((n) => image(sim.pod(n)))).toEqual(['nginx-slim:0.21', 'nginx-slim:0.21', 'nginx-slim:0.24']);
    expect(sim.set.status).toMatchObject({ updatedReplicas: 1, currentReplicas: 2 });
    expect(sim.set.status?.currentRevision).not.toBe(sim.set.status?.updateRevision);
  });

  it('OnDelete replaces nothing until a pod is deleted, which comes back updated', () => {
    const sim = new StsSim(webSet({ replicas: 2, strategy: { type: 'OnDelete' } }));
    sim.settle();
    sim.update((s) => (s.spec!.template.spec!.containers[0]!.image = 'nginx-slim:0.24'));
    expect(rolled(sim)).toEqual([]);
    sim.cluster.remove(Resources.pods, 'default', 'web-1');
    sim.settle();
    expect(['web-0', 'web-1'].map((n) => image(sim.pod(n)))).toEqual(['nginx-slim:0.21', 'nginx-slim:0.24']);
  });

  it('records a revision per template; going back to an old template raises its revision', () => {
    const sim = new StsSim(webSet({ replicas: 1 }));
    sim.settle();
    sim.update((s) => (s.spec!.template.spec!.containers[0]!.image = 'nginx-slim:0.24'));
    sim.settle();
    expect(sim.revisions().map((r) => r.revision)).toEqual([1, 2]);
    const [r1, r2] = sim.revisions();
    sim.update((s) => (s.spec!.template.spec!.containers[0]!.image = 'nginx-slim:0.21'));
    sim.settle();
    expect(sim.revisions().map((r) => `${r.metadata.name}:${r.revision}`)).toEqual([`${r2!.metadata.name}:2`, `${r1!.metadata.name}:3`]);
    expect(sim.pod('web-0')?.metadata.labels?.['controller-revision-hash']).toBe(r1!.metadata.name);
    expect(sim.set.status?.updateRevision).toBe(r1!.metadata.name);
  });

  it('replaces a failed pod', () => {
    const sim = new StsSim(webSet({ replicas: 2 }));
    sim.settle();
    const web0 = structuredClone(sim.pod('web-0')!);
    web0.status = { phase: 'Failed' };
    sim.cluster.put(Resources.pods, web0);
    sim.sync();
    expect(sim.podNames()).toEqual(['web-1']);
    sim.sync();
    expect(sim.pod('web-0')?.status).toBeUndefined();
  });
});

describe('StatefulSet: persistentVolumeClaimRetentionPolicy', () => {
  const claim = (sim: StsSim, name: string): KubeObject | undefined => sim.cluster.get<KubeObject>(Resources.persistentVolumeClaims, 'default', name);

  it('Retain (the default) leaves claims unowned', () => {
    const sim = new StsSim(webSet({ replicas: 2 }));
    sim.settle();
    sim.update((s) => (s.spec!.replicas = 1));
    sim.settle();
    expect(claim(sim, 'www-web-0')?.metadata.ownerReferences).toBeUndefined();
    expect(claim(sim, 'www-web-1')?.metadata.ownerReferences).toBeUndefined();
  });

  it('whenDeleted Delete: claims are owned by the set', () => {
    const set = webSet({ replicas: 1 });
    set.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' };
    const sim = new StsSim(set);
    sim.sync();
    expect(claim(sim, 'www-web-0')?.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: sim.set.metadata.uid }]);
  });

  it('whenScaled Delete: a pod removed by scaling down owns its claims first', () => {
    const set = webSet({ replicas: 2 });
    set.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Retain', whenScaled: 'Delete' };
    const sim = new StsSim(set);
    sim.settle();
    const web1 = sim.pod('web-1')!;
    sim.update((s) => (s.spec!.replicas = 1));
    const r = sim.sync();
    expect(r.actions.map((a) => `${a.type}:${a.type === 'patch' || a.type === 'delete' ? a.name : ''}`).filter((a) => !a.startsWith('updateStatus'))).toEqual(['patch:www-web-1', 'delete:web-1']);
    expect(claim(sim, 'www-web-1')?.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: web1.metadata.uid }]);
    expect(claim(sim, 'www-web-0')?.metadata.ownerReferences).toBeUndefined();
  });
});
