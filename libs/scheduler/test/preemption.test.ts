// DefaultPreemption: the PriorityClass example of "Pod Priority and Preemption" (high-priority,
// value 1000000), victim selection with reprieve, PodDisruptionBudgets, and the node-picking order.
import { describe, expect, it } from 'vitest';
import type { Pod, PodDisruptionBudget, ScheduleResult } from '../src/index.js';
import { node, pod, schedule } from './fixtures.js';

const HIGH = 1_000_000;
const names = (pods: readonly Pod[]): string[] => pods.map((p) => p.metadata!.name!);
const nominated = (r: ScheduleResult): { node: string; victims: string[] } | undefined =>
  r.type === 'nominated' ? { node: r.nominatedNodeName, victims: names(r.victims) } : undefined;

describe('a high-priority pod on a full node', () => {
  const nodes = [node('node1', { cpu: '2' })];
  const low = pod('low', { cpu: '2', priority: 1000, nodeName: 'node1' });

  it('preempts the low-priority pod and is nominated to its node', () => {
    const result = schedule(pod('high', { cpu: '1', priority: HIGH }), { nodes, pods: [low] });
    expect(nominated(result)).toEqual({ node: 'node1', victims: ['low'] });
    expect(result.type === 'nominated' && result.message).toBe('0/1 nodes are available: 1 Insufficient cpu.');
  });

  it('does not preempt with preemptionPolicy Never', () => {
    const result = schedule(pod('high', { cpu: '1', priority: HIGH, preemptionPolicy: 'Never' }), { nodes, pods: [low] });
    expect(result.type === 'unschedulable' && result.message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
  });

  it('does not preempt pods of equal or higher priority', () => {
    const result = schedule(pod('peer', { cpu: '1', priority: 1000 }), { nodes, pods: [low] });
    expect(result.type === 'unschedulable' && result.message).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
  });

  it('reports when even evicting every lower-priority pod is not enough', () => {
    const vip = pod('vip', { cpu: '1500m', priority: 2 * HIGH, nodeName: 'node1' });
    const small = pod('small', { cpu: '500m', priority: 10, nodeName: 'node1' });
    const result = schedule(pod('high', { cpu: '1', priority: HIGH }), { nodes, pods: [vip, small] });
    expect(result.type === 'unschedulable' && result.message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.');
  });
});

describe('victim selection', () => {
  it('reprieves the most important pods that can stay', () => {
    const pods = [10, 20, 30, 40].map((priority) => pod(`p${priority}`, { cpu: '500m', priority, nodeName: 'node1' }));
    const result = schedule(pod('high', { cpu: '1', priority: HIGH }), { nodes: [node('node1', { cpu: '2' })], pods });
    expect(nominated(result)).toEqual({ node: 'node1', victims: ['p20', 'p10'] });
  });

  it('reprieves PDB-protected pods first', () => {
    const pods = [pod('guarded', { cpu: '1', priority: 10, labels: { app: 'db' }, nodeName: 'node1' }), pod('free', { cpu: '1', priority: 20, nodeName: 'node1' })];
    const pdb: PodDisruptionBudget = { metadata: { name: 'db', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'db' } } }, status: { disruptionsAllowed: 0 } };
    const result = schedule(pod('high', { cpu: '1', priority: HIGH }), { nodes: [node('node1', { cpu: '2' })], pods, pdbs: [pdb] });
    expect(nominated(result)?.victims).toEqual(['free']);
  });
});

describe('choosing the node', () => {
  const twoNodes = [node('a', { cpu: '1' }), node('b', { cpu: '1' })];
  const pick = (podsA: Pod[], podsB: Pod[], pdbs: PodDisruptionBudget[] = []): string | undefined => {
    const seen = new Set<string | undefined>();
    for (let seed = 1; seed <= 10; seed++) seen.add(nominated(schedule(pod('high', { cpu: '1', priority: HIGH }), { nodes: twoNodes, pods: [...podsA, ...podsB], pdbs }, undefined, seed))?.node);
    expect(seen.size).toBe(1);
    return [...seen][0];
  };
  const on = (nodeName: string, name: string, priority: number, extra: Parameters<typeof pod>[1] = {}) => pod(name, { cpu: '1', priority, nodeName, ...extra });

  it('1. fewest PodDisruptionBudget violations', () => {
    const pdb: PodDisruptionBudget = { metadata: { name: 'x', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'x' } } }, status: { disruptionsAllowed: 0 } };
    expect(pick([on('a', 'va', 1, { labels: { app: 'x' } })], [on('b', 'vb', 100)], [pdb])).toBe('b');
  });

  it('2. lowest priority of the most important victim', () => {
    expect(pick([on('a', 'va', 100)], [on('b', 'vb', 50)])).toBe('b');
  });

  it('3. smallest sum of victim priorities', () => {
    const half = (n: string, name: string, priority: number) => pod(name, { cpu: '500m', priority, nodeName: n });
    expect(pick([half('a', 'a1', 50), half('a', 'a2', 50)], [half('b', 'b1', 50), half('b', 'b2', 10)])).toBe('b');
  });

  it('3. with the 2^31 shift, fewer victims cost less (so criterion 4 rarely decides)', () => {
    const half = (n: string, name: string, priority: number) => pod(name, { cpu: '500m', priority, nodeName: n });
    // Sums are equal only without the 2^31 shift: 50+0 vs 50 alone; the shift makes one victim cheaper.
    expect(pick([half('a', 'a1', 50), half('a', 'a2', 0)], [on('b', 'b1', 50)])).toBe('b');
  });

  it('5. latest start time of the most important victims', () => {
    expect(pick([on('a', 'old', 50, { startTime: '2024-01-01T00:00:00Z' })], [on('b', 'young', 50, { startTime: '2025-01-01T00:00:00Z' })])).toBe('b');
  });

  it('skips nodes whose rejection preemption cannot fix', () => {
    const tainted = node('tainted', { cpu: '1', taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] });
    const full = node('full', { cpu: '1' });
    const pods = [pod('t', { cpu: '1', nodeName: 'tainted' }), pod('f', { cpu: '1', nodeName: 'full' })];
    expect(nominated(schedule(pod('high', { cpu: '1', priority: HIGH }), { nodes: [tainted, full], pods }))).toEqual({ node: 'full', victims: ['f'] });
  });
});

describe('nominated pods', () => {
  const nodes = [node('node1', { cpu: '2' })];
  const waiting = pod('high', { cpu: '1500m', priority: HIGH, nominatedNodeName: 'node1' });

  it('hold the room they preempted for against lower-priority pods', () => {
    const result = schedule(pod('low', { cpu: '1' }), { nodes, nominatedPods: [waiting] });
    expect(result.type).toBe('unschedulable');
    expect(schedule(pod('low', { cpu: '1' }), { nodes }).type).toBe('scheduled');
  });

  it('go back to their nominated node first', () => {
    const result = schedule(waiting, { nodes: [node('node0', { cpu: '2' }), ...nodes], nominatedPods: [waiting] });
    expect(result.type === 'scheduled' && result.nodeName).toBe('node1');
  });

  it('do not preempt again while their victims are terminating', () => {
    const leaving = pod('victim', { cpu: '2', priority: 1, nodeName: 'node1', deleting: true });
    const result = schedule(waiting, { nodes, pods: [leaving] });
    expect(result.type === 'unschedulable' && result.message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node.');
  });
});
