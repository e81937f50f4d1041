// API server benchmark: the real stack (nats-server, 3 store members with fsync on, the API server
// with HTTPS) in this process, driven over HTTPS with keep-alive by N closed-loop clients (bearer
// token, the cluster CA, one socket per client). Cells: create / get / list (50 objects in a
// namespace) / update (merge patch) at 1, 16 and 128 clients, each for --seconds; then watch
// fan-out: --watchers HTTP watches on configmaps, one write at a time, time until every watcher got
// the event (--writes writes).
// Kubernetes' API call latency SLOs (sig-scalability/slos/api_call_latency.md): p99 <= 1 s for
// mutating calls and single-object reads; issue goal: p99 < 50 ms at 128 clients.
// The clients share the server's process and cores, so every number includes the client's cost.
//
//   npm run bench:apiserver [-- --seconds 3 --watchers 1000 --writes 20]
//
// Writes bench/results/apiserver.json.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startApiStack, type ApiStack } from './apiserver/cluster.js';
import { apiHttp, type ApiHttp } from './apiserver/http-client.js';
import { round, summarize, type Summary } from './store/stats.js';

const argv = process.argv.slice(2);
const num = (name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`--${name} must be a positive number`);
  return v;
};
const SECONDS = num('seconds', 3);
const WATCHERS = num('watchers', 1000);
const WRITES = num('writes', 20);
const LIST_OBJECTS = 50;
const CONCURRENCY = [1, 16, 128] as const;
const OPS = ['create', 'get', 'list', 'update'] as const;
type OpName = (typeof OPS)[number];
const MUTATING: ReadonlySet<OpName> = new Set(['create', 'update']);
const SLO = { mutatingP99MsMax: 1000, singleObjectReadP99MsMax: 1000, goalP99MsAt128Clients: 50 } as const;

interface Cell extends Summary {
  readonly op: OpName;
  readonly clients: number;
  readonly opsPerSec: number;
  readonly errors: number;
  readonly withinSlo: boolean | null;
  readonly withinGoal: boolean | null;
}

const cm = (name: string, value: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { key: value } });
const nsPath = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;

