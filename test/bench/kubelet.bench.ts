// Hollow kubelet benchmark: memory per hollow node, and pod startup latency over hollow nodes.
// This process runs the control plane (nats-server, a store member, the API server, the scheduler
// and the controller manager's node IPAM); each measured run is a fresh child process that holds
// only hollow kubelets, so its RSS and heap deltas are the kubelets' own:
//   - memory: gc, start M hollow kubelets, wait until every Node is Ready with a pod CIDR, settle,
//     gc; (RSS, heap) after minus before, divided by M. Variants side by side: one shared NATS
//     connection and shared ConfigMap/Secret/Service informers (what `skiff up` does) vs one
//     connection and one informer set per kubelet.
//   - pod startup (issue 6): P bare pods created through the API, time from create to Running and
//     Ready as seen by a watch (the scheduler binds them; the hollow runtime starts containers in 0 ms).
//     Kubernetes' SLO: p99 <= 5 s; goal p99 < 1 s.
//
//   npm run bench:kubelet [-- --quick]
//
// Writes bench/results/kubelet.json.

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Pod } from '@skiff/api';
import { ApiStatusError, createApiClient, createInformer, Resources, type ApiClient } from '@skiff/client';
import { NatsBus } from '@skiff/bus';
import { RealClock, SeededRandom } from '@skiff/core';
import { hollowNodeAddress, startHollowNodes, type HollowConnections } from '@skiff/kubelet-service';
import { startControlPlane } from './cluster/control-plane.js';
import { round, summarize, type Summary } from './store/stats.js';

const CLUSTER = 'kubeletbench';
const SLO = { podStartupP99MsMax: 5_000, goalP99MsMax: 1_000 } as const;
const SETTLE_MS = 3_000;
const MiB = 1024 * 1024;

interface RunConfig {
  readonly name: string;
  readonly nodes: number;
  readonly connections: HollowConnections;
  readonly sharedObjects: boolean;
  /** Pods to start after the memory reading; 0: none. */
  readonly pods: number;
}

interface RunResult extends RunConfig {
  readonly ok: boolean;
  readonly error?: string;
  readonly readyAfterMs: number;
  readonly rssDeltaMiB: number;
  readonly heapDeltaMiB: number;
  readonly rssPerNodeKiB: number;
  readonly heapPerNodeKiB: number;
  readonly podStartup?: Summary & { readonly boundP50Ms: number; readonly boundP99Ms: number; readonly withinSlo: boolean; readonly withinGoal: boolean; readonly heapPerPodKiB: number; readonly startedPods: number };
}

const gc = (globalThis as { gc?: () => void }).gc;
function memory(): { rss: number; heap: number } {
  for (let i = 0; i < 3; i++) gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- worker: one run in a fresh process -----------------------------------------------------

async function worker(natsUrl: string, cfg: RunConfig): Promise<RunResult> {
  const clock = new RealClock();
  const bus = await NatsBus.connect({ servers: [natsUrl], name: 'bench-worker' });
  const client = createApiClient({ bus, cluster: CLUSTER, clock, random: new SeededRandom(5), fieldManager: 'bench' });
  const before = memory();
  const t0 = performance.now();
  const hollow = await startHollowNodes({ natsUrls: [natsUrl], cluster: CLUSTER, count: cfg.nodes, clock, random: new SeededRandom(cfg.nodes), connections: cfg.connections, sharedObjects: cfg.sharedObjects });
  try {
    await hollow.whenReady(60_000 + 300 * cfg.nodes);
    const readyAfterMs = performance.now() - t0;
    await sleep(SETTLE_MS);
    const after = memory();
    const base = {
      ...cfg,
      ok: true,
      readyAfterMs: round(readyAfterMs, 0),
      rssDeltaMiB: round((after.rss - before.rss) / MiB, 1),
      heapDeltaMiB: round((after.heap - before.heap) / MiB, 1),
      rssPerNodeKiB: round((after.rss - before.rss) / 1024 / cfg.nodes, 0),
      heapPerNodeKiB: round((after.heap - before.heap) / 1024 / cfg.nodes, 0),
    };
    if (cfg.pods === 0) return base;
    const startup = await podStartup(client, clock, cfg.pods);
    const withPods = memory();
    await deletePods(client, cfg.pods);
    return { ...base, podStartup: { ...startup, heapPerPodKiB: round((withPods.heap - after.heap) / 1024 / cfg.pods, 1) } };
  } finally {
    await hollow.stop();
    await bus.close();
  }
}

const NS = 'default';
const podOf = (i: number): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `startup-${i}`, namespace: NS, labels: { bench: 'startup' } },
  spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }], terminationGracePeriodSeconds: 0 },
});

