// kubectl exec end to end: the real kubectl 1.32 -> the API server's WebSocket upgrade
// (v5.channel.k8s.io) -> NATS `kubelet.<node>.exec` -> the process runtime, against a real
// nats-server, store member and API server (cluster.ts) and one kubelet.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '@skiff/api';
import { decode, encode, isEndOfStream, NatsBus, type Envelope, type Msg } from '@skiff/bus';
import { Resources } from '@skiff/client';
import { type Kubelet } from '../src/index.js';
import { CLUSTER, startTestCluster, waitFor, type TestCluster, startTestKubelet } from './cluster.js';

const NODE = 'exec-node';
const POD = 'shell';
const T = 60_000;

let c: TestCluster;
let k: Kubelet;
let podIP: string;

beforeAll(async () => {
  c = await startTestCluster();
  k = await startTestKubelet(c, NODE, 7);
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD, namespace: 'default' },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'], env: [{ name: 'GREETING', value: 'hello from the pod' }] }],
    },
  };
  await k.client.create(Resources.pods, pod, { namespace: 'default' });
  podIP = await waitFor('pod running', async () => {
    const p = await k.client.get<Pod>(Resources.pods, POD, { namespace: 'default' });
    return p.status?.phase === 'Running' && p.status.podIP !== undefined ? p.status.podIP : undefined;
  });
}, 120_000);

