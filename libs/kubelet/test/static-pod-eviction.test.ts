// Static pod manifests and mirror pods; eviction thresholds, ranking and synchronize; node conditions.
import { describe, expect, it } from 'vitest';
import type { Pod } from '@skiff/api';
import {
  evictionMessage,
  initialEvictionState,
  parseGracePeriodMs,
  parseThresholdConfig,
  synchronizeEviction,
  EvictionConfigError,
  type EvictionConfig,
  type NodeStatsSummary,
} from '../src/eviction.js';
import { rankForSignal, type PodStats } from '../src/eviction-ranking.js';
import { conditionTaints, nodeConditions } from '../src/node-status.js';
import { isMirrorPod, isStaticPod, mirrorPod, mirrorPodMatches, parseStaticPodManifest, StaticPodManifestError } from '../src/static-pod.js';
import { container, pod } from './fixtures.js';

const manifest = `
apiVersion: v1
kind: Pod
metadata:
  name: etcd
  namespace: kube-system
spec:
  containers:
  - name: etcd
    image: etcd:3.5
    command: ["etcd"]
`;

describe('static pods', () => {
  it('parses a YAML manifest: name suffixed with the node, UID from the content, node bound, annotated', () => {
    const p = parseStaticPodManifest(manifest, '/etc/kubernetes/manifests/etcd.yaml', 'Node-1');
    expect(p.metadata).toMatchObject({ name: 'etcd-node-1', namespace: 'kube-system' });
    expect(p.metadata.uid).toMatch(/^[0-9a-f]{32}$/);
    expect(p.metadata.annotations).toEqual({ 'kubernetes.io/config.hash': p.metadata.uid, 'kubernetes.io/config.source': 'file' });
    expect(p.spec?.nodeName).toBe('Node-1');
    expect(p.status?.phase).toBe('Pending');
    expect(isStaticPod(p)).toBe(true);
    // Same content, same UID; another manifest or node, another UID.
    expect(parseStaticPodManifest(manifest, '/etc/kubernetes/manifests/etcd.yaml', 'Node-1').metadata.uid).toBe(p.metadata.uid);
    expect(parseStaticPodManifest(manifest.replace('etcd:3.5', 'etcd:3.6'), '/etc/kubernetes/manifests/etcd.yaml', 'Node-1').metadata.uid).not.toBe(p.metadata.uid);
    expect(parseStaticPodManifest(manifest, '/etc/kubernetes/manifests/etcd.yaml', 'node-2').metadata.uid).not.toBe(p.metadata.uid);
  });

  it('accepts JSON and defaults the namespace', () => {
    const p = parseStaticPodManifest(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image: 'i' }] } }), 'x.json', 'n');
    expect(p.metadata).toMatchObject({ name: 'x-n', namespace: 'default' });
  });

  it.each([
    ['', /the file is empty/],
    ['{"kind": "Pod",', /malformed JSON/],
    ['kind: Pod\n  bad: : indentation', /malformed YAML/],
    [`${manifest}\n---\n${manifest}`, /exactly one YAML document, found 2/],
    ['apiVersion: v1\nkind: Service\nmetadata: {name: s}', /kind is "Service", want "Pod"/],
    ['apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}', /spec.containers: Required value/],
    ['apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: 3, ports: x}]}', /spec.containers\[0\]/],
    ['apiVersion: v1\nkind: Pod\nspec: {containers: [{name: c}]}', /metadata.name: Required value/],
  ])('rejects a malformed file (%#) with a clear error naming it', (text, message) => {
    const attempt = () => parseStaticPodManifest(text, '/m/bad.yaml', 'n');
    expect(attempt).toThrow(StaticPodManifestError);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/\/m\/bad\.yaml/);
  });

  it('mirrors a static pod into the API with the mirror annotation, owned by the Node', () => {
    const p = parseStaticPodManifest(manifest, 'etcd.yaml', 'node-1');
    const mirror = mirrorPod(p, { name: 'node-1', uid: 'node-uid' });
    expect(mirror.metadata.uid).toBeUndefined();
    expect(mirror.metadata.annotations?.['kubernetes.io/config.mirror']).toBe(p.metadata.uid);
    expect(mirror.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'node-uid', controller: true }]);
    expect(isMirrorPod(mirror)).toBe(true);
    expect(mirrorPodMatches(mirror, p)).toBe(true);
    expect(mirrorPodMatches(mirror, parseStaticPodManifest(manifest.replace('3.5', '3.6'), 'etcd.yaml', 'node-1'))).toBe(false);
  });
});

