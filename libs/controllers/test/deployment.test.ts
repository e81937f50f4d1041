import { describe, expect, it } from 'vitest';
import type { Deployment, Pod, ReplicaSet } from '@skiff/api';
import {
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  Resources,
  flattenActions,
  isPodActive,
  isPodAvailable,
  resolveFenceposts,
  syncDeployment,
  syncReplicaSet,
} from '../src/index.js';
import { FakeCluster } from './fake-cluster.js';
import { deployment } from './fixtures.js';

/** A deployment controller, a ReplicaSet controller and kubelets that make pods ready, in rounds. */
class Sim {
  readonly cluster = new FakeCluster();
  readonly trace: { total: number; available: number }[] = [];

  constructor(d: Deployment) {
    this.cluster.add(Resources.deployments, d);
  }

  get d(): Deployment {
    return this.cluster.get<Deployment>(Resources.deployments, 'default', 'web')!;
  }

  replicaSets(): ReplicaSet[] {
    return this.cluster.list<ReplicaSet>(Resources.replicaSets).sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
  }

  pods(): Pod[] {
    return this.cluster.list<Pod>(Resources.pods).filter(isPodActive);
  }

  syncDeployment() {
    const c = this.cluster;
    const result = syncDeployment('default/web', { deployments: c.lister(Resources.deployments), replicaSets: c.lister(Resources.replicaSets), pods: c.lister(Resources.pods) }, { nowMs: c.nowMs });
    c.execute(result.actions);
    return result;
  }

  syncReplicaSets(): void {
    const c = this.cluster;
    for (const rs of c.list<ReplicaSet>(Resources.replicaSets)) {
      const r = syncReplicaSet(`default/${rs.metadata.name}`, { replicaSets: c.lister(Resources.replicaSets), pods: c.lister(Resources.pods) }, { nowMs: c.nowMs, random: c.random, expectations: c.expectations });
      c.execute(r.actions);
    }
  }

  /** One round: controllers act, the observed state is recorded, then some pods become ready. */
  round(readyPerRound = Infinity): void {
    this.syncDeployment();
    this.syncReplicaSets();
    this.record();
    this.cluster.advance(1000);
    let n = 0;
    this.cluster.markPodsReady(() => n++ < readyPerRound);
    this.syncReplicaSets();
    this.record();
  }

  record(): void {
    const pods = this.pods();
    this.trace.push({ total: pods.length, available: pods.filter((p) => isPodAvailable(p, 0, this.cluster.nowMs)).length });
  }

  runUntilComplete(maxRounds = 40, readyPerRound = Infinity): number {
    for (let i = 1; i <= maxRounds; i++) {
      this.round(readyPerRound);
      this.syncDeployment();
      const s = this.d.status;
      const desired = this.d.spec?.replicas ?? 1;
      if (s?.updatedReplicas === desired && s.replicas === desired && s.availableReplicas === desired && s.observedGeneration === this.d.metadata.generation) return i;
    }
    throw new Error('rollout did not complete');
  }

  updateTemplate(image: string): void {
    const d = structuredClone(this.d);
    d.spec!.template.spec!.containers[0]!.image = image;
    d.metadata.generation = (d.metadata.generation ?? 1) + 1;
    this.cluster.put(Resources.deployments, d);
  }

  scaleEvents(): string[] {
    return this.cluster.events.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
  }
}

