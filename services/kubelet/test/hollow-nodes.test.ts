// Hollow node names and addresses (distinct, valid, apart from real nodes' 127.0.x.y) and when a
// hollow node counts as usable.
import { describe, expect, it } from 'vitest';
import type { Node } from '@skiff/api';
import { hollowNodeAddress, hollowNodeReady } from '../src/hollow-nodes.js';

describe('hollow nodes', () => {
  it('are hollow-node-i on 127.1.x.y, distinct and valid past 254 nodes', () => {
    expect(hollowNodeAddress(1)).toEqual({ name: 'hollow-node-1', nodeIP: '127.1.0.1' });
    const all = Array.from({ length: 2_000 }, (_, k) => hollowNodeAddress(k + 1));
    expect(new Set(all.map((a) => a.nodeIP)).size).toBe(2_000);
    for (const a of all) {
      const octets = a.nodeIP.split('.').map(Number);
      expect(octets[0]).toBe(127);
      expect(octets[1]).toBe(1);
      expect(octets.every((o) => o >= 0 && o <= 255)).toBe(true);
      expect(octets[3]).not.toBe(0);
      expect(octets[3]).not.toBe(255);
    }
  });

  it('count as ready only with Ready=True and a pod CIDR', () => {
    const node = (ready: string, podCIDR?: string): Node => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'hollow-node-1' },
      spec: podCIDR === undefined ? {} : { podCIDR },
      status: { conditions: [{ type: 'Ready', status: ready }] },
    }) as Node;
    expect(hollowNodeReady(node('True', '127.128.0.0/24'))).toBe(true);
    expect(hollowNodeReady(node('True'))).toBe(false);
    expect(hollowNodeReady(node('False', '127.128.0.0/24'))).toBe(false);
    expect(hollowNodeReady(undefined)).toBe(false);
  });
});
