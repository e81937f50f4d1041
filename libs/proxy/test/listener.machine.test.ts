// The listener machine under a SimulationClock, with a fake socket that records its commands.
import { SimulationClock } from '@skiff/core';
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback } from 'xstate';
import { listenerMachine, openBackoffMs, DEFAULT_LISTENER_TUNABLES, type ListenerEmitted, type SocketCommand, type SocketInput } from '../src/index.js';
import { tcpListener } from './fixtures.js';

const LISTENER = tcpListener('127.96.0.10', 8080, [{ ip: '127.0.1.1', port: 80 }]);
const TUNABLES = { openBackoffInitialMs: 100, openBackoffMaxMs: 400, drainTimeoutMs: 5_000 };

function start() {
  const clock = new SimulationClock();
  const commands: string[] = [];
  const lifecycle: string[] = [];
  const socket = fromCallback<SocketCommand, SocketInput>(({ receive, input }) => {
    lifecycle.push(`started ${input.listener.key}`);
    receive((c) => commands.push(c.type === 'update' ? `update ${c.listener.endpoints.length}` : c.type));
    return () => lifecycle.push('stopped');
  });
  const actor = createActor(listenerMachine.provide({ actors: { socket } }), { clock, input: { listener: LISTENER, tunables: TUNABLES } });
  const emitted: ListenerEmitted[] = [];
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  const state = () => actor.getSnapshot().value;
  return { clock, actor, commands, lifecycle, emitted, state };
}

const EADDRINUSE = { code: 'EADDRINUSE', message: 'address in use' };

describe('listenerMachine', () => {
  it('opening -> serving -> draining -> closed, the socket living exactly as long as active', () => {
    const { actor, commands, lifecycle, state } = start();
    expect(state()).toEqual({ active: 'opening' });
    expect(lifecycle).toEqual(['started 127.96.0.10:8080/TCP']);
    actor.send({ type: 'opened' });
    expect(state()).toEqual({ active: 'serving' });
    actor.send({ type: 'drain' });
    expect(state()).toEqual({ active: 'draining' });
    expect(lifecycle).toEqual(['started 127.96.0.10:8080/TCP']);
    actor.send({ type: 'drained' });
    expect(state()).toBe('closed');
    expect(actor.getSnapshot().status).toBe('done');
    expect(commands).toEqual(['listen', 'drain']);
    expect(lifecycle).toEqual(['started 127.96.0.10:8080/TCP', 'stopped']);
  });

  it('a bind failure is reported and retried after a back-off that doubles up to its ceiling', () => {
    const { clock, actor, commands, emitted, state } = start();
    const retries: number[] = [];
    for (let i = 0; i < 5; i++) {
      actor.send({ type: 'openFailed', error: EADDRINUSE });
      expect(state()).toEqual({ active: 'backingOff' });
      const failedAt = clock.now();
      while (actor.getSnapshot().matches({ active: 'backingOff' }) && clock.step());
      retries.push(clock.now() - failedAt);
      expect(state()).toEqual({ active: 'opening' });
    }
    expect(retries).toEqual([100, 200, 400, 400, 400]);
    expect(commands).toEqual(['listen', 'listen', 'listen', 'listen', 'listen', 'listen']);
    expect(emitted.map((e) => (e.type === 'openFailed' ? [e.error.code, e.failures, e.retryInMs] : e.type))).toEqual([
      ['EADDRINUSE', 1, 100],
      ['EADDRINUSE', 2, 200],
      ['EADDRINUSE', 3, 400],
      ['EADDRINUSE', 4, 400],
      ['EADDRINUSE', 5, 400],
    ]);
    expect(actor.getSnapshot().context.lastError).toEqual(EADDRINUSE);
    actor.send({ type: 'opened' });
    expect(state()).toEqual({ active: 'serving' });
    expect(actor.getSnapshot().context.openFailures).toBe(0);
  });

  it('does not retry before the back-off has passed', () => {
    const { clock, actor, commands, state } = start();
    actor.send({ type: 'openFailed', error: EADDRINUSE });
    clock.advance(99);
    expect(state()).toEqual({ active: 'backingOff' });
    expect(commands).toEqual(['listen']);
  });

  it('an update reconfigures the socket in place in every active state', () => {
    const { actor, commands, lifecycle, state } = start();
    const more = { ...LISTENER, endpoints: [...LISTENER.endpoints, { ip: '127.0.1.2', port: 80, ready: true }] };
    actor.send({ type: 'update', listener: more });
    actor.send({ type: 'opened' });
    actor.send({ type: 'update', listener: { ...more, endpoints: [] } });
    expect(state()).toEqual({ active: 'serving' });
    expect(commands).toEqual(['listen', 'update 2', 'update 0']);
    expect(actor.getSnapshot().context.listener.endpoints).toEqual([]);
    expect(lifecycle).toEqual(['started 127.96.0.10:8080/TCP']);
  });

  it('a drain that outlasts drainTimeoutMs cuts the connections and reports it', () => {
    const { clock, actor, lifecycle, emitted, state } = start();
    actor.send({ type: 'opened' });
    actor.send({ type: 'drain' });
    clock.advance(4_999);
    expect(state()).toEqual({ active: 'draining' });
    clock.advance(1);
    expect(state()).toBe('closed');
    expect(lifecycle.at(-1)).toBe('stopped');
    expect(emitted).toEqual([{ type: 'drainTimedOut', key: LISTENER.key }]);
  });

  it('drain while opening or backing off closes at once (nothing to drain), cancelling the retry', () => {
    for (const failFirst of [false, true]) {
      const { clock, actor, commands, state } = start();
      if (failFirst) actor.send({ type: 'openFailed', error: EADDRINUSE });
      actor.send({ type: 'drain' });
      expect(state()).toBe('closed');
      expect(clock.pendingCount).toBe(0);
      expect(commands).toEqual(['listen']);
    }
  });

  it('the back-off policy by itself', () => {
    const t = DEFAULT_LISTENER_TUNABLES;
    expect([1, 2, 3, 7, 8, 1000].map((n) => openBackoffMs(n, t))).toEqual([500, 1000, 2000, 30_000, 30_000, 30_000]);
  });
});
