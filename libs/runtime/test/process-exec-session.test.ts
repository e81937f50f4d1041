// ProcessRuntime.exec: the streamed exec behind `kubectl exec` (process-exec-session.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CriError, type ExecSession } from '@skiff/kubelet';
import { ProcessRuntime } from '../src/process-runtime.js';
import { containerConfig, eventually, processExists, sandboxConfig } from './helpers.js';

let root: string;
let runtime: ProcessRuntime;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'skiff-process-exec-'));
  runtime = new ProcessRuntime({ rootDir: root, podCIDR: '127.78.0.0/24' });
});

afterEach(async () => {
  await runtime.close();
  await rm(root, { recursive: true, force: true });
});

async function running(extra: Parameters<typeof containerConfig>[2] = {}): Promise<string> {
  const sandboxId = await runtime.runPodSandbox(sandboxConfig());
  const id = await runtime.createContainer(sandboxId, containerConfig('app', ['sleep', '300'], extra), sandboxConfig());
  await runtime.startContainer(id);
  return id;
}

async function text(stream: AsyncIterable<Uint8Array>): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += Buffer.from(chunk).toString('utf8');
  return out;
}

async function outcome(s: ExecSession): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const [stdout, stderr] = await Promise.all([text(s.stdout), text(s.stderr)]);
  return { stdout, stderr, exitCode: await s.exit };
}

describe('ProcessRuntime.exec', () => {
  it("runs in the container's env and working dir, stdout and stderr apart, with the exit code", async () => {
    const id = await running({ envs: [{ key: 'FOO', value: 'bar' }] });
    const s = await runtime.exec(id, { cmd: ['sh', '-c', 'echo "$FOO" "$POD_IP"; pwd; echo oops >&2; exit 4'], stdin: false, tty: false });
    const r = await outcome(s);
    const [foo, pwd] = r.stdout.trimEnd().split('\n');
    expect(foo).toMatch(/^bar 127\.78\.0\.\d+$/);
    expect(pwd).toContain(join(root, 'sandboxes'));
    expect(r.stderr).toBe('oops\n');
    expect(r.exitCode).toBe(4);
  });

  it('pipes stdin and ends it on closeStdin', async () => {
    const id = await running();
    const s = await runtime.exec(id, { cmd: ['cat'], stdin: true, tty: false });
    await s.writeStdin(new TextEncoder().encode('line 1\n'));
    await s.writeStdin(new TextEncoder().encode('line 2\n'));
    s.closeStdin();
    expect(await outcome(s)).toEqual({ stdout: 'line 1\nline 2\n', stderr: '', exitCode: 0 });
  });

  it('with tty (no pty allocated) merges stderr into stdout', async () => {
    const id = await running();
    const r = await outcome(await runtime.exec(id, { cmd: ['sh', '-c', 'echo out; echo err >&2'], stdin: false, tty: true }));
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').filter((l) => l !== '').sort()).toEqual(['err', 'out']);
  });

  it('a missing program exits 127 with the reason on stderr', async () => {
    const id = await running();
    const r = await outcome(await runtime.exec(id, { cmd: ['/no/such/program'], stdin: false, tty: false }));
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toContain('/no/such/program');
  });

  it('kill ends the command (exit 137); a stopped container ends its execs too', async () => {
    const id = await running();
    const a = await runtime.exec(id, { cmd: ['sleep', '300'], stdin: false, tty: false });
    a.kill();
    expect((await outcome(a)).exitCode).toBe(137);
    const b = await runtime.exec(id, { cmd: ['sh', '-c', 'echo $$; exec sleep 300'], stdin: false, tty: false });
    const it = b.stdout[Symbol.asyncIterator]();
    const pid = Number(Buffer.from((await it.next()).value as Uint8Array).toString().trim());
    expect(processExists(pid)).toBe(true);
    await runtime.stopContainer(id, 0);
    expect(await b.exit).toBe(137);
    await eventually(() => !processExists(pid) || undefined);
  });

  it('refuses a container that is not running (FailedPrecondition)', async () => {
    const id = await running();
    await runtime.stopContainer(id, 0);
    await expect(runtime.exec(id, { cmd: ['true'], stdin: false, tty: false })).rejects.toSatisfy((e: unknown) => e instanceof CriError && e.code === 'FailedPrecondition');
  });
});
