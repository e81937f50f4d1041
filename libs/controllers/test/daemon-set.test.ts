import { describe, expect, it } from 'vitest';
import type { ControllerRevision, DaemonSet, Node, Pod } from '@skiff/api';
import {
  CONTROLLER_REVISION_HASH_LABEL,
  Resources,
  flattenActions,
  formatTime,
  isPodActive,
  isPodAvailable,
  syncDaemonSet,
  targetNodeName,
} from '../src/index.js';
import { FakeCluster } from './fake-cluster.js';
import { daemonSet, node } from './fixtures.js';

class DsSim {
  readonly cluster = new FakeCluster();
  constructor(ds: DaemonSet, nodes: Node[]) {
    this.cluster.add(Resources.daemonSets, ds);
    for (const n of nodes) this.cluster.add(Resources.nodes, n);
  }
  get ds(): DaemonSet {
    return this.cluster.list<DaemonSet>(Resources.daemonSets)[0]!;
  }
  pods(): Pod[] {
    return this.cluster.list<Pod>(Resources.pods).filter(isPodActive);
  }
  podNodes(): string[] {
    return this.pods().map((p) => targetNodeName(p)!).sort();
  }
  sync() {
    const c = this.cluster;
    const key = `kube-system/${this.ds.metadata.name}`;
    const r = syncDaemonSet(key, { daemonSets: c.lister(Resources.daemonSets), nodes: c.lister(Resources.nodes), pods: c.lister(Resources.pods), controllerRevisions: c.lister(Resources.controllerRevisions) }, { nowMs: c.nowMs, random: c.random, expectations: c.expectations });
    c.execute(r.actions);
    return r;
  }
  /** Scheduler and kubelet: bind each pod to the node it is pinned to and make at most n ready. */
  runPods(n = Infinity): void {
    let made = 0;
    for (const pod of this.cluster.list<Pod>(Resources.pods)) {
      if (pod.status?.phase === 'Running' || made >= n) continue;
      made++;
      const next = structuredClone(pod);
      next.spec = { ...next.spec!, nodeName: targetNodeName(pod)! };
      next.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: formatTime(this.cluster.nowMs) }] };
      this.cluster.put(Resources.pods, next);
    }
  }
  setNode(n: Node): void {
    const live = this.cluster.list<Node>(Resources.nodes).find((x) => x.metadata.name === n.metadata.name)!;
    this.cluster.put(Resources.nodes, { ...n, metadata: { ...n.metadata, uid: live.metadata.uid ?? '' } });
  }
}

const gpuTaint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