describe('Deployment: first rollout', () => {
  it('creates <deploy>-<hash> with the hash label, revision 1 and replica annotations, and reports progress', () => {
    const sim = new Sim(deployment('web', 3));
    const result = sim.syncDeployment();
    const create = flattenActions(result.actions).find((a) => a.type === 'create');
    const rs = create?.object as ReplicaSet;
    const hash = rs.metadata.labels?.['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.spec?.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec?.template?.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec?.replicas).toBe(3);
    expect(rs.metadata.annotations).toEqual({ [REVISION_ANNOTATION]: '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    expect(rs.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', uid: 'deploy-web', controller: true, blockOwnerDeletion: true });
    expect(sim.scaleEvents()).toEqual([`Scaled up replica set web-${hash} from 0 to 3`]);
    const d = sim.d;
    expect(d.metadata.annotations?.[REVISION_ANNOTATION]).toBe('1');
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "web-${hash}"` });
  });

  it('completes with the status kubectl rollout status waits for', () => {
    const sim = new Sim(deployment('web', 3));
    sim.runUntilComplete();
    const s = sim.d.status!;
    expect(s).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 0 });
    expect(s.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    const rsName = sim.replicaSets()[0]!.metadata.name!;
    expect(s.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` });
    // Settled: another sync changes nothing.
    expect(sim.syncDeployment().actions).toEqual([]);
  });
});

describe('Deployment: rolling update', () => {
  const cases = [
    { replicas: 3, maxSurge: 1, maxUnavailable: 0 },
    { replicas: 3, maxSurge: 0, maxUnavailable: 1 },
    { replicas: 10, maxSurge: '25%', maxUnavailable: '25%' },
    { replicas: 5, maxSurge: '30%', maxUnavailable: '10%' },
  ];
  for (const c of cases) {
    it(`respects maxSurge ${c.maxSurge} and maxUnavailable ${c.maxUnavailable} at every step (${c.replicas} replicas)`, () => {
      const sim = new Sim(deployment('web', c.replicas, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: c.maxSurge, maxUnavailable: c.maxUnavailable } } }));
      sim.runUntilComplete();
      const { surge, unavailable } = resolveFenceposts(c.maxSurge, c.maxUnavailable, c.replicas);
      sim.trace.length = 0;
      sim.updateTemplate('nginx:1.26');
      // Only one pod becomes ready per round, so the rollout takes several steps.
      const rounds = sim.runUntilComplete(80, 1);
      expect(rounds).toBeGreaterThan(1);
      for (const step of sim.trace) {
        expect(step.total).toBeLessThanOrEqual(c.replicas + surge);
        expect(step.available).toBeGreaterThanOrEqual(c.replicas - unavailable);
      }
      // The surge was used (Kubernetes may scale old ReplicaSets down in the same sync, so the
      // peak can stay below replicas + maxSurge).
      if (surge > 0) expect(Math.max(...sim.trace.map((s) => s.total))).toBeGreaterThan(c.replicas);
      const [a, b] = sim.replicaSets();
      const newRS = [a!, b!].find((rs) => rs.spec?.template?.spec?.containers[0]?.image === 'nginx:1.26')!;
      const oldRS = [a!, b!].find((rs) => rs !== newRS)!;
      expect(newRS.spec?.replicas).toBe(c.replicas);
      expect(oldRS.spec?.replicas).toBe(0);
      expect(newRS.metadata.annotations?.[REVISION_ANNOTATION]).toBe('2');
      expect(sim.d.metadata.annotations?.[REVISION_ANNOTATION]).toBe('2');
      expect(sim.pods().every((p) => p.spec?.containers[0]?.image === 'nginx:1.26')).toBe(true);
    });
  }

  it('logs the scaling steps as Kubernetes words them', () => {
    const sim = new Sim(deployment('web', 3, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    sim.runUntilComplete();
    const oldName = sim.replicaSets()[0]!.metadata.name!;
    sim.updateTemplate('nginx:1.26');
    sim.runUntilComplete(80, 1);
    const newName = sim.replicaSets().find((rs) => rs.metadata.name !== oldName)!.metadata.name!;
    expect(sim.scaleEvents()).toEqual([
      `Scaled up replica set ${oldName} from 0 to 3`,
      `Scaled up replica set ${newName} from 0 to 1`,
      `Scaled down replica set ${oldName} from 3 to 2`,
      `Scaled up replica set ${newName} from 1 to 2`,
      `Scaled down replica set ${oldName} from 2 to 1`,
      `Scaled up replica set ${newName} from 2 to 3`,
      `Scaled down replica set ${oldName} from 1 to 0`,
    ]);
  });

  it('resolves fenceposts as Kubernetes: surge rounds up, unavailable down, 0/0 means 1 unavailable', () => {
    expect(resolveFenceposts('25%', '25%', 10)).toEqual({ surge: 3, unavailable: 2 });
    expect(resolveFenceposts('25%', '25%', 1)).toEqual({ surge: 1, unavailable: 0 });
    expect(resolveFenceposts(0, 0, 5)).toEqual({ surge: 0, unavailable: 1 });
    expect(resolveFenceposts('0%', '10%', 5)).toEqual({ surge: 0, unavailable: 1 });
  });
});

