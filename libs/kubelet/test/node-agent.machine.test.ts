// The node agent and the eviction manager on a SimulationClock.
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { SimulationClock } from '@skiff/core';
import type { Pod } from '@skiff/api';
import { nodeAgentMachine, type NodeAgentEmitted } from '../src/node-agent.machine.js';
import { evictionManagerMachine, type EvictionManagerEmitted } from '../src/eviction-manager.machine.js';
import { parseThresholdConfig, type NodeStatsSummary } from '../src/eviction.js';
import { container, pod } from './fixtures.js';
import { run } from './sim.js';

describe('node agent', () => {
  function agent(failuresBeforeSuccess: number) {
    const clock = new SimulationClock();
    const attempts: number[] = [];
    const emitted: (NodeAgentEmitted & { at: number })[] = [];
    const actor = createActor(nodeAgentMachine, {
      clock,
      input: {
        nodeName: 'node-1',
        now: () => clock.now(),
        registerNode: async () => {
          attempts.push(clock.now());
          if (attempts.length <= failuresBeforeSuccess) throw new Error('apiserver unreachable');
        },
      },
    });
    for (const type of ['nodeStatus', 'renewLease', 'registrationFailed'] as const) actor.on(type, (e) => emitted.push({ ...e, at: clock.now() }));
    actor.start();
    return { clock, actor, attempts, emitted };
  }

  it('retries registration with 100 ms doubling back-off, then reports Ready and renews its lease every 10 s', async () => {
    const { clock, actor, attempts, emitted } = agent(3);
    await run(clock, 60_000);
    expect(attempts).toEqual([0, 100, 300, 700]);
    expect(actor.getSnapshot().value).toEqual({ registered: 'ready' });
    expect(emitted.filter((e) => e.type === 'renewLease').map((e) => e.at)).toEqual([700, 10_700, 20_700, 30_700, 40_700, 50_700]);
    const first = emitted.find((e) => e.type === 'nodeStatus');
    expect(first).toMatchObject({ at: 700, taints: [] });
    expect(first?.type === 'nodeStatus' && first.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
  });

  it('goes notReady when the runtime is down and shows pressure with taints', async () => {
    const { clock, actor, emitted } = agent(0);
    await run(clock, 1);
    actor.send({ type: 'PRESSURE', pressure: ['MemoryPressure'] });
    expect(actor.getSnapshot().value).toEqual({ registered: 'pressure' });
    let last = emitted.filter((e) => e.type === 'nodeStatus').at(-1);
    expect(last?.type === 'nodeStatus' && last.taints).toEqual([{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }]);
    actor.send({ type: 'RUNTIME_STATUS', ready: false, message: 'container runtime is down' });
    expect(actor.getSnapshot().value).toEqual({ registered: 'notReady' });
    last = emitted.filter((e) => e.type === 'nodeStatus').at(-1);
    expect(last?.type === 'nodeStatus' && last.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down' });
    actor.send({ type: 'RUNTIME_STATUS', ready: true });
    actor.send({ type: 'PRESSURE', pressure: [] });
    expect(actor.getSnapshot().value).toEqual({ registered: 'ready' });
  });
});

describe('eviction manager', () => {
  it('observes every 10 s, reports MemoryPressure and evicts the BestEffort pod first', async () => {
    const clock = new SimulationClock();
    const Mi = 1024 * 1024;
    const guaranteed: Pod = pod({ containers: [container('app', { resources: { requests: { memory: '512Mi', cpu: '1' }, limits: { memory: '512Mi', cpu: '1' } } })] }, 'guaranteed', 'uid-g');
    const bestEffort: Pod = pod({}, 'besteffort', 'uid-b');
    let availableMi = 2048;
    const summary = (): NodeStatsSummary => ({
      node: { memory: { availableBytes: availableMi * Mi, workingSetBytes: 1024 * Mi } },
      pods: [
        { uid: 'uid-g', memoryWorkingSetBytes: 500 * Mi, ephemeralStorageBytes: 0, processCount: 1 },
        { uid: 'uid-b', memoryWorkingSetBytes: 100 * Mi, ephemeralStorageBytes: 0, processCount: 1 },
      ],
    });
    const emitted: (EvictionManagerEmitted & { at: number })[] = [];
    const actor = createActor(evictionManagerMachine, {
      clock,
      input: {
        config: { thresholds: parseThresholdConfig({ evictionHard: { 'memory.available': '100Mi' } }), pressureTransitionPeriodMs: 30_000, maxPodGracePeriodSeconds: 30 },
        stats: { summary: async () => summary() },
        activePods: () => [guaranteed, bestEffort],
        now: () => clock.now(),
      },
    });
    for (const type of ['nodePressure', 'evictPod', 'statsFailed'] as const) actor.on(type, (e) => emitted.push({ ...e, at: clock.now() }));
    actor.start();
    await run(clock, 25_000);
    expect(emitted).toEqual([]);
    availableMi = 50;
    await run(clock, 5_000);
    expect(emitted.map((e) => [e.type, e.at, e.type === 'evictPod' ? e.pod.metadata.name : e.type === 'nodePressure' ? e.pressure.join() : ''])).toEqual([
      ['nodePressure', 30_000, 'MemoryPressure'],
      ['evictPod', 30_000, 'besteffort'],
    ]);
    availableMi = 2048;
    await run(clock, 70_000);
    expect(emitted.filter((e) => e.type === 'nodePressure').map((e) => [e.at, e.type === 'nodePressure' && e.pressure.join()])).toEqual([
      [30_000, 'MemoryPressure'],
      [60_000, ''],
    ]);
  });
});
