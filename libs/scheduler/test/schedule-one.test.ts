// scheduleOne: the FailedScheduling message, how many nodes a cycle examines, the rotating start
// index, random tie-breaking, and profiles chosen by schedulerName.
import { SeededRandom } from '@skiff/core';
import { describe, expect, it } from 'vitest';
import {
  Framework,
  ProfileError,
  createFrameworks,
  createSnapshot,
  defaultProfile,
  fitErrorMessage,
  frameworkForPod,
  podInfoOf,
  inTreeRegistry,
  newDiagnosis,
  newStatus,
  numFeasibleNodesToFind,
  scheduleOne,
  Code,
} from '../src/index.js';
import { node, pod, schedule, scheduledNode } from './fixtures.js';

describe('the FailedScheduling message', () => {
  const taint = { key: 'key1', value: 'value1', effect: 'NoSchedule' };
  const nodes = [...[1, 2, 3].map((i) => node(`tainted-${i}`, { taints: [taint] })), node('small-1', { cpu: '1' }), node('small-2', { cpu: '1' })];

  it('counts reasons per node, sorted, then the preemption attempt', () => {
    const result = schedule(pod('big', { cpu: '2' }), { nodes });
    expect(result.type === 'unschedulable' && result.message).toBe(
      '0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {key1: value1}. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.',
    );
  });

  it('names the nodes where preemption was tried and found no victims', () => {
    const busy = [pod('b1', { cpu: '1', nodeName: 'small-1' }), pod('b2', { cpu: '1', nodeName: 'small-2' })];
    const result = schedule(pod('p', { cpu: '1' }), { nodes, pods: busy });
    expect(result.type === 'unschedulable' && result.message).toBe(
      '0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {key1: value1}. preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.',
    );
  });

  it('sorts counts as strings, the way Go sorts them', () => {
    const d = newDiagnosis();
    for (let i = 0; i < 10; i++) d.nodeToStatus.set(`a${i}`, newStatus(Code.Unschedulable, 'X', 'zeta'));
    for (let i = 0; i < 2; i++) d.nodeToStatus.set(`b${i}`, newStatus(Code.Unschedulable, 'X', 'alpha'));
    expect(fitErrorMessage(12, d)).toBe('0/12 nodes are available: 10 zeta, 2 alpha.');
  });

  it('with no nodes at all', () => {
    expect(schedule(pod('p'), { nodes: [] })).toMatchObject({ type: 'unschedulable', message: 'no nodes available to schedule pods' });
  });
});

describe('numFeasibleNodesToFind', () => {
  it.each([
    [50, 50],
    [99, 99],
    [100, 100],
    [1000, 420], // 50 - 1000/125 = 42%
    [5000, 500], // 10%
    [6000, 300], // 2% -> floor of 5%
    [1500, 570], // 38%
  ])('%i nodes -> %i', (n, expected) => expect(numFeasibleNodesToFind(n)).toBe(expected));

  it('honours an explicit percentage, never fewer than 100 nodes', () => {
    expect(numFeasibleNodesToFind(5000, 50)).toBe(2500);
    expect(numFeasibleNodesToFind(500, 1)).toBe(100);
    expect(numFeasibleNodesToFind(500, 250)).toBe(500);
  });
});

