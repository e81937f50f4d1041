// Benchmark: HTTP requests/s and latency through the proxy vs straight to the same backend, in one
// run. The backend (node:http, 127.0.1.1) and the proxy (a Proxier with one ClusterIP listener,
// 127.96.0.100:8080) run as child processes; this process is the client: `connections` keep-alive
// HTTP/1.1 connections, one request in flight on each. Direct and proxied rounds alternate, so
// machine noise hits both. Writes one JSON object to stdout and to bench/results/proxy.json;
// progress goes to stderr.
//
//   node --import tsx libs/proxy/bench/proxy.bench.ts [--duration-ms 3000] [--rounds 3] [--connections 16]
//
// Goal (issue 8): at most 25% throughput loss through the proxy.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Proxier } from '../src/index.js';

const BACKEND_IP = '127.0.1.1';
const CLUSTER_IP = '127.96.0.100';
const SERVICE_PORT = 8080;
const GOAL_MAX_LOSS_PCT = 25;

interface Options {
  readonly durationMs: number;
  readonly rounds: number;
  readonly connections: number;
  readonly warmupMs: number;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string, fallback: number): number => {
    const i = argv.indexOf(`--${name}`);
    const n = i >= 0 ? Number(argv[i + 1]) : fallback;
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  return { durationMs: value('duration-ms', 3_000), rounds: value('rounds', 3), connections: value('connections', 16), warmupMs: value('warmup-ms', 1_000) };
}

// --- child roles ------------------------------------------------------------------------------

async function runBackend(): Promise<void> {
  const body = Buffer.from('hello from b1\n');
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.setHeader('content-length', body.length);
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, BACKEND_IP, resolve));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as net.AddressInfo).port })}\n`);
  answerCpuQueries();
}

/** Each line on stdin is answered with this process's CPU time so far (user + system, µs). */
function answerCpuQueries(): void {
  createInterface({ input: process.stdin }).on('line', () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuUs: user + system })}\n`);
  });
}

async function runProxy(backendPort: number): Promise<void> {
  const proxier = new Proxier();
  const key = `${CLUSTER_IP}:${SERVICE_PORT}/TCP`;
  proxier.sync([
    {
      key,
      ip: CLUSTER_IP,
      port: SERVICE_PORT,
      protocol: 'TCP',
      kind: 'ClusterIP',
      service: { namespace: 'bench', name: 'echo', portName: '' },
      endpoints: [{ ip: BACKEND_IP, port: backendPort, ready: true }],
      affinity: { type: 'None' },
    },
  ]);
  await proxier.whenServing(key);
  process.once('SIGTERM', () => process.exit(0));
  answerCpuQueries();
  process.stdout.write(`${JSON.stringify({ port: SERVICE_PORT })}\n`);
}

// --- client -----------------------------------------------------------------------------------

interface Phase {
  readonly target: 'direct' | 'proxy';
  readonly requests: number;
  readonly errors: number;
  readonly elapsedMs: number;
  readonly latenciesMs: number[];
  /** CPU time used during the phase by the backend and by the proxy process (µs). */
  readonly backendCpuUs: number;
  readonly proxyCpuUs: number;
  readonly clientCpuUs: number;
}

interface Children {
  readonly backend: Child;
  readonly proxy: Child;
}

const REQUEST = Buffer.from(`GET / HTTP/1.1\r\nHost: bench\r\nConnection: keep-alive\r\n\r\n`);

/** One keep-alive connection issuing requests back to back until `deadline`; responses need Content-Length. */
function connectionLoop(host: string, port: number, deadline: number, latencies: number[]): Promise<{ requests: number; errors: number }> {
  return new Promise((resolve) => {
    let requests = 0;
    let errors = 0;
    let buffer: Buffer = Buffer.alloc(0);
    let sentAt = 0;
    const socket = net.connect({ host, port, noDelay: true });
    const send = () => {
      if (performance.now() >= deadline) {
        socket.end();
        return;
      }
      sentAt = performance.now();
      socket.write(REQUEST);
    };
    socket.on('connect', send);
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      for (;;) {
        const headerEnd = buffer.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const match = /content-length:\s*(\d+)/i.exec(buffer.subarray(0, headerEnd).toString('latin1'));
        if (match === null) {
          errors++;
          socket.destroy();
          return;
        }
        const total = headerEnd + 4 + Number(match[1]);
        if (buffer.length < total) return;
        buffer = buffer.subarray(total);
        requests++;
        latencies.push(performance.now() - sentAt);
        send();
      }
    });
    socket.on('error', () => errors++);
    socket.on('close', () => resolve({ requests, errors }));
  });
}

