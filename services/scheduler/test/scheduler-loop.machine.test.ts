// The loop chart under simulated time: cycles run only while leading, one at a time, back to back
// while the queue has pods, and an idle leader wakes on WAKE or its poll.
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { SimulationClock } from '@skiff/core';
import { schedulerLoopMachine } from '../src/scheduler-loop.machine.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

function harness(pending: number) {
  const clock = new SimulationClock();
  const state = { pending, cycles: 0, concurrent: 0, maxConcurrent: 0 };
  const cycle = async (): Promise<boolean> => {
    state.cycles++;
    state.concurrent++;
    state.maxConcurrent = Math.max(state.maxConcurrent, state.concurrent);
    await Promise.resolve();
    state.concurrent--;
    if (state.pending === 0) return false;
    state.pending--;
    return true;
  };
  const actor = createActor(schedulerLoopMachine, { input: { cycle, idlePollMs: 1_000 }, clock });
  actor.start();
  return { clock, state, actor };
}

describe('schedulerLoopMachine', () => {
  it('runs no cycle while standing by', async () => {
    const { clock, state, actor } = harness(3);
    clock.advance(10_000);
    await flush();
    expect(actor.getSnapshot().value).toBe('standby');
    expect(state.cycles).toBe(0);
  });

  it('drains the queue one cycle at a time once leading, then idles', async () => {
    const { state, actor } = harness(3);
    actor.send({ type: 'LEADING' });
    await flush();
    expect(state.pending).toBe(0);
    expect(state.cycles).toBe(4); // three pods and one empty pop
    expect(state.maxConcurrent).toBe(1);
    expect(actor.getSnapshot().value).toEqual({ leading: 'idle' });
  });

  it('wakes on WAKE and on the idle poll, and stops cycling when leadership is lost', async () => {
    const { clock, state, actor } = harness(0);
    actor.send({ type: 'LEADING' });
    await flush();
    const afterStart = state.cycles;
    actor.send({ type: 'WAKE' });
    await flush();
    expect(state.cycles).toBe(afterStart + 1);
    clock.advance(1_000);
    await flush();
    expect(state.cycles).toBe(afterStart + 2);
    actor.send({ type: 'STOPPED_LEADING' });
    clock.advance(10_000);
    await flush();
    expect(state.cycles).toBe(afterStart + 2);
    expect(actor.getSnapshot().value).toBe('standby');
    actor.send({ type: 'STOP' });
    expect(actor.getSnapshot().status).toBe('done');
  });
});
