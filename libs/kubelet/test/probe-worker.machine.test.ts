// The probe worker on a SimulationClock: initial delay, period, thresholds, timeouts, holds.
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { SimulationClock } from '@skiff/core';
import type { Probe } from '@skiff/api';
import { probeWorkerMachine, type ProbeRequest, type ProbeResultEvent } from '../src/probe-worker.machine.js';
import type { ProbeOutcome, ProbeType } from '../src/probe.js';
import { run } from './sim.js';

function worker(probeType: ProbeType, probe: Probe, answer: (req: ProbeRequest, n: number) => ProbeOutcome | 'hang') {
  const clock = new SimulationClock();
  const calls: number[] = [];
  const reports: ProbeResultEvent[] = [];
  const actor = createActor(probeWorkerMachine, {
    clock,
    input: {
      probeType,
      probe,
      containerName: 'app',
      run: (req) => {
        calls.push(clock.now());
        const a = answer(req, calls.length);
        return a === 'hang' ? new Promise(() => undefined) : Promise.resolve(a);
      },
    },
  });
  actor.on('PROBE_RESULT', (e) => reports.push(e));
  actor.start();
  return { clock, actor, calls, reports };
}

const ok: ProbeOutcome = { result: 'success', output: '' };
const bad: ProbeOutcome = { result: 'failure', output: 'nope' };

describe('probe worker', () => {
  it('waits the initial delay from container start, then probes every period', async () => {
    const { clock, actor, calls } = worker('readiness', { exec: { command: ['true'] }, initialDelaySeconds: 5, periodSeconds: 10 }, () => ok);
    actor.send({ type: 'CONTAINER_STARTED', containerId: 'c1', podIP: '127.42.0.1', startedAtMs: 0, nowMs: 0 });
    await run(clock, 4_999);
    expect(calls).toEqual([]);
    await run(clock, 30_001);
    expect(calls).toEqual([5_000, 15_000, 25_000, 35_000]);
  });

  it('reports readiness after successThreshold successes and unreadiness after failureThreshold failures', async () => {
    const script = [ok, ok, bad, bad, bad, ok];
    const { clock, actor, reports } = worker('readiness', { exec: { command: ['x'] }, periodSeconds: 1, successThreshold: 2, failureThreshold: 3 }, (_r, n) => script[n - 1] ?? ok);
    actor.send({ type: 'CONTAINER_STARTED', containerId: 'c1', podIP: '', startedAtMs: 0, nowMs: 0 });
    await run(clock, 5_500);
    expect(reports.map((r) => [r.result, r.containerId])).toEqual([
      ['success', 'c1'],
      ['failure', 'c1'],
    ]);
  });

  it('counts a probe that outlives timeoutSeconds as a failure; liveness then holds until a new container', async () => {
    const { clock, actor, reports, calls } = worker('liveness', { exec: { command: ['x'] }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 2 }, () => 'hang');
    actor.send({ type: 'CONTAINER_STARTED', containerId: 'c1', podIP: '', startedAtMs: 0, nowMs: 0 });
    await run(clock, 60_000);
    expect(reports).toEqual([{ type: 'PROBE_RESULT', probeType: 'liveness', containerName: 'app', containerId: 'c1', result: 'failure', output: 'probe timed out after 2s' }]);
    expect(calls).toEqual([0, 12_000]);
    expect(actor.getSnapshot().value).toBe('holding');
    actor.send({ type: 'CONTAINER_STARTED', containerId: 'c2', podIP: '', startedAtMs: 60_000, nowMs: 60_000 });
    await run(clock, 1);
    expect(calls).toEqual([0, 12_000, 60_000]);
  });

  it('reports startup success once and stops probing; stops entirely on CONTAINER_STOPPED', async () => {
    const { clock, actor, reports, calls } = worker('startup', { exec: { command: ['x'] }, periodSeconds: 1, failureThreshold: 30 }, (_r, n) => (n < 3 ? bad : ok));
    actor.send({ type: 'CONTAINER_STARTED', containerId: 'c1', podIP: '', startedAtMs: 0, nowMs: 0 });
    await run(clock, 10_000);
    expect(reports.map((r) => r.result)).toEqual(['success']);
    expect(calls).toHaveLength(3);
    expect(actor.getSnapshot().value).toBe('succeeded');
    actor.send({ type: 'CONTAINER_STOPPED', containerId: 'c1' });
    expect(actor.getSnapshot().value).toBe('idle');
  });

  it('ignores a stop for another container', async () => {
    const { clock, actor } = worker('readiness', { exec: { command: ['x'] } }, () => ok);
    actor.send({ type: 'CONTAINER_STARTED', containerId: 'c2', podIP: '', startedAtMs: 0, nowMs: 0 });
    await run(clock, 1);
    actor.send({ type: 'CONTAINER_STOPPED', containerId: 'c1' });
    expect(actor.getSnapshot().value).toBe('waiting');
  });
});
