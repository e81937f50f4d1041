// PodTopologySpread against "Pod Topology Spread Constraints" (kubernetes.io docs): four nodes in
// two zones, three foo=bar pods on node1, node2 (zoneA) and node3 (zoneB).
import { describe, expect, it } from 'vitest';
import type { Pod, TopologySpreadConstraint } from '../src/index.js';
import { node, pod, schedule, scheduledNode } from './fixtures.js';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const nodes = [
  node('node1', { labels: { [ZONE]: 'zoneA' } }),
  node('node2', { labels: { [ZONE]: 'zoneA' } }),
  node('node3', { labels: { [ZONE]: 'zoneB' } }),
  node('node4', { labels: { [ZONE]: 'zoneB' } }),
];
const existing: Pod[] = ['node1', 'node2', 'node3'].map((n, i) => pod(`foo-${i}`, { labels: { foo: 'bar' }, nodeName: n }));
const constraint = (topologyKey: string, extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew: 1,
  topologyKey,
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels: { foo: 'bar' } },
  ...extra,
});
const placeAll = (p: Pod, cluster: Parameters<typeof schedule>[1], seeds = 20): Set<string | undefined> => {
  const out = new Set<string | undefined>();
  for (let seed = 1; seed <= seeds; seed++) out.add(scheduledNode(schedule(p, cluster, undefined, seed)));
  return out;
};

describe('DoNotSchedule', () => {
  it('one constraint on zone: the incoming pod can only go to zoneB', () => {
    const placed = placeAll(pod('mypod', { labels: { foo: 'bar' }, spread: [constraint(ZONE)] }), { nodes, pods: existing });
    expect([...placed].every((n) => n === 'node3' || n === 'node4')).toBe(true);
  });

  it('constraints on zone and node: only node4 is left', () => {
    const placed = placeAll(pod('mypod', { labels: { foo: 'bar' }, spread: [constraint(ZONE), constraint(HOST)] }), { nodes, pods: existing });
    expect(placed).toEqual(new Set(['node4']));
  });

  it('a pod not matching its own selector adds no skew of its own', () => {
    // node1..node3 each hold one pod, so only the spread rule can tell them apart.
    const threeNodes = nodes.slice(0, 3);
    expect(placeAll(pod('mine', { labels: { foo: 'bar' }, spread: [constraint(ZONE)] }), { nodes: threeNodes, pods: existing })).toEqual(new Set(['node3']));
    const placed = placeAll(pod('other', { labels: { foo: 'baz' }, spread: [constraint(ZONE)] }), { nodes: threeNodes, pods: existing });
    expect(placed.has('node1') && placed.has('node2')).toBe(true);
  });

  it('pods of other namespaces do not count', () => {
    const elsewhere = existing.map((p) => ({ ...p, metadata: { ...p.metadata, namespace: 'other', uid: `other-${p.metadata!.name}` } }));
    const placed = placeAll(pod('mypod', { labels: { foo: 'bar' }, spread: [constraint(ZONE)] }), { nodes: nodes.slice(0, 3), pods: elsewhere });
    expect(placed.has('node1') && placed.has('node2')).toBe(true);
  });

  it('minDomains treats the global minimum as 0 while too few domains exist', () => {
    const zoneAOnly = nodes.slice(0, 2);
    const one = [existing[0]!];
    expect(schedule(pod('p', { labels: { foo: 'bar' }, spread: [constraint(ZONE)] }), { nodes: zoneAOnly, pods: one }).type).toBe('scheduled');
    const result = schedule(pod('p', { labels: { foo: 'bar' }, spread: [constraint(ZONE, { minDomains: 2 })] }), { nodes: zoneAOnly, pods: one });
    expect(result.type === 'unschedulable' && result.message.startsWith("0/2 nodes are available: 2 node(s) didn't match pod topology spread constraints.")).toBe(true);
  });

  it('a node without the topology key is refused as unresolvable', () => {
    const result = schedule(pod('p', { labels: { foo: 'bar' }, spread: [constraint('rack')] }), { nodes });
    expect(result.type === 'unschedulable' && result.message).toBe(
      "0/4 nodes are available: 4 node(s) didn't match pod topology spread constraints (missing required label). preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
    );
  });

  it('nodeAffinityPolicy Honor counts only nodes the pod could land on', () => {
    // With node1..3 only zoneA eligible by nodeSelector, zoneB's pod does not set the minimum.
    const spread = [constraint(ZONE)];
    const p = pod('p', { labels: { foo: 'bar' }, spread, nodeSelector: { [ZONE]: 'zoneA' } });
    expect(placeAll(p, { nodes, pods: existing }).has(undefined)).toBe(false);
    const ignore = pod('p', { labels: { foo: 'bar' }, spread: [constraint(ZONE, { nodeAffinityPolicy: 'Ignore' })], nodeSelector: { [ZONE]: 'zoneA' } });
    expect(schedule(ignore, { nodes, pods: existing }).type).toBe('unschedulable');
  });
});

describe('ScheduleAnyway', () => {
  it('prefers the emptier zone without refusing the fuller one', () => {
    const soft = pod('p', { labels: { foo: 'bar' }, spread: [constraint(ZONE, { whenUnsatisfiable: 'ScheduleAnyway' })] });
    expect([...placeAll(soft, { nodes, pods: existing })].every((n) => n === 'node3' || n === 'node4')).toBe(true);
    const onlyZoneA = placeAll(soft, { nodes: nodes.slice(0, 2), pods: existing });
    expect(onlyZoneA.has(undefined)).toBe(false);
  });
});