async function must(http: ApiHttp, method: string, path: string, body?: unknown, contentType?: string): Promise<string> {
  const r = await http.call(method, path, body, contentType);
  if (r.status >= 300) throw new Error(`${method} ${path}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
  return r.body;
}

async function setup(http: ApiHttp): Promise<void> {
  for (const ns of ['bench-create', 'bench-rw', 'bench-list', 'bench-watch']) await must(http, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  for (let i = 0; i < LIST_OBJECTS; i++) await must(http, 'POST', nsPath('bench-list'), cm(`item-${i}`, 'x'.repeat(64)));
  for (let i = 0; i < Math.max(...CONCURRENCY); i++) await must(http, 'POST', nsPath('bench-rw'), cm(`obj-${i}`, '0'));
}

let created = 0;
function op(name: OpName, http: ApiHttp, client: number): () => Promise<number> {
  switch (name) {
    case 'create':
      return async () => (await http.call('POST', nsPath('bench-create'), cm(`c-${created++}`, 'v'))).status;
    case 'get':
      return async () => (await http.call('GET', `${nsPath('bench-rw')}/obj-${client}`)).status;
    case 'list':
      return async () => (await http.call('GET', nsPath('bench-list'))).status;
    case 'update': {
      let n = 0;
      return async () => (await http.call('PATCH', `${nsPath('bench-rw')}/obj-${client}`, { data: { key: String(++n) } }, 'application/merge-patch+json')).status;
    }
  }
}

async function runCell(stack: ApiStack, name: OpName, clients: number): Promise<Cell> {
  const http = apiHttp({ url: stack.url, caCertPem: stack.caCertPem, token: stack.token, maxSockets: clients });
  const latenciesMs: number[] = [];
  let errors = 0;
  const start = performance.now();
  const endAt = start + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const run = op(name, http, client);
      while (performance.now() < endAt) {
        const t0 = performance.now();
        const status = await run().catch(() => 0);
        if (status >= 200 && status < 300) latenciesMs.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  const elapsedS = (performance.now() - start) / 1000;
  http.close();
  const s = summarize(latenciesMs);
  const sloMax = name === 'list' ? null : MUTATING.has(name) ? SLO.mutatingP99MsMax : SLO.singleObjectReadP99MsMax;
  return {
    op: name,
    clients,
    ...s,
    opsPerSec: round(s.count / elapsedS, 1),
    errors,
    withinSlo: sloMax === null ? null : s.p99Ms <= sloMax,
    withinGoal: clients === 128 ? s.p99Ms < SLO.goalP99MsAt128Clients : null,
  };
}

async function watchFanOut(stack: ApiStack) {
  const http = apiHttp({ url: stack.url, caCertPem: stack.caCertPem, token: stack.token, maxSockets: WATCHERS + 4 });
  const list = JSON.parse(await must(http, 'GET', nsPath('bench-watch'))) as { metadata: { resourceVersion: string } };
  const seen = new Map<string, number>();
  let pending: { name: string; t0: number; resolve: () => void } | undefined;
  const perWatcherMs: number[] = [];
  const onEvent = (e: { type: string; object: { metadata?: { name?: string } } }): void => {
    const name = e.object.metadata?.name;
    if (e.type !== 'ADDED' || name === undefined || pending?.name !== name) return;
    perWatcherMs.push(performance.now() - pending.t0);
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n === WATCHERS) pending.resolve();
  };
  const watchers = Array.from({ length: WATCHERS }, () => http.watch(`${nsPath('bench-watch')}?watch=1&resourceVersion=${list.metadata.resourceVersion}&allowWatchBookmarks=false`, onEvent));
  const openStart = performance.now();
  await Promise.all(watchers.map((w) => w.opened));
  const openMs = performance.now() - openStart;
  const allDeliveredMs: number[] = [];
  let missed = 0;
  for (let i = 0; i < WRITES; i++) {
    const name = `w-${i}`;
    const t0 = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const all = new Promise<boolean>((resolve) => {
      pending = { name, t0, resolve: () => resolve(true) };
      timer = setTimeout(() => resolve(false), 30_000);
    });
    await must(http, 'POST', nsPath('bench-watch'), cm(name, String(i)));
    const ok = await all;
    clearTimeout(timer);
    if (ok) allDeliveredMs.push(performance.now() - t0);
    else missed++;
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const w of watchers) w.stop();
  http.close();
  return { watchers: WATCHERS, writes: WRITES, openAllMs: round(openMs, 1), allDelivered: summarize(allDeliveredMs), perWatcherDelivery: summarize(perWatcherMs), writesNotFullyDelivered: missed };
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const load = loadavg().map((x) => round(x, 2));
  const stack = await startApiStack({ members: 3, fsync: true, logLevel: 'warn' });
  try {
    const http = apiHttp({ url: stack.url, caCertPem: stack.caCertPem, token: stack.token, maxSockets: 8 });
    await setup(http);
    http.close();
    const cells: Cell[] = [];
    for (const clients of CONCURRENCY) {
      for (const name of OPS) {
        const c = await runCell(stack, name, clients);
        cells.push(c);
        console.log(`${name.padEnd(7)} clients=${String(clients).padStart(3)}  ${String(c.opsPerSec).padStart(8)} ops/s  p50 ${c.p50Ms} ms  p99 ${c.p99Ms} ms  errors ${c.errors}`);
      }
    }
    const watch = await watchFanOut(stack);
    console.log(`watch fan-out: ${watch.watchers} watchers, all delivered p50 ${watch.allDelivered.p50Ms} ms p99 ${watch.allDelivered.p99Ms} ms (per watcher p50 ${watch.perWatcherDelivery.p50Ms} ms), missed ${watch.writesNotFullyDelivered}`);
    const out = {
      benchmark: 'apiserver',
      machine: { nproc: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverageAtStart: load, date: startedAt },
      setup: { storeMembers: 3, fsync: true, transport: 'HTTPS keep-alive, bearer token, one socket per client, clients in the server process', secondsPerCell: SECONDS, listObjects: LIST_OBJECTS, object: 'ConfigMap', update: 'merge patch' },
      slo: { ...SLO, source: 'kubernetes/community sig-scalability/slos/api_call_latency.md (p99 over a day per resource and verb; here per cell)' },
      cells,
      watchFanOut: watch,
    };
    const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'apiserver.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`wrote ${file}`);
  } finally {
    await stack.stop();
  }
}

await main();
