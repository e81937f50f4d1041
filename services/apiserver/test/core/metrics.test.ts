import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '@skiff/api';
import type { NodeStatsSummary, PodStats } from '@skiff/kubelet';
import { cpuQuantity, goDuration, memoryQuantity, nodeMetrics, podMetrics } from '../../src/core/metrics/metrics-objects.js';
import type { KubeletStatsSource } from '../../src/core/metrics/metrics-api.js';
import { pod, q, settle, startHarness, type Harness } from './harness.js';

const TIME = '2026-03-01T10:00:00Z';
const M = { group: 'metrics.k8s.io', version: 'v1beta1' };

const podStats = (uid: string, nanoCores: number | undefined, bytes: number): PodStats => ({
  uid,
  memoryWorkingSetBytes: bytes,
  ephemeralStorageBytes: 0,
  processCount: 1,
  cpu: { time: TIME, usageCoreNanoSeconds: 1, ...(nanoCores === undefined ? {} : { usageNanoCores: nanoCores, windowMs: 10_000 }) },
  memory: { time: TIME, workingSetBytes: bytes },
  containers: [{ name: 'c', cpu: { time: TIME, ...(nanoCores === undefined ? {} : { usageNanoCores: nanoCores }) }, memory: { time: TIME, workingSetBytes: bytes } }],
});

const summary = (pods: PodStats[], nanoCores = 500_000_000): NodeStatsSummary => ({
  node: { cpu: { time: TIME, usageNanoCores: nanoCores, usageCoreNanoSeconds: 9e9, windowMs: 1_500 }, memory: { availableBytes: 1 << 30, workingSetBytes: 2 << 20 } },
  pods,
});

describe('metrics objects', () => {
  it('formats quantities and windows as metrics-server does', () => {
    expect(cpuQuantity(123_456_789.4)).toBe('123456789n');
    expect(cpuQuantity(0)).toBe('0');
    expect(memoryQuantity(5 * 1024 + 100)).toBe('5Ki');
    expect(goDuration(10_000)).toBe('10s');
    expect(goDuration(1_500)).toBe('1.5s');
    expect(goDuration(61_250)).toBe('1m1.25s');
    expect(goDuration(3_600_000)).toBe('1h0m0s');
  });

  it('builds NodeMetrics with the node labels and PodMetrics per container', () => {
    const node = { metadata: { name: 'n1', labels: { zone: 'a' } } } as KubeObject;
    expect(nodeMetrics(node, summary([]), TIME)).toEqual({
      kind: 'NodeMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: { name: 'n1', labels: { zone: 'a' }, creationTimestamp: TIME },
      timestamp: TIME,
      window: '1.5s',
      usage: { cpu: '500000000n', memory: '2048Ki' },
    });
    const p = { metadata: { name: 'p', namespace: 'ns', uid: 'u' } } as KubeObject;
    expect(podMetrics(p, podStats('u', 250_000_000, 4096), TIME)).toMatchObject({
      kind: 'PodMetrics',
      metadata: { name: 'p', namespace: 'ns' },
      window: '10s',
      containers: [{ name: 'c', usage: { cpu: '250000000n', memory: '4Ki' } }],
    });
  });

  it('gives no object before the CPU rate is known', () => {
    const p = { metadata: { name: 'p', uid: 'u' } } as KubeObject;
    expect(podMetrics(p, podStats('u', undefined, 4096), TIME)).toBeUndefined();
    const noRate: NodeStatsSummary = { node: { cpu: { time: TIME, usageCoreNanoSeconds: 5 }, memory: { availableBytes: 1, workingSetBytes: 1 } }, pods: [] };
    expect(nodeMetrics({ metadata: { name: 'n' } } as KubeObject, noRate, TIME)).toBeUndefined();
  });
});

