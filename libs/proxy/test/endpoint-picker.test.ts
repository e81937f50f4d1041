// EndpointPicker: round-robin, ClientIP affinity with its timeout, failed endpoints skipped.
// Times come from a SimulationClock, as the forwarder passes its clock's now().
import { SimulationClock } from '@skiff/core';
import { describe, expect, it } from 'vitest';
import { EndpointPicker, endpointKey, type ProxyEndpoint } from '../src/index.js';

const ep = (n: number, ready = true): ProxyEndpoint => ({ ip: `127.0.1.${n}`, port: 8080, ready });
const THREE = [ep(1), ep(2), ep(3)];

function counts(picker: EndpointPicker, clock: SimulationClock, clients: string[], rounds: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < rounds; i++) {
    const client = clients[i % clients.length]!;
    const chosen = picker.pick(client, clock.now());
    const key = chosen === undefined ? 'none' : endpointKey(chosen);
    out[key] = (out[key] ?? 0) + 1;
    clock.advance(10);
  }
  return out;
}

describe('EndpointPicker', () => {
  it('round-robin spreads connections evenly over the ready endpoints', () => {
    const clock = new SimulationClock();
    const picker = new EndpointPicker([...THREE, ep(4, false)], { type: 'None' });
    expect(counts(picker, clock, ['127.0.0.1'], 300)).toEqual({ '127.0.1.1:8080': 100, '127.0.1.2:8080': 100, '127.0.1.3:8080': 100 });
  });

  it('no ready endpoint: nothing to pick', () => {
    const picker = new EndpointPicker([ep(1, false)], { type: 'None' });
    expect(picker.pick('127.0.0.1', 0)).toBeUndefined();
  });

  it('ClientIP: one client sticks to one endpoint, different clients spread', () => {
    const clock = new SimulationClock();
    const picker = new EndpointPicker(THREE, { type: 'ClientIP', timeoutSeconds: 10_800 });
    const single = counts(picker, clock, ['127.0.2.1'], 100);
    expect(Object.values(single)).toEqual([100]);
    const spread = counts(picker, clock, ['127.0.2.2', '127.0.2.3'], 100);
    expect(Object.keys(spread)).toHaveLength(2);
    expect(picker.affinityEntries).toBe(3);
  });

  it('ClientIP: the affinity expires timeoutSeconds after the last use, not the first', () => {
    const clock = new SimulationClock();
    const picker = new EndpointPicker(THREE, { type: 'ClientIP', timeoutSeconds: 60 });
    const first = picker.pick('127.0.2.1', clock.now())!;
    // Coming back every 50 s keeps the affinity alive well past 60 s after the first connection.
    for (let i = 0; i < 5; i++) {
      clock.advance(50_000);
      picker.pick('127.0.2.9', clock.now()); // another client moves the round-robin on
      expect(picker.pick('127.0.2.1', clock.now())).toEqual(first);
    }
    // Silent for the full timeout: round-robin chooses again (the next endpoint in turn).
    clock.advance(60_000);
    const after = picker.pick('127.0.2.1', clock.now())!;
    expect(after).not.toEqual(first);
    clock.advance(59_999);
    expect(picker.pick('127.0.2.1', clock.now())).toEqual(after);
  });

  it('sweep drops expired affinities; the table is bounded, least recently used first', () => {
    const clock = new SimulationClock();
    const picker = new EndpointPicker(THREE, { type: 'ClientIP', timeoutSeconds: 1 }, { affinityEntriesMax: 2 });
    picker.pick('c1', clock.now());
    picker.pick('c2', clock.now());
    picker.pick('c1', clock.now());
    picker.pick('c3', clock.now()); // evicts c2, the least recently used
    expect(picker.affinityEntries).toBe(2);
    clock.advance(1_000);
    picker.sweep(clock.now());
    expect(picker.affinityEntries).toBe(0);
  });

  it('an endpoint marked failed is skipped for failedBackoffMs, then used again', () => {
    const clock = new SimulationClock();
    const picker = new EndpointPicker(THREE, { type: 'None' }, { failedBackoffMs: 1_000 });
    picker.markFailed(ep(2), clock.now());
    expect(Object.keys(counts(picker, clock, ['c'], 60)).sort()).toEqual(['127.0.1.1:8080', '127.0.1.3:8080']);
    clock.advance(1_000);
    expect(Object.keys(counts(picker, clock, ['c'], 3)).sort()).toEqual(['127.0.1.1:8080', '127.0.1.2:8080', '127.0.1.3:8080']);
  });

  it('when every endpoint is marked failed, the marks are ignored rather than rejecting', () => {
    const picker = new EndpointPicker(THREE, { type: 'None' });
    for (const e of THREE) picker.markFailed(e, 0);
    expect(picker.pick('c', 1)).toBeDefined();
  });

  it('a retry excludes the endpoints it tried; all tried means none left', () => {
    const picker = new EndpointPicker(THREE, { type: 'ClientIP', timeoutSeconds: 100 });
    const tried = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const chosen = picker.pick('c', 0, tried)!;
      expect(tried.has(endpointKey(chosen))).toBe(false);
      tried.add(endpointKey(chosen));
    }
    expect(picker.pick('c', 0, tried)).toBeUndefined();
  });

  it('a sticky endpoint that failed or turned not ready is replaced', () => {
    const clock = new SimulationClock();
    const picker = new EndpointPicker(THREE, { type: 'ClientIP', timeoutSeconds: 100 });
    const first = picker.pick('c', clock.now())!;
    picker.markFailed(first, clock.now());
    const second = picker.pick('c', clock.now())!;
    expect(second).not.toEqual(first);
    picker.update(THREE.map((e) => (endpointKey(e) === endpointKey(second) ? { ...e, ready: false } : e)), { type: 'ClientIP', timeoutSeconds: 100 });
    const third = picker.pick('c', clock.now())!;
    expect([endpointKey(first), endpointKey(second)]).not.toContain(endpointKey(third));
    expect(picker.pick('c', clock.now())).toEqual(third);
  });

  it('update keeps round-robin going over the new set', () => {
    const clock = new SimulationClock();
    const picker = new EndpointPicker(THREE, { type: 'None' });
    counts(picker, clock, ['c'], 2);
    picker.update([ep(1), ep(2)], { type: 'None' });
    expect(counts(picker, clock, ['c'], 100)).toEqual({ '127.0.1.1:8080': 50, '127.0.1.2:8080': 50 });
  });
});
