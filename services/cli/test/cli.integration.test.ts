// The real `skiff` as a child process, against a real nats-server: up --detach, status, inspect
// (table, JSON, watch), a refused second up, down, and no process left behind. Every run uses a
// fresh cluster name, a temp data dir and a temp HOME, so it never touches ~/.skiff.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNatsServer } from '@skiff/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/skiff.mjs', import.meta.url));
const STEP_TIMEOUT_MS = 90_000;

interface Result {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

let home: string;
let dataDir: string;
const cluster = `t${process.pid}${Math.floor(Math.random() * 1e6)}`;
const started: ChildProcess[] = [];

function skiffProcess(args: readonly string[]): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  return child;
}

function skiff(...args: string[]): Promise<Result> {
  const child = skiffProcess(args);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

/**
 * Gone: no such process, or a zombie. kill(pid, 0) alone cannot tell, and on this machine pid 1
 * does not always reap orphans, so a dead detached process may linger as a zombie.
 */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

function readState(): { pid: number; managedNats: { pid: number } | null; natsUrls: string[]; components: string[] } {
  return JSON.parse(readFileSync(join(dataDir, 'cluster.json'), 'utf8'));
}

async function busyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'skiff-home-'));
  dataDir = mkdtempSync(join(tmpdir(), 'skiff-data-'));
});

