// The hollow runtime under a SimulationClock: latency, crashes by failure rate, graceful and
// forced stops, exits on demand, logs, and runs that replay by seed.
import { describe, expect, it } from 'vitest';
import { SeededRandom, SimulationClock } from '@skiff/core';
import type { ContainerEvent } from '@skiff/kubelet';
import { HollowRuntime, type HollowRuntimeOptions } from '../src/hollow-runtime.js';
import { collect, containerConfig, sandboxConfig } from './helpers.js';

function setup(options: Partial<HollowRuntimeOptions> = {}) {
  const clock = new SimulationClock();
  const runtime = new HollowRuntime({ clock, random: new SeededRandom(1), ...options });
  const events: ContainerEvent[] = [];
  runtime.getContainerEvents((e) => events.push(e));
  return { clock, runtime, events };
}

/** Lets promise callbacks run between clock steps. */
const settle = () => new Promise((r) => setImmediate(r));

async function started(runtime: HollowRuntime, name = 'app') {
  const sandboxId = await runtime.runPodSandbox(sandboxConfig(name));
  const id = await runtime.createContainer(sandboxId, containerConfig(name, ['serve']), sandboxConfig(name));
  return { sandboxId, id };
}

describe('hollow runtime', () => {
  it('starts a container only after its start latency has passed on the clock', async () => {
    const { clock, runtime } = setup({ startLatencyMs: 500 });
    const { id } = await started(runtime);
    let done = false;
    void runtime.startContainer(id).then(() => (done = true));
    clock.advance(499);
    await settle();
    expect(done).toBe(false);
    expect((await runtime.containerStatus(id)).state).toBe('CONTAINER_CREATED');
    clock.advance(1);
    await settle();
    expect(done).toBe(true);
    expect(await runtime.containerStatus(id)).toMatchObject({ state: 'CONTAINER_RUNNING', startedAtMs: 500 });
  });

  it('crashes started containers at the failure rate, with exit code 1', async () => {
    const { clock, runtime } = setup({ failureRate: 1, crashAfterMs: { minMs: 100, maxMs: 200 } });
    const { id } = await started(runtime);
    await runtime.startContainer(id);
    clock.advance(99);
    expect((await runtime.containerStatus(id)).state).toBe('CONTAINER_RUNNING');
    clock.advance(101);
    expect(await runtime.containerStatus(id)).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 1, reason: 'Error' });
    const healthy = setup({ failureRate: 0 });
    const h = await started(healthy.runtime);
    await healthy.runtime.startContainer(h.id);
    healthy.clock.advance(3_600_000);
    expect((await healthy.runtime.containerStatus(h.id)).state).toBe('CONTAINER_RUNNING');
  });

  it('replays the same crashes for the same seed', async () => {
    const crashTimes = async (seed: number) => {
      const clock = new SimulationClock();
      const runtime = new HollowRuntime({ clock, random: new SeededRandom(seed), failureRate: 0.5, crashAfterMs: { minMs: 0, maxMs: 10_000 } });
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const { id } = await started(runtime, `c${i}`);
        await runtime.startContainer(id);
        ids.push(id);
      }
      clock.advance(10_000);
      return Promise.all(ids.map(async (id) => (await runtime.containerStatus(id)).finishedAtMs));
    };
    const a = await crashTimes(42);
    expect(await crashTimes(42)).toEqual(a);
    expect(a.some((t) => t > 0)).toBe(true);
    expect(a.some((t) => t === 0)).toBe(true);
  });

  it('honours SIGTERM after its termination delay, and SIGKILLs at the timeout otherwise', async () => {
    const { clock, runtime, events } = setup({ behavior: (c) => (c.metadata.name === 'stubborn' ? { ignoreSigterm: true } : { terminationDelayMs: 3_000, exitCodeOnSigterm: 0 }) });
    const polite = await started(runtime, 'polite');
    const stubborn = await started(runtime, 'stubborn');
    await runtime.startContainer(polite.id);
    await runtime.startContainer(stubborn.id);
    const stops = [runtime.stopContainer(polite.id, 30_000), runtime.stopContainer(stubborn.id, 30_000)];
    clock.advance(2_999);
    expect((await runtime.containerStatus(polite.id)).state).toBe('CONTAINER_RUNNING');
    clock.advance(1);
    expect(await runtime.containerStatus(polite.id)).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 0, finishedAtMs: 3_000 });
    expect((await runtime.containerStatus(stubborn.id)).state).toBe('CONTAINER_RUNNING');
    clock.advance(27_000);
    await Promise.all(stops);
    expect(await runtime.containerStatus(stubborn.id)).toMatchObject({ exitCode: 137, signal: 9, finishedAtMs: 30_000 });
    expect(events.filter((e) => e.containerEventType === 'CONTAINER_STOPPED_EVENT').map((e) => e.containerStatus.metadata.name)).toEqual(['polite', 'stubborn']);
  });

  it('exits on demand, exits by itself after runForMs, and keeps a bounded log', async () => {
    const { clock, runtime } = setup({ behavior: (c) => (c.metadata.name === 'job' ? { runForMs: 1_000, exitCode: 0, stdout: ['working'] } : {}), logLinesMax: 3 });
    const job = await started(runtime, 'job');
    const svc = await started(runtime, 'svc');
    await runtime.startContainer(job.id);
    await runtime.startContainer(svc.id);
    runtime.exitContainer(svc.id, 2);
    expect(await runtime.containerStatus(svc.id)).toMatchObject({ exitCode: 2, reason: 'Error' });
    clock.advance(1_000);
    expect(await runtime.containerStatus(job.id)).toMatchObject({ exitCode: 0, reason: 'Completed' });
    for (const l of ['a', 'b', 'c']) runtime.writeLog(job.id, 'stderr', l);
    expect((await collect(runtime.readContainerLogs(job.id))).map((l) => l.content)).toEqual(['a', 'b', 'c']);
    expect((await collect(runtime.readContainerLogs(job.id, { tailLines: 1 }))).map((l) => l.content)).toEqual(['c']);
  });

  it('follows logs until the container exits', async () => {
    const { runtime } = setup();
    const { id } = await started(runtime);
    await runtime.startContainer(id);
    const reading = collect(runtime.readContainerLogs(id, { follow: true }));
    runtime.writeLog(id, 'stdout', 'one');
    await settle();
    runtime.writeLog(id, 'stdout', 'two');
    await settle();
    runtime.exitContainer(id, 0);
    expect((await reading).map((l) => l.content)).toEqual(['one', 'two']);
  });

  it("takes sandbox IPs from the node's pod CIDR once set, and reuses a removed sandbox's IP", async () => {
    const { runtime } = setup({ podCIDR: '127.128.4.0/30' });
    const a = await runtime.runPodSandbox(sandboxConfig('a'));
    const b = await runtime.runPodSandbox(sandboxConfig('b'));
    expect([(await runtime.podSandboxStatus(a)).network.ip, (await runtime.podSandboxStatus(b)).network.ip]).toEqual(['127.128.4.1', '127.128.4.2']);
    await expect(runtime.runPodSandbox(sandboxConfig('c'))).rejects.toThrow(/no free pod IP/);
    await runtime.removePodSandbox(a);
    const c = await runtime.runPodSandbox(sandboxConfig('c'));
    expect((await runtime.podSandboxStatus(c)).network.ip).toBe('127.128.4.1');
    runtime.setPodCIDR('127.128.9.0/24');
    expect((await runtime.podSandboxStatus(await runtime.runPodSandbox(sandboxConfig('d')))).network.ip).toBe('127.128.9.1');
  });

  it('fails pulls of unpullable images and counts pull latency on the clock', async () => {
    const { clock, runtime } = setup({ pullLatencyMs: 200, unpullableImages: new Set(['nope:1']) });
    const ok = runtime.pullImage('busybox:1.36');
    const bad = runtime.pullImage('nope:1');
    clock.advance(200);
    expect(await ok).toMatch(/^sha256:[0-9a-f]{64}$/);
    await expect(bad).rejects.toMatchObject({ code: 'NotFound' });
    expect((await runtime.listImages()).map((i) => i.repoTags[0])).toEqual(['busybox:1.36']);
  });
});