describe('Deployment: rollback', () => {
  it('setting the template back makes the old ReplicaSet new again with the next revision', () => {
    const sim = new Sim(deployment('web', 2));
    sim.runUntilComplete();
    const v1 = sim.replicaSets()[0]!.metadata.name!;
    sim.updateTemplate('nginx:1.26');
    sim.runUntilComplete();
    sim.updateTemplate('nginx:1.25'); // kubectl rollout undo: the template of revision 1
    sim.runUntilComplete();
    const rss = sim.replicaSets();
    expect(rss).toHaveLength(2);
    const back = rss.find((rs) => rs.metadata.name === v1)!;
    expect(back.spec?.replicas).toBe(2);
    expect(back.metadata.annotations?.[REVISION_ANNOTATION]).toBe('3');
    expect(back.metadata.annotations?.[REVISION_HISTORY_ANNOTATION]).toBe('1');
    expect(sim.d.metadata.annotations?.[REVISION_ANNOTATION]).toBe('3');
    expect(rss.find((rs) => rs.metadata.name !== v1)?.spec?.replicas).toBe(0);
  });
});

describe('Deployment: Recreate', () => {
  it('scales the old ReplicaSet to 0 and waits for its pods before creating the new one', () => {
    const sim = new Sim(deployment('web', 3, { strategy: { type: 'Recreate' } }));
    sim.runUntilComplete();
    sim.updateTemplate('nginx:1.26');
    const first = sim.syncDeployment();
    expect(flattenActions(first.actions).filter((a) => a.type === 'create')).toEqual([]);
    expect(sim.replicaSets()[0]?.spec?.replicas).toBe(0);
    // Old pods still exist (the ReplicaSet controller has not run): still no new ReplicaSet.
    expect(flattenActions(sim.syncDeployment().actions).filter((a) => a.type === 'create')).toEqual([]);
    sim.syncReplicaSets(); // deletes the pods
    expect(sim.pods()).toHaveLength(0);
    expect(flattenActions(sim.syncDeployment().actions).filter((a) => a.type === 'create')).toEqual([]); // status still says 3
    sim.syncReplicaSets(); // status: 0 replicas
    const next = sim.syncDeployment();
    const create = flattenActions(next.actions).find((a) => a.type === 'create');
    expect((create?.object as ReplicaSet).spec?.replicas).toBe(3);
    sim.runUntilComplete();
    expect(Math.max(...sim.trace.map((s) => s.total))).toBe(3);
  });
});

