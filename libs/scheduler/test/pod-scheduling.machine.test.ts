// The per-pod scheduling machine, driven by events and a SimulationClock.
import { SimulationClock } from '@skiff/core';
import { describe, expect, it } from 'vitest';
import { createActor, initialTransition, transition } from 'xstate';
import { podSchedulingMachine } from '../src/index.js';

const start = () => {
  const clock = new SimulationClock();
  const actor = createActor(podSchedulingMachine, { clock, input: { podKey: 'default/p' } }).start();
  return { clock, actor };
};

describe('podSchedulingMachine', () => {
  it('happy path: queued -> scheduling -> assumed -> binding -> bound', () => {
    const { actor } = start();
    const states: string[] = [actor.getSnapshot().value as string];
    for (const event of [{ type: 'attempt' }, { type: 'scheduled', nodeName: 'n1' }, { type: 'bindingStarted' }, { type: 'bound' }] as const) {
      actor.send(event);
      states.push(actor.getSnapshot().value as string);
    }
    expect(states).toEqual(['queued', 'scheduling', 'assumed', 'binding', 'bound']);
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().context.nodeName).toBe('n1');
  });

  it('unschedulable -> backoff -> queued on a cluster event, the back-off timed by the clock', () => {
    const { clock, actor } = start();
    actor.send({ type: 'attempt' });
    actor.send({ type: 'unschedulable', message: '0/1 nodes are available', nowMs: clock.now() });
    expect(actor.getSnapshot().value).toBe('unschedulable');
    clock.advance(400);
    actor.send({ type: 'clusterEvent', nowMs: clock.now() });
    expect(actor.getSnapshot().value).toBe('backoff');
    clock.advance(599);
    expect(actor.getSnapshot().value).toBe('backoff');
    clock.advance(1);
    expect(actor.getSnapshot().value).toBe('queued');
  });

  it('a cluster event after the back-off sends the pod straight back to queued', () => {
    const { clock, actor } = start();
    actor.send({ type: 'attempt' });
    actor.send({ type: 'unschedulable', message: 'x', nowMs: clock.now() });
    clock.advance(5000);
    actor.send({ type: 'clusterEvent', nowMs: clock.now() });
    expect(actor.getSnapshot().value).toBe('queued');
  });

  it('doubles the back-off after each failed attempt, up to 10 s', () => {
    const { clock, actor } = start();
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      actor.send({ type: 'attempt' });
      const failedAt = clock.now();
      actor.send({ type: 'error', message: 'boom', nowMs: failedAt });
      while (actor.getSnapshot().value === 'backoff' && clock.step());
      waits.push(clock.now() - failedAt);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('an unschedulable pod is retried after 5 minutes without events', () => {
    const { clock, actor } = start();
    actor.send({ type: 'attempt' });
    actor.send({ type: 'unschedulable', message: 'x', nowMs: 0 });
    clock.advance(5 * 60_000 - 1);
    expect(actor.getSnapshot().value).toBe('unschedulable');
    clock.advance(1);
    expect(actor.getSnapshot().value).toBe('queued');
  });

  it('preemption is a path of its own: preempting until the victims are evicted', () => {
    const { clock, actor } = start();
    actor.send({ type: 'attempt' });
    actor.send({ type: 'nominated', nodeName: 'n7', message: '0/1 nodes are available: 1 Insufficient cpu.', nowMs: 0 });
    expect(actor.getSnapshot().value).toBe('preempting');
    expect(actor.getSnapshot().context.nominatedNodeName).toBe('n7');
    actor.send({ type: 'victimsEvicted' });
    expect(actor.getSnapshot().value).toBe('unschedulable');
    clock.advance(1500);
    actor.send({ type: 'clusterEvent', nowMs: clock.now() });
    expect(actor.getSnapshot().value).toBe('queued');
  });

  it('a failed binding forgets the node and backs off; deletion ends the machine from anywhere', () => {
    const { actor } = start();
    actor.send({ type: 'attempt' });
    actor.send({ type: 'scheduled', nodeName: 'n1' });
    actor.send({ type: 'bindingStarted' });
    actor.send({ type: 'bindFailed', message: 'conflict', nowMs: 0 });
    expect(actor.getSnapshot().value).toBe('backoff');
    expect(actor.getSnapshot().context.nodeName).toBeUndefined();
    actor.send({ type: 'deleted' });
    expect(actor.getSnapshot().value).toBe('gone');
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('ignores events that do not belong to the current state', () => {
    const [snapshot] = initialTransition(podSchedulingMachine, { podKey: 'k' });
    const [next, actions] = transition(podSchedulingMachine, snapshot, { type: 'bound' });
    expect(next.value).toBe('queued');
    expect(actions).toEqual([]);
  });

  it('serialises to a chart with every state', () => {
    const json = podSchedulingMachine.toJSON() as { states: Record<string, unknown> };
    expect(Object.keys(json.states).sort()).toEqual(['assumed', 'backoff', 'binding', 'bound', 'gone', 'preempting', 'queued', 'scheduling', 'unschedulable']);
  });
});
