// ProcessRuntime.attach: the running container's own stdio behind `kubectl attach` / `kubectl run -i`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CriError, type ContainerConfig } from '@skiff/kubelet';
import { ProcessRuntime } from '../src/process-runtime.js';
import { collect, containerConfig, eventually, sandboxConfig } from './helpers.js';

let root: string;
let runtime: ProcessRuntime;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'skiff-process-attach-'));
  runtime = new ProcessRuntime({ rootDir: root, podCIDR: '127.79.0.0/24' });
});

afterEach(async () => {
  await runtime.close();
  await rm(root, { recursive: true, force: true });
});

async function running(command: string[], extra: Partial<ContainerConfig> = {}): Promise<string> {
  const sandboxId = await runtime.runPodSandbox(sandboxConfig());
  const id = await runtime.createContainer(sandboxId, containerConfig('app', command, extra), sandboxConfig());
  await runtime.startContainer(id);
  return id;
}

async function text(stream: AsyncIterable<Uint8Array>): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += Buffer.from(chunk).toString('utf8');
  return out;
}

describe('ProcessRuntime.attach', () => {
  it('a stdinOnce shell runs what the attacher sends, and its output (with what it wrote before) reaches the session and the log', async () => {
    const id = await running(['sh', '-c', 'echo ready; exec sh'], { stdin: true, stdinOnce: true });
    const s = await runtime.attach(id, { stdin: true, tty: false });
    await s.writeStdin(new TextEncoder().encode('echo from-stdin\n'));
    s.closeStdin();
    const [stdout, stderr] = await Promise.all([text(s.stdout), text(s.stderr)]);
    expect(stdout).toBe('ready\nfrom-stdin\n');
    expect(stderr).toBe('');
    expect(await s.exit).toBe(0);
    await eventually(async () => (await runtime.containerStatus(id)).state === 'CONTAINER_EXITED');
    const logged = (await collect(runtime.readContainerLogs(id))).map((l) => l.content);
    expect(logged).toEqual(['ready', 'from-stdin']);
  });

  it('a detach leaves the container running; a later attach follows its output', async () => {
    const id = await running(['sh', '-c', 'i=0; while [ $i -lt 300 ]; do echo tick $i; i=$((i+1)); sleep 0.1; done']);
    const first = await runtime.attach(id, { stdin: false, tty: false });
    first.kill();
    expect(await first.exit).toBe(0);
    expect((await runtime.containerStatus(id)).state).toBe('CONTAINER_RUNNING');
    const second = await runtime.attach(id, { stdin: false, tty: false });
    for await (const chunk of second.stdout) {
      expect(Buffer.from(chunk).toString('utf8')).toMatch(/tick \d+/);
      break;
    }
    second.kill();
  });

  it('refuses a container that is not running (FailedPrecondition)', async () => {
    const id = await running(['sh', '-c', 'exit 0']);
    await eventually(async () => (await runtime.containerStatus(id)).state === 'CONTAINER_EXITED');
    await expect(runtime.attach(id, { stdin: false, tty: false })).rejects.toSatisfy((e) => e instanceof CriError && e.code === 'FailedPrecondition');
  });
});
