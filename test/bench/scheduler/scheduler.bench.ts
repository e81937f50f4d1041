// Scheduler benchmark (issue 5): scheduler_perf-shaped workloads (workloads.ts) run twice, and
// reported side by side with kube-scheduler's scheduler_perf thresholds:
// - "through the API": nats-server, one store member (fsync on unless --no-fsync), the API server and
//   the scheduler service in this process; pods created through the API, bound by the service through
//   pods/binding, seen by a watch (through-api.ts);
// - "algorithm only": scheduleOne + SchedulerCache in-process (algorithm.ts), to see where time goes.
//
//   npm run bench:scheduler [-- --quick] [--only basic] [--seed 1] [--cap-seconds 150]
//                           [--concurrency 128] [--no-fsync] [--algorithm-only]
//
// Writes bench/results/scheduler.json (not with --quick, --only or --algorithm-only).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAlgorithm } from './algorithm.js';
import type { RunResult } from './stats.js';
import { runThroughApi, type ApiRunResult } from './through-api.js';
import { workloads } from './workloads.js';

const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
const option = (name: string): string | undefined => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : undefined);
const num = (name: string, fallback: number): number => {
  const v = Number(option(name) ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`--${name} must be a positive number`);
  return v;
};
const quick = flag('quick');
const only = option('only');
const algorithmOnly = flag('algorithm-only');
const seed = num('seed', 1);
const capMs = num('cap-seconds', 150) * 1000;
const concurrency = num('concurrency', 128);
const fsync = !flag('no-fsync');
const scale = (n: number): number => (quick ? Math.max(1, Math.round(n / 10)) : n);
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

interface Row {
  readonly workload: string;
  readonly mirrors: string;
  readonly nodes: number;
  readonly initPods: number;
  readonly measuredPods: number;
  readonly kubeSchedulerThreshold: string;
  readonly thresholdPodsPerSec: number;
  readonly throughApi: ApiRunResult | null;
  readonly algorithmOnly: RunResult;
  readonly beatsThroughApi: boolean | null;
  readonly beatsAlgorithmOnly: boolean;
  readonly loadAverageAtStart: number[];
}

function line(name: string, r: RunResult, extra = ''): string {
  return `  ${name.padEnd(15)} ${String(r.scheduled).padStart(6)}/${String(r.measured).padEnd(6)} ${String(r.podsPerSec).padStart(6)} pods/s ${String(r.podsPerCpuSec).padStart(6)} pods/cpu-s  p50 ${r.p50Ms.toFixed(2).padStart(8)} ms  p99 ${r.p99Ms.toFixed(2).padStart(9)} ms${r.partial ? '  PARTIAL' : ''}${extra}`;
}

console.log(`scheduler bench (seed ${seed}${quick ? ', --quick: 1/10 scale' : ''}, cap ${capMs / 1000} s per phase, ${concurrency} creates in flight, fsync ${fsync ? 'on' : 'off'}); Node ${process.version}, ${cpus().length} cores`);
const rows: Row[] = [];
for (const w of workloads(scale)) {
  if (only !== undefined && w.name !== only) continue;
  const loadAtStart = loadavg();
  console.log(`${w.name}: ${w.nodes} nodes, ${w.initPods} init pods, ${w.measuredPods} measured (mirrors ${w.mirrors}); load ${load()}`);
  const api = algorithmOnly ? null : await runThroughApi(w, { seed, fsync, concurrency, capMs, log: (l) => console.log(l) });
  if (api !== null) console.log(line('through API', api, `  (victims deleted ${api.victimsDeleted}, create errors ${api.createErrors})`));
  const algo = runAlgorithm(w, seed, capMs);
  console.log(line('algorithm only', algo, w.preempts ? `  (preemptions ${algo.preemptions})` : ''));
  console.log(`  kube-scheduler threshold: ${w.threshold} pods/s`);
  rows.push({
    workload: w.name,
    mirrors: w.mirrors,
    nodes: w.nodes,
    initPods: w.initPods,
    measuredPods: w.measuredPods,
    kubeSchedulerThreshold: w.threshold,
    thresholdPodsPerSec: w.thresholdPodsPerSec,
    throughApi: api,
    algorithmOnly: algo,
    beatsThroughApi: api === null ? null : !api.partial && api.podsPerSec > w.thresholdPodsPerSec,
    beatsAlgorithmOnly: !algo.partial && algo.podsPerSec > w.thresholdPodsPerSec,
    loadAverageAtStart: loadAtStart.map((l) => Math.round(l * 100) / 100),
  });
}

if (quick || only !== undefined || algorithmOnly) console.log('--quick/--only/--algorithm-only: results not written');
else {
  const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'results', 'scheduler.json');
  mkdirSync(dirname(out), { recursive: true });
  const result = {
    bench: 'scheduler: scheduler_perf-shaped workloads through the API (service loop, pods/binding) and algorithm only',
    date: new Date().toISOString(),
    machine: { node: process.version, cores: cpus().length, cpuModel: cpus()[0]?.model ?? '', loadAverageAtEnd: loadavg() },
    setup: {
      throughApi: `this process: 1 store member (fsync ${fsync ? 'on' : 'off'}), API server, scheduler service, plus a nats-server child process; ${concurrency} creates in flight; latency = create sent -> binding seen on a pod watch; throughput = bound / (last bind - first create)`,
      algorithmOnly: 'scheduleOne + SchedulerCache in-process; latency = one pod\'s cycles (two with preemption)',
      capSecondsPerPhase: capMs / 1000,
      seed,
      kubeSchedulerSource: 'kubernetes test/integration/scheduler_perf config/performance-config.yaml thresholds (pods/s)',
    },
    rows,
  };
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote ${out}`);
}
process.exit(0);
