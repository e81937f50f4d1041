// kubectl attach and kubectl run -i end to end: the real kubectl 1.32 -> the API server's WebSocket
// upgrade of pods/attach (v5.channel.k8s.io) -> NATS `kubelet.<node>.attach` -> the process
// runtime's container stdio, against a real nats-server, store member and API server (cluster.ts)
// and one kubelet. No scheduler runs: the test binds kubectl run's pods to the node itself.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '@skiff/api';
import { Resources } from '@skiff/client';
import { type Kubelet } from '../src/index.js';
import { startTestCluster, waitFor, type TestCluster, startTestKubelet } from './cluster.js';

const NODE = 'attach-node';
const T = 90_000;

let c: TestCluster;
let k: Kubelet;
let binding = true;
let binder: Promise<void> | undefined;
/** A host folder the containers see too (the host /tmp is bound into container roots). */
let shared: string;

/** Stands in for the scheduler: binds every unbound pod of `default` to NODE, until the tests end. */
async function bindPods(): Promise<void> {
  for (let i = 0; binding && i < 10_000; i++) {
    try {
      const pods = await k.client.list<Pod>(Resources.pods, { namespace: 'default' });
      for (const p of pods.items) {
        if (p.spec?.nodeName !== undefined && p.spec.nodeName !== '') continue;
        await k.client.bind({ metadata: { name: p.metadata.name ?? '', namespace: 'default' }, target: { name: NODE } }).catch(() => undefined);
      }
    } catch {
      // the next round tries again
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  shared = mkdtempSync(join(tmpdir(), 'skiff-attach-it-'));
  c = await startTestCluster();
  k = await startTestKubelet(c, NODE, 10);
  binder = bindPods();
}, 120_000);

afterAll(async () => {
  binding = false;
  await binder;
  await k?.stop();
  await c?.stop();
  rmSync(shared, { recursive: true, force: true });
}, 90_000);

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A kubectl process with `input` on its stdin; a run that hangs is killed after 75 s and fails its test. */
function kubectl(args: string[], input?: string): { done: Promise<Run>; stdout: () => string; kill: () => void } {
  const proc = spawn('/usr/bin/kubectl', args, { env: { ...process.env, KUBECONFIG: c.api.kubeconfigPath!, HOME: c.dir }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
  proc.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
  proc.stdin.on('error', () => undefined);
  proc.stdin.end(input);
  const killer = setTimeout(() => proc.kill('SIGKILL'), 75_000);
  const done = new Promise<Run>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout: out, stderr: err });
    });
  });
  return { done, stdout: () => out, kill: () => proc.kill('SIGKILL') };
}

async function gone(name: string): Promise<boolean> {
  return k.client.get<Pod>(Resources.pods, name, { namespace: 'default' }).then(
    () => false,
    () => true,
  );
}

describe('kubectl run -i --rm', () => {
  it("prints a command's whole output (the first line included), exits 0 and deletes the pod", async () => {
    const r = await kubectl(['run', '-i', '--rm', '--restart=Never', 't', '--image=busybox', '--', 'sh', '-c', 'echo hi; sleep 1; echo bye']).done;
    expect(r.stderr).not.toContain('falling back to streaming logs');
    expect(r.stdout).toContain('hi\nbye\n');
    expect(r.code).toBe(0);
    await waitFor('pod t deleted', async () => ((await gone('t')) ? true : undefined), 60_000);
  }, T);

  it("runs the commands piped to kubectl's stdin in the container's shell", async () => {
    const r = await kubectl(['run', '-i', '--rm', '--restart=Never', 't2', '--image=busybox', '--', 'sh'], 'echo from-stdin\n').done;
    expect(r.stdout).toContain('from-stdin\n');
    expect(r.code).toBe(0);
  }, T);

  it("exits with the container's exit code", async () => {
    const r = await kubectl(['run', '-i', '--rm', '--restart=Never', 't3', '--image=busybox', '--', 'sh'], 'echo failing; exit 3\n').done;
    expect(r.stdout).toContain('failing\n');
    expect(r.code).toBe(3);
  }, T);
});

describe('kubectl run -it --rm', () => {
  it('runs a shell under a terminal (tty: stdin is still a pipe in the container, output on stdout)', async () => {
    // script(1) gives kubectl a terminal, so it asks for tty (container and attach) and goes raw.
    const cmd = `/usr/bin/kubectl run -it --rm --restart=Never t4 --image=busybox -- sh`;
    const r = await new Promise<Run>((resolve, reject) => {
      const proc = spawn('/usr/bin/script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, KUBECONFIG: c.api.kubeconfigPath!, HOME: c.dir }, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
      // The sum, not the typed text: a terminal echoes what is typed.
      proc.stdin.write('echo tty-$((40+2))\nexit 0\n');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 75_000);
      proc.on('error', reject);
      proc.on('close', (code) => {
        clearTimeout(killer);
        resolve({ code, stdout: out, stderr: '' });
      });
    });
    expect(r.stdout).toContain('tty-42');
    expect(r.code).toBe(0);
  }, T);
});

describe('kubectl attach', () => {
  it('follows the output of a running container and ends with it', async () => {
    const stop = join(shared, 'stop');
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'ticker', namespace: 'default' },
      spec: {
        nodeName: NODE,
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', `i=0; while [ ! -e ${stop} ] && [ $i -lt 3000 ]; do echo tick $i; i=$((i+1)); sleep 0.2; done; echo finished; echo to-stderr >&2`] }],
      },
    };
    await k.client.create(Resources.pods, pod, { namespace: 'default' });
    await waitFor('ticker running', async () => ((await k.client.get<Pod>(Resources.pods, 'ticker', { namespace: 'default' })).status?.phase === 'Running' ? true : undefined), 60_000);
    const missing = await kubectl(['attach', 'ticker', '-c', 'nope']).done;
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('nope');
    const attach = kubectl(['attach', 'ticker', '-c', 'main']);
    try {
      await waitFor('a tick through attach', () => (/tick \d+\n/.test(attach.stdout()) ? true : undefined), 60_000);
      writeFileSync(stop, '');
      const r = await attach.done;
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/tick \d+\n(tick \d+\n)*finished\n$/);
      expect(r.stderr).toContain('to-stderr');
    } finally {
      attach.kill();
      expect(existsSync(stop)).toBe(true);
    }
  }, T);
});
