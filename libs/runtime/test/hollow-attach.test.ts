// HollowRuntime.attach: hollow containers have no process, so attach is a clear FailedPrecondition.
import { describe, expect, it } from 'vitest';
import { SeededRandom, SimulationClock } from '@skiff/core';
import { CriError } from '@skiff/kubelet';
import { HollowRuntime } from '../src/hollow-runtime.js';
import { containerConfig, sandboxConfig } from './helpers.js';

describe('hollow runtime attach', () => {
  it('refuses with FailedPrecondition naming the hollow node, running container or not', async () => {
    const clock = new SimulationClock();
    const runtime = new HollowRuntime({ clock, random: new SeededRandom(1) });
    const sandboxId = await runtime.runPodSandbox(sandboxConfig('app'));
    const id = await runtime.createContainer(sandboxId, containerConfig('app', ['serve'], { stdin: true }), sandboxConfig('app'));
    await expect(runtime.attach(id, { stdin: false, tty: false })).rejects.toSatisfy((e) => e instanceof CriError && e.code === 'FailedPrecondition' && /not running/.test(e.message));
    const started = runtime.startContainer(id);
    clock.advance(10_000);
    await started;
    await expect(runtime.attach(id, { stdin: true, tty: false })).rejects.toSatisfy((e) => e instanceof CriError && e.code === 'FailedPrecondition' && /hollow node/.test(e.message));
  });
});