async function podStartup(client: ApiClient, clock: RealClock, count: number): Promise<Summary & { boundP50Ms: number; boundP99Ms: number; withinSlo: boolean; withinGoal: boolean; startedPods: number }> {
  const createdAt = new Map<string, number>();
  const latencies = new Map<string, number>();
  const bound = new Map<string, number>();
  const informer = createInformer<Pod>({ client, clock, random: new SeededRandom(9), resource: Resources.pods, scope: { namespace: NS } });
  const seen = (p: Pod): void => {
    const name = p.metadata.name ?? '';
    const at = createdAt.get(name);
    if (at !== undefined && !bound.has(name) && (p.spec?.nodeName ?? '') !== '') bound.set(name, performance.now() - at);
    const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    if (at !== undefined && !latencies.has(name) && p.status?.phase === 'Running' && ready) latencies.set(name, performance.now() - at);
  };
  informer.addEventHandler({ onAdd: seen, onUpdate: (_o, p) => seen(p) });
  informer.start();
  await informer.whenSynced();
  try {
    const lanes = 32;
    let next = 0;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < count) {
          const i = next++;
          createdAt.set(`startup-${i}`, performance.now());
          await client.create<Pod>(Resources.pods, podOf(i), { namespace: NS });
        }
      }),
    );
    const capMs = 120_000 + 100 * count;
    for (let waited = 0; latencies.size < count && waited < capMs; waited += 200) await sleep(200);
  } finally {
    informer.stop();
  }
  const s = summarize([...latencies.values()]);
  const b = summarize([...bound.values()]);
  return { ...s, boundP50Ms: b.p50Ms, boundP99Ms: b.p99Ms, startedPods: latencies.size, withinSlo: latencies.size === count && s.p99Ms <= SLO.podStartupP99MsMax, withinGoal: latencies.size === count && s.p99Ms < SLO.goalP99MsMax };
}

/** Deletes the run's pods by name (a plain list of 1000 pods is over the 1 MiB bus reply limit) and waits until none is left. */
async function deletePods(client: ApiClient, count: number): Promise<void> {
  for (let i = 0; i < count; i += 50) {
    const names = Array.from({ length: Math.min(50, count - i) }, (_, k) => `startup-${i + k}`);
    await Promise.all(names.map((n) => client.delete(Resources.pods, n, { namespace: NS }).catch(() => undefined)));
  }
  for (let i = 0; i < 600; i++) {
    if ((await client.list<Pod>(Resources.pods, { namespace: NS, limit: 1 })).items.length === 0) return;
    await sleep(200);
  }
}

// ---- main: the control plane and the runs ---------------------------------------------------

const quick = process.argv.includes('--quick');
const RUNS: readonly RunConfig[] = quick
  ? [
      { name: 'shared-10', nodes: 10, connections: 'shared', sharedObjects: true, pods: 0 },
      { name: 'per-node-10', nodes: 10, connections: 'per-node', sharedObjects: false, pods: 0 },
      { name: 'shared-50-pods-100', nodes: 50, connections: 'shared', sharedObjects: true, pods: 100 },
    ]
  : [
      { name: 'shared-10', nodes: 10, connections: 'shared', sharedObjects: true, pods: 0 },
      { name: 'shared-100', nodes: 100, connections: 'shared', sharedObjects: true, pods: 0 },
      { name: 'per-node-100', nodes: 100, connections: 'per-node', sharedObjects: false, pods: 0 },
      { name: 'per-node-conn-shared-objects-100', nodes: 100, connections: 'per-node', sharedObjects: true, pods: 0 },
      { name: 'shared-500-pods-100', nodes: 500, connections: 'shared', sharedObjects: true, pods: 100 },
      { name: 'shared-500-pods-1000', nodes: 500, connections: 'shared', sharedObjects: true, pods: 1000 },
    ];

