import { describe, expect, it } from 'vitest';
import type { Lease, Node, Pod, Taint } from '@skiff/api';
import {
  NODE_LEASE_NAMESPACE,
  Resources,
  ZoneStates,
  evictionDeadlineMs,
  formatTime,
  initialNodeLifecycleState,
  monitorNodeHealth,
  syncTaintEviction,
  listerOf,
  type NodeLifecycleState,
} from '../src/index.js';
import { FakeCluster } from './fake-cluster.js';
import { T0, iso, node, pod } from './fixtures.js';

const lease = (name: string, renewMs: number): Lease => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name, namespace: NODE_LEASE_NAMESPACE },
  spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new Date(renewMs).toISOString() },
});

class NodeSim {
  readonly cluster = new FakeCluster();
  state: NodeLifecycleState = initialNodeLifecycleState;
  readonly down = new Set<string>();

  constructor(nodes: Node[]) {
    for (const n of nodes) {
      this.cluster.add(Resources.nodes, n);
      this.cluster.add(Resources.leases, lease(n.metadata.name!, this.cluster.nowMs));
    }
  }

  node(name: string): Node {
    return this.cluster.list<Node>(Resources.nodes).find((n) => n.metadata.name === name)!;
  }

  taints(name: string): Taint[] {
    return this.node(name).spec?.taints ?? [];
  }

  /** Kubelets of the nodes that are up renew their leases. */
  renewLeases(): void {
    for (const n of this.cluster.list<Node>(Resources.nodes)) {
      const name = n.metadata.name!;
      if (this.down.has(name)) continue;
      const l = this.cluster.list<Lease>(Resources.leases).find((x) => x.metadata.name === name);
      if (l === undefined) continue;
      this.cluster.put(Resources.leases, { ...l, spec: { ...l.spec, renewTime: new Date(this.cluster.nowMs).toISOString() } });
    }
  }

  pass() {
    const c = this.cluster;
    const r = monitorNodeHealth({ nodes: c.lister(Resources.nodes), leases: c.lister(Resources.leases), pods: c.lister(Resources.pods) }, this.state, { nowMs: c.nowMs });
    this.state = r.state;
    c.execute(r.actions);
    return r;
  }

  /** Advance in monitor periods with kubelets renewing; returns every pass's actions. */
  run(ms: number) {
    const results = [];
    for (let t = 0; t < ms; t += 5000) {
      this.cluster.advance(5000);
      this.renewLeases();
      results.push(this.pass());
    }
    return results;
  }

  setReady(name: string, status: 'True' | 'False'): void {
    const n = structuredClone(this.node(name));
    const nowIso = formatTime(this.cluster.nowMs);
    n.status!.conditions = n.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status, reason: status === 'True' ? 'KubeletReady' : 'KubeletNotReady', lastHeartbeatTime: nowIso, lastTransitionTime: nowIso } : c));
    this.cluster.put(Resources.nodes, n);
  }
}

const has = (taints: Taint[], key: string, effect: string): boolean => taints.some((t) => t.key === `node.kubernetes.io/${key}` && t.effect === effect);