describe('Deployment: history, pause, scaling, progress deadline', () => {
  it('keeps revisionHistoryLimit old ReplicaSets', () => {
    const sim = new Sim(deployment('web', 1, { revisionHistoryLimit: 1 }));
    for (const image of ['v1', 'v2', 'v3', 'v4']) {
      sim.updateTemplate(image);
      sim.runUntilComplete();
    }
    sim.syncDeployment();
    const rss = sim.replicaSets();
    expect(rss).toHaveLength(2);
    expect(rss.map((rs) => rs.spec?.template?.spec?.containers[0]?.image).sort()).toEqual(['v3', 'v4']);
  });

  it('does not roll out while paused, and reports the pause in Progressing', () => {
    const sim = new Sim(deployment('web', 2));
    sim.runUntilComplete();
    const d = structuredClone(sim.d);
    d.spec!.paused = true;
    d.spec!.template.spec!.containers[0]!.image = 'nginx:1.26';
    sim.cluster.put(Resources.deployments, d);
    sim.round();
    sim.syncDeployment();
    expect(sim.replicaSets()).toHaveLength(1);
    expect(sim.d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    const resumed = structuredClone(sim.d);
    resumed.spec!.paused = false;
    sim.cluster.put(Resources.deployments, resumed);
    sim.runUntilComplete();
    expect(sim.replicaSets()).toHaveLength(2);
  });

  it('spreads a scale change mid-rollout over the ReplicaSets in proportion', () => {
    const sim = new Sim(deployment('web', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    sim.runUntilComplete();
    sim.updateTemplate('nginx:1.26');
    // One sync creates the new ReplicaSet at 3 (13 = 10 + surge) and, 10 being available,
    // scales the old one down to 8 (10 - maxUnavailable).
    sim.syncDeployment();
    const before = sim.replicaSets().map((rs) => rs.spec?.replicas ?? 0);
    expect([...before].sort((a, b) => a - b)).toEqual([3, 8]);
    const d = structuredClone(sim.d);
    d.spec!.replicas = 20;
    sim.cluster.put(Resources.deployments, d);
    sim.syncDeployment();
    const after = sim.replicaSets().map((rs) => rs.spec?.replicas ?? 0);
    // 23 = 20 + surge; 12 more spread by max-replicas 13: old 8*23/13 = 14.2 -> 14, new 3*23/13 = 5.3
    // -> 5, and the 4 left over go to the largest: 18 and 5.
    expect(after.reduce((a, b) => a + b, 0)).toBe(23);
    expect([...after].sort((a, b) => a - b)).toEqual([5, 18]);
  });

  it('marks ProgressDeadlineExceeded when no progress is made in time, and asks to be requeued for it', () => {
    const sim = new Sim(deployment('web', 2, { progressDeadlineSeconds: 60 }));
    const first = sim.syncDeployment();
    expect(first.requeueAfterMs).toBeUndefined();
    sim.syncReplicaSets();
    const second = sim.syncDeployment();
    expect(second.requeueAfterMs).toBe(61_000);
    sim.cluster.advance(61_000);
    sim.syncDeployment();
    expect(sim.d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: expect.stringMatching(/^ReplicaSet "web-\w+" has timed out progressing\.$/) });
    expect(sim.d.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
  });

  it('bumps collisionCount when another ReplicaSet holds the hashed name', () => {
    const sim = new Sim(deployment('web', 1));
    const probe = sim.syncDeployment();
    const name = (flattenActions(probe.actions).find((a) => a.type === 'create')?.object as ReplicaSet).metadata.name!;
    // Start over with a foreign ReplicaSet squatting on that name.
    const other = new Sim(deployment('web', 1));
    other.cluster.add(Resources.replicaSets, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default', labels: { app: 'other' } }, spec: { replicas: 0, selector: { matchLabels: { app: 'other' } } } });
    const r = other.syncDeployment();
    expect(r.requeueAfterMs).toBe(0);
    expect(other.d.status?.collisionCount).toBe(1);
    other.syncDeployment();
    expect(other.replicaSets().map((rs) => rs.metadata.name)).toContain(`web-${other.replicaSets().find((rs) => rs.metadata.name !== name)?.metadata.labels?.['pod-template-hash']}`);
    expect(other.replicaSets()).toHaveLength(2);
  });

  it('warns and does nothing for an empty selector', () => {
    const d = deployment('web', 1);
    d.spec!.selector = {};
    const sim = new Sim(d);
    const r = sim.syncDeployment();
    expect(r.actions.find((a) => a.type === 'event')).toMatchObject({ eventType: 'Warning', reason: 'SelectingAll' });
    expect(sim.replicaSets()).toHaveLength(0);
  });
});
