// HollowRuntime.exec: a simulated kubectl exec, answered by the `exec` option as execSync is.
import { describe, expect, it } from 'vitest';
import { SeededRandom, SimulationClock } from '@skiff/core';
import { CriError, type ExecSession } from '@skiff/kubelet';
import { HollowRuntime } from '../src/hollow-runtime.js';
import { containerConfig, sandboxConfig } from './helpers.js';

async function runningIn(runtime: HollowRuntime, clock: SimulationClock): Promise<string> {
  const sandboxId = await runtime.runPodSandbox(sandboxConfig('app'));
  const id = await runtime.createContainer(sandboxId, containerConfig('app', ['serve']), sandboxConfig('app'));
  const started = runtime.startContainer(id);
  clock.advance(10_000);
  await started;
  return id;
}

async function text(stream: AsyncIterable<Uint8Array>): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += new TextDecoder().decode(chunk);
  return out;
}

const outcome = async (s: ExecSession) => ({ stdout: await text(s.stdout), stderr: await text(s.stderr), exitCode: await s.exit });

describe('hollow runtime exec', () => {
  const exec = (_: unknown, cmd: readonly string[]) => ({ stdout: `ran ${cmd.join(' ')}\n`, stderr: 'warn\n', exitCode: cmd.length, timedOut: false });

  it("answers with the exec option's output and exit code", async () => {
    const clock = new SimulationClock();
    const runtime = new HollowRuntime({ clock, random: new SeededRandom(1), exec });
    const id = await runningIn(runtime, clock);
    const s = await runtime.exec(id, { cmd: ['a', 'b'], stdin: true, tty: false });
    await s.writeStdin(Uint8Array.of(1)); // taken and dropped
    expect(await outcome(s)).toEqual({ stdout: 'ran a b\n', stderr: 'warn\n', exitCode: 2 });
  });

  it('with tty, stderr comes on stdout; without an exec option, nothing and exit 0', async () => {
    const clock = new SimulationClock();
    const runtime = new HollowRuntime({ clock, random: new SeededRandom(1), exec });
    const id = await runningIn(runtime, clock);
    expect(await outcome(await runtime.exec(id, { cmd: ['x'], stdin: false, tty: true }))).toEqual({ stdout: 'ran x\nwarn\n', stderr: '', exitCode: 1 });
    const plain = new HollowRuntime({ clock, random: new SeededRandom(1) });
    const other = await runningIn(plain, clock);
    expect(await outcome(await plain.exec(other, { cmd: ['x'], stdin: false, tty: false }))).toEqual({ stdout: '', stderr: '', exitCode: 0 });
  });

  it('refuses a container that does not run', async () => {
    const clock = new SimulationClock();
    const runtime = new HollowRuntime({ clock, random: new SeededRandom(1), exec });
    const sandboxId = await runtime.runPodSandbox(sandboxConfig('app'));
    const id = await runtime.createContainer(sandboxId, containerConfig('app', ['serve']), sandboxConfig('app'));
    await expect(runtime.exec(id, { cmd: ['x'], stdin: false, tty: false })).rejects.toSatisfy((e: unknown) => e instanceof CriError && e.code === 'FailedPrecondition');
  });
});
