// `--nodes N`: the kubelets' names, node IPs and pod ranges, distinct and inside 127.0.0.0/8.
import { describe, expect, it } from 'vitest';
import { localNodes } from '../src/kubelet.component.js';

describe('--nodes', () => {
  it('names nodes node-1..n with InternalIP 127.0.1.i and pods in 127.42.i.0/24', () => {
    expect(localNodes(2)).toEqual([
      { name: 'node-1', nodeIP: '127.0.1.1', podCIDR: '127.42.1.0/24' },
      { name: 'node-2', nodeIP: '127.0.1.2', podCIDR: '127.42.2.0/24' },
    ]);
  });

  it('keeps addresses distinct and valid past 254 nodes', () => {
    const nodes = localNodes(1_000);
    expect(new Set(nodes.map((n) => n.nodeIP)).size).toBe(1_000);
    expect(new Set(nodes.map((n) => n.podCIDR)).size).toBe(1_000);
    for (const n of nodes) {
      expect(n.nodeIP.split('.').every((o) => Number(o) >= 0 && Number(o) <= 255)).toBe(true);
      expect(n.podCIDR.split('/')[0]!.split('.').every((o) => Number(o) >= 0 && Number(o) <= 255)).toBe(true);
      expect(n.nodeIP.endsWith('.0') || n.nodeIP.endsWith('.255')).toBe(false);
    }
  });
});
