// Scheduling throughput in-process (pure: scheduleOne + SchedulerCache, no API, no binding calls),
// on workloads shaped like kube-scheduler's scheduler_perf cases, reported next to the thresholds
// kube-scheduler's CI holds itself to. Usage:
//   node --import tsx libs/scheduler/bench/schedule.bench.ts [--quick] [--seed N] [--only name]
// Writes bench/results/scheduler.json (not with --quick or --only, which measure a part).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRandom, SimulationClock } from '@skiff/core';
import { Framework, SchedulerCache, SchedulingQueue, defaultProfile, inTreeRegistry, scheduleOne, type Node, type Pod } from '../src/index.js';

interface Workload {
  readonly name: string;
  readonly nodes: number;
  readonly initPods: number;
  readonly pods: number;
  /** kube-scheduler scheduler_perf threshold (pods/s) for the comparable case. */
  readonly thresholdPodsPerSec: string;
  readonly node: (i: number) => Node;
  readonly initPod?: (i: number) => Pod;
  readonly pod: (i: number) => Pod;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const seed = Number(args[args.indexOf('--seed') + 1] ?? 1) || 1;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const scale = (n: number): number => (quick ? Math.max(1, Math.round(n / 10)) : n);

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

function makeNode(i: number, labels: Record<string, string> = {}): Node {
  const name = `node-${i}`;
  return {
    metadata: { name, labels: { [HOST]: name, [ZONE]: `zone-${i % 3}`, ...labels } },
    status: { allocatable: { cpu: '4', memory: '32Gi', pods: '110' } },
  };
}

function makePod(name: string, extra: { cpu?: string; priority?: number; labels?: Record<string, string>; spec?: Partial<NonNullable<Pod['spec']>> } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: name, labels: extra.labels ?? {}, creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: {
      containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: extra.cpu ?? '100m', memory: '500Mi' } } }],
      ...(extra.priority === undefined ? {} : { priority: extra.priority }),
      ...extra.spec,
    },
  };
}

const workloads: Workload[] = [
  {
    name: 'basic',
    nodes: scale(5000),
    initPods: 0,
    pods: scale(10_000),
    thresholdPodsPerSec: '680-810 (SchedulingBasic, 5000 nodes)',
    node: (i) => makeNode(i),
    pod: (i) => makePod(`basic-${i}`),
  },
  {
    name: 'pod-anti-affinity',
    nodes: scale(1000),
    initPods: 0,
    pods: scale(5000),
    thresholdPodsPerSec: '60 (SchedulingPodAntiAffinity)',
    node: (i) => makeNode(i),
    // Ten groups; a pod refuses a node already running a pod of its group.
    pod: (i) =>
      makePod(`anti-${i}`, {
        labels: { group: `g${i % 10}` },
        spec: {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { group: `g${i % 10}` } }, topologyKey: HOST }],
            },
          },
        },
      }),
  },
  {
    name: 'node-affinity',
    nodes: scale(5000),
    initPods: 0,
    pods: scale(10_000),
    thresholdPodsPerSec: '220 (SchedulingNodeAffinity)',
    node: (i) => makeNode(i, i % 2 === 0 ? { 'bench/class': 'fast' } : { 'bench/class': 'slow' }),
    pod: (i) =>
      makePod(`affine-${i}`, {
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'bench/class', operator: 'In', values: ['fast'] }] }] },
              preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: ZONE, operator: 'In', values: ['zone-1'] }] } }],
            },
          },
        },
      }),
  },
  {
    name: 'preemption',
    nodes: scale(500),
    initPods: scale(2000),
    pods: scale(500),
    thresholdPodsPerSec: '570 (PreemptionBasic)',
    node: (i) => makeNode(i),
    // Four 1-CPU low-priority pods fill each 4-CPU node; every measured pod must preempt one.
    initPod: (i) => ({ ...makePod(`low-${i}`, { cpu: '1', priority: 1 }), status: { startTime: '2025-01-01T00:00:00Z' } }),
    pod: (i) => makePod(`high-${i}`, { cpu: '1', priority: 1_000_000 }),
  },
];

interface Outcome {
  readonly scheduled: number;
  readonly preemptions: number;
  readonly failed: number;
  readonly latenciesMs: number[];
  readonly totalMs: number;
  /** CPU time this process used while measuring: the machine is shared, wall time includes waiting. */
  readonly cpuMs: number;
}