const Mi = 1024 * 1024;

function podWith(name: string, requests?: { memory: string; cpu: string }, limits?: { memory: string; cpu: string }, priority = 0): Pod {
  const resources = { ...(requests !== undefined ? { requests } : {}), ...(limits !== undefined ? { limits } : {}) };
  const p = pod({ containers: [container('app', { resources })], priority }, name, `uid-${name}`);
  return p;
}

const stats = (name: string, memoryMi: number, processCount = 1): PodStats => ({
  uid: `uid-${name}`,
  memoryWorkingSetBytes: memoryMi * Mi,
  ephemeralStorageBytes: 0,
  processCount,
  containers: [{ name: 'app', memoryWorkingSetBytes: memoryMi * Mi }],
});

describe('eviction ranking', () => {
  const guaranteed = podWith('guaranteed', { memory: '512Mi', cpu: '1' }, { memory: '512Mi', cpu: '1' });
  const burstable = podWith('burstable', { memory: '100Mi', cpu: '100m' });
  const bestEffort = podWith('besteffort');

  it('evicts BestEffort before Burstable before Guaranteed under memory pressure, even when Guaranteed uses most', () => {
    const order = rankForSignal('memory.available', [guaranteed, burstable, bestEffort], [stats('guaranteed', 500), stats('burstable', 150), stats('besteffort', 20)]);
    expect(order.map((p) => p.metadata.name)).toEqual(['burstable', 'besteffort', 'guaranteed']);
    const within = rankForSignal('memory.available', [guaranteed, burstable, bestEffort], [stats('guaranteed', 500), stats('burstable', 90), stats('besteffort', 20)]);
    expect(within.map((p) => p.metadata.name)).toEqual(['besteffort', 'burstable', 'guaranteed']);
  });

  it('among pods over their requests: lower priority first, then the larger excess', () => {
    const low = podWith('low', undefined, undefined, 0);
    const high = podWith('high', undefined, undefined, 1000);
    const big = podWith('big', undefined, undefined, 0);
    expect(rankForSignal('memory.available', [high, low, big], [stats('high', 900), stats('low', 10), stats('big', 300)]).map((p) => p.metadata.name)).toEqual(['big', 'low', 'high']);
  });

  it('ranks by process count for PID pressure, and puts pods without stats first', () => {
    const a = podWith('a');
    const b = podWith('b');
    const c = podWith('c');
    expect(rankForSignal('pid.available', [a, b, c], [stats('a', 1, 5), stats('b', 1, 50)]).map((p) => p.metadata.name)).toEqual(['c', 'b', 'a']);
  });
});

