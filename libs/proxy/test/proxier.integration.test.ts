// Real TCP on 127.0.0.0/8 (every 127.x address is local on Linux): node:http backends on
// 127.0.1.1..3, each answering its own name, behind a Proxier listening on ClusterIPs in
// 127.96.0.0/16 and NodePorts on 127.0.10.x.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { MemoryNetwork } from '@skiff/bus';
import { silentLogger, startServiceHost } from '@skiff/actors';
import { SeededRandom, SimulationClock } from '@skiff/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProxyMetrics, Proxier, type Listener, type ProxierOptions } from '../src/index.js';
import { endpoints, service, tcpListener } from './fixtures.js';

interface Backend {
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  readonly server: http.Server;
}

/** Answers `<name> <client port as seen by the backend>`, so a reply names its backend and connection. */
async function startBackend(name: string, ip: string): Promise<Backend> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(`${name} ${req.socket.remotePort}`));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, ip, resolve));
  return { name, ip, port: (server.address() as net.AddressInfo).port, server };
}

async function closeBackend(b: Backend): Promise<void> {
  await new Promise<void>((resolve) => {
    b.server.close(() => resolve());
    b.server.closeAllConnections();
  });
}

function get(host: string, port: number, opts: { agent?: http.Agent; localAddress?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', agent: opts.agent ?? false, ...(opts.localAddress === undefined ? {} : { localAddress: opts.localAddress }) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('request timed out')));
  });
}

