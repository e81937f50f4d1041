// NodeResourcesFit and BalancedAllocation: requests as Kubernetes computes them, the fit check, and
// the scores of LeastAllocated, MostAllocated and BalancedAllocation on hand-computed cases.
import { describe, expect, it } from 'vitest';
import {
  CycleState,
  NodeInfo,
  insufficientResources,
  newBalancedAllocation,
  newNodeResourcesFit,
  podInfoOf,
  podRequests,
  type Container,
  type Node,
  type Pod,
  type ScorePlugin,
  type PreScorePlugin,
  Code,
} from '../src/index.js';
import { defaultFramework, node, pod, schedule, scheduledNode } from './fixtures.js';

const container = (name: string, cpu: string, memory?: string, restartPolicy?: string): Container => ({
  name,
  resources: { requests: { cpu, ...(memory === undefined ? {} : { memory }) } },
  ...(restartPolicy === undefined ? {} : { restartPolicy }),
});

describe('pod requests', () => {
  it('are max(max(init containers), sum(containers)) + overhead', () => {
    const p = pod('p', {
      containers: [container('a', '100m', '1Gi'), container('b', '200m', '1Gi')],
      initContainers: [container('init-big', '500m', '1536Mi'), container('init-small', '100m', '3Gi')],
      overhead: { cpu: '50m', memory: '128Mi' },
    });
    const r = podRequests(p);
    expect(r.milliCPU).toBe(550);
    expect(r.memory).toBe(3 * 1024 ** 3 + 128 * 1024 ** 2);
  });

  it('count sidecars (restartable init containers) in the steady state and under later init containers', () => {
    const p = pod('p', { containers: [container('app', '200m')], initContainers: [container('sidecar', '100m', undefined, 'Always'), container('init', '300m')] });
    expect(podRequests(p).milliCPU).toBe(400);
    const q = pod('q', { containers: [container('app', '500m')], initContainers: [container('sidecar', '100m', undefined, 'Always'), container('init', '300m')] });
    expect(podRequests(q).milliCPU).toBe(600);
  });

  it('use 100m and 200Mi for containers without requests when scoring (non-zero requests)', () => {
    const p = pod('p', { containers: [{ name: 'a' }, container('b', '1')] });
    expect(podRequests(p).milliCPU).toBe(1000);
    expect(podRequests(p, true).milliCPU).toBe(1100);
    expect(podRequests(p, true).memory).toBe(2 * 200 * 1024 * 1024);
  });
});

describe('NodeResourcesFit filter', () => {
  const withPods = (n: Node, pods: Pod[]): NodeInfo => {
    const ni = new NodeInfo(n);
    for (const p of pods) ni.addPod(podInfoOf(p));
    return ni;
  };

  it('admits a pod that fits in what is left', () => {
    const ni = withPods(node('n', { cpu: '1', memory: '1Gi' }), [pod('a', { cpu: '500m', memory: '512Mi' })]);
    expect(insufficientResources(podInfoOf(pod('b', { cpu: '500m', memory: '512Mi' })), ni)).toEqual([]);
  });

  it('names every resource that is short, resolvable by preemption when the node could hold it', () => {
    const ni = withPods(node('n', { cpu: '1', memory: '1Gi' }), [pod('a', { cpu: '600m', memory: '768Mi' })]);
    const short = insufficientResources(podInfoOf(pod('b', { cpu: '500m', memory: '512Mi' })), ni);
    expect(short.map((r) => [r.reason, r.unresolvable])).toEqual([
      ['Insufficient cpu', false],
      ['Insufficient memory', false],
    ]);
    const status = newNodeResourcesFit().filter(new CycleState(), podInfoOf(pod('b', { cpu: '500m', memory: '512Mi' })), ni);
    expect(status?.code).toBe(Code.Unschedulable);
    expect(status?.reasons).toEqual(['Insufficient cpu', 'Insufficient memory']);
  });

  it('is UnschedulableAndUnresolvable when the request exceeds the whole node', () => {
    const status = newNodeResourcesFit().filter(new CycleState(), podInfoOf(pod('huge', { cpu: '8' })), new NodeInfo(node('n', { cpu: '4' })));
    expect(status?.code).toBe(Code.UnschedulableAndUnresolvable);
  });

  it('counts pods against allocatable pods (Too many pods)', () => {
    const ni = withPods(node('n', { pods: '1' }), [pod('a')]);
    expect(insufficientResources(podInfoOf(pod('b')), ni).map((r) => r.reason)).toEqual(['Too many pods']);
  });

  it('checks extended resources by name', () => {
    const gpuNode = node('g', { extra: { 'nvidia.com/gpu': '1' } });
    const wantsTwo = pod('p', { containers: [{ name: 'c', resources: { requests: { 'nvidia.com/gpu': '2' } } }] });
    expect(insufficientResources(podInfoOf(wantsTwo), new NodeInfo(gpuNode)).map((r) => r.reason)).toEqual(['Insufficient nvidia.com/gpu']);
  });

  it('rejects a malformed quantity as an error instead of guessing', () => {
    expect(schedule(pod('p', { cpu: 'lots' }), { nodes: [node('n')] }).type).toBe('error');
  });
});

