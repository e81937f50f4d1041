import { describe, expect, it } from 'vitest';
import { cpuRate, CpuRateTracker, rfc3339, ticksToNanoSeconds } from '../src/cpu-usage.js';
import { summarizePods, type ContainerSample } from '../src/stats-summary.js';

describe('cpuRate', () => {
  it('is the slope of the cumulative counter in nanocores', () => {
    // 0.5 s of CPU over 2 s of wall time: a quarter of a core.
    expect(cpuRate({ timeMs: 1_000, usageCoreNanoSeconds: 1e9 }, { timeMs: 3_000, usageCoreNanoSeconds: 1.5e9 })).toEqual({ usageNanoCores: 250_000_000, windowMs: 2_000 });
  });

  it('gives no rate when time stands still or the counter went back', () => {
    expect(cpuRate({ timeMs: 1_000, usageCoreNanoSeconds: 5 }, { timeMs: 1_000, usageCoreNanoSeconds: 9 })).toBeUndefined();
    expect(cpuRate({ timeMs: 1_000, usageCoreNanoSeconds: 9 }, { timeMs: 2_000, usageCoreNanoSeconds: 5 })).toBeUndefined();
  });

  it('converts clock ticks at USER_HZ', () => {
    expect(ticksToNanoSeconds(250)).toBe(2_500_000_000);
    expect(ticksToNanoSeconds(3, 1000)).toBe(3_000_000);
  });
});

describe('CpuRateTracker', () => {
  it('has no rate at the first reading, then the slope since the previous one', () => {
    const t = new CpuRateTracker(1_000);
    expect(t.observe('c1', { timeMs: 0, usageCoreNanoSeconds: 0 })).toBeUndefined();
    expect(t.observe('c1', { timeMs: 10_000, usageCoreNanoSeconds: 20e9 })).toEqual({ usageNanoCores: 2e9, windowMs: 10_000 });
    expect(t.observe('c2', { timeMs: 10_000, usageCoreNanoSeconds: 1 })).toBeUndefined();
  });

  it('measures a reading taken too soon against an older baseline, not over a few milliseconds', () => {
    const t = new CpuRateTracker(1_000);
    t.observe('c', { timeMs: 0, usageCoreNanoSeconds: 0 });
    t.observe('c', { timeMs: 2_000, usageCoreNanoSeconds: 1e9 });
    // 5 ms later, no tick moved: the rate still covers the last window of at least 1 s.
    expect(t.observe('c', { timeMs: 2_005, usageCoreNanoSeconds: 1e9 })).toEqual({ usageNanoCores: Math.round((1e9 * 1000) / 2_005), windowMs: 2_005 });
  });

  it('starts over when a counter goes back (a restarted container under the same key)', () => {
    const t = new CpuRateTracker(1_000);
    t.observe('c', { timeMs: 0, usageCoreNanoSeconds: 50e9 });
    expect(t.observe('c', { timeMs: 2_000, usageCoreNanoSeconds: 1e9 })).toBeUndefined();
    expect(t.observe('c', { timeMs: 4_000, usageCoreNanoSeconds: 3e9 })).toEqual({ usageNanoCores: 1e9, windowMs: 2_000 });
  });

  it('forgets keys not seen for a few rounds', () => {
    const t = new CpuRateTracker(1_000, 2);
    t.observe('gone', { timeMs: 0, usageCoreNanoSeconds: 0 });
    for (let i = 1; i <= 3; i++) {
      t.observe('kept', { timeMs: i * 1_000, usageCoreNanoSeconds: i });
      t.endRound();
    }
    expect(t.size).toBe(1);
  });
});

describe('summarizePods', () => {
  const sample = (containerId: string, podUID: string, usageCoreNanoSeconds: number, workingSetBytes: number): ContainerSample => ({
    containerId,
    name: containerId,
    podUID,
    podRef: { name: `pod-${podUID}`, namespace: 'default', uid: podUID },
    usageCoreNanoSeconds,
    workingSetBytes,
    processCount: 1,
  });

  it('sums containers into their pods, with rates from the second summary on', () => {
    const t = new CpuRateTracker(1_000);
    const first = summarizePods([sample('a', 'p1', 0, 100), sample('b', 'p1', 0, 50), sample('c', 'p2', 0, 7)], 0, t);
    expect(first.map((p) => p.cpu?.usageNanoCores)).toEqual([undefined, undefined]);
    const second = summarizePods([sample('a', 'p1', 1e9, 100), sample('b', 'p1', 3e9, 50), sample('c', 'p2', 0, 7)], 4_000, t);
    expect(second).toHaveLength(2);
    const [p1, p2] = second;
    expect(p1?.podRef).toEqual({ name: 'pod-p1', namespace: 'default', uid: 'p1' });
    expect(p1?.cpu).toMatchObject({ time: rfc3339(4_000), usageCoreNanoSeconds: 4e9, usageNanoCores: 1e9, windowMs: 4_000 });
    expect(p1?.memory?.workingSetBytes).toBe(150);
    expect(p1?.memoryWorkingSetBytes).toBe(150);
    expect(p1?.containers?.map((c) => [c.name, c.cpu?.usageNanoCores])).toEqual([['a', 250_000_000], ['b', 750_000_000]]);
    expect(p2?.cpu?.usageNanoCores).toBe(0);
  });

  it('takes a rate the runtime knows over the tracker', () => {
    const [p] = summarizePods([{ ...sample('a', 'p1', 10, 1), usageNanoCores: 42 }], 0, new CpuRateTracker());
    expect(p?.cpu?.usageNanoCores).toBe(42);
  });
});
