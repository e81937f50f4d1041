// InterPodAffinity against the redis-cache / web-store example of "Assigning Pods to Nodes", the
// symmetric check of existing pods' anti-affinity, the first-pod exception and namespaceSelector.
import { describe, expect, it } from 'vitest';
import type { Affinity, Pod, PodAffinityTerm } from '../src/index.js';
import { node, pod, schedule, scheduleAll, scheduledNode } from './fixtures.js';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const term = (labels: Record<string, string>, topologyKey: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({
  labelSelector: { matchExpressions: Object.entries(labels).map(([key, value]) => ({ key, operator: 'In', values: [value] })) },
  topologyKey,
  ...extra,
});

const redis = (i: number): Pod =>
  pod(`redis-cache-${i}`, { labels: { app: 'store' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'store' }, HOST)] } } });
const web = (i: number): Pod =>
  pod(`web-store-${i}`, {
    labels: { app: 'web-store' },
    affinity: {
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web-store' }, HOST)] },
      podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'store' }, HOST)] },
    },
  });

describe('the docs redis-cache and web-store deployments', () => {
  const nodes = [node('node-1'), node('node-2'), node('node-3')];

  it('spreads redis-cache one per node, co-locates one web-store with each', () => {
    const placed = scheduleAll([redis(1), redis(2), redis(3), web(1), web(2), web(3)], { nodes });
    const redisNodes = [1, 2, 3].map((i) => placed.get(`redis-cache-${i}`));
    const webNodes = [1, 2, 3].map((i) => placed.get(`web-store-${i}`));
    expect(new Set(redisNodes)).toEqual(new Set(['node-1', 'node-2', 'node-3']));
    expect(new Set(webNodes)).toEqual(new Set(['node-1', 'node-2', 'node-3']));
  });

  it('a fourth replica fits nowhere, and says why', () => {
    const bound = [1, 2, 3].map((i) => ({ ...redis(i), spec: { ...redis(i).spec, nodeName: `node-${i}` } }));
    const result = schedule(redis(4), { nodes, pods: bound });
    expect(result.type === 'unschedulable' && result.message).toBe(
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
  });

  it('web-store waits while no redis-cache runs (affinity to other pods is unresolvable)', () => {
    const result = schedule(web(1), { nodes });
    expect(result.type === 'unschedulable' && result.message.startsWith("0/3 nodes are available: 3 node(s) didn't match pod affinity rules.")).toBe(true);
  });
});

describe('symmetry and special cases', () => {
  const nodes = [node('a1', { labels: { [ZONE]: 'a' } }), node('b1', { labels: { [ZONE]: 'b' } })];

  it("an existing pod's anti-affinity keeps matching pods out of its zone", () => {
    const guard = pod('guard', { nodeName: 'a1', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, ZONE)] } } });
    for (let seed = 1; seed <= 10; seed++) expect(scheduledNode(schedule(pod('w', { labels: { app: 'web' } }), { nodes, pods: [guard] }, undefined, seed))).toBe('b1');
    const onlyA = schedule(pod('w', { labels: { app: 'web' } }), { nodes: [nodes[0]!], pods: [guard] });
    expect(onlyA.type === 'unschedulable' && onlyA.message.startsWith("0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules.")).toBe(true);
  });

  it('the first pod of a group with affinity to itself may start anywhere', () => {
    const selfAffine = pod('first', { labels: { app: 'x' }, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'x' }, ZONE)] } } });
    expect(scheduledNode(schedule(selfAffine, { nodes }))).toBeDefined();
    const second = pod('second', { labels: { app: 'x' }, affinity: selfAffine.spec!.affinity! });
    const bound = { ...selfAffine, spec: { ...selfAffine.spec, nodeName: 'b1' } };
    for (let seed = 1; seed <= 10; seed++) expect(scheduledNode(schedule(second, { nodes, pods: [bound] }, undefined, seed))).toBe('b1');
  });

  it('namespaceSelector picks the namespaces a term looks in', () => {
    const db = pod('db', { namespace: 'team-a', labels: { app: 'db' }, nodeName: 'a1' });
    const namespaces = [{ metadata: { name: 'team-a', labels: { team: 'a' } } }, { metadata: { name: 'default', labels: {} } }];
    const avoid = (extra: Partial<PodAffinityTerm>): Affinity => ({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, ZONE, extra)] } });
    const bySelector = pod('p', { affinity: avoid({ namespaceSelector: { matchLabels: { team: 'a' } } }) });
    const ownNamespace = pod('p', { affinity: avoid({}) });
    const allNamespaces = pod('p', { affinity: avoid({ namespaceSelector: {} }) });
    const onlyA1 = { nodes: [nodes[0]!], pods: [db], namespaces };
    expect(schedule(bySelector, onlyA1).type).toBe('unschedulable');
    expect(schedule(allNamespaces, onlyA1).type).toBe('unschedulable');
    expect(scheduledNode(schedule(ownNamespace, onlyA1))).toBe('a1');
  });

  it('preferred affinity pulls a pod to the zone of matching pods', () => {
    const cache = pod('cache', { labels: { app: 'cache' }, nodeName: 'b1' });
    const p = pod('p', { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term({ app: 'cache' }, ZONE) }] } } });
    for (let seed = 1; seed <= 10; seed++) expect(scheduledNode(schedule(p, { nodes, pods: [cache] }, undefined, seed))).toBe('b1');
    const away = pod('q', { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term({ app: 'cache' }, ZONE) }] } } });
    for (let seed = 1; seed <= 10; seed++) expect(scheduledNode(schedule(away, { nodes, pods: [cache] }, undefined, seed))).toBe('a1');
  });
});
