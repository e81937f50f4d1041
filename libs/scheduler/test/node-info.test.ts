// NodeInfo.clone: preemption's dry runs change copies; the cache's node infos must not move.
import { describe, expect, it } from 'vitest';
import { NodeInfo } from '../src/node-info.js';
import { podInfoOf } from '../src/pod-info.js';
import { node, pod } from './fixtures.js';

describe('NodeInfo.clone', () => {
  it('gives a copy whose pods, requests and ports change without touching the original', () => {
    const original = new NodeInfo(node('n1', { cpu: '4', labels: { zone: 'a' } }));
    const a = podInfoOf(pod('a', { uid: 'a', cpu: '1', hostPorts: [8080], nodeName: 'n1' }));
    const b = podInfoOf(pod('b', { uid: 'b', cpu: '2', nodeName: 'n1' }));
    original.addPod(a);
    original.addPod(b);
    const copy = original.clone();
    expect(copy).toBeInstanceOf(NodeInfo);
    expect(copy.name).toBe('n1');
    expect(copy.labels).toBe(original.labels);
    expect(copy.requested).toEqual(original.requested);

    expect(copy.removePod(a.key)).toBe(true);
    expect(copy.pods.map((p) => p.key)).toEqual([b.key]);
    expect(copy.usedPorts.size).toBe(0);
    expect(copy.requested.milliCPU).toBe(2000);

    expect(original.pods.map((p) => p.key)).toEqual([a.key, b.key]);
    expect(original.usedPorts.size).toBe(1);
    expect(original.requested.milliCPU).toBe(3000);
  });
});
