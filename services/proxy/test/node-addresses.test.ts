import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@skiff/client';
import { nodeInternalIps } from '../src/node-addresses.js';

const node = (name: string, addresses: readonly { type: string; address: string }[]): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses } }) as KubeObject;

describe('nodeInternalIps', () => {
  it('takes every InternalIP once, sorted, and ignores other address types and nodes without status', () => {
    const nodes = [
      node('n2', [{ type: 'InternalIP', address: '127.0.1.2' }, { type: 'Hostname', address: 'n2' }]),
      node('n1', [{ type: 'InternalIP', address: '127.0.1.1' }]),
      node('dup', [{ type: 'InternalIP', address: '127.0.1.1' }]),
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'bare' } } as KubeObject,
    ];
    expect(nodeInternalIps(nodes)).toEqual(['127.0.1.1', '127.0.1.2']);
  });
});
