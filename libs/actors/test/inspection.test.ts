import { call, decode, MemoryNetwork, serveRequests, subjects, type Bus, type Envelope, type Subscription } from '@skiff/bus';
import { afterEach, describe, expect, it } from 'vitest';
import { assign, createActor, sendTo, setup, type AnyActorRef } from 'xstate';
import {
  createInspector,
  ELIDED,
  isDescribeRequest,
  SeededRandom,
  SimulationClock,
  type DescribeReply,
  type Inspector,
  type InspectorOptions,
  type SnapshotMessage,
  type TransitionsMessage,
} from '../src/index.js';

// green --GO--> yellow --GO--> red --after 1000 ms--> green ; any --BACK--> green
const light = setup({
  types: {} as { context: { changes: number; log: string[] }; events: { type: 'GO' } | { type: 'BACK' } | { type: 'NOTE'; text: string } },
  actions: {
    countChange: assign({ changes: ({ context }) => context.changes + 1 }),
    note: assign({ log: ({ context, event }) => (event.type === 'NOTE' ? [...context.log, event.text] : context.log) }),
  },
}).createMachine({
  id: 'light',
  context: { changes: 0, log: [] },
  initial: 'green',
  on: { BACK: { target: '.green', actions: 'countChange' }, NOTE: { actions: 'note' } },
  states: {
    green: { on: { GO: { target: 'yellow', actions: 'countChange' } } },
    yellow: { on: { GO: { target: 'red', actions: 'countChange' } } },
    red: { after: { 1000: { target: 'green', actions: 'countChange' } } },
  },
});

const SUBJECTS = subjects('test');
const EVENTS = SUBJECTS.inspectEvents('demo', 'd1');

interface Rig {
  readonly clock: SimulationClock;
  readonly network: MemoryNetwork;
  readonly bus: Bus;
  readonly observer: Bus;
  readonly events: Subscription;
  readonly inspector: Inspector;
  readonly received: Envelope[];
  /** Lets auto-mode deliveries (microtasks) reach the observer. */
  settle(): Promise<void>;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    rig.inspector.stop();
    await Promise.allSettled([rig.bus.close(), rig.observer.close()]);
  }
});

function rig(overrides: Partial<InspectorOptions> = {}): Rig {
  const clock = new SimulationClock();
  const network = new MemoryNetwork({ random: new SeededRandom(7), clock });
  const bus = network.connect('demo-d1');
  const observer = network.connect('observer');
  const events = observer.subscribe(EVENTS);
  const received: Envelope[] = [];
  void (async () => {
    for await (const msg of events) received.push(decode(msg.data));
  })();
  const inspector = createInspector({ bus, subject: EVENTS, service: 'demo', instance: 'd1', clock, snapshotIntervalMs: 100, ...overrides });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
  };
  const r = { clock, network, bus, observer, events, inspector, received, settle };
  rigs.push(r);
  return r;
}

function start(r: Rig, id = 'light-1'): AnyActorRef {
  return createActor(light, { id, clock: r.clock, inspect: r.inspector.inspect }).start();
}

const ofType = <T extends Envelope>(received: Envelope[], type: string): T[] => received.filter((e) => e.type === type) as T[];

