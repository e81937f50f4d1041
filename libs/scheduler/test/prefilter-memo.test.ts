// PreFilterMemo: counts kept across cycles must equal a recount from scratch after every change to
// the cluster (pods placed and removed, a node relabelled, a node gone), for several pod shapes.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@skiff/core';
import { NodeInfo } from '../src/node-info.js';
import { podInfoOf, type PodInfo } from '../src/pod-info.js';
import { computePreFilterState, updateWithPod, type InterPodAffinityState } from '../src/plugins/inter-pod-affinity/filtering.js';
import { PreFilterMemo } from '../src/plugins/inter-pod-affinity/prefilter-memo.js';
import { Snapshot } from '../src/snapshot.js';
import type { Affinity } from '../src/index.js';
import { node, pod } from './fixtures.js';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'zone';
const anti = (color: string, key: string): Affinity => ({
  podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color } }, topologyKey: key, namespaces: ['a', 'b'] }] },
});
const affinity = (color: string): Affinity => ({
  podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color } }, topologyKey: ZONE }] },
});

const counts = (s: InterPodAffinityState) => ({ ns: s.namespaceLabels, existing: s.existingAntiAffinityCounts, affinity: s.affinityCounts, anti: s.antiAffinityCounts });

const shapes = [
  (name: string) => pod(name, { namespace: 'a', labels: { color: 'green' }, affinity: anti('green', HOST) }),
  (name: string) => pod(name, { namespace: 'b', labels: { color: 'green' }, affinity: anti('green', ZONE) }),
  (name: string) => pod(name, { namespace: 'a', labels: { color: 'blue' }, affinity: affinity('green') }),
  (name: string) => pod(name, { namespace: 'a', labels: { color: 'red' } }),
];

describe('PreFilterMemo', () => {
  it('answers like a recount from scratch through 200 random changes', () => {
    const random = new SeededRandom(42);
    let infos = Array.from({ length: 8 }, (_, i) => new NodeInfo(node(`n${i}`, { labels: { [ZONE]: `z${i % 3}` } })));
    const memo = new PreFilterMemo();
    const placed: { info: PodInfo; node: NodeInfo }[] = [];
    for (let step = 0; step < 200; step++) {
      const roll = random.int(0, 9);
      if (roll < 6 || placed.length === 0) {
        const target = random.pick(infos);
        const p = podInfoOf(shapes[random.int(0, shapes.length - 1)]!(`p${step}`));
        target.addPod(p);
        placed.push({ info: p, node: target });
      } else if (roll < 8) {
        const [gone] = placed.splice(random.int(0, placed.length - 1), 1);
        gone!.node.removePod(gone!.info.key);
      } else if (roll === 8) {
        const target = random.pick(infos);
        target.setNode(node(target.name, { labels: { [ZONE]: `z${random.int(0, 4)}` } }));
      } else if (infos.length <= 4) {
        infos = [...infos, new NodeInfo(node(`m${step}`, { labels: { [ZONE]: 'z0' } }))];
      } else {
        // A node leaves with its pods.
        const gone = random.pick(infos);
        infos = infos.filter((n) => n !== gone);
        for (let i = placed.length - 1; i >= 0; i--) if (placed[i]!.node === gone) placed.splice(i, 1);
      }
      const snapshot = new Snapshot(infos);
      for (const shape of shapes) {
        const incoming = podInfoOf(shape(`incoming-${step}`));
        if (!PreFilterMemo.applies(incoming)) continue;
        expect(counts(memo.compute(incoming, snapshot)), `step ${step}`).toEqual(counts(computePreFilterState(incoming, snapshot)));
      }
    }
  });

  it('hands out a frozen state: a cycle changes a clone, never the memo', () => {
    const n = new NodeInfo(node('n0'));
    n.addPod(podInfoOf(shapes[0]!('existing')));
    const snapshot = new Snapshot([n]);
    const memo = new PreFilterMemo();
    const incoming = podInfoOf(shapes[0]!('incoming'));
    const shared = memo.compute(incoming, snapshot);
    expect(() => updateWithPod(shared, incoming, n.pods[0]!, n, snapshot, -1)).toThrow(/clone/);
    const copy = shared.clone();
    updateWithPod(copy, incoming, n.pods[0]!, n, snapshot, -1);
    expect(copy.antiAffinityCounts.size).toBe(0);
    expect(counts(memo.compute(incoming, snapshot))).toEqual(counts(computePreFilterState(incoming, snapshot)));
  });

  it('does not apply to pods without terms or with a namespaceSelector', () => {
    expect(PreFilterMemo.applies(podInfoOf(shapes[3]!('plain')))).toBe(false);
    const selector: Affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'x' } }, topologyKey: HOST, namespaceSelector: {} }] } };
    expect(PreFilterMemo.applies(podInfoOf(pod('ns-selector', { affinity: selector })))).toBe(false);
  });
});
