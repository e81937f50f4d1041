// ContainerStdio: a container's output fanned out to attach sessions, its stdin shared (container-stdio.ts).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ExecSession } from '@skiff/kubelet';
import { ContainerStdio } from '../src/container-stdio.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

async function text(stream: AsyncIterable<Uint8Array>): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += Buffer.from(chunk).toString('utf8');
  return out;
}

async function drained(s: ExecSession): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const [stdout, stderr] = await Promise.all([text(s.stdout), text(s.stderr)]);
  return { stdout, stderr, exitCode: await s.exit };
}

/** A stand-in for the container's stdin pipe: what was written, and whether it was ended. */
function stdinPipe(): { pipe: PassThrough; received: () => string; ended: () => boolean } {
  const pipe = new PassThrough();
  let got = '';
  let ended = false;
  pipe.on('data', (c: Buffer) => (got += c.toString('utf8')));
  pipe.on('end', () => (ended = true));
  return { pipe, received: () => got, ended: () => pipe.writableEnded || ended };
}

describe('ContainerStdio', () => {
  it('gives a session the output from its attach on, stdout and stderr apart, and ends it with the container (exit 0)', async () => {
    const stdio = new ContainerStdio({ stdin: undefined, stdinOnce: false, tty: false });
    stdio.output('stdout', bytes('before\n'));
    const s = stdio.attach({ stdin: false, tty: false });
    stdio.output('stdout', bytes('out\n'));
    stdio.output('stderr', bytes('err\n'));
    stdio.end();
    expect(await drained(s)).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 0 });
  });

  it('holds a stdin container\'s output for its first attacher only, keeping the latest bytes within the bound', async () => {
    const { pipe } = stdinPipe();
    const stdio = new ContainerStdio({ stdin: pipe, stdinOnce: true, tty: false, heldOutputMaxBytes: 8 });
    stdio.output('stdout', bytes('dropped\n'));
    stdio.output('stdout', bytes('hi\n'));
    stdio.output('stderr', bytes('e\n'));
    const first = stdio.attach({ stdin: false, tty: false });
    const second = stdio.attach({ stdin: false, tty: false });
    stdio.output('stdout', bytes('bye\n'));
    stdio.end();
    expect(await drained(first)).toEqual({ stdout: 'hi\nbye\n', stderr: 'e\n', exitCode: 0 });
    expect(await drained(second)).toEqual({ stdout: 'bye\n', stderr: '', exitCode: 0 });
  });

  it('with tty puts stderr on stdout', async () => {
    const stdio = new ContainerStdio({ stdin: undefined, stdinOnce: false, tty: true });
    const s = stdio.attach({ stdin: false, tty: true });
    stdio.output('stdout', bytes('a'));
    stdio.output('stderr', bytes('b'));
    stdio.end();
    expect(await drained(s)).toEqual({ stdout: 'ab', stderr: '', exitCode: 0 });
  });

  it('stdinOnce: the first stdin session passes its bytes and, when it closes stdin, the container\'s stdin closes for good', async () => {
    const { pipe, received, ended } = stdinPipe();
    const stdio = new ContainerStdio({ stdin: pipe, stdinOnce: true, tty: false });
    const s = stdio.attach({ stdin: true, tty: false });
    await s.writeStdin(bytes('echo hi\n'));
    s.closeStdin();
    expect(ended()).toBe(true);
    const later = stdio.attach({ stdin: true, tty: false });
    await later.writeStdin(bytes('lost\n')); // dropped: the pipe is closed
    expect(received()).toBe('echo hi\n');
    later.kill();
    s.kill();
    expect(await s.exit).toBe(0);
  });

  it('stdinOnce: a detach of the stdin session closes the container\'s stdin; a session without stdin does not', () => {
    const { pipe, ended } = stdinPipe();
    const stdio = new ContainerStdio({ stdin: pipe, stdinOnce: true, tty: false });
    stdio.attach({ stdin: false, tty: false }).kill();
    expect(ended()).toBe(false);
    stdio.attach({ stdin: true, tty: false }).kill();
    expect(ended()).toBe(true);
  });

  it('without stdinOnce, stdin stays open across sessions', async () => {
    const { pipe, received, ended } = stdinPipe();
    const stdio = new ContainerStdio({ stdin: pipe, stdinOnce: false, tty: false });
    const a = stdio.attach({ stdin: true, tty: false });
    await a.writeStdin(bytes('one\n'));
    a.closeStdin();
    a.kill();
    const b = stdio.attach({ stdin: true, tty: false });
    await b.writeStdin(bytes('two\n'));
    expect(ended()).toBe(false);
    expect(received()).toBe('one\ntwo\n');
    expect(stdio.attachedSessions).toBe(1);
  });

  it('refuses stdin from a session that did not ask for it', async () => {
    const { pipe } = stdinPipe();
    const stdio = new ContainerStdio({ stdin: pipe, stdinOnce: false, tty: false });
    await expect(stdio.attach({ stdin: false, tty: false }).writeStdin(bytes('x'))).rejects.toThrow(/stdin/);
  });

  it('detaches a session that falls too far behind instead of holding the container', async () => {
    const stdio = new ContainerStdio({ stdin: undefined, stdinOnce: false, tty: false, sessionBufferMaxBytes: 10 });
    const slow = stdio.attach({ stdin: false, tty: false });
    for (let i = 0; i < 5; i++) stdio.output('stdout', bytes('0123456789'));
    expect(stdio.attachedSessions).toBe(0);
    expect(await slow.exit).toBe(0);
    const out = await text(slow.stdout);
    expect(out.length).toBeLessThan(50);
  });

  it('an attach after the container ended gets an ended session', async () => {
    const stdio = new ContainerStdio({ stdin: undefined, stdinOnce: false, tty: false });
    stdio.end();
    expect(await drained(stdio.attach({ stdin: false, tty: false }))).toEqual({ stdout: '', stderr: '', exitCode: 0 });
  });
});
