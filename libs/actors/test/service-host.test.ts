import { EventEmitter } from 'node:events';
import { call, MemoryNetwork, RemoteError, type Envelope } from '@skiff/bus';
import { afterEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import {
  FORCED_EXIT_CODE,
  HostConfigError,
  onShutdownSignals,
  SeededRandom,
  silentLogger,
  SimulationClock,
  startServiceHost,
  DuplicateActorError,
  type DescribeReply,
  type HealthReply,
  type ServiceHost,
} from '../src/index.js';

// idle --START--> working --after 500 ms--> finished (final); working --CRASH--> (action throws)
const job = setup({
  types: {} as { context: { steps: number }; input: { steps: number }; events: { type: 'START' } | { type: 'CRASH' } },
  actions: {
    explode: () => {
      throw new Error('disk on fire');
    },
    step: assign({ steps: ({ context }) => context.steps + 1 }),
  },
}).createMachine({
  id: 'job',
  context: ({ input }) => ({ steps: input.steps }),
  initial: 'idle',
  states: {
    idle: { on: { START: { target: 'working', actions: 'step' } } },
    working: { after: { 500: 'finished' }, on: { CRASH: { actions: 'explode' } } },
    finished: { type: 'final' },
  },
});

const hosts: ServiceHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.stop()));
});

async function memoryHost(): Promise<{ host: ServiceHost; client: ReturnType<MemoryNetwork['connect']>; clock: SimulationClock }> {
  const clock = new SimulationClock();
  const network = new MemoryNetwork({ random: new SeededRandom(3), clock });
  const host = await startServiceHost({
    bus: network.connect('demo-d1'),
    cluster: 'test',
    service: 'demo',
    instance: 'd1',
    version: '0.1.0',
    description: 'a demo service',
    clock,
    logger: silentLogger(),
  });
  hosts.push(host);
  return { host, client: network.connect('client'), clock };
}

describe('service host on a MemoryBus', () => {
  it('answers health, and readiness follows setReady', async () => {
    const { host, client } = await memoryHost();
    expect(host.discoverable).toBe(false);
    const before = await call<HealthReply & Envelope>(client, host.healthSubject, { type: 'health' }, 1000);
    expect(before).toMatchObject({ type: 'health.status', service: 'demo', instance: 'd1', version: '0.1.0', healthy: true, ready: false, actors: [] });
    host.setReady(true);
    expect((await call<HealthReply & Envelope>(client, host.healthSubject, { type: 'health' }, 1000)).ready).toBe(true);
  });

  it('runs actors on its clock, and a finished actor leaves the report', async () => {
    const { host, clock } = await memoryHost();
    const actor = host.spawn(job, { id: 'job-1', input: { steps: 41 } });
    actor.send({ type: 'START' });
    expect(actor.getSnapshot().context.steps).toBe(42);
    expect(host.health().actors).toEqual([{ id: 'job-1', machineId: 'job', status: 'running' }]);
    clock.advance(500);
    expect(actor.getSnapshot().status).toBe('done');
    expect(host.health().actors).toEqual([]);
  });

  it('survives a failing actor, reports it unhealthy, and keeps serving', async () => {
    const { host, client } = await memoryHost();
    const actor = host.spawn(job, { id: 'job-1', input: { steps: 0 } });
    host.spawn(job, { id: 'job-2', input: { steps: 0 } });
    actor.send({ type: 'START' });
    actor.send({ type: 'CRASH' });
    expect(actor.getSnapshot().status).toBe('error');
    // XState rethrows an unobserved actor error from a timer: give it the chance to.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const health = await call<HealthReply & Envelope>(client, host.healthSubject, { type: 'health' }, 1000);
    expect(health.healthy).toBe(false);
    expect(health.actors).toEqual([
      { id: 'job-1', machineId: 'job', status: 'failed', error: 'Error: disk on fire' },
      { id: 'job-2', machineId: 'job', status: 'running' },
    ]);
    const described = await call<DescribeReply & Envelope>(client, host.subjects.inspectDescribeAll, { type: 'inspect.describe' }, 1000);
    expect(described.actors.map((a) => a.id)).toEqual(['job-2']);
  });

  it('refuses a second running actor with the same id, and a version that is not semver', async () => {
    const { host } = await memoryHost();
    host.spawn(job, { id: 'job-1', input: { steps: 0 } });
    expect(() => host.spawn(job, { id: 'job-1', input: { steps: 0 } })).toThrow(DuplicateActorError);
    const network = new MemoryNetwork({ random: new SeededRandom(1), clock: new SimulationClock() });
    await expect(
      startServiceHost({ bus: network.connect('x'), cluster: 'test', service: 'demo', instance: 'x', version: 'v1', description: '', logger: silentLogger() }),
    ).rejects.toThrow(HostConfigError);
  });

  it('answers a malformed request to its endpoints with BadRequest and goes on', async () => {
    const { host, client } = await memoryHost();
    await host.addEndpoint('echo', 'skiff.test.demo.echo', (req) => ({ type: 'echoed', got: req.type }));
    const bad = call(client, host.healthSubject, { type: 'not-health' }, 1000);
    await expect(bad).rejects.toBeInstanceOf(RemoteError);
    await expect(bad).rejects.toMatchObject({ code: 'BadRequest' });
    expect(await call(client, 'skiff.test.demo.echo', { type: 'ping' }, 1000)).toMatchObject({ type: 'echoed', got: 'ping' });
  });

  it('stops actors, endpoints and the bus, once', async () => {
    const { host, client } = await memoryHost();
    const actor = host.spawn(job, { id: 'job-1', input: { steps: 0 } });
    await Promise.all([host.stop(), host.stop()]);
    expect(actor.getSnapshot().status).toBe('stopped');
    expect(host.health()).toMatchObject({ healthy: false, ready: false });
    await expect(call(client, host.healthSubject, { type: 'health' }, 1000)).rejects.toThrow(/no responders/);
    expect(() => host.spawn(job, { id: 'job-2', input: { steps: 0 } })).toThrow(HostConfigError);
  });
});

describe('onShutdownSignals', () => {
  it('stops the host on the first signal and exits 0; a second signal forces the exit', async () => {
    const source = new EventEmitter();
    const exits: number[] = [];
    let finishStop: () => void = () => {};
    const stopCalls: number[] = [];
    const host = {
      stop: () => {
        stopCalls.push(1);
        return new Promise<void>((resolve) => (finishStop = resolve));
      },
    };
    const dispose = onShutdownSignals(host, { source, exit: (code) => exits.push(code) });
    source.emit('SIGTERM');
    expect(stopCalls).toHaveLength(1);
    expect(exits).toEqual([]);
    source.emit('SIGINT');
    expect(exits).toEqual([FORCED_EXIT_CODE]);
    finishStop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([FORCED_EXIT_CODE, 0]);
    dispose();
    expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(0);
  });

  it('exits 1 when stopping fails', async () => {
    const source = new EventEmitter();
    const exits: number[] = [];
    onShutdownSignals({ stop: () => Promise.reject(new Error('stuck')) }, { source, exit: (code) => exits.push(code) });
    source.emit('SIGINT');
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([1]);
  });
});
