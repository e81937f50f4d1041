// The scheduler cache: assume, confirm, forget, expire after the TTL on a SimulationClock.
import { SeededRandom, SimulationClock } from '@skiff/core';
import { describe, expect, it } from 'vitest';
import { CacheError, Framework, SchedulerCache, defaultProfile, inTreeRegistry, scheduleOne, type Pod } from '../src/index.js';
import { node, pod } from './fixtures.js';

const bound = (p: Pod, nodeName: string): Pod => ({ ...p, spec: { ...p.spec, nodeName } });

describe('SchedulerCache', () => {
  const setup = (ttlMs = 30_000) => {
    const clock = new SimulationClock();
    const expired: Pod[] = [];
    const cache = new SchedulerCache(clock, { assumedPodTtlMs: ttlMs }, (pods) => expired.push(...pods));
    cache.addNode(node('n1', { cpu: '2' }));
    return { clock, cache, expired };
  };

  it('counts an assumed pod on its node at once, so the next cycle sees the room taken', () => {
    const { cache } = setup();
    const framework = new Framework(defaultProfile(), inTreeRegistry());
    const first = pod('first', { cpu: '1500m' });
    const r = scheduleOne(first, cache.snapshot(), framework, new SeededRandom(1));
    expect(r.type).toBe('scheduled');
    cache.assumePod(first, 'n1');
    expect(cache.isAssumed(first)).toBe(true);
    expect(cache.nodeInfo('n1')!.requested.milliCPU).toBe(1500);
    expect(scheduleOne(pod('second', { cpu: '1' }), cache.snapshot(), framework, new SeededRandom(1)).type).toBe('unschedulable');
  });

  it('refuses to assume a pod twice', () => {
    const { cache } = setup();
    cache.assumePod(pod('p'), 'n1');
    expect(() => cache.assumePod(pod('p'), 'n1')).toThrow(CacheError);
  });

  it('forgets an assumed pod whose binding failed', () => {
    const { cache } = setup();
    cache.assumePod(pod('p', { cpu: '1' }), 'n1');
    cache.forgetPod(pod('p'));
    expect(cache.nodeInfo('n1')!.requested.milliCPU).toBe(0);
    expect(cache.podCount).toBe(0);
  });

  it('expires an assumed pod only after finishBinding plus the TTL, on the injected clock', () => {
    const { clock, cache, expired } = setup(30_000);
    cache.start();
    const p = pod('p', { cpu: '1' });
    cache.assumePod(p, 'n1');
    clock.advance(120_000);
    expect(cache.isAssumed(p)).toBe(true); // binding not finished: never expires
    cache.finishBinding(p);
    clock.advance(29_000);
    expect(cache.isAssumed(p)).toBe(true);
    clock.advance(2000);
    expect(cache.isAssumed(p)).toBe(false);
    expect(expired.map((e) => e.metadata!.name)).toEqual(['p']);
    expect(cache.nodeInfo('n1')!.pods).toHaveLength(0);
    cache.stop();
  });

  it('a confirmed pod (seen bound by the informer) never expires and may land elsewhere', () => {
    const { clock, cache } = setup(1000);
    cache.addNode(node('n2'));
    const p = pod('p', { cpu: '1' });
    cache.assumePod(p, 'n1');
    cache.finishBinding(p);
    cache.addPod(bound(p, 'n2'));
    clock.advance(10_000);
    expect(cache.cleanupExpiredAssumedPods()).toEqual([]);
    expect(cache.nodeInfo('n1')!.pods).toHaveLength(0);
    expect(cache.nodeInfo('n2')!.pods.map((x) => x.name)).toEqual(['p']);
    expect(() => cache.forgetPod(p)).toThrow(CacheError);
    cache.removePod(p);
    expect(cache.nodeInfo('n2')!.pods).toHaveLength(0);
  });

  it('keeps pods that arrive before their node, and shows the node once it is added', () => {
    const { cache } = setup();
    cache.addPod(bound(pod('early', { cpu: '1' }), 'late-node'));
    expect(cache.snapshot().get('late-node')).toBeUndefined();
    cache.addNode(node('late-node'));
    expect(cache.snapshot().get('late-node')!.requested.milliCPU).toBe(1000);
    cache.removeNode('late-node');
    expect(cache.snapshot().get('late-node')).toBeUndefined();
    expect(cache.nodeCount).toBe(1);
  });
});