afterAll(async () => {
  await k?.stop();
  await c?.stop();
}, 90_000);

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs kubectl with `input` on its stdin (or none); a run that hangs is killed after 45 s and fails its test. */
function kubectl(args: string[], input?: string | Buffer): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn('/usr/bin/kubectl', args, { env: { ...process.env, KUBECONFIG: c.api.kubeconfigPath!, HOME: c.dir }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    proc.stdout.on('data', (b: Buffer) => out.push(b));
    proc.stderr.on('data', (b: Buffer) => err.push(b));
    proc.stdin.on('error', () => undefined);
    proc.stdin.end(input);
    const killer = setTimeout(() => proc.kill('SIGKILL'), 45_000);
    proc.on('error', reject);
    proc.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

describe('kubectl exec', () => {
  it('runs a command and prints its output', async () => {
    const r = await kubectl(['exec', POD, '--', 'echo', 'hi']);
    expect(r).toMatchObject({ code: 0, stdout: 'hi\n' });
  }, T);

  it('exits with the command exit code', async () => {
    const r = await kubectl(['exec', POD, '--', 'sh', '-c', 'exit 3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('command terminated with exit code 3');
  }, T);

  it('round-trips stdin (-i)', async () => {
    const r = await kubectl(['exec', '-i', POD, '--', 'cat'], 'data\n');
    expect(r).toMatchObject({ code: 0, stdout: 'data\n' });
  }, T);

  it('keeps stdout and stderr apart', async () => {
    const r = await kubectl(['exec', POD, '--', 'sh', '-c', 'echo out; echo err >&2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toContain('err\n');
  }, T);

  it("runs in the container's context: its env and the pod IP", async () => {
    const r = await kubectl(['exec', POD, '--', 'sh', '-c', 'echo "$GREETING" "$POD_IP"']);
    expect(r.stdout).toBe(`hello from the pod ${podIP}\n`);
  }, T);

  it('carries output larger than the flow-control window, in order', async () => {
    const r = await kubectl(['exec', POD, '--', 'seq', '1', '200000']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(200_000);
    expect([lines[0], lines[99_999], lines[199_999]]).toEqual(['1', '100000', '200000']);
  }, T);

  it('carries stdin larger than the flow-control window', async () => {
    const input = Buffer.alloc(1_000_000, 'x');
    const r = await kubectl(['exec', '-i', POD, '--', 'wc', '-c'], input);
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout.trim()).toBe('1000000');
  }, T);

  it('answers a command that does not exist with exit code 127', async () => {
    const r = await kubectl(['exec', POD, '--', 'no-such-command-here']);
    expect(r.code).toBe(127);
    expect(r.stderr).toContain('no-such-command-here');
  }, T);

  it('-it works line by line under a terminal (no pty in the container: stdin is a pipe, stderr joins stdout)', async () => {
    // script(1) gives kubectl a terminal, so it asks for tty=true and sends its window size (channel 4).
    const cmd = `/usr/bin/kubectl exec -it ${POD} -- sh -c 'read line; echo "got $line"; echo err >&2; [ -t 0 ] || echo "stdin is no tty"'`;
    const r = await new Promise<Run>((resolve, reject) => {
      const proc = spawn('/usr/bin/script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, KUBECONFIG: c.api.kubeconfigPath!, HOME: c.dir }, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
      proc.stdin.write('abc\n');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 45_000);
      proc.on('error', reject);
      proc.on('close', (code) => {
        clearTimeout(killer);
        resolve({ code, stdout: out, stderr: '' });
      });
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('got abc');
    expect(r.stdout).toContain('err');
    expect(r.stdout).toContain('stdin is no tty');
  }, T);

  it("gives kubectl's usual error for a missing container", async () => {
    const r = await kubectl(['exec', POD, '-c', 'nope', '--', 'echo', 'hi']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`container nope is not valid for pod ${POD}`);
    expect(r.stdout).toBe('');
  }, T);
});

/** True while the process runs (a zombie does not count). */
function processExists(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('either side going away', () => {
  it('kubectl killed mid-exec: the apiserver cancels and the command dies', async () => {
    const proc = spawn('/usr/bin/kubectl', ['exec', POD, '--', 'sh', '-c', 'echo $$; exec sleep 300'], { env: { ...process.env, KUBECONFIG: c.api.kubeconfigPath!, HOME: c.dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = await new Promise<number>((resolve, reject) => {
      proc.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim())));
      proc.once('close', () => reject(new Error('kubectl ended before printing the pid')));
    });
    expect(processExists(pid)).toBe(true);
    proc.kill('SIGKILL');
    await waitFor('exec command gone', () => (processExists(pid) ? undefined : true));
  }, T);
});

describe('kubelet.<node>.exec over NATS', () => {
  const subject = `skiff.${CLUSTER}.kubelet.${NODE}.exec`;
  const request = { type: 'kubelet.exec', namespace: 'default', pod: POD, container: 'main', command: ['sh', '-c', 'echo $$; exec sleep 300'], stdin: false, stdout: true, stderr: true, tty: false };
  let bus: NatsBus;

  beforeAll(async () => {
    bus = await NatsBus.connect({ servers: [c.nats.url], name: 'exec-it-raw' });
  });
  afterAll(async () => {
    await bus?.close();
  });

  /** Opens a session; returns its control subject, the pid it printed and the rest of the stream. */
  async function open(): Promise<{ control: string; pid: number; rest: AsyncIterator<Msg> }> {
    const it = bus.requestStream(subject, encode(request), { idleTimeoutMs: 30_000 })[Symbol.asyncIterator]();
    const opened = decode(((await it.next()).value as Msg).data);
    expect(opened.type).toBe('kubelet.exec.opened');
    for (let i = 0; i < 10; i++) {
      const env = decode(((await it.next()).value as Msg).data);
      if (env.type === 'kubelet.exec.output') return { control: opened['control'] as string, pid: Number(Buffer.from(env['data'] as Uint8Array).toString().trim()), rest: it };
    }
    throw new Error('no output');
  }

  /** Reads to the end of the stream (bounded), returning the envelopes that are not pings. */
  async function drain(it: AsyncIterator<Msg>): Promise<Envelope[]> {
    const out: Envelope[] = [];
    for (let i = 0; i < 100; i++) {
      const next = await it.next();
      if (next.done === true || isEndOfStream(next.value)) return out;
      const env = decode(next.value.data);
      if (env.type !== 'kubelet.exec.ping') out.push(env);
    }
    throw new Error('the stream did not end');
  }

  it('a malformed request gets a BadRequest reply', async () => {
    const reply = decode((await bus.request(subject, encode({ ...request, command: [] }), { timeoutMs: 10_000 })).data);
    expect(reply).toMatchObject({ type: 'error', code: 'BadRequest' });
  }, T);

  it('a pod that is not on the node gets NotFound', async () => {
    const reply = decode((await bus.request(subject, encode({ ...request, pod: 'elsewhere' }), { timeoutMs: 10_000 })).data);
    expect(reply).toMatchObject({ type: 'error', code: 'NotFound' });
  }, T);

  it('a bad control message ends the session with a clear error and kills the command', async () => {
    const { control, pid, rest } = await open();
    expect(processExists(pid)).toBe(true);
    bus.publish(control, Uint8Array.of(1, 2, 3));
    const tail = await drain(rest);
    expect(tail.find((e) => e.type === 'error')).toMatchObject({ code: 'BadRequest', message: expect.stringContaining('undecodable control message') });
    await waitFor('command gone', () => (processExists(pid) ? undefined : true));
  }, T);

  it('cancel kills the command and ends the stream', async () => {
    const { control, pid, rest } = await open();
    bus.publish(control, encode({ type: 'kubelet.exec.cancel' }));
    const tail = await drain(rest);
    expect(tail.at(-1)).toMatchObject({ type: 'kubelet.exec.exit', exitCode: 137 });
    expect(processExists(pid)).toBe(false);
  }, T);
});
