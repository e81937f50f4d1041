// The scheduling queue under a SimulationClock: ordering, back-off (1 s doubling to 10 s), moves on
// cluster events, the in-flight move request, leftovers after 5 minutes, nominations.
import { SimulationClock } from '@skiff/core';
import { describe, expect, it } from 'vitest';
import { ClusterEventType, SchedulingQueue, backoffDurationMs, podInfoOf } from '../src/index.js';
import { pod } from './fixtures.js';

const popName = (q: SchedulingQueue): string | undefined => q.pop()?.podInfo.name;

describe('activeQ order', () => {
  it('pops higher priority first, then the older pod', () => {
    const q = new SchedulingQueue(new SimulationClock());
    q.add(pod('young-low', { priority: 0, creationTimestamp: '2025-01-01T00:00:02Z' }));
    q.add(pod('old-low', { priority: 0, creationTimestamp: '2025-01-01T00:00:01Z' }));
    q.add(pod('high', { priority: 1000, creationTimestamp: '2025-01-01T00:00:09Z' }));
    expect([popName(q), popName(q), popName(q), popName(q)]).toEqual(['high', 'old-low', 'young-low', undefined]);
  });
});

describe('back-off', () => {
  it('is 1 s doubling to a 10 s cap', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((a) => backoffDurationMs(a, 1000, 10_000))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('keeps a failed pod in backoffQ until its time comes, driven by the clock', () => {
    const clock = new SimulationClock();
    const q = new SchedulingQueue(clock);
    q.start();
    q.add(pod('p'));
    for (const expectedMs of [1000, 2000, 4000, 8000, 10_000, 10_000]) {
      const qpi = q.pop()!;
      const failedAt = clock.now();
      q.addUnschedulableIfNotPresent(qpi, new Set(), q.currentCycle); // an error: straight to backoffQ
      expect(q.where(qpi.podInfo.key)).toBe('backoffQ');
      // Step the 1 s flush timer until the pod is back.
      for (let i = 0; i < 20 && q.where(qpi.podInfo.key) !== 'activeQ'; i++) clock.step();
      const waitedMs = clock.now() - failedAt;
      // The flush runs every second, so the pod returns within a second after its back-off ends.
      expect(waitedMs).toBeGreaterThanOrEqual(expectedMs);
      expect(waitedMs).toBeLessThan(expectedMs + 1000);
    }
    q.stop();
    expect(clock.pendingCount).toBe(0);
  });
});

describe('unschedulable pods', () => {
  const setup = () => {
    const clock = new SimulationClock();
    const interested: Record<string, string[]> = { [ClusterEventType.NodeAdd]: ['NodeResourcesFit', 'TaintToleration'], [ClusterEventType.PodDelete]: ['NodeResourcesFit'] };
    const q = new SchedulingQueue(clock, { pluginsForEvent: (e) => new Set(interested[e] ?? []) });
    return { clock, q };
  };

  it('wait for an event their rejecting plugins care about', () => {
    const { clock, q } = setup();
    q.add(pod('tainted-out'));
    const qpi = q.pop()!;
    q.addUnschedulableIfNotPresent(qpi, new Set(['TaintToleration']), q.currentCycle);
    expect(q.where(qpi.podInfo.key)).toBe('unschedulablePods');
    q.moveAllToActiveOrBackoffQueue(ClusterEventType.PodDelete);
    expect(q.where(qpi.podInfo.key)).toBe('unschedulablePods');
    clock.advance(500);
    q.moveAllToActiveOrBackoffQueue(ClusterEventType.NodeAdd);
    expect(q.where(qpi.podInfo.key)).toBe('backoffQ'); // still within its 1 s back-off
    clock.advance(600);
    q.flushBackoffCompleted();
    expect(q.where(qpi.podInfo.key)).toBe('activeQ');
  });

  it('go to backoffQ when a move request arrived while they were being scheduled', () => {
    const { q } = setup();
    q.add(pod('racing'));
    const qpi = q.pop()!;
    const cycle = q.currentCycle;
    q.moveAllToActiveOrBackoffQueue(ClusterEventType.NodeAdd);
    q.addUnschedulableIfNotPresent(qpi, new Set(['NodeResourcesFit']), cycle);
    expect(q.where(qpi.podInfo.key)).toBe('backoffQ');
  });

  it('are retried after 5 minutes even without events', () => {
    const { clock, q } = setup();
    q.start();
    q.add(pod('stuck'));
    const qpi = q.pop()!;
    q.addUnschedulableIfNotPresent(qpi, new Set(['TaintToleration']), q.currentCycle);
    clock.advance(4 * 60_000);
    expect(q.where(qpi.podInfo.key)).toBe('unschedulablePods');
    clock.advance(61_000);
    expect(q.where(qpi.podInfo.key)).toBe('activeQ');
    q.stop();
  });

  it('an update gives an unschedulable pod another try; a delete removes it everywhere', () => {
    const { clock, q } = setup();
    q.add(pod('p'));
    const qpi = q.pop()!;
    q.addUnschedulableIfNotPresent(qpi, new Set(['TaintToleration']), q.currentCycle);
    clock.advance(2000);
    q.update(pod('p', { tolerations: [{ operator: 'Exists' }] }));
    expect(q.where(qpi.podInfo.key)).toBe('activeQ');
    q.delete(pod('p'));
    expect(q.where(qpi.podInfo.key)).toBeUndefined();
    expect(q.lengths).toEqual({ activeQ: 0, backoffQ: 0, unschedulablePods: 0 });
  });

  it('wakes the scheduling loop when activeQ gains a pod', () => {
    let wakes = 0;
    const q = new SchedulingQueue(new SimulationClock(), { onActive: () => wakes++ });
    q.add(pod('a'));
    q.add(pod('b'));
    expect(wakes).toBe(2);
  });
});

describe('nominations', () => {
  it('tracks pods nominated to nodes for the next snapshots', () => {
    const q = new SchedulingQueue(new SimulationClock());
    const high = pod('high', { priority: 100 });
    q.setNominatedNode(high, 'node1');
    expect(q.nominatedPods.get('node1')?.map((p) => p.name)).toEqual(['high']);
    q.setNominatedNode(high, 'node2');
    expect(q.nominatedPods.has('node1')).toBe(false);
    q.delete(high);
    expect(q.nominatedPods.size).toBe(0);
    q.add(pod('again', { nominatedNodeName: 'node3' }));
    expect(q.nominatedPods.get('node3')?.[0]?.key).toBe(podInfoOf(pod('again')).key);
  });
});