function run(w: Workload, random: SeededRandom): Outcome {
  const clock = new SimulationClock();
  const cache = new SchedulerCache(clock);
  const queue = new SchedulingQueue(clock);
  const framework = new Framework(defaultProfile(), inTreeRegistry());
  for (let i = 0; i < w.nodes; i++) cache.addNode(w.node(i));
  let next = 0;
  // Initial pods are placed the same way, not measured.
  for (let i = 0; i < w.initPods; i++) {
    const p = w.initPod!(i);
    const r = scheduleOne(p, cache.snapshot(), framework, random, { nextStartNodeIndex: next });
    next = r.nextStartNodeIndex;
    if (r.type === 'scheduled') cache.addPod({ ...p, spec: { ...p.spec, nodeName: r.nodeName } });
  }
  const latenciesMs: number[] = [];
  let scheduled = 0;
  let preemptions = 0;
  let failed = 0;
  const begin = performance.now();
  const cpuBegin = process.cpuUsage();
  for (let i = 0; i < w.pods; i++) {
    let p = w.pod(i);
    const t0 = performance.now();
    // At most two cycles: a preemption nominates, the victims go, the second cycle binds.
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = scheduleOne(p, cache.snapshot(queue.nominatedPods), framework, random, { nextStartNodeIndex: next });
      next = r.nextStartNodeIndex;
      if (r.type === 'scheduled') {
        cache.assumePod(p, r.nodeName);
        queue.setNominatedNode(p, '');
        scheduled++;
        break;
      }
      if (r.type === 'nominated' && attempt === 0) {
        preemptions++;
        for (const v of r.victims) cache.removePod(v);
        p = { ...p, status: { ...p.status, nominatedNodeName: r.nominatedNodeName } };
        queue.setNominatedNode(p, r.nominatedNodeName);
        continue;
      }
      failed++;
      break;
    }
    latenciesMs.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpuBegin);
  return { scheduled, preemptions, failed, latenciesMs, totalMs: performance.now() - begin, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

console.log(`@skiff/scheduler bench (seed ${seed}${quick ? ', --quick: 1/10 scale' : ''}); Node ${process.version}`);
console.log(`load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores`);
console.log('workload            nodes   pods  sched  preempt  failed    pods/s  pods/cpu-s   p50 ms   p99 ms   kube-scheduler threshold (pods/s)');
const rows: Record<string, unknown>[] = [];
for (const w of workloads) {
  if (only !== undefined && w.name !== only) continue;
  const o = run(w, new SeededRandom(seed));
  const sorted = [...o.latenciesMs].sort((a, b) => a - b);
  const podsPerSec = (w.pods / o.totalMs) * 1000;
  rows.push({ workload: w.name, nodes: w.nodes, pods: w.pods, scheduled: o.scheduled, preemptions: o.preemptions, failed: o.failed, podsPerSec: Math.round(podsPerSec), podsPerCpuSec: Math.round((w.pods / o.cpuMs) * 1000), p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), kubeSchedulerThresholdPodsPerSec: w.thresholdPodsPerSec });
  console.log(
    [
      w.name.padEnd(18),
      String(w.nodes).padStart(6),
      String(w.pods).padStart(6),
      String(o.scheduled).padStart(6),
      String(o.preemptions).padStart(8),
      String(o.failed).padStart(7),
      podsPerSec.toFixed(0).padStart(9),
      ((w.pods / o.cpuMs) * 1000).toFixed(0).padStart(11),
      percentile(sorted, 0.5).toFixed(2).padStart(8),
      percentile(sorted, 0.99).toFixed(2).padStart(8),
      `   ${w.thresholdPodsPerSec}`,
    ].join(' '),
  );
}
if (quick || only !== undefined) console.log('--quick/--only: results not written');
else {
  const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'results', 'scheduler.json');
  mkdirSync(dirname(out), { recursive: true });
  const meta = { date: new Date().toISOString(), node: process.version, cores: cpus().length, loadAverage: loadavg(), seed };
  writeFileSync(out, JSON.stringify({ bench: '@skiff/scheduler scheduleOne throughput (in-process, no API)', ...meta, rows }, null, 2) + '\n');
  console.log(`wrote ${out}`);
}