function scoreOf(plugin: PreScorePlugin & ScorePlugin, p: Pod, ni: NodeInfo): number | 'skip' {
  const state = new CycleState();
  const pre = plugin.preScore(state, podInfoOf(p), [ni], undefined as never);
  if (pre?.code === Code.Skip) return 'skip';
  return plugin.score(state, podInfoOf(p), ni, undefined as never);
}

describe('resource scores', () => {
  const empty = () => new NodeInfo(node('n', { cpu: '4', memory: '8Gi' }));

  it('LeastAllocated: (allocatable - requested) * 100 / allocatable, averaged over CPU and memory', () => {
    expect(scoreOf(newNodeResourcesFit(), pod('p', { cpu: '1', memory: '2Gi' }), empty())).toBe(75);
    expect(scoreOf(newNodeResourcesFit(), pod('p', { cpu: '3', memory: '2Gi' }), empty())).toBe(50);
  });

  it('MostAllocated: requested * 100 / allocatable', () => {
    const most = newNodeResourcesFit({ scoringStrategy: { type: 'MostAllocated' } });
    expect(scoreOf(most, pod('p', { cpu: '1', memory: '2Gi' }), empty())).toBe(25);
  });

  it('a best-effort pod is scored as 100m and 200Mi', () => {
    // cpu (4000-100)/4000 = 97.5 -> 97; memory (8192-200)/8192 = 97.5 -> 97.
    expect(scoreOf(newNodeResourcesFit(), pod('p'), empty())).toBe(97);
  });

  it('BalancedAllocation: 100 * (1 - |cpu fraction - memory fraction| / 2); best-effort pods skip it', () => {
    // cpu 1/4 = .25, memory 1/8 = .125, std .0625 -> 93.75 -> 93.
    expect(scoreOf(newBalancedAllocation(), pod('p', { cpu: '1', memory: '1Gi' }), empty())).toBe(93);
    expect(scoreOf(newBalancedAllocation(), pod('p', { cpu: '2', memory: '4Gi' }), empty())).toBe(100);
    expect(scoreOf(newBalancedAllocation(), pod('p'), empty())).toBe('skip');
  });

  it('spreads by default and packs with MostAllocated', () => {
    const busy = pod('busy', { cpu: '3', memory: '6Gi', nodeName: 'busy' });
    const nodes = [node('busy'), node('idle')];
    expect(scheduledNode(schedule(pod('p', { cpu: '500m', memory: '1Gi' }), { nodes, pods: [busy] }))).toBe('idle');
    const packing = defaultFramework({ set: [{ name: 'NodeResourcesFit', weight: 1, args: { scoringStrategy: { type: 'MostAllocated' } } }] });
    expect(scheduledNode(schedule(pod('p', { cpu: '500m', memory: '1Gi' }), { nodes, pods: [busy] }, packing))).toBe('busy');
  });
});