describe('eviction thresholds and synchronize', () => {
  const summary = (availableMi: number, podStats: PodStats[]): NodeStatsSummary => ({
    node: { memory: { availableBytes: availableMi * Mi, workingSetBytes: 1024 * Mi }, fs: { availableBytes: 50 * 1024 * Mi, capacityBytes: 100 * 1024 * Mi } },
    pods: podStats,
  });
  const pods = [podWith('guaranteed', { memory: '512Mi', cpu: '1' }, { memory: '512Mi', cpu: '1' }), podWith('besteffort')];
  const podStats = [stats('guaranteed', 500), stats('besteffort', 300)];

  it('parses hard and soft thresholds and rejects bad ones', () => {
    const ts = parseThresholdConfig({ evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '10%' }, evictionSoft: { 'memory.available': '300Mi' }, evictionSoftGracePeriod: { 'memory.available': '1m30s' } });
    expect(ts).toEqual([
      { signal: 'memory.available', operator: 'LessThan', value: { quantity: 100 * Mi }, gracePeriodMs: 0, hard: true },
      { signal: 'nodefs.available', operator: 'LessThan', value: { percentage: 0.1 }, gracePeriodMs: 0, hard: true },
      { signal: 'memory.available', operator: 'LessThan', value: { quantity: 300 * Mi }, gracePeriodMs: 90_000, hard: false },
    ]);
    expect(() => parseThresholdConfig({ evictionSoft: { 'memory.available': '1Gi' } })).toThrow(/grace period must be specified/);
    expect(() => parseThresholdConfig({ evictionHard: { 'cpu.available': '1' } })).toThrow(EvictionConfigError);
    expect(() => parseThresholdConfig({ evictionHard: { 'memory.available': 'lots' } })).toThrow(/invalid quantity/);
    expect(parseGracePeriodMs('2m', 'x')).toBe(120_000);
  });

  it('under a hard memory threshold: MemoryPressure at once and the BestEffort pod evicted first', () => {
    const config: EvictionConfig = { thresholds: parseThresholdConfig({ evictionHard: { 'memory.available': '100Mi' } }), pressureTransitionPeriodMs: 300_000, maxPodGracePeriodSeconds: 30 };
    const r = synchronizeEviction(initialEvictionState, config, summary(50, podStats), pods, 1000);
    expect(r.nodeConditions).toEqual(['MemoryPressure']);
    expect(r.eviction).toMatchObject({ signal: 'memory.available', gracePeriodSeconds: 1 });
    expect(r.eviction!.pod.metadata.name).toBe('besteffort');
    expect(r.eviction!.message).toBe('The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. Container app was using 300Mi, request is 0, has larger consumption of memory. ');
  });

  it('waits out a soft threshold grace period and keeps the condition for the transition period', () => {
    const config: EvictionConfig = {
      thresholds: parseThresholdConfig({ evictionSoft: { 'memory.available': '200Mi' }, evictionSoftGracePeriod: { 'memory.available': '1m' } }),
      pressureTransitionPeriodMs: 300_000,
      maxPodGracePeriodSeconds: 10,
    };
    const first = synchronizeEviction(initialEvictionState, config, summary(150, podStats), pods, 0);
    expect(first.nodeConditions).toEqual(['MemoryPressure']);
    expect(first.eviction).toBeUndefined();
    const later = synchronizeEviction(first.state, config, summary(150, podStats), pods, 60_000);
    expect(later.eviction).toMatchObject({ gracePeriodSeconds: 10 });
    const recovered = synchronizeEviction(later.state, config, summary(2048, podStats), pods, 70_000);
    expect(recovered).toMatchObject({ nodeConditions: ['MemoryPressure'] });
    expect(recovered.eviction).toBeUndefined();
    expect(synchronizeEviction(recovered.state, config, summary(2048, podStats), pods, 60_000 + 300_000).nodeConditions).toEqual([]);
  });

  it('keeps a threshold met until minimum reclaim is reached, and never evicts critical pods', () => {
    const thresholds = parseThresholdConfig({ evictionHard: { 'memory.available': '100Mi' }, evictionMinimumReclaim: { 'memory.available': '500Mi' } });
    const config: EvictionConfig = { thresholds, pressureTransitionPeriodMs: 0, maxPodGracePeriodSeconds: 30 };
    const met = synchronizeEviction(initialEvictionState, config, summary(50, podStats), pods, 0);
    expect(synchronizeEviction(met.state, config, summary(400, podStats), pods, 1).state.thresholdsMet).toHaveLength(1);
    expect(synchronizeEviction(met.state, config, summary(700, podStats), pods, 2).state.thresholdsMet).toHaveLength(0);
    const critical = podWith('critical', undefined, undefined, 2_000_000_000);
    expect(synchronizeEviction(initialEvictionState, config, summary(50, [stats('critical', 900)]), [critical], 0).eviction).toBeUndefined();
  });

  it('words the message as Kubernetes does', () => {
    const [t] = parseThresholdConfig({ evictionHard: { 'memory.available': '1Gi' } });
    expect(evictionMessage(t!, { available: 512 * Mi, capacity: 4096 * Mi }, pods[0]!, [stats('guaranteed', 500)])).toBe('The node was low on resource: memory. Threshold quantity: 1Gi, available: 512Mi. ');
  });
});

describe('node conditions', () => {
  it('reports pressure and readiness with Kubernetes reasons, keeping transition times', () => {
    const first = nodeConditions({ ready: true, notReadyMessage: '', pressure: new Set(), nowTime: 't1' });
    expect(first.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
      ['Ready', 'True', 'KubeletReady'],
    ]);
    const next = nodeConditions({ ready: true, notReadyMessage: '', pressure: new Set(['MemoryPressure']), nowTime: 't2', previous: first });
    expect(next[0]).toMatchObject({ status: 'True', reason: 'KubeletHasInsufficientMemory', lastTransitionTime: 't2', lastHeartbeatTime: 't2' });
    expect(next[3]).toMatchObject({ status: 'True', lastTransitionTime: 't1' });
    expect(conditionTaints(false, new Set(['MemoryPressure', 'PIDPressure']))).toEqual([
      { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/pid-pressure', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
    ]);
  });
});
