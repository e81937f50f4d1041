// The pure Node builders and the kubelet's node flags.
import { describe, expect, it } from 'vitest';
import { goArch, initialNode, microTime, NodeFlagError, nodeLease, parseNodeLabels, parseTaints, type NodeFacts } from '../src/node-object.js';

const facts: NodeFacts = {
  nodeName: 'node-1',
  nodeIP: '127.0.1.1',
  hostname: 'node-1',
  podCIDR: '127.42.1.0/24',
  labels: { zone: 'a' },
  taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }],
  cpuCores: 2,
  memoryBytes: 4 * 1024 * 1024 * 1024,
  ephemeralStorageBytes: 10 * 1024 * 1024 * 1024,
  maxPods: 110,
  osImage: 'Debian',
  kernelVersion: '6.1',
  architecture: 'amd64',
  kubeletPort: 10250,
  runtimeVersion: 'skiff-process://0.1',
};

describe('node flags', () => {
  it('parses --node-labels and --register-with-taints', () => {
    expect(parseNodeLabels('a=1, b=x=y,')).toEqual({ a: '1', b: 'x=y' });
    expect(parseTaints('k=v:NoSchedule,only:NoExecute')).toEqual([
      { key: 'k', value: 'v', effect: 'NoSchedule' },
      { key: 'only', effect: 'NoExecute' },
    ]);
  });

  it('rejects malformed labels and taints with a NodeFlagError', () => {
    expect(() => parseNodeLabels('novalue')).toThrow(NodeFlagError);
    expect(() => parseTaints('k=v')).toThrow(/want key\[=value\]:NoSchedule/);
    expect(() => parseTaints('k=v:Sometimes')).toThrow(NodeFlagError);
    expect(() => parseTaints('=v:NoSchedule')).toThrow(/empty key/);
  });
});

describe('initialNode', () => {
  it('carries labels, taints, pod CIDR, capacity in Ki, addresses and node info', () => {
    const n = initialNode(facts);
    expect(n.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': 'node-1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', zone: 'a' });
    expect(n.spec).toEqual({ podCIDR: '127.42.1.0/24', podCIDRs: ['127.42.1.0/24'], taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
    expect(n.status?.capacity).toEqual({ cpu: '2', memory: '4194304Ki', 'ephemeral-storage': '10485760Ki', pods: '110' });
    expect(n.status?.allocatable).toEqual(n.status?.capacity);
    expect(n.status?.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
    expect(n.status?.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0-skiff', operatingSystem: 'linux', architecture: 'amd64' });
  });

  it('maps Node.js arch names to GOARCH', () => {
    expect([goArch('x64'), goArch('arm64'), goArch('riscv64')]).toEqual(['amd64', 'arm64', 'riscv64']);
  });
});

describe('nodeLease', () => {
  it('is a 40 s lease in kube-node-lease owned by the Node, renewTime in microseconds', () => {
    const l = nodeLease('node-1', 'uid-1', Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    expect(l.metadata.namespace).toBe('kube-node-lease');
    expect(l.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'uid-1' }]);
    expect(l.spec).toEqual({ holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2026-01-02T03:04:05.678000Z' });
    expect(microTime(0)).toBe('1970-01-01T00:00:00.000000Z');
  });
});
