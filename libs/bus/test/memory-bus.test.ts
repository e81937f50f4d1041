import { RealClock, SeededRandom, SimulationClock } from '@skiff/core';
import { describe, expect, it } from 'vitest';
import { ClosedError, NoRespondersError, TimeoutError } from '../src/errors.js';
import { MemoryNetwork, type NetworkEvent } from '../src/memory-network.js';
import { busContract, collect } from './bus-contract.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (m: { readonly data: Uint8Array }): string => new TextDecoder().decode(m.data);

busContract('MemoryBus (auto delivery)', async () => {
  const net = new MemoryNetwork({ random: new SeededRandom(7), clock: new RealClock(), mode: 'auto' });
  return { connect: async (name) => net.connect(name) };
});

/** Runs a small scenario on a manual network and returns the delivery trace. */
async function traceRun(seed: number): Promise<string[]> {
  const trace: string[] = [];
  const onEvent = (e: NetworkEvent): void => {
    if (e.type === 'deliver') trace.push(`${e.delivery.from}->${e.delivery.to}:${e.delivery.subject}:${text(e.delivery)}`);
  };
  const net = new MemoryNetwork({ random: new SeededRandom(seed), clock: new SimulationClock(), mode: 'manual', onEvent });
  const nodes = ['n1', 'n2', 'n3', 'n4'].map((n) => net.connect(n));
  for (const node of nodes) collect(node.subscribe('gossip.>'));
  for (const node of nodes) collect(node.subscribe('work', { queue: 'w' }));
  nodes.forEach((node, i) => {
    for (let k = 0; k < 5; k++) {
      node.publish(`gossip.${node.name}`, bytes(`${i}.${k}`));
      node.publish('work', bytes(`job${i}.${k}`));
    }
  });
  net.deliverAll();
  await Promise.resolve();
  return trace;
}

describe('MemoryNetwork determinism', () => {
  it('delivers in the same order for the same seed', async () => {
    const a = await traceRun(42);
    const b = await traceRun(42);
    expect(a.length).toBe(4 * 5 * 4 + 4 * 5);
    expect(b).toEqual(a);
  });

  it('delivers in a different order for a different seed', async () => {
    const a = await traceRun(42);
    const c = await traceRun(43);
    expect(c).toHaveLength(a.length);
    expect(c).not.toEqual(a);
  });

  it('keeps each publisher-to-subscriber link in order', async () => {
    const trace = await traceRun(5);
    for (const from of ['n1', 'n2', 'n3', 'n4']) {
      const onLink = trace.filter((t) => t.startsWith(`${from}->n2:gossip`)).map((t) => t.split(':')[2]);
      expect(onLink).toEqual([...onLink].sort());
      expect(onLink).toHaveLength(5);
    }
  });

  it('manual mode delivers nothing until stepped', () => {
    const net = new MemoryNetwork({ random: new SeededRandom(1), clock: new SimulationClock(), mode: 'manual' });
    const a = net.connect('a');
    const got = collect(a.subscribe('x'));
    a.publish('x', bytes('1'));
    a.publish('x', bytes('2'));
    expect(net.pendingCount).toBe(2);
    expect(net.deliverOne()).toBe(true);
    expect(net.pendingCount).toBe(1);
    expect(net.deliverAll()).toBe(1);
    expect(net.deliverOne()).toBe(false);
    expect(got.msgs).toHaveLength(0); // handed over; the consumer runs on its next microtask
  });
});