describe('metrics.k8s.io in the core', () => {
  let h: Harness;
  const asked: string[][] = [];
  afterEach(async () => {
    asked.length = 0;
    await h.stop();
  });

  async function start(summaries: Record<string, NodeStatsSummary> | undefined): Promise<void> {
    const kubeletStats: KubeletStatsSource | undefined =
      summaries === undefined
        ? undefined
        : {
            summaries: async (names) => {
              asked.push([...names]);
              return new Map(names.flatMap((n) => (summaries[n] === undefined ? [] : [[n, summaries[n]] as const])));
            },
          };
    h = await startHarness(kubeletStats === undefined ? {} : { kubeletStats });
  }

  async function node(name: string, ready: boolean): Promise<void> {
    const status = { conditions: [{ type: 'Ready', status: ready ? 'True' : 'Unknown' }] };
    await h.obj({ verb: 'create', resource: 'nodes', body: { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { role: name } }, status } });
  }

  async function runningPod(ns: string, name: string, nodeName: string, labels: Record<string, string>): Promise<string> {
    const base = pod(name, {}, labels);
    const created = await h.obj({ verb: 'create', resource: 'pods', namespace: ns, body: { ...base, spec: { ...(base['spec'] as object), nodeName } } });
    await h.obj({ verb: 'update', resource: 'pods', subresource: 'status', namespace: ns, name, body: { ...created, status: { phase: 'Running' } } });
    return created.metadata.uid as string;
  }

  it('lists and gets PodMetrics of running pods on Ready nodes, filtered by namespace and label selector', async () => {
    const stats: Record<string, PodStats[]> = { n1: [], n2: [] };
    await start({ n1: { node: summary([]).node, pods: stats['n1']! }, n2: { node: summary([]).node, pods: stats['n2']! } });
    await node('n1', true);
    await node('n2', false);
    await h.obj({ verb: 'create', resource: 'namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } } });
    const web = await runningPod('default', 'web', 'n1', { app: 'web' });
    const db = await runningPod('default', 'db', 'n1', { app: 'db' });
    const far = await runningPod('other', 'far', 'n1', { app: 'web' });
    const lost = await runningPod('default', 'lost', 'n2', { app: 'web' });
    stats['n1']!.push(podStats(web, 300_000_000, 8192), podStats(db, 100_000_000, 4096), podStats(far, 1, 1024));
    stats['n2']!.push(podStats(lost, 5, 1024));
    await settle();

    const list = await h.obj({ ...M, verb: 'list', resource: 'pods', namespace: 'default', query: q({ labelSelector: 'app=web' }) });
    expect(list['kind']).toBe('PodMetricsList');
    expect((list['items'] as KubeObject[]).map((i) => [i.metadata.name, (i['containers'] as { usage: { cpu: string } }[])[0]?.usage.cpu])).toEqual([['web', '300000000n']]);
    // A node that is not Ready is not asked at all.
    expect(asked.flat()).not.toContain('n2');

    const all = await h.obj({ ...M, verb: 'list', resource: 'pods' });
    expect((all['items'] as KubeObject[]).map((i) => `${i.metadata.namespace}/${i.metadata.name}`).sort()).toEqual(['default/db', 'default/web', 'other/far']);

    const one = await h.obj({ ...M, verb: 'get', resource: 'pods', namespace: 'default', name: 'db' });
    expect(one).toMatchObject({ kind: 'PodMetrics', metadata: { name: 'db', namespace: 'default', labels: { app: 'db' } }, containers: [{ name: 'c', usage: { cpu: '100000000n', memory: '4Ki' } }] });
    expect((await h.err({ ...M, verb: 'get', resource: 'pods', namespace: 'default', name: 'lost' })).code).toBe(404);
    expect((await h.err({ ...M, verb: 'create', resource: 'pods', namespace: 'default', body: {} })).code).toBe(405);
  });

  it('lists NodeMetrics of Ready nodes whose kubelet answered', async () => {
    await start({ n1: summary([], 700_000_000) });
    await node('n1', true);
    await node('n2', true);
    await node('n3', false);
    await settle();
    const list = await h.obj({ ...M, verb: 'list', resource: 'nodes' });
    expect(list['items']).toEqual([expect.objectContaining({ kind: 'NodeMetrics', metadata: expect.objectContaining({ name: 'n1' }), usage: { cpu: '700000000n', memory: '2048Ki' } })]);
    expect(asked).toEqual([['n1', 'n2']]);
    const selected = await h.obj({ ...M, verb: 'list', resource: 'nodes', query: q({ labelSelector: 'role=n2' }) });
    expect(selected['items']).toEqual([]);
    expect((await h.err({ ...M, verb: 'get', resource: 'nodes', name: 'n2' })).code).toBe(404);
    expect(await h.obj({ ...M, verb: 'get', resource: 'nodes', name: 'n1' })).toMatchObject({ kind: 'NodeMetrics', usage: { cpu: '700000000n' } });
  });

  it('answers 503 without a stats source', async () => {
    await start(undefined);
    expect((await h.err({ ...M, verb: 'list', resource: 'nodes' })).code).toBe(503);
  });
});
