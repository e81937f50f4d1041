// TaintToleration against "Taints and Tolerations" (kubernetes.io docs).
import { describe, expect, it } from 'vitest';
import { CycleState, NodeInfo, newTaintToleration, podInfoOf, toleratesTaint, untoleratedTaint, type Taint, type Toleration } from '../src/index.js';
import { defaultFramework, node, pod, schedule, scheduledNode } from './fixtures.js';

const node1Taints: Taint[] = [
  { key: 'key1', value: 'value1', effect: 'NoSchedule' },
  { key: 'key1', value: 'value1', effect: 'NoExecute' },
  { key: 'key2', value: 'value2', effect: 'NoSchedule' },
];
const firstTwo: Toleration[] = [
  { key: 'key1', operator: 'Equal', value: 'value1', effect: 'NoSchedule' },
  { key: 'key1', operator: 'Equal', value: 'value1', effect: 'NoExecute' },
];

describe('the docs node1 with three taints', () => {
  const node1 = node('node1', { taints: node1Taints });

  it('refuses a pod tolerating only the first two taints, naming the third', () => {
    expect(untoleratedTaint(podInfoOf(pod('p', { tolerations: firstTwo })), new NodeInfo(node1))).toEqual(node1Taints[2]);
    const result = schedule(pod('p', { tolerations: firstTwo }), { nodes: [node1] });
    expect(result.type).toBe('unschedulable');
    if (result.type === 'unschedulable') {
      expect(result.message).toBe(
        '0/1 nodes are available: 1 node(s) had untolerated taint {key2: value2}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
      );
    }
  });

  it('admits a pod tolerating all three', () => {
    const all = [...firstTwo, { key: 'key2', operator: 'Equal', value: 'value2', effect: 'NoSchedule' }];
    expect(scheduledNode(schedule(pod('p', { tolerations: all }), { nodes: [node1] }))).toBe('node1');
  });

  it('an empty key with operator Exists tolerates everything', () => {
    expect(scheduledNode(schedule(pod('p', { tolerations: [{ operator: 'Exists' }] }), { nodes: [node1] }))).toBe('node1');
  });

  it('an empty effect matches every effect of that key', () => {
    const tolerations: Toleration[] = [
      { key: 'key1', operator: 'Equal', value: 'value1' },
      { key: 'key2', operator: 'Exists' },
    ];
    expect(scheduledNode(schedule(pod('p', { tolerations }), { nodes: [node1] }))).toBe('node1');
  });

  it('the generic reason of Kubernetes 1.34 is available as an option', () => {
    const framework = defaultFramework({ set: [{ name: 'TaintToleration', weight: 3, args: { detailedReason: false } }] });
    const result = schedule(pod('p'), { nodes: [node1] }, framework);
    expect(result.type === 'unschedulable' && result.message.startsWith('0/1 nodes are available: 1 node(s) had untolerated taint(s).')).toBe(true);
  });
});

describe('ToleratesTaint', () => {
  const taint: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  it.each<[Toleration, boolean]>([
    [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, true],
    [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, true],
    [{ key: 'dedicated', operator: 'Equal', value: 'cpu', effect: 'NoSchedule' }, false],
    [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, true],
    [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    [{ key: 'other', operator: 'Exists' }, false],
    [{ operator: 'Exists' }, true],
    [{ key: 'dedicated', operator: 'Gt', value: 'gpu' }, false],
  ])('%j tolerates dedicated=gpu:NoSchedule: %s', (toleration, expected) => {
    expect(toleratesTaint(toleration, taint)).toBe(expected);
  });

  it('PreferNoSchedule taints never filter', () => {
    const soft = node('soft', { taints: [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }] });
    expect(scheduledNode(schedule(pod('p'), { nodes: [soft] }))).toBe('soft');
  });
});

describe('TaintToleration score', () => {
  it('counts untolerated PreferNoSchedule taints and reverses the scale', () => {
    const plugin = newTaintToleration();
    const p = podInfoOf(pod('p', { tolerations: [{ key: 'tolerated', operator: 'Exists', effect: 'PreferNoSchedule' }] }));
    const prefer = (key: string): Taint => ({ key, value: 'x', effect: 'PreferNoSchedule' });
    const infos = [
      node('clean'),
      node('one', { taints: [prefer('a')] }),
      node('two', { taints: [prefer('a'), prefer('b')] }),
      node('tolerated', { taints: [prefer('tolerated')] }),
    ].map((n) => new NodeInfo(n));
    const state = new CycleState();
    plugin.preScore(state, p, infos, undefined as never);
    const scores = Float64Array.from(infos.map((ni) => plugin.score(state, p, ni, undefined as never)));
    expect([...scores]).toEqual([0, 1, 2, 0]);
    plugin.normalizeScore!(state, p, infos, scores);
    expect([...scores]).toEqual([100, 50, 0, 100]);
  });

  it('steers pods away from PreferNoSchedule nodes when all else is equal', () => {
    const nodes = [node('tainted', { taints: [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }] }), node('clean')];
    for (let seed = 1; seed <= 10; seed++) expect(scheduledNode(schedule(pod('p'), { nodes }, undefined, seed))).toBe('clean');
  });
});