async function phase(target: Phase['target'], host: string, port: number, opts: Options, durationMs: number, children: Children): Promise<Phase> {
  const latenciesMs: number[] = [];
  const [backendBefore, proxyBefore] = await Promise.all([children.backend.cpuUs(), children.proxy.cpuUs()]);
  const clientBefore = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  const results = await Promise.all(Array.from({ length: opts.connections }, () => connectionLoop(host, port, deadline, latenciesMs)));
  const elapsedMs = performance.now() - start;
  const clientCpu = process.cpuUsage(clientBefore);
  const [backendAfter, proxyAfter] = await Promise.all([children.backend.cpuUs(), children.proxy.cpuUs()]);
  return {
    target,
    requests: results.reduce((n, r) => n + r.requests, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
    elapsedMs,
    latenciesMs,
    backendCpuUs: backendAfter - backendBefore,
    proxyCpuUs: proxyAfter - proxyBefore,
    clientCpuUs: clientCpu.user + clientCpu.system,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summarize(phases: readonly Phase[]) {
  const requests = phases.reduce((n, p) => n + p.requests, 0);
  const elapsedMs = phases.reduce((n, p) => n + p.elapsedMs, 0);
  const sorted = phases.flatMap((p) => p.latenciesMs).sort((a, b) => a - b);
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    requests,
    errors: phases.reduce((n, p) => n + p.errors, 0),
    requestsPerSecond: Math.round((requests / elapsedMs) * 1000),
    perRoundRequestsPerSecond: phases.map((p) => Math.round((p.requests / p.elapsedMs) * 1000)),
    p50Ms: round3(percentile(sorted, 50)),
    p99Ms: round3(percentile(sorted, 99)),
    backendCpuUsPerRequest: round3(phases.reduce((n, p) => n + p.backendCpuUs, 0) / requests),
    proxyCpuUsPerRequest: round3(phases.reduce((n, p) => n + p.proxyCpuUs, 0) / requests),
    clientCpuUsPerRequest: round3(phases.reduce((n, p) => n + p.clientCpuUs, 0) / requests),
  };
}

interface Child {
  readonly child: ChildProcess;
  readonly port: number;
  /** CPU time (µs) the child has used so far. */
  cpuUs(): Promise<number>;
}

async function startChild(args: string[]): Promise<Child> {
  // BENCH_PROXY_PROF=<dir> writes a CPU profile of the proxy process there.
  const prof = args[0] === 'proxy' && process.env['BENCH_PROXY_PROF'] !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROXY_PROF']}`] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', fileURLToPath(import.meta.url), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const nextLine = () => new Promise<string>((resolve) => lines.once('line', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
    void nextLine().then((line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  const cpuUs = async () => {
    const answer = nextLine();
    child.stdin!.write('cpu\n');
    return (JSON.parse(await answer) as { cpuUs: number }).cpuUs;
  };
  return { child, port, cpuUs };
}

async function runClient(opts: Options): Promise<void> {
  const backend = await startChild(['backend']);
  const proxy = await startChild(['proxy', String(backend.port)]);
  try {
    const direct = { host: BACKEND_IP, port: backend.port };
    const proxied = { host: CLUSTER_IP, port: proxy.port };
    process.stderr.write(`warm-up ${opts.warmupMs} ms each\n`);
    const children = { backend, proxy };
    await phase('direct', direct.host, direct.port, opts, opts.warmupMs, children);
    await phase('proxy', proxied.host, proxied.port, opts, opts.warmupMs, children);
    const phases: Phase[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      for (const [target, addr] of round % 2 === 0 ? ([['direct', direct], ['proxy', proxied]] as const) : ([['proxy', proxied], ['direct', direct]] as const)) {
        const result = await phase(target, addr.host, addr.port, opts, opts.durationMs, children);
        process.stderr.write(`round ${round + 1} ${target}: ${Math.round((result.requests / result.elapsedMs) * 1000)} req/s\n`);
        phases.push(result);
      }
    }
    const d = summarize(phases.filter((p) => p.target === 'direct'));
    const p = summarize(phases.filter((p) => p.target === 'proxy'));
    const lossPct = Math.round((1 - p.requestsPerSecond / d.requestsPerSecond) * 1000) / 10;
    // When every core is busy, throughput follows the CPU spent per request by all processes.
    const cpuDirect = d.clientCpuUsPerRequest + d.backendCpuUsPerRequest;
    const cpuProxied = p.clientCpuUsPerRequest + p.backendCpuUsPerRequest + p.proxyCpuUsPerRequest;
    const cpuBoundLossPct = Math.round((1 - cpuDirect / cpuProxied) * 1000) / 10;
    const report = {
      bench: 'proxy',
      date: new Date().toISOString(),
      node: process.version,
      options: opts,
      direct: d,
      proxy: p,
      throughputLossPct: lossPct,
      cpuBoundLossPct,
      loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
      p99AddedMs: Math.round((p.p99Ms - d.p99Ms) * 1000) / 1000,
      goalMaxLossPct: GOAL_MAX_LOSS_PCT,
      goalMet: lossPct <= GOAL_MAX_LOSS_PCT,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'results', 'proxy.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    proxy.child.kill();
    backend.child.kill();
  }
}

const [role, arg] = process.argv.slice(2);
if (role === 'backend') await runBackend();
else if (role === 'proxy') await runProxy(Number(arg));
else await runClient(parseOptions(process.argv.slice(2)));