afterAll(async () => {
  // A failed assertion must not leave a cluster running: stop it the way a user would.
  if (existsSync(join(dataDir, 'cluster.json'))) await skiff('down', '--cluster', cluster, '--data-dir', dataDir);
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(home, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('skiff up --detach, status, inspect, down', () => {
  const at = (): string[] => ['--cluster', cluster, '--data-dir', dataDir];
  let state: ReturnType<typeof readState>;

  it('starts a cluster in the background and returns once it answers', { timeout: STEP_TIMEOUT_MS }, async () => {
    const up = await skiff('up', '--detach', ...at(), '--timeout', '60');
    expect(up.err).toBe('');
    expect(up.code).toBe(0);
    expect(up.out).toContain(`Skiff cluster ${cluster} is up`);
    expect(up.out).toContain(`skiff status --cluster ${cluster}`);
    state = readState();
    expect(state.components.slice(0, 5)).toEqual(['supervisor', 'store', 'apiserver', 'controller-manager', 'scheduler']);
    expect(up.out).toMatch(/controllers .* \(leader\)/);
    expect(up.out).toMatch(/scheduler\s+scheduler-1 \(leader\)/);
    expect(up.out).toContain(`export KUBECONFIG=${join(dataDir, 'kubeconfig')}`);
    expect(up.out).toMatch(/API\s+https:\/\/127\.0\.0\.1:\d+/);
    expect(gone(state.pid)).toBe(false);
    expect(state.managedNats).not.toBeNull();
    expect(gone(state.managedNats!.pid)).toBe(false);
  });

  it('reports it running, with the supervisor service healthy', { timeout: STEP_TIMEOUT_MS }, async () => {
    const status = await skiff('status', ...at());
    expect(status.code).toBe(0);
    expect(status.out).toContain(`running (pid ${state.pid}`);
    expect(status.out).toContain(state.natsUrls[0]);
    expect(status.out).toMatch(/^supervisor\s.*\sok$/m);
    expect(status.out).toMatch(/^STORE MEMBER\s+ROLE\s+TERM\s+LEADER/m);
    expect(status.out).toMatch(/^store: ok, leader store-\d, 3\/3 members follow it$/m);
  });

  it('reads and writes the store with skiff kv, etcdctl-style', { timeout: STEP_TIMEOUT_MS }, async () => {
    expect((await skiff('kv', 'put', 'cli/a', 'one', ...at())).out).toBe('OK\n');
    expect((await skiff('kv', 'put', 'cli/b', 'two', ...at())).code).toBe(0);
    expect((await skiff('kv', 'get', 'cli/', '--prefix', ...at())).out).toBe('cli/a\none\ncli/b\ntwo\n');
    // The apiserver's objects are in the same store: the bootstrap namespaces.
    expect((await skiff('kv', 'get', '/registry/core/namespaces/', '--prefix', '--keys-only', ...at())).out).toContain('/registry/core/namespaces/default\n');
    const grant = await skiff('kv', 'lease', 'grant', '60', ...at());
    const lease = /^lease ([0-9a-f]+) granted with TTL\(60s\)$/m.exec(grant.out)?.[1];
    expect(lease, grant.out + grant.err).toBeDefined();
    expect((await skiff('kv', 'put', 'cli/leased', 'x', '--lease', lease!, ...at())).code).toBe(0);
    expect((await skiff('kv', 'lease', 'ttl', lease!, ...at())).out).toContain('attached keys(cli/leased)');
    expect((await skiff('kv', 'lease', 'revoke', lease!, ...at())).code).toBe(0);
    expect((await skiff('kv', 'get', 'cli/leased', ...at())).out).toBe('');
    expect((await skiff('kv', 'del', 'cli/', '--prefix', ...at())).out).toBe('2\n');
    expect((await skiff('kv', 'status', ...at())).out).toMatch(/^store: ok, leader store-\d, 3\/3 members follow it$/m);
    const bad = await skiff('kv', 'lease', 'revoke', 'zz', ...at());
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('invalid lease id "zz"');
  });

  it('shows the supervisor actor running, as a table and as JSON', { timeout: STEP_TIMEOUT_MS }, async () => {
    const table = await skiff('inspect', ...at());
    expect(table.code).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(/^SERVICE\s+INSTANCE\s+ACTOR\s+MACHINE\s+STATE$/);
    expect(table.out).toMatch(/^supervisor\s+\S+\s+cluster\s+cluster\s+running$/m);
    expect(table.out).toMatch(/^scheduler\s+scheduler-1\s+scheduler-loop-default-scheduler\s+scheduler-loop\s+leading/m);
    const json = await skiff('inspect', ...at(), '--json');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.out) as { services: { service: string; actors: { id: string; state: unknown; definition?: unknown }[] }[] };
    const supervisor = parsed.services.find((s) => s.service === 'supervisor');
    const actor = supervisor?.actors.find((a) => a.id === 'cluster');
    expect(actor?.state).toBe('running');
    expect(JSON.stringify(actor?.definition)).toContain('stopping');
  });

  it('refuses a second up for the running cluster, detached or not', { timeout: STEP_TIMEOUT_MS }, async () => {
    const detached = await skiff('up', '--detach', ...at());
    expect(detached.code).toBe(1);
    expect(detached.err).toContain(`cluster ${cluster} is already running (pid ${state.pid})`);
    const foreground = await skiff('up', ...at());
    expect(foreground.code).toBe(1);
    expect(foreground.err).toContain('already running');
    expect(readState().pid).toBe(state.pid);
  });

  it('stops it with down; --watch sees the supervisor stop; nothing is left running', { timeout: STEP_TIMEOUT_MS }, async () => {
    const watch = skiffProcess(['inspect', '--watch', ...at()]);
    let watched = '';
    watch.stdout!.on('data', (c: Buffer) => (watched += c.toString()));
    const watchEnded = new Promise<number | null>((resolve) => watch.once('close', resolve));
    // Bounded wait for the watcher to subscribe (it prints the table first).
    for (let i = 0; i < 300 && !watched.includes('watching transitions'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(watched).toContain('watching transitions');

    const down = await skiff('down', ...at());
    expect(down.code).toBe(0);
    expect(down.out).toContain(`cluster ${cluster} stopped`);
    expect(gone(state.pid)).toBe(true);
    expect(gone(state.managedNats!.pid)).toBe(true);
    expect(existsSync(join(dataDir, 'cluster.json'))).toBe(false);

    // The watcher notices the cluster is gone and ends by itself.
    expect(await watchEnded).toBe(0);
    expect(watched).toMatch(/supervisor\/\S+ cluster {2}running -> stopping {2}on stop/);

    const status = await skiff('status', ...at());
    expect(status.code).toBe(1);
    expect(status.err).toContain(`cluster ${cluster} is not running`);
    const again = await skiff('down', ...at());
    expect(again.code).toBe(0);
    expect(again.out).toContain('is not running');
  });
});

describe('skiff up --nats (external servers)', () => {
  it('uses the given server, reports it external, and leaves it running on down', { timeout: STEP_TIMEOUT_MS }, async () => {
    const nats = await startNatsServer();
    const dir = mkdtempSync(join(tmpdir(), 'skiff-data-'));
    const name = `${cluster}x`;
    try {
      const up = await skiff('up', '--detach', '--cluster', name, '--data-dir', dir, '--nats', nats.url);
      expect(up.err).toBe('');
      expect(up.code).toBe(0);
      expect(up.out).toContain(`${nats.url} (external)`);
      const st = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as { managedNats: unknown; natsUrls: string[] };
      expect(st.managedNats).toBeNull();
      expect(st.natsUrls).toEqual([nats.url]);
      const status = await skiff('status', '--cluster', name, '--data-dir', dir);
      expect(status.code).toBe(0);
      expect(status.out).toContain('(external)');
      const down = await skiff('down', '--cluster', name, '--data-dir', dir);
      expect(down.code).toBe(0);
      expect(gone(nats.pid!)).toBe(false);
    } finally {
      if (existsSync(join(dir, 'cluster.json'))) await skiff('down', '--cluster', name, '--data-dir', dir);
      await nats.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names unreachable servers', { timeout: STEP_TIMEOUT_MS }, async () => {
    const { server, port } = await busyPort();
    server.close(); // a port nobody listens on
    const dir = mkdtempSync(join(tmpdir(), 'skiff-data-'));
    try {
      const up = await skiff('up', '--cluster', `${cluster}u`, '--data-dir', dir, '--nats', `127.0.0.1:${port}`);
      expect(up.code).toBe(1);
      expect(up.err).toContain(`cannot reach NATS at nats://127.0.0.1:${port}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('skiff up failures', () => {
  it('names a busy --nats-port and how to fix it', { timeout: STEP_TIMEOUT_MS }, async () => {
    const { server, port } = await busyPort();
    const dir = mkdtempSync(join(tmpdir(), 'skiff-data-'));
    try {
      const up = await skiff('up', '--cluster', `${cluster}p`, '--data-dir', dir, '--nats-port', String(port));
      expect(up.code).toBe(1);
      expect(up.err).toContain(`127.0.0.1:${port} is already in use`);
      expect(up.err).toContain('--nats-port');
      expect(existsSync(join(dir, 'cluster.json'))).toBe(false);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows the end of the log when the detached cluster exits before ready', { timeout: STEP_TIMEOUT_MS }, async () => {
    const { server, port } = await busyPort();
    const dir = mkdtempSync(join(tmpdir(), 'skiff-data-'));
    try {
      const up = await skiff('up', '--detach', '--cluster', `${cluster}q`, '--data-dir', dir, '--nats-port', String(port));
      expect(up.code).toBe(1);
      expect(up.err).toContain('exited (1) before it was ready');
      expect(up.err).toContain('already in use');
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('down cleans up after a cluster process that was killed, nats-server included', { timeout: STEP_TIMEOUT_MS }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-data-'));
    try {
      const child = skiffProcess(['up', '--cluster', `${cluster}k`, '--data-dir', dir]);
      const file = join(dir, 'cluster.json');
      for (let i = 0; i < 600 && !existsSync(file) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
      const st = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; managedNats: { pid: number } };
      // A crash: the cluster process dies without stopping its nats-server (a child outside its group's reach here).
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('close', resolve));
      expect(gone(st.managedNats.pid)).toBe(false);
      const down = await skiff('down', '--cluster', `${cluster}k`, '--data-dir', dir);
      expect(down.code).toBe(0);
      expect(down.out).toContain(`removed the stale state of pid ${st.pid}`);
      expect(down.out).toContain(`nats-server pid ${st.managedNats.pid}`);
      expect(gone(st.managedNats.pid)).toBe(true);
      expect(existsSync(file)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops a foreground cluster cleanly on SIGTERM', { timeout: STEP_TIMEOUT_MS }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-data-'));
    try {
      const child = skiffProcess(['up', '--cluster', `${cluster}f`, '--data-dir', dir]);
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
      const file = join(dir, 'cluster.json');
      for (let i = 0; i < 600 && !existsSync(file) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
      const fg = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; managedNats: { pid: number } };
      expect(fg.pid).toBe(child.pid);
      child.kill('SIGTERM');
      expect(await closed).toBe(0);
      expect(out).toContain('Stopping cluster');
      expect(existsSync(file)).toBe(false);
      expect(gone(fg.managedNats.pid)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