describe('node lifecycle: grace period, Unknown and taints', () => {
  it('marks a silent node Unknown after 40 s, taints it unreachable, marks its pods not ready', () => {
    const sim = new NodeSim([node('n1'), node('n2'), node('n3')]);
    sim.cluster.add(Resources.pods, pod('web-1', { node: 'n1', ready: true }));
    sim.cluster.add(Resources.pods, pod('web-2', { node: 'n2', ready: true }));
    sim.pass();
    sim.down.add('n1');
    const quiet = sim.run(40_000);
    expect(quiet.flatMap((r) => r.actions).filter((a) => a.type !== 'event')).toEqual([]);
    expect(sim.node('n1').status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    const [flip] = sim.run(5000);
    const ready = sim.node('n1').status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: formatTime(sim.cluster.nowMs) });
    expect(sim.node('n1').status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'Unknown', 'NodeStatusUnknown'],
      ['MemoryPressure', 'Unknown', 'NodeStatusUnknown'],
      ['DiskPressure', 'Unknown', 'NodeStatusNeverUpdated'],
      ['PIDPressure', 'Unknown', 'NodeStatusNeverUpdated'],
    ]);
    expect(flip!.actions.filter((a) => a.type === 'event').map((a) => (a.type === 'event' ? [a.involvedObject.name, a.reason, a.message] : []))).toEqual([
      ['n1', 'NodeNotReady', 'Node n1 status is now: NodeNotReady'],
      ['web-1', 'NodeNotReady', 'Node is not ready'],
    ]);
    expect(sim.cluster.get<Pod>(Resources.pods, 'default', 'web-1')?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    expect(sim.cluster.get<Pod>(Resources.pods, 'default', 'web-2')?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    // NoSchedule at once; NoExecute from the next pass, which observes Unknown.
    expect(has(sim.taints('n1'), 'unreachable', 'NoSchedule')).toBe(true);
    expect(has(sim.taints('n1'), 'unreachable', 'NoExecute')).toBe(false);
    sim.run(5000);
    const noExecute = sim.taints('n1').find((t) => t.effect === 'NoExecute');
    expect(noExecute).toEqual({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: formatTime(sim.cluster.nowMs) });
    expect(sim.taints('n2')).toEqual([]);
  });

  it('removes the taints when the node comes back', () => {
    const sim = new NodeSim([node('n1'), node('n2')]);
    sim.pass();
    sim.down.add('n1');
    sim.run(55_000);
    expect(has(sim.taints('n1'), 'unreachable', 'NoExecute')).toBe(true);
    sim.down.delete('n1');
    sim.setReady('n1', 'True');
    sim.run(5000);
    expect(sim.taints('n1')).toEqual([]);
  });

  it('uses not-ready taints for a kubelet that reports NotReady, swapping from unreachable at once', () => {
    const sim = new NodeSim([node('n1'), node('n2')]);
    sim.pass();
    sim.setReady('n1', 'False');
    sim.run(10_000);
    expect(has(sim.taints('n1'), 'not-ready', 'NoSchedule')).toBe(true);
    expect(has(sim.taints('n1'), 'not-ready', 'NoExecute')).toBe(true);
    sim.down.add('n1');
    sim.run(50_000);
    expect(has(sim.taints('n1'), 'unreachable', 'NoExecute')).toBe(true);
    expect(has(sim.taints('n1'), 'not-ready', 'NoExecute')).toBe(false);
    expect(has(sim.taints('n1'), 'unreachable', 'NoSchedule')).toBe(true);
    expect(has(sim.taints('n1'), 'not-ready', 'NoSchedule')).toBe(false);
  });

  it('gives a node that never posted status the 60 s startup grace period', () => {
    const fresh = node('new');
    fresh.status = {};
    fresh.metadata.creationTimestamp = iso(T0);
    const sim = new NodeSim([node('n1'), node('n2')]);
    sim.cluster.add(Resources.nodes, fresh);
    sim.pass();
    sim.run(55_000);
    expect(sim.node('new').status?.conditions ?? []).toEqual([]);
    sim.run(10_000);
    expect(sim.node('new').status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
  });

  it('mirrors pressure conditions and cordoning as NoSchedule taints', () => {
    const n = node('n1');
    n.status!.conditions!.find((c) => c.type === 'MemoryPressure')!.status = 'True';
    n.spec!.unschedulable = true;
    n.spec!.taints = [{ key: 'team', value: 'a', effect: 'NoSchedule' }];
    const sim = new NodeSim([n, node('n2')]);
    sim.pass();
    expect(sim.taints('n1')).toEqual([
      { key: 'team', value: 'a', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
    ]);
  });
});

describe('node lifecycle: eviction rate and disruption', () => {
  it('taints at most one node per 10 s in a healthy zone (--node-eviction-rate 0.1)', () => {
    const nodes = Array.from({ length: 10 }, (_, i) => node(`n${i}`));
    const sim = new NodeSim(nodes);
    sim.pass();
    sim.down.add('n0');
    sim.down.add('n1');
    sim.run(45_000); // both Unknown now
    const tainted = () => ['n0', 'n1'].filter((n) => has(sim.taints(n), 'unreachable', 'NoExecute')).length;
    sim.run(5000);
    expect(tainted()).toBe(1);
    sim.run(5000);
    expect(tainted()).toBe(1);
    sim.run(5000);
    expect(tainted()).toBe(2);
  });

  it('stops NoExecute tainting in a small zone that is mostly down (PartialDisruption)', () => {
    const sim = new NodeSim(Array.from({ length: 5 }, (_, i) => node(`n${i}`)));
    sim.pass();
    for (const n of ['n0', 'n1', 'n2']) sim.down.add(n);
    sim.run(120_000);
    expect(sim.state.zones.get('')?.state).toBe(ZoneStates.PartialDisruption);
    expect(['n0', 'n1', 'n2'].filter((n) => has(sim.taints(n), 'unreachable', 'NoExecute'))).toEqual([]);
    expect(['n0', 'n1', 'n2'].every((n) => has(sim.taints(n), 'unreachable', 'NoSchedule'))).toBe(true);
  });

  it('enters master disruption when every node is down: no NoExecute taints, and leaves it when one returns', () => {
    const sim = new NodeSim([node('n1'), node('n2')]);
    sim.pass();
    sim.down.add('n1');
    sim.run(55_000);
    expect(has(sim.taints('n1'), 'unreachable', 'NoExecute')).toBe(true);
    sim.down.add('n2');
    sim.run(60_000);
    expect(sim.state.zones.get('')?.state).toBe(ZoneStates.FullDisruption);
    expect(has(sim.taints('n1'), 'unreachable', 'NoExecute')).toBe(false);
    expect(has(sim.taints('n2'), 'unreachable', 'NoExecute')).toBe(false);
    sim.down.delete('n2');
    sim.setReady('n2', 'True');
    sim.run(10_000);
    expect(sim.state.zones.get('')?.state).toBe(ZoneStates.Normal);
    sim.run(10_000);
    expect(has(sim.taints('n1'), 'unreachable', 'NoExecute')).toBe(true);
  });
});

describe('taint eviction (NoExecute taint manager)', () => {
  const tainted = (timeAddedMs: number): Node => node('n1', { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: iso(timeAddedMs) }] });
  const tolerate = (seconds?: number) => [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) }];

  it('deletes intolerant pods at once, tolerating ones after tolerationSeconds, forever-tolerating ones never', () => {
    const pods = [
      pod('intolerant', { node: 'n1', createdMs: T0 - 60_000 }),
      pod('five-minutes', { node: 'n1', createdMs: T0 - 60_000, tolerations: tolerate(300) }),
      pod('forever', { node: 'n1', createdMs: T0 - 60_000, tolerations: tolerate() }),
      pod('elsewhere', { node: 'n2', createdMs: T0 - 60_000 }),
    ];
    const listers = { nodes: listerOf([tainted(T0)]), pods: listerOf(pods) };
    const first = syncTaintEviction('n1', listers, { nowMs: T0 + 100_000 });
    expect(first.actions.filter((a) => a.type === 'delete').map((a) => (a.type === 'delete' ? a.name : ''))).toEqual(['intolerant']);
    expect(first.actions[0]).toMatchObject({ type: 'event', reason: 'TaintManagerEviction', message: 'Marking for deletion Pod default/intolerant' });
    expect(first.actions[1]).toMatchObject({ type: 'patch', subresource: 'status', patch: { status: { conditions: [{ type: 'DisruptionTarget', reason: 'DeletionByTaintManager' }] } } });
    expect(first.requeueAfterMs).toBe(200_000);
    const later = syncTaintEviction('n1', { nodes: listerOf([tainted(T0)]), pods: listerOf(pods.slice(1)) }, { nowMs: T0 + 300_001 });
    expect(later.actions.filter((a) => a.type === 'delete').map((a) => (a.type === 'delete' ? a.name : ''))).toEqual(['five-minutes']);
    expect(later.requeueAfterMs).toBeUndefined();
  });

  it('counts tolerationSeconds from when the pod arrived if it came after the taint', () => {
    const late = pod('late', { node: 'n1', createdMs: T0 + 1000_000, tolerations: tolerate(60) });
    expect(evictionDeadlineMs(late, tainted(T0).spec!.taints!, T0 + 1000_000)).toBe(T0 + 1060_000);
    const zero = pod('zero', { node: 'n1', tolerations: tolerate(0) });
    expect(evictionDeadlineMs(zero, tainted(T0).spec!.taints!, T0 + 5)).toBe(T0);
  });

  it('uses the first toleration matching each taint', () => {
    const p = pod('p', { node: 'n1', tolerations: [...tolerate(30), { operator: 'Exists' }] });
    expect(evictionDeadlineMs(p, tainted(T0).spec!.taints!, T0)).toBe(T0 + 30_000);
  });

  it('bounds evictions per sync and asks to come back for the rest', () => {
    const pods = Array.from({ length: 5 }, (_, i) => pod(`p${i}`, { node: 'n1' }));
    const r = syncTaintEviction('n1', { nodes: listerOf([tainted(T0)]), pods: listerOf(pods) }, { nowMs: T0, maxEvictionsPerSync: 2 });
    expect(r.actions.filter((a) => a.type === 'delete')).toHaveLength(2);
    expect(r.requeueAfterMs).toBe(1000);
  });

  it('does nothing on a node without NoExecute taints', () => {
    const r = syncTaintEviction('n1', { nodes: listerOf([node('n1', { taints: [{ key: 'x', effect: 'NoSchedule' }] })]), pods: listerOf([pod('a', { node: 'n1' })]) }, { nowMs: T0 });
    expect(r).toEqual({ actions: [] });
  });
});
