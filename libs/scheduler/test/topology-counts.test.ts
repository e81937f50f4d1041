// TopologyCounts: the per-(key, value) counts InterPodAffinity's PreFilter builds and its Filter reads.
import { describe, expect, it } from 'vitest';
import { TopologyCounts } from '../src/plugins/inter-pod-affinity/filtering.js';

describe('TopologyCounts', () => {
  it('counts per pair and forgets a pair whose count returns to zero', () => {
    const c = new TopologyCounts();
    c.add('zone', 'a', 1);
    c.add('zone', 'a', 1);
    c.add('kubernetes.io/hostname', 'n1', 1);
    expect(c.get('zone', 'a')).toBe(2);
    expect(c.size).toBe(2);
    c.add('zone', 'a', -2);
    expect(c.get('zone', 'a')).toBe(0);
    expect(c.size).toBe(1);
  });

  it('finds a positive pair among a node\'s labels, ignoring other keys and values', () => {
    const c = new TopologyCounts();
    c.add('zone', 'a', 1);
    expect(c.anyPositiveIn({ zone: 'a', other: 'x' })).toBe(true);
    expect(c.anyPositiveIn({ zone: 'b' })).toBe(false);
    expect(c.anyPositiveIn({ a: 'zone' })).toBe(false);
    expect(c.anyPositiveIn(undefined)).toBe(false);
  });

  it('clones deeply: a dry run changing the copy leaves the original alone', () => {
    const c = new TopologyCounts();
    c.add('zone', 'a', 1);
    const copy = c.clone();
    copy.add('zone', 'a', -1);
    copy.add('zone', 'b', 3);
    expect(c.get('zone', 'a')).toBe(1);
    expect(c.get('zone', 'b')).toBe(0);
    expect(c.size).toBe(1);
    expect(copy.size).toBe(1);
  });
});