async function tally(n: number, call: () => Promise<string>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const name = (await call()).split(' ')[0]!;
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

/** Polls a condition a bounded number of times (no timing assertion: only an upper bound on waiting). */
async function eventually(check: () => boolean, what: string, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never happened: ${what}`);
}

const CLUSTER_IP = '127.96.0.10';
const PORT = 8080;
let backends: Backend[] = [];
const proxiers: Proxier[] = [];

function proxier(opts: ProxierOptions = {}): Proxier {
  const p = new Proxier({ listener: { openBackoffInitialMs: 20, openBackoffMaxMs: 100, drainTimeoutMs: 5_000 }, ...opts });
  proxiers.push(p);
  return p;
}

function serviceListener(affinity: Listener['affinity'] = { type: 'None' }, notReady: string[] = []): Listener {
  return tcpListener(CLUSTER_IP, PORT, backends.map((b) => ({ ip: b.ip, port: b.port, ready: !notReady.includes(b.name) })), affinity);
}

beforeAll(async () => {
  backends = await Promise.all([1, 2, 3].map((n) => startBackend(`b${n}`, `127.0.1.${n}`)));
});

afterEach(async () => {
  await Promise.all(proxiers.splice(0).map((p) => p.stop()));
});

afterAll(async () => {
  await Promise.all(backends.map(async (b) => (b.server.listening ? closeBackend(b) : undefined)));
});

describe('Proxier over real TCP', () => {
  it('spreads 300 connections over 3 backends round-robin (each >= 20%)', async () => {
    const metrics = createProxyMetrics();
    const p = proxier({ metrics });
    const result = p.sync([serviceListener()]);
    expect(result.open.map((l) => l.key)).toEqual(['127.96.0.10:8080/TCP']);
    await p.whenServing('127.96.0.10:8080/TCP');
    const counts = await tally(300, () => get(CLUSTER_IP, PORT));
    expect(Object.keys(counts).sort()).toEqual(['b1', 'b2', 'b3']);
    for (const n of Object.values(counts)) expect(n).toBeGreaterThanOrEqual(60);
    await eventually(() => p.listeners()[0]!.activeConnections === 0, 'connections closed');
    const text = (await metrics.render()).text;
    expect(text).toMatch(/skiff_proxy_connections_total\{namespace="default",service="web",port=""\} 300/);
    expect(text).toMatch(/skiff_proxy_bytes_total\{namespace="default",service="web",port="",direction="in"\} \d{4,}/);
  });

  it('with sessionAffinity ClientIP every connection of one client goes to one backend', async () => {
    const p = proxier();
    p.sync([serviceListener({ type: 'ClientIP', timeoutSeconds: 10_800 })]);
    await p.whenServing('127.96.0.10:8080/TCP');
    const one = await tally(60, () => get(CLUSTER_IP, PORT, { localAddress: '127.0.2.1' }));
    expect(Object.values(one)).toEqual([60]);
    // Another client IP is placed by round-robin, next in turn: another backend.
    const two = await tally(20, () => get(CLUSTER_IP, PORT, { localAddress: '127.0.2.2' }));
    expect(Object.values(two)).toEqual([20]);
    expect(Object.keys(two)).not.toEqual(Object.keys(one));
  });

  it('a backend that closed its port: connections are retried on another, all succeed', async () => {
    const metrics = createProxyMetrics();
    const p = proxier({ metrics });
    const gone = await startBackend('gone', '127.0.1.4');
    await closeBackend(gone);
    const listener = tcpListener(CLUSTER_IP, PORT, [...backends, gone].map((b) => ({ ip: b.ip, port: b.port })));
    p.sync([listener]);
    await p.whenServing(listener.key);
    const counts = await tally(90, () => get(CLUSTER_IP, PORT));
    expect(counts['gone']).toBeUndefined();
    expect((counts['b1'] ?? 0) + (counts['b2'] ?? 0) + (counts['b3'] ?? 0)).toBe(90);
    const text = (await metrics.render()).text;
    expect(text).toMatch(/skiff_proxy_errors_total\{namespace="default",service="web",port="",reason="refused"\} [1-9]/);
  });

  it('an endpoint turned not ready gets no new connection; its established one works until it ends', async () => {
    const p = proxier();
    p.sync([serviceListener()]);
    await p.whenServing('127.96.0.10:8080/TCP');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const [pinned, connection] = (await get(CLUSTER_IP, PORT, { agent })).split(' ');
    p.sync([serviceListener({ type: 'None' }, [pinned!])]);
    expect(p.listeners()[0]).toMatchObject({ state: 'serving', readyEndpoints: 2 });
    const fresh = await tally(30, () => get(CLUSTER_IP, PORT));
    expect(fresh[pinned!]).toBeUndefined();
    // The keep-alive connection still reaches the same backend over the same connection.
    expect(await get(CLUSTER_IP, PORT, { agent })).toBe(`${pinned} ${connection}`);
    const backend = backends.find((b) => b.name === pinned)!;
    expect(p.listeners()[0]!.byEndpoint[`${backend.ip}:${backend.port}`]).toBe(1);
    agent.destroy();
    await eventually(() => p.listeners()[0]!.byEndpoint[`${backend.ip}:${backend.port}`] === undefined, 'pinned connection ended');
  });

  it('a NodePort service answers on each node address and on its ClusterIP', async () => {
    const p = proxier();
    const svc = service('web', { type: 'NodePort', clusterIP: '127.96.0.11', ports: [{ port: 80, nodePort: 30080 }] });
    const eps = endpoints('web', [{ ready: backends.map((b) => ({ ip: b.ip })), ports: [{ port: backends[0]!.port }] }]);
    // Only b1 listens on that port number (backends use ephemeral ports); the others refuse and are retried.
    const result = p.syncFrom([svc], [eps], ['127.0.10.1', '127.0.10.2']);
    expect(result.open.map((l) => l.key)).toEqual(['127.0.10.1:30080/TCP', '127.0.10.2:30080/TCP', '127.96.0.11:80/TCP']);
    for (const l of result.open) await p.whenServing(l.key);
    expect((await get('127.0.10.2', 30080)).split(' ')[0]).toBe('b1');
    expect((await get('127.0.10.1', 30080)).split(' ')[0]).toBe('b1');
    expect((await get('127.96.0.11', 80)).split(' ')[0]).toBe('b1');
  });

  it('a removed service drains: new connections are refused, the established one finishes', async () => {
    const p = proxier();
    p.sync([serviceListener()]);
    await p.whenServing('127.96.0.10:8080/TCP');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get(CLUSTER_IP, PORT, { agent });
    expect(p.sync([]).close).toEqual(['127.96.0.10:8080/TCP']);
    expect(p.listeners()[0]!.state).toBe('draining');
    await expect(get(CLUSTER_IP, PORT)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await get(CLUSTER_IP, PORT, { agent })).toBe(first);
    agent.destroy();
    await eventually(() => p.listeners().length === 0, 'listener closed');
  });

  it('a key wanted again while its old listener drains: a new listener binds beside the draining one', async () => {
    const p = proxier();
    p.sync([serviceListener()]);
    await p.whenServing('127.96.0.10:8080/TCP');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get(CLUSTER_IP, PORT, { agent });
    p.sync([]);
    expect(p.sync([serviceListener()]).open).toHaveLength(1);
    await p.whenServing('127.96.0.10:8080/TCP');
    expect(p.listeners().map((l) => [l.actorId, l.state])).toEqual([
      ['listener:127.96.0.10:8080/TCP#2', 'serving'],
      ['listener:127.96.0.10:8080/TCP', 'draining'],
    ]);
    expect((await get(CLUSTER_IP, PORT)).startsWith('b')).toBe(true);
    expect(await get(CLUSTER_IP, PORT, { agent })).toBe(first);
    agent.destroy();
    await eventually(() => p.listeners().length === 1, 'old listener closed');
  });

  it('a port in use: the listener backs off, reports, and serves once the port is free', async () => {
    const occupant = net.createServer();
    await new Promise<void>((resolve) => occupant.listen(PORT, '127.96.0.30', resolve));
    const metrics = createProxyMetrics();
    const warnings: string[] = [];
    const p = proxier({ metrics, logger: { info: () => undefined, warn: (_o, msg) => warnings.push(msg) } });
    const listener = tcpListener('127.96.0.30', PORT, [{ ip: backends[0]!.ip, port: backends[0]!.port }]);
    p.sync([listener]);
    await eventually(() => (p.listeners()[0]?.openFailures ?? 0) >= 2, 'two failed binds');
    expect(p.listeners()[0]!.lastError?.code).toBe('EADDRINUSE');
    expect(warnings).toContain('listener cannot bind; retrying');
    await new Promise<void>((resolve) => occupant.close(() => resolve()));
    await p.whenServing(listener.key);
    expect((await get('127.96.0.30', PORT)).split(' ')[0]).toBe('b1');
    expect((await metrics.render()).text).toMatch(/skiff_proxy_listener_open_failures_total\{namespace="default",service="web",port="",code="EADDRINUSE"\} [2-9]/);
  });

  it('a service without ready endpoints resets connections', async () => {
    const metrics = createProxyMetrics();
    const p = proxier({ metrics });
    p.sync([tcpListener('127.96.0.31', PORT, [{ ip: backends[0]!.ip, port: backends[0]!.port, ready: false }])]);
    await p.whenServing('127.96.0.31:8080/TCP');
    await expect(get('127.96.0.31', PORT)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await metrics.render()).text).toMatch(/reason="no_endpoints"\} 1/);
  });

  it('streams 4 MB each way intact through backpressure, and forwards a half-close', async () => {
    // An echo server that answers only after the client's FIN: the reply needs the half-close forwarded.
    const echo = net.createServer({ allowHalfOpen: true }, (socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => socket.end(Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.1.5', resolve));
    try {
      const metrics = createProxyMetrics();
      const p = proxier({ metrics });
      const listener = tcpListener('127.96.0.32', PORT, [{ ip: '127.0.1.5', port: (echo.address() as net.AddressInfo).port }]);
      p.sync([listener]);
      await p.whenServing(listener.key);
      const payload = randomBytes(4 * 1024 * 1024);
      const received = await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const socket = net.connect({ host: '127.96.0.32', port: PORT, allowHalfOpen: true }, () => socket.end(payload));
        socket.on('error', reject);
        // A slow reader at first, so that the proxy's writes to the client back up.
        socket.pause();
        setTimeout(() => socket.resume(), 200);
        socket.on('data', (c: Buffer) => chunks.push(c));
        socket.on('end', () => resolve(Buffer.concat(chunks)));
      });
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(received.length).toBe(payload.length);
      expect(sha(received)).toBe(sha(payload));
      await eventually(() => p.listeners()[0]!.activeConnections === 0, 'connection closed');
      const text = (await metrics.render()).text;
      expect(text).toContain(`direction="in"} ${payload.length}`);
      expect(text).toContain(`direction="out"} ${payload.length}`);
    } finally {
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
  });

  it('listener actors spawned by a service host are visible to its inspector', async () => {
    const clock = new SimulationClock();
    const network = new MemoryNetwork({ random: new SeededRandom(5), clock });
    const host = await startServiceHost({ bus: network.connect('proxy-n1'), cluster: 'test', service: 'proxy', instance: 'n1', version: '0.1.0', description: 'proxy', clock, logger: silentLogger() });
    try {
      const p = proxier({ spawn: (machine, o) => host.spawn(machine, o), logger: host.logger });
      p.sync([serviceListener()]);
      await p.whenServing('127.96.0.10:8080/TCP');
      expect((await get(CLUSTER_IP, PORT)).startsWith('b')).toBe(true);
      const described = host.inspector.describe();
      expect(described.actors.map((a) => a.id)).toContain('listener:127.96.0.10:8080/TCP');
      expect(host.health().actors).toEqual([{ id: 'listener:127.96.0.10:8080/TCP', machineId: 'proxyListener', status: 'running' }]);
      await p.stop();
    } finally {
      await host.stop();
    }
  });
});