function runChild(natsUrl: string, cfg: RunConfig): Promise<RunResult> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--worker', natsUrl, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const failed = (error: string): RunResult => ({ ...cfg, ok: false, error, readyAfterMs: NaN, rssDeltaMiB: NaN, heapDeltaMiB: NaN, rssPerNodeKiB: NaN, heapPerNodeKiB: NaN });
    const timer = setTimeout(() => proc.kill('SIGKILL'), 900_000);
    proc.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      resolve(line === undefined ? failed(`worker exited ${code} without a result`) : (JSON.parse(line.slice(7)) as RunResult));
    });
  });
}

/** By name: a plain list of 500 Nodes is over the 1 MiB bus reply limit. */
async function deleteNodes(client: ApiClient, count: number): Promise<void> {
  for (let i = 1; i <= count; i += 50) {
    const names = Array.from({ length: Math.min(50, count - i + 1) }, (_, k) => hollowNodeAddress(i + k).name);
    await Promise.all(names.map((n) => client.delete(Resources.nodes, n).catch((e: unknown) => (e instanceof ApiStatusError && e.code === 404 ? undefined : Promise.reject(e)))));
  }
}

async function main(): Promise<void> {
  const cp = await startControlPlane({ cluster: CLUSTER, scheduler: true, controllers: ['nodeipam'] });
  const results: RunResult[] = [];
  try {
    for (const cfg of RUNS) {
      process.stdout.write(`${cfg.name}: ${cfg.nodes} hollow nodes (${cfg.connections} NATS connection${cfg.connections === 'shared' ? '' : 's'}, ${cfg.sharedObjects ? 'shared' : 'per-kubelet'} informers)${cfg.pods > 0 ? `, ${cfg.pods} pods` : ''} ...\n`);
      const r = await runChild(cp.natsUrl, cfg);
      results.push(r);
      process.stdout.write(
        r.ok
          ? `  ready in ${r.readyAfterMs} ms; RSS +${r.rssDeltaMiB} MiB (${r.rssPerNodeKiB} KiB/node), heap +${r.heapDeltaMiB} MiB (${r.heapPerNodeKiB} KiB/node)${r.podStartup === undefined ? '' : `; pod startup p50 ${r.podStartup.p50Ms} ms p99 ${r.podStartup.p99Ms} ms (${r.podStartup.startedPods}/${cfg.pods}; bound p50 ${r.podStartup.boundP50Ms} p99 ${r.podStartup.boundP99Ms} ms)`}\n`
          : `  failed: ${r.error}\n`,
      );
      writeReport(results);
      await deleteNodes(cp.client, cfg.nodes);
    }
  } finally {
    await cp.stop();
  }
}

/** Written after every run, so a later failure keeps the earlier results. */
function writeReport(results: readonly RunResult[]): void {
  const report = {
    bench: 'kubelet',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryGiB: round(totalmem() / 1024 ** 3, 1), loadavg1m: round(loadavg()[0] ?? 0, 2), node: process.version },
    setup:
      'control plane (nats-server, 1 store member fsync off, API server, scheduler, node IPAM) in the parent process; each run a fresh child process holding only hollow kubelets; memory = (after - before) after gc, once every Node is Ready with a pod CIDR and 3 s settled',
    slo: SLO,
    runs: results,
  };
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'kubelet.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`  (results in ${file})\n`);
}

if (process.argv[2] === '--worker') {
  const cfg = JSON.parse(process.argv[4] ?? '{}') as RunConfig;
  worker(process.argv[3] ?? '', cfg)
    .catch((err: unknown) => ({ ...cfg, ok: false, error: String(err), readyAfterMs: NaN, rssDeltaMiB: NaN, heapDeltaMiB: NaN, rssPerNodeKiB: NaN, heapPerNodeKiB: NaN }))
    .then((r) => {
      process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
      process.exit(0);
    }, () => process.exit(1));
} else {
  await main();
}