describe('MemoryNetwork faults', () => {
  const manual = (seed = 1): { net: MemoryNetwork; clock: SimulationClock } => {
    const clock = new SimulationClock();
    return { net: new MemoryNetwork({ random: new SeededRandom(seed), clock, mode: 'manual' }), clock };
  };

  it('drops by probability and by predicate', async () => {
    const { net } = manual(3);
    const a = net.connect('a');
    const got = collect(a.subscribe('d.>'));
    net.drop(0.5);
    for (let i = 0; i < 200; i++) a.publish('d.p', bytes(String(i)));
    net.drop((d) => d.subject === 'd.never');
    a.publish('d.never', bytes('x'));
    a.publish('d.always', bytes('y'));
    net.deliverAll();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const probabilistic = got.msgs.filter((m) => m.subject === 'd.p').length;
    expect(probabilistic).toBeGreaterThan(50);
    expect(probabilistic).toBeLessThan(150);
    expect(got.msgs.some((m) => m.subject === 'd.never')).toBe(false);
    expect(got.msgs.some((m) => m.subject === 'd.always')).toBe(true);
    expect(net.stats.dropped).toBe(200 - probabilistic + 1);
  });

  it('duplicates messages', async () => {
    const { net } = manual(4);
    const a = net.connect('a');
    const got = collect(a.subscribe('dup'));
    net.duplicate(1);
    a.publish('dup', bytes('once'));
    net.deliverAll();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(got.msgs.map(text)).toEqual(['once', 'once']);
  });

  it('partitions both ways, in-flight messages included, until healed', async () => {
    const { net } = manual();
    const [a, b, c] = ['a', 'b', 'c'].map((n) => net.connect(n)) as [ReturnType<typeof net.connect>, ReturnType<typeof net.connect>, ReturnType<typeof net.connect>];
    const atB = collect(b.subscribe('p'));
    const atC = collect(c.subscribe('p'));
    const atA = collect(a.subscribe('p'));
    a.publish('p', bytes('in-flight'));
    net.partition(['a'], ['b']);
    b.publish('p', bytes('from-b'));
    net.deliverAll();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(atB.msgs.map(text)).toEqual(['from-b']);
    expect(atC.msgs.map(text).sort()).toEqual(['from-b', 'in-flight']);
    expect(atA.msgs.map(text)).toEqual(['in-flight']);
    net.heal();
    a.publish('p', bytes('healed'));
    net.deliverAll();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(atB.msgs.map(text)).toEqual(['from-b', 'healed']);
  });

  it('delays messages on the clock, keeping link order', async () => {
    const { net, clock } = manual(9);
    const a = net.connect('a');
    const got = collect(a.subscribe('slow'));
    net.delay({ minMs: 10, maxMs: 100 });
    for (let i = 0; i < 10; i++) a.publish('slow', bytes(String(i)));
    expect(net.deliverOne()).toBe(false);
    const readyAt = net.nextReadyAt()!;
    expect(readyAt).toBeGreaterThanOrEqual(10);
    clock.advance(100);
    expect(net.deliverAll()).toBe(10);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(got.msgs.map(text)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('times requests out on the injected clock', async () => {
    const { net, clock } = manual();
    const server = net.connect('server');
    const client = net.connect('client');
    server.subscribe('svc');
    net.drop((d) => d.to === 'server');
    const reply = client.request('svc', bytes(''), { timeoutMs: 1_000 }).catch((e: unknown) => e);
    net.deliverAll();
    clock.advance(999);
    clock.advance(1);
    expect(await reply).toBeInstanceOf(TimeoutError);
  });

  it('crash loses queued messages and fails pending requests; restart gives a fresh endpoint', async () => {
    const { net } = manual();
    const a = net.connect('a');
    const b = net.connect('b');
    const sub = b.subscribe('x');
    b.subscribe('svc');
    a.subscribe('silent');
    a.publish('x', bytes('lost'));
    const pending = b.request('silent', bytes(''), { timeoutMs: 1_000 }).catch((e: unknown) => e);
    net.deliverAll();
    net.crash('b');
    const got = collect(sub);
    await got.ended;
    expect(got.msgs).toHaveLength(0);
    expect(await pending).toBeInstanceOf(ClosedError);
    expect(() => b.publish('x', bytes(''))).toThrow(ClosedError);
    await expect(a.request('svc', bytes(''), { timeoutMs: 1_000 })).rejects.toBeInstanceOf(NoRespondersError);
    const b2 = net.restart('b');
    const got2 = collect(b2.subscribe('x'));
    a.publish('x', bytes('after'));
    net.deliverAll();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(got2.msgs.map(text)).toEqual(['after']);
  });
});