describe('the scheduling cycle', () => {
  const many = Array.from({ length: 1000 }, (_, i) => node(`n${String(i).padStart(4, '0')}`));
  const snapshot = createSnapshot({ nodes: many });
  const framework = new Framework(defaultProfile(), inTreeRegistry());

  it('filters only as many nodes as it needs and starts the next cycle where this one stopped', () => {
    const first = scheduleOne(pod('a'), snapshot, framework, new SeededRandom(1));
    expect(first).toMatchObject({ type: 'scheduled', feasibleNodes: 420, evaluatedNodes: 420, nextStartNodeIndex: 420 });
    const second = scheduleOne(pod('b'), snapshot, framework, new SeededRandom(1), { nextStartNodeIndex: 900 });
    expect(second).toMatchObject({ nextStartNodeIndex: (900 + 420) % 1000 });
    // The second cycle looked at n0900..n0999 and n0000..n0319 only.
    if (second.type === 'scheduled') {
      const index = Number(second.nodeName.slice(1));
      expect(index >= 900 || index < 320).toBe(true);
    }
  });

  it('breaks ties between equal nodes at random, reproducibly per seed', () => {
    const nodes = [node('a'), node('b'), node('c')];
    const picks = new Map<string, number>();
    for (let seed = 1; seed <= 300; seed++) {
      const n = scheduledNode(schedule(pod('p'), { nodes }, undefined, seed))!;
      picks.set(n, (picks.get(n) ?? 0) + 1);
    }
    expect([...picks.keys()].sort()).toEqual(['a', 'b', 'c']);
    for (const count of picks.values()) expect(count).toBeGreaterThan(60);
    expect(scheduledNode(schedule(pod('p'), { nodes }, undefined, 42))).toBe(scheduledNode(schedule(pod('p'), { nodes }, undefined, 42)));
  });

  it('interleaves zones so a partial scan still sees every zone', () => {
    const zoned = [...['a', 'a', 'a', 'b', 'b', 'b']].map((z, i) => node(`n${i}`, { labels: { 'topology.kubernetes.io/zone': z } }));
    expect(createSnapshot({ nodes: zoned }).nodeInfoList.map((ni) => ni.name)).toEqual(['n0', 'n3', 'n1', 'n4', 'n2', 'n5']);
  });
});

describe('profiles', () => {
  it('one framework per schedulerName, each with its own plugins', () => {
    const registry = inTreeRegistry();
    const frameworks = createFrameworks(
      [defaultProfile(), { schedulerName: 'bin-packer', plugins: [{ name: 'NodeResourcesFit', weight: 1, args: { scoringStrategy: { type: 'MostAllocated' } } }] }],
      registry,
    );
    expect([...frameworks.keys()]).toEqual(['default-scheduler', 'bin-packer']);
    expect(frameworkForPod(frameworks, podInfoOf(pod('x')))?.profileName).toBe('default-scheduler');
    expect(frameworkForPod(frameworks, podInfoOf(pod('y', { schedulerName: 'other' })))).toBeUndefined();
    const packer = frameworkForPod(frameworks, podInfoOf(pod('z', { schedulerName: 'bin-packer' })))!;
    expect(packer.filterPlugins.map((p) => p.name)).toEqual(['NodeResourcesFit']);
    const nodes = [node('busy'), node('idle')];
    const busy = pod('busy', { cpu: '2', nodeName: 'busy' });
    const r = scheduleOne(pod('p', { cpu: '1', schedulerName: 'bin-packer' }), createSnapshot({ nodes, pods: [busy] }), packer, new SeededRandom(3));
    expect(scheduledNode(r)).toBe('busy');
  });

  it('rejects unknown plugins, duplicate plugins and duplicate scheduler names', () => {
    const registry = inTreeRegistry();
    expect(() => new Framework({ schedulerName: 'x', plugins: [{ name: 'Nope' }] }, registry)).toThrow(ProfileError);
    expect(() => new Framework({ schedulerName: 'x', plugins: [{ name: 'NodeName' }, { name: 'NodeName' }] }, registry)).toThrow(ProfileError);
    expect(() => createFrameworks([defaultProfile(), defaultProfile()], registry)).toThrow(ProfileError);
    expect(() => new Framework({ schedulerName: 'x', plugins: [{ name: 'ImageLocality', weight: 0 }] }, registry)).toThrow(ProfileError);
  });

  it('the default profile carries kube-scheduler weights', () => {
    const framework = new Framework(defaultProfile(), inTreeRegistry());
    expect(Object.fromEntries(framework.scorePlugins.map((s) => [s.plugin.name, s.weight]))).toEqual({
      TaintToleration: 3,
      NodeAffinity: 2,
      NodeResourcesFit: 1,
      PodTopologySpread: 2,
      InterPodAffinity: 2,
      NodeResourcesBalancedAllocation: 1,
      ImageLocality: 1,
    });
  });
});

describe('ImageLocality', () => {
  it('prefers the node that already has a big image', () => {
    const image = 'registry.example/app:1.0';
    const nodes = [node('cold'), node('warm', { images: [{ names: [image], sizeBytes: 800 * 1024 * 1024 }] })];
    for (let seed = 1; seed <= 10; seed++) expect(scheduledNode(schedule(pod('p', { image }), { nodes }, undefined, seed))).toBe('warm');
  });
});
