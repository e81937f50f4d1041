// The snapshot's lists of nodes with affinity pods follow the cache as pods come and go; each list
// is rebuilt only when a pod of its kind changed.
import { describe, expect, it } from 'vitest';
import { SimulationClock } from '@skiff/core';
import { SchedulerCache } from '../src/cache/scheduler-cache.js';
import type { Affinity } from '../src/index.js';
import { node, pod } from './fixtures.js';

const term = { labelSelector: { matchLabels: { app: 'x' } }, topologyKey: 'kubernetes.io/hostname' };
const antiOnly: Affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
const scoring: Affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: term }] } };
const names = (list: readonly { name: string }[]): string[] => list.map((n) => n.name).sort();

describe('Snapshot affinity lists', () => {
  it('track pods with required anti-affinity and pods whose terms score others, separately', () => {
    const cache = new SchedulerCache(new SimulationClock());
    cache.addNode(node('n1'));
    cache.addNode(node('n2'));
    const snapshot = cache.snapshot();
    expect(snapshot.nodesWithRequiredAntiAffinityPods()).toEqual([]);

    const anti = pod('anti', { uid: 'anti', nodeName: 'n1', affinity: antiOnly });
    cache.addPod(anti);
    expect(names(snapshot.nodesWithRequiredAntiAffinityPods())).toEqual(['n1']);
    expect(names(snapshot.nodesWithScoringAffinityPods())).toEqual([]);
    expect(names(snapshot.nodesWithAffinityPods())).toEqual(['n1']);

    const scorer = pod('scorer', { uid: 'scorer', nodeName: 'n2', affinity: scoring });
    cache.addPod(scorer);
    expect(names(snapshot.nodesWithScoringAffinityPods())).toEqual(['n2']);
    expect(names(snapshot.nodesWithRequiredAntiAffinityPods())).toEqual(['n1']);
    expect(names(snapshot.nodesWithAffinityPods())).toEqual(['n1', 'n2']);

    cache.removePod(anti);
    cache.removePod(scorer);
    expect(snapshot.nodesWithRequiredAntiAffinityPods()).toEqual([]);
    expect(snapshot.nodesWithScoringAffinityPods()).toEqual([]);
    expect(snapshot.nodesWithAffinityPods()).toEqual([]);
  });
});