describe('inspector', () => {
  it('publishes the registration, the transitions and the snapshot of an actor', async () => {
    const r = rig();
    const actor = start(r);
    actor.send({ type: 'GO' });
    expect(r.network.stats.published).toBe(0); // nothing on the actor's call stack
    r.clock.advance(0);
    await r.settle();
    expect(r.received.map((e) => e.type)).toEqual(['inspect.actor', 'inspect.transitions', 'inspect.snapshot']);
    expect(r.received[0]).toMatchObject({ service: 'demo', instance: 'd1', actorId: 'light-1', machineId: 'light' });
    const [transitions] = ofType<TransitionsMessage & Envelope>(r.received, 'inspect.transitions');
    expect(transitions!.transitions).toEqual([{ eventType: 'GO', source: 'light.green', targets: ['light.yellow'], atMs: 0 }]);
    expect(transitions!.dropped).toBe(0);
    const [snapshot] = ofType<SnapshotMessage & Envelope>(r.received, 'inspect.snapshot');
    expect(snapshot).toMatchObject({ actorId: 'light-1', state: 'yellow', status: 'active', context: { changes: 1, log: [] } });
  });

  it('coalesces a burst into one snapshot per interval, driven by the clock', async () => {
    const r = rig();
    const actor = start(r);
    r.clock.advance(0);
    await r.settle();
    const afterFirstFlush = r.received.length;
    actor.send({ type: 'GO' });
    actor.send({ type: 'GO' });
    actor.send({ type: 'BACK' });
    r.clock.advance(99);
    await r.settle();
    expect(r.received.length).toBe(afterFirstFlush);
    r.clock.advance(1);
    await r.settle();
    const burst = r.received.slice(afterFirstFlush);
    expect(burst.map((e) => e.type)).toEqual(['inspect.transitions', 'inspect.snapshot']);
    const transitions = (burst[0] as unknown as TransitionsMessage).transitions;
    expect(transitions.map((t) => [t.eventType, t.source, t.targets])).toEqual([
      ['GO', 'light.green', ['light.yellow']],
      ['GO', 'light.yellow', ['light.red']],
      ['BACK', 'light', ['light.green']],
    ]);
    expect(burst[1]).toMatchObject({ state: 'green', context: { changes: 3 } });
  });

  it('reports delayed transitions fired by the same clock', async () => {
    const r = rig();
    const actor = start(r);
    actor.send({ type: 'GO' });
    actor.send({ type: 'GO' });
    r.clock.advance(1000);
    await r.settle();
    expect(actor.getSnapshot().value).toBe('green');
    const all = ofType<TransitionsMessage & Envelope>(r.received, 'inspect.transitions').flatMap((m) => m.transitions);
    expect(all.at(-1)).toMatchObject({ eventType: 'xstate.after.1000.light.red', source: 'light.red', targets: ['light.green'], atMs: 1000 });
  });

  it('bounds the transitions of one window and counts the ones it drops', async () => {
    const r = rig({ transitionsPerFlushMax: 2 });
    const actor = start(r);
    for (let i = 0; i < 5; i++) actor.send({ type: i % 2 === 0 ? 'GO' : 'BACK' });
    r.clock.advance(0);
    await r.settle();
    const [batch] = ofType<TransitionsMessage & Envelope>(r.received, 'inspect.transitions');
    expect(batch!.transitions).toHaveLength(2);
    expect(batch!.dropped).toBe(3);
    expect(r.inspector.stats().droppedTransitions).toBe(3);
  });

  it('summarises a large context instead of publishing it whole', async () => {
    const r = rig({ summaryLimits: { depthMax: 4, keysMax: 8, itemsMax: 4, stringLengthMax: 16, nodesMax: 64 } });
    const actor = start(r);
    for (let i = 0; i < 50; i++) actor.send({ type: 'NOTE', text: `note number ${i} `.repeat(10) });
    r.clock.advance(0);
    await r.settle();
    const [snapshot] = ofType<SnapshotMessage & Envelope>(r.received, 'inspect.snapshot');
    const log = (snapshot!.context as { log: string[] }).log;
    expect(log).toHaveLength(5);
    expect(log[0]).toContain(ELIDED);
    expect(log[4]).toBe(`${ELIDED} +46 items`);
  });

  it('publishes the final snapshot of a stopped actor and forgets it', async () => {
    const r = rig();
    const actor = start(r);
    r.clock.advance(0);
    expect(r.inspector.registry.size).toBe(1);
    actor.stop();
    expect(r.inspector.registry.size).toBe(0);
    r.clock.advance(100);
    await r.settle();
    expect(ofType<SnapshotMessage & Envelope>(r.received, 'inspect.snapshot').at(-1)).toMatchObject({ status: 'stopped' });
    expect(r.clock.pendingCount).toBe(0);
  });

  it('keeps the actor running when publishing fails', async () => {
    const r = rig();
    const actor = start(r);
    await r.bus.close();
    actor.send({ type: 'GO' });
    r.clock.advance(0);
    expect(actor.getSnapshot().value).toBe('yellow');
    expect(r.inspector.stats().publishFailures).toBeGreaterThan(0);
  });

  it('lists invoked child machines with their parent, and drops a child that failed', async () => {
    const r = rig();
    const child = setup({
      types: {} as { events: { type: 'BOOM' } },
      actions: {
        explode: () => {
          throw new Error('child broke');
        },
      },
    }).createMachine({ id: 'worker', initial: 'busy', states: { busy: { on: { BOOM: { actions: 'explode' } } } } });
    const parent = setup({
      types: {} as { events: { type: 'KICK' } },
      actors: { child },
    }).createMachine({
      id: 'parent',
      initial: 'running',
      states: {
        running: {
          invoke: { src: 'child', id: 'worker-1', onError: 'degraded' },
          on: { KICK: { actions: sendTo('worker-1', { type: 'BOOM' }) } },
        },
        degraded: {},
      },
    });
    const actor = createActor(parent, { id: 'boss', clock: r.clock, inspect: r.inspector.inspect }).start();
    const before = r.inspector.describe().actors;
    expect(before.map((a) => [a.id, a.machineId, a.parentSessionId === undefined])).toEqual([
      ['boss', 'parent', true],
      ['worker-1', 'worker', false],
    ]);
    expect(before[1]!.parentSessionId).toBe(before[0]!.sessionId);
    actor.send({ type: 'KICK' });
    expect(actor.getSnapshot().value).toBe('degraded');
    expect(r.inspector.describe().actors.map((a) => a.id)).toEqual(['boss']);
  });

  it('answers describe with current states and, when asked, machine definitions', async () => {
    const r = rig();
    const endpoint = serveRequests(r.bus, SUBJECTS.inspectDescribe('demo', 'd1'), (req) => r.inspector.describe(req), {
      guard: isDescribeRequest,
    });
    const a = start(r, 'light-a');
    start(r, 'light-b');
    a.send({ type: 'GO' });
    const plain = await call<DescribeReply & Envelope>(r.observer, SUBJECTS.inspectDescribe('demo', 'd1'), { type: 'inspect.describe' }, 1000);
    expect(plain).toMatchObject({ type: 'inspect.described', service: 'demo', instance: 'd1' });
    expect(plain.actors.map((x) => [x.id, x.machineId, x.state, x.status])).toEqual([
      ['light-a', 'light', 'yellow', 'active'],
      ['light-b', 'light', 'green', 'active'],
    ]);
    expect(plain.actors[0]).not.toHaveProperty('definition');
    const full = await call<DescribeReply & Envelope>(
      r.observer,
      SUBJECTS.inspectDescribe('demo', 'd1'),
      { type: 'inspect.describe', withDefinitions: true },
      1000,
    );
    const definition = full.actors[0]!.definition as { id: string; states: Record<string, { on: Record<string, unknown> }> };
    expect(definition.id).toBe('light');
    expect(Object.keys(definition.states)).toEqual(['green', 'yellow', 'red']);
    expect(definition.states['green']!.on).toHaveProperty('GO');
    await endpoint.stop();
  });
});
