import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../src/cluster-client.js';
import { formatLogLine, lastLines, readTail } from '../src/log-tail.js';
import { InterruptedError, Shutdown } from '../src/shutdown.js';
import type { ClusterState } from '../src/state-file.js';
import { renderStatus, serviceHealth } from '../src/status-view.js';

describe('log tail', () => {
  it('condenses pino lines and keeps plain ones', () => {
    const pino = JSON.stringify({ level: 50, time: 1, part: 'store', msg: 'component stop failed', err: { message: 'timeout' } });
    expect(formatLogLine(pino)).toBe('ERROR [store] component stop failed: timeout');
    expect(formatLogLine('✖ NATS')).toBe('✖ NATS');
    expect(formatLogLine('{not json')).toBe('{not json');
  });

  it('keeps the last non-empty lines', () => {
    expect(lastLines('a\n\nb\nc\n', 2)).toEqual(['b', 'c']);
  });

  it('reads only the end of a big file, from a line start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-log-'));
    try {
      const file = join(dir, 'skiff.log');
      writeFileSync(file, Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n'));
      const tail = readTail(file, 100);
      expect(tail.length).toBeLessThanOrEqual(100);
      expect(tail.startsWith('line ')).toBe(true);
      expect(tail.endsWith('line 999')).toBe(true);
      expect(readTail(join(dir, 'missing'))).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('status view', () => {
  const service: ServiceStatus = {
    name: 'supervisor',
    id: 'ID1',
    version: '0.1.0',
    description: '',
    metadata: { instance: 'host1' },
    endpoints: ['describe'],
    pinged: true,
    requests: 4,
    errors: 0,
    lastError: undefined,
    health: { type: 'answered', healthy: true, ready: true, failedActors: [] },
  };
  const state: ClusterState = {
    v: 1,
    cluster: 'dev',
    pid: 10,
    startTicks: undefined,
    natsUrls: ['nats://127.0.0.1:4222'],
    managedNats: { pid: 11, startTicks: undefined },
    startedAt: new Date(1_000_000).toISOString(),
    components: ['supervisor'],
    nodes: 2,
    version: '0.1.0',
  };

  it('calls a service healthy when it answers PING without endpoint errors', () => {
    expect(serviceHealth(service)).toBe('ok');
    expect(serviceHealth({ ...service, pinged: false })).toBe('no ping reply');
    expect(serviceHealth({ ...service, errors: 1, lastError: 'boom' })).toBe('ok, 1/4 requests failed (last: boom)');
  });

  it('takes the health endpoint answer first', () => {
    expect(serviceHealth({ ...service, health: { type: 'answered', healthy: true, ready: false, failedActors: [] } })).toBe('not ready');
    expect(serviceHealth({ ...service, health: { type: 'answered', healthy: false, ready: true, failedActors: ['m1'] } })).toBe(
      'unhealthy (failed: m1)',
    );
    expect(serviceHealth({ ...service, health: { type: 'unanswered', reason: 'timed out' } })).toBe('health unanswered (timed out)');
    expect(serviceHealth({ ...service, health: undefined })).toBe('ok');
  });

  it('shows uptime, NATS and the services table', () => {
    const text = renderStatus(state, '/d', 1_000_000 + 192_000, [service]);
    expect(text).toContain('running (pid 10, up 3m12s)');
    expect(text).toContain('nats://127.0.0.1:4222 (managed, pid 11)');
    expect(text).toMatch(/supervisor\s+host1\s+0\.1\.0\s+describe\s+ok/);
    expect(renderStatus(state, '/d', 0, 'cannot reach NATS')).toContain('services: cannot reach NATS');
  });
});

describe('Shutdown', () => {
  it('keeps the first request only', async () => {
    const s = new Shutdown();
    expect(s.request('SIGTERM')).toBe(true);
    expect(s.request('crash', 1)).toBe(false);
    expect(await s.requested).toEqual({ reason: 'SIGTERM', exitCode: 0 });
  });

  it('interrupts pending work, and refuses new work once requested', async () => {
    const s = new Shutdown();
    const never = new Promise<void>(() => {});
    const pending = s.unless(never);
    s.request('SIGINT');
    await expect(pending).rejects.toBeInstanceOf(InterruptedError);
    await expect(s.unless(Promise.resolve(1))).rejects.toBeInstanceOf(InterruptedError);
  });

  it('passes results through when no request comes', async () => {
    expect(await new Shutdown().unless(Promise.resolve(7))).toBe(7);
  });
});