describe('DaemonSet: placement', () => {
  it('puts one pinned pod on each eligible node; untolerated NoSchedule taints keep it off', () => {
    const sim = new DsSim(daemonSet('agent'), [
      node('n1'),
      node('n2', { taints: [gpuTaint] }),
      node('n3', { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }),
    ]);
    const r = sim.sync();
    const creates = flattenActions(r.actions).filter((a) => a.type === 'create' && a.resource === Resources.pods);
    expect(creates).toHaveLength(2);
    expect(sim.podNodes()).toEqual(['n1', 'n3']);
    const pod = sim.pods().find((p) => targetNodeName(p) === 'n1')!;
    expect(pod.metadata.name).toMatch(/^agent-[a-z0-9]{5}$/);
    expect(pod.spec?.nodeName).toBeUndefined();
    expect(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({ nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] });
    expect(pod.spec?.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    const revisions = sim.cluster.list<ControllerRevision>(Resources.controllerRevisions);
    expect(revisions).toHaveLength(1);
    expect(pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]).toBe(revisions[0]!.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]);
    expect(revisions[0]).toMatchObject({ revision: 1, metadata: { name: `agent-${pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]}` } });
    expect(sim.ds.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, observedGeneration: 1 });
    sim.runPods();
    sim.sync();
    expect(sim.ds.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, updatedNumberScheduled: 2, numberAvailable: 2, numberUnavailable: 0 });
  });

  it('follows nodeSelector and tolerations of the template', () => {
    const ds = daemonSet('gpu-agent', { nodeSelector: { accelerator: 'gpu' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] });
    const sim = new DsSim(ds, [node('n1'), node('n2', { labels: { accelerator: 'gpu' }, taints: [gpuTaint] }), node('n3', { labels: { accelerator: 'gpu' } })]);
    sim.sync();
    expect(sim.podNodes()).toEqual(['n2', 'n3']);
  });

  it('adds the network-unavailable toleration for hostNetwork pods', () => {
    const sim = new DsSim(daemonSet('cni', { hostNetwork: true }), [node('n1', { taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] })]);
    sim.sync();
    expect(sim.podNodes()).toEqual(['n1']);
    expect(sim.pods()[0]?.spec?.tolerations).toContainEqual({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  });

  it('evicts on an untolerated NoExecute taint, keeps (misscheduled) on a new NoSchedule one, leaves a node that lost its label', () => {
    const sim = new DsSim(daemonSet('agent', { nodeSelector: { role: 'worker' } }), [node('n1', { labels: { role: 'worker' } }), node('n2', { labels: { role: 'worker' } }), node('n3', { labels: { role: 'worker' } })]);
    sim.sync();
    sim.runPods();
    sim.sync();
    sim.setNode(node('n1', { labels: { role: 'worker' }, taints: [{ key: 'maintenance', effect: 'NoExecute' }] }));
    sim.setNode(node('n2', { labels: { role: 'worker' }, taints: [{ key: 'maintenance', effect: 'NoSchedule' }] }));
    sim.setNode(node('n3'));
    const r = sim.sync();
    const deleted = flattenActions(r.actions).filter((a) => a.type === 'delete').map((a) => (a.type === 'delete' ? a.name : ''));
    expect(deleted).toHaveLength(2);
    expect(sim.podNodes()).toEqual(['n2']);
    sim.sync();
    expect(sim.ds.status).toMatchObject({ desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 1 });
  });

  it('replaces a failed daemon pod with a warning, and removes duplicates keeping the oldest', () => {
    const sim = new DsSim(daemonSet('agent'), [node('n1')]);
    sim.sync();
    sim.runPods();
    const p = sim.pods()[0]!;
    sim.cluster.put(Resources.pods, { ...p, status: { ...p.status, phase: 'Failed' } });
    const r = sim.sync();
    expect(r.actions.find((a) => a.type === 'event' && a.reason === 'FailedDaemonPod')).toMatchObject({ eventType: 'Warning', message: `Found failed daemon pod kube-system/${p.metadata.name} on node n1, will try to kill it` });
    expect(sim.cluster.list(Resources.pods)).toHaveLength(0);
    sim.sync();
    expect(sim.podNodes()).toEqual(['n1']);
    // A stray second pod on the node (say, adopted) is removed, the older one stays.
    const keep = sim.pods()[0]!;
    sim.cluster.add(Resources.pods, { ...structuredClone(keep), metadata: { ...structuredClone(keep.metadata), name: 'agent-extra', uid: 'extra', creationTimestamp: formatTime(sim.cluster.nowMs + 5000) } });
    sim.sync();
    expect(sim.pods().map((x) => x.metadata.name)).toEqual([keep.metadata.name]);
  });
});

describe('DaemonSet: rolling update', () => {
  for (const maxUnavailable of [1, 2, '50%']) {
    it(`replaces pods node by node within maxUnavailable ${maxUnavailable}`, () => {
      const nodes = ['n1', 'n2', 'n3', 'n4'].map((n) => node(n));
      const sim = new DsSim(daemonSet('agent', { maxUnavailable }), nodes);
      sim.sync();
      sim.runPods();
      sim.sync();
      const ds = structuredClone(sim.ds);
      ds.spec!.template.spec!.containers[0]!.image = 'agent:2';
      ds.metadata.generation = 2;
      sim.cluster.put(Resources.daemonSets, ds);
      const limit = typeof maxUnavailable === 'number' ? maxUnavailable : 2;
      let rounds = 0;
      for (; rounds < 30; rounds++) {
        sim.sync();
        const available = sim.pods().filter((p) => isPodAvailable(p, 0, sim.cluster.nowMs)).length;
        expect(4 - available).toBeLessThanOrEqual(limit);
        sim.cluster.advance(1000);
        sim.runPods(1);
        sim.sync();
        const s = sim.ds.status!;
        if (s.updatedNumberScheduled === 4 && s.numberAvailable === 4 && s.observedGeneration === 2) break;
      }
      expect(rounds).toBeLessThan(30);
      expect(rounds).toBeGreaterThan(0);
      expect(sim.pods().every((p) => p.spec?.containers[0]?.image === 'agent:2')).toBe(true);
      const revisions = sim.cluster.list<ControllerRevision>(Resources.controllerRevisions).map((r) => r.revision).sort();
      expect(revisions).toEqual([1, 2]);
    });
  }

  it('leaves pods alone with OnDelete', () => {
    const sim = new DsSim(daemonSet('agent'), [node('n1')]);
    sim.sync();
    sim.runPods();
    const ds = structuredClone(sim.ds);
    ds.spec!.updateStrategy = { type: 'OnDelete' };
    ds.spec!.template.spec!.containers[0]!.image = 'agent:2';
    sim.cluster.put(Resources.daemonSets, ds);
    const r = sim.sync();
    expect(flattenActions(r.actions).filter((a) => a.type === 'delete' && a.resource === Resources.pods)).toEqual([]);
    expect(sim.ds.status?.updatedNumberScheduled).toBe(0);
  });
});
