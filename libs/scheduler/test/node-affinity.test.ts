// NodeAffinity against the examples of "Assigning Pods to Nodes" (kubernetes.io docs).
import { describe, expect, it } from 'vitest';
import { CycleState, NodeInfo, fitsNodeAffinity, newNodeAffinity, podInfoOf, preferredNodeAffinityScore, type NodeSelectorRequirement } from '../src/index.js';
import { node, pod, schedule, scheduledNode } from './fixtures.js';

const requiredTerm = (...matchExpressions: NodeSelectorRequirement[]) => ({
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] } },
});

describe('nodeSelector', () => {
  const nodes = [node('hdd-node', { labels: { disktype: 'hdd' } }), node('ssd-node', { labels: { disktype: 'ssd' } }), node('plain-node')];

  it('places the docs nginx pod with nodeSelector disktype: ssd only on the ssd node', () => {
    for (let seed = 1; seed <= 20; seed++) {
      expect(scheduledNode(schedule(pod('nginx', { nodeSelector: { disktype: 'ssd' } }), { nodes }, undefined, seed))).toBe('ssd-node');
    }
  });

  it('explains a selector no node matches, as kube-scheduler words it', () => {
    const result = schedule(pod('nginx', { nodeSelector: { disktype: 'nvme' } }), { nodes });
    expect(result.type).toBe('unschedulable');
    if (result.type !== 'unschedulable') return;
    expect(result.message).toBe(
      "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    expect([...result.diagnosis.unschedulablePlugins]).toEqual(['NodeAffinity']);
  });
});

describe('node affinity (the docs with-node-affinity pod)', () => {
  const withNodeAffinity = pod('with-node-affinity', {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/e2e-az-name', operator: 'In', values: ['e2e-az1', 'e2e-az2'] }] }],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 1, preference: { matchExpressions: [{ key: 'another-node-label-key', operator: 'In', values: ['another-node-label-value'] }] } },
        ],
      },
    },
  });
  const nodes = [
    node('az1', { labels: { 'kubernetes.io/e2e-az-name': 'e2e-az1' } }),
    node('az2-preferred', { labels: { 'kubernetes.io/e2e-az-name': 'e2e-az2', 'another-node-label-key': 'another-node-label-value' } }),
    node('az3-preferred', { labels: { 'kubernetes.io/e2e-az-name': 'e2e-az3', 'another-node-label-key': 'another-node-label-value' } }),
  ];

  it('requires the zone label and then prefers the node with the preferred label', () => {
    const info = podInfoOf(withNodeAffinity);
    expect(nodes.map((n) => fitsNodeAffinity(info, new NodeInfo(n)))).toEqual([true, true, false]);
    for (let seed = 1; seed <= 20; seed++) expect(scheduledNode(schedule(withNodeAffinity, { nodes }, undefined, seed))).toBe('az2-preferred');
  });

  it('scores preferred terms by weight, normalized so the best node gets 100', () => {
    const plugin = newNodeAffinity();
    const p = pod('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 1, preference: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } },
            { weight: 3, preference: { matchExpressions: [{ key: 'b', operator: 'Exists' }] } },
          ],
        },
      },
    });
    const infos = [node('none'), node('a', { labels: { a: '' } }), node('b', { labels: { b: '' } }), node('ab', { labels: { a: '', b: '' } })].map((n) => new NodeInfo(n));
    const raw = infos.map((ni) => preferredNodeAffinityScore(podInfoOf(p), ni));
    expect(raw).toEqual([0, 1, 3, 4]);
    const scores = Float64Array.from(raw);
    plugin.normalizeScore!(new CycleState(), podInfoOf(p), infos, scores);
    expect([...scores]).toEqual([0, 25, 75, 100]);
  });
});

describe('node selector operators', () => {
  const n = new NodeInfo(node('worker-7', { labels: { gpu: '4', zone: 'a' } }));
  const fits = (...exprs: NodeSelectorRequirement[]) => fitsNodeAffinity(podInfoOf(pod('p', { affinity: requiredTerm(...exprs) })), n);

  it('In, NotIn, Exists and DoesNotExist read labels', () => {
    expect(fits({ key: 'zone', operator: 'In', values: ['a', 'b'] })).toBe(true);
    expect(fits({ key: 'zone', operator: 'NotIn', values: ['a'] })).toBe(false);
    expect(fits({ key: 'missing', operator: 'NotIn', values: ['a'] })).toBe(true);
    expect(fits({ key: 'gpu', operator: 'Exists' })).toBe(true);
    expect(fits({ key: 'gpu', operator: 'DoesNotExist' })).toBe(false);
    expect(fits({ key: 'missing', operator: 'DoesNotExist' })).toBe(true);
  });

  it('Gt and Lt compare integers and fail on absent or non-numeric labels', () => {
    expect(fits({ key: 'gpu', operator: 'Gt', values: ['3'] })).toBe(true);
    expect(fits({ key: 'gpu', operator: 'Gt', values: ['4'] })).toBe(false);
    expect(fits({ key: 'gpu', operator: 'Lt', values: ['5'] })).toBe(true);
    expect(fits({ key: 'zone', operator: 'Lt', values: ['5'] })).toBe(false);
    expect(fits({ key: 'missing', operator: 'Gt', values: ['0'] })).toBe(false);
  });

  it('ANDs requirements inside a term and ORs terms', () => {
    expect(fits({ key: 'zone', operator: 'In', values: ['a'] }, { key: 'gpu', operator: 'Gt', values: ['8'] })).toBe(false);
    const twoTerms = pod('p', {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z'] }] }, { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }],
          },
        },
      },
    });
    expect(fitsNodeAffinity(podInfoOf(twoTerms), n)).toBe(true);
  });

  it('matchFields metadata.name selects nodes by name', () => {
    const byName = (values: string[], operator = 'In') =>
      pod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator, values }] }] } } } });
    expect(fitsNodeAffinity(podInfoOf(byName(['worker-7'])), n)).toBe(true);
    expect(fitsNodeAffinity(podInfoOf(byName(['worker-8'])), n)).toBe(false);
    expect(fitsNodeAffinity(podInfoOf(byName(['worker-7'], 'NotIn')), n)).toBe(false);
  });

  it('an empty term matches nothing, and an invalid Gt value makes the pod an error rather than a guess', () => {
    const empty = pod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}] } } } });
    expect(fitsNodeAffinity(podInfoOf(empty), n)).toBe(false);
    const bad = pod('bad', { affinity: requiredTerm({ key: 'gpu', operator: 'Gt', values: ['four'] }) });
    expect(fits({ key: 'gpu', operator: 'Gt', values: ['four'] })).toBe(false);
    const result = schedule(bad, { nodes: [node('n1', { labels: { gpu: '4' } })] });
    expect(result.type).toBe('error');
  });
});
