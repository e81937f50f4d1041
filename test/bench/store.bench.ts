// Store benchmark: Skiff's store (3 member processes over one nats-server, fsync on, driven by
// @skiff/store-client) against etcd 3.4 (3 members, driven through its JSON gateway), same
// machine, same run, cells interleaved in alternating rounds so that the machine's speed swings hit
// both alike. Workloads: puts at 1/16/256 clients, linearizable gets at 16/256, CAS txns at 16,
// watch delivery latency under a paced writer, and failover after kill -9 of the leader.
// Goals (issue "The store"): at least etcd's puts/s at 256 clients; failover under 1 s.
//
//   npm run bench:store [-- --seconds 5 --rounds 4 --failovers 5 --lanes 4 --only put,failover]
//   npm run bench:store -- --profile [--seconds 15] [--profile-concurrency 256]   # Skiff puts under node --cpu-prof; top costs
//
// Writes bench/results/store.json (not in --profile mode or with --only).

import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRandom } from '@skiff/core';
import { SYSTEMS, type StoreCluster, type System } from './store/cluster.js';
import { monotonicUs, summarizeProfile } from './store/cpu-profile.js';
import { startEtcdCluster, type EtcdEndpoints } from './store/etcd-cluster.js';
import { killAllChildren } from './store/processes.js';
import { cell, failoverSummary, machineInfo, printCells, storeRevision, watchCell, type Cell } from './store/report.js';
import { startSkiffCluster, type SkiffCluster } from './store/skiff-cluster.js';
import {
  casOp,
  closedLoop,
  emptySample,
  emptyWatchSample,
  failoverRound,
  getOp,
  preload,
  putOp,
  watchLatency,
  type FailoverRound,
  type LoopSample,
  type Op,
  type WatchSample,
} from './store/workloads.js';

const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};
const num = (name: string, fallback: number): number => {
  const v = Number(opt(name, String(fallback)));
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`--${name} must be a positive number`);
  return v;
};

const CONFIG = {
  secondsPerCell: num('seconds', 5),
  rounds: num('rounds', 4),
  warmupMs: num('warmup-ms', 500),
  keys: num('keys', 10_000),
  valueBytes: num('value-bytes', 256),
  lanes: num('lanes', 4),
  failovers: num('failovers', 5),
  watchRatePerSec: num('watch-rate', 500),
  etcdEndpoints: opt('etcd-endpoints', 'leader') as EtcdEndpoints,
  only: opt('only', 'put,get,cas,watch,failover').split(','),
};
if (CONFIG.etcdEndpoints !== 'leader' && CONFIG.etcdEndpoints !== 'all') throw new RangeError('--etcd-endpoints must be leader or all');
const PUT_CONCURRENCY = [1, 16, 256];
const GET_CONCURRENCY = [16, 256];
const CAS_CONCURRENCY = 16;

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workDir = mkdtempSync(join(tmpdir(), 'skiff-store-bench-'));
const clusters: StoreCluster[] = [];
let cleaning: Promise<void> | undefined;

function cleanup(keepDir: boolean): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all(clusters.map((c) => c.close().catch(() => undefined)));
    killAllChildren();
    if (keepDir) console.error(`logs and data kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping every process the benchmark started`);
    killAllChildren();
    void cleanup(false).finally(() => process.exit(130));
  });
}

const value = new Uint8Array(CONFIG.valueBytes).map((_, i) => (i * 31) & 0xff);
const log = (line: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

/** Runs one closed-loop cell on both systems: warm-up, then rounds in alternating order. */
async function interleaved(both: Record<System, StoreCluster>, concurrency: number, makeOp: (c: StoreCluster, into: LoopSample) => Op): Promise<Record<System, LoopSample>> {
  const samples: Record<System, LoopSample> = { skiff: emptySample(), etcd: emptySample() };
  for (const s of SYSTEMS) await closedLoop(both[s], makeOp(both[s], emptySample()), concurrency, CONFIG.warmupMs, emptySample());
  const roundMs = (CONFIG.secondsPerCell * 1_000) / CONFIG.rounds;
  for (let r = 0; r < CONFIG.rounds; r++) {
    const order: System[] = r % 2 === 0 ? ['skiff', 'etcd'] : ['etcd', 'skiff'];
    for (const s of order) await closedLoop(both[s], makeOp(both[s], samples[s]), concurrency, roundMs, samples[s]);
  }
  return samples;
}

async function runAll(): Promise<void> {
  const machine = machineInfo();
  log(`store code: ${JSON.stringify(storeRevision(repoRoot))}`);
  log(`machine: ${machine.nproc} cpus (${machine.cpuModel}), node ${machine.node}, ${machine.etcd}, load ${machine.loadAverageAtStart.join(' ')}`);
  const skiff = await startSkiffCluster({ repoRoot, dir: workDir, lanes: CONFIG.lanes });
  clusters.push(skiff);
  const etcd = await startEtcdCluster({ dir: workDir, lanes: CONFIG.lanes, endpoints: CONFIG.etcdEndpoints });
  clusters.push(etcd);
  const both: Record<System, StoreCluster> = { skiff, etcd };
  log(`skiff: 3 members, leader ${await skiff.leader()}; clients: ${skiff.driver.describe}`);
  log(`etcd: 3 members, leader ${await etcd.leader()}; clients: ${etcd.driver.describe}`);
  const random = new SeededRandom(42);

  for (const s of SYSTEMS) {
    const t0 = performance.now();
    await preload(both[s].driver, CONFIG.keys, value, 64);
    log(`${s}: preloaded ${CONFIG.keys} keys in ${Math.round(performance.now() - t0)} ms`);
  }

  const cells: Cell[] = [];
  const want = (w: string): boolean => CONFIG.only.includes(w);
  if (want('put')) {
    for (const c of PUT_CONCURRENCY) {
      cells.push(cell('put', c, await interleaved(both, c, (cl) => putOp(cl.driver, random, CONFIG.keys, value))));
      log(`put @${c} done`);
    }
  }
  if (want('get')) {
    for (const c of GET_CONCURRENCY) {
      cells.push(cell('get', c, await interleaved(both, c, (cl) => getOp(cl.driver, random, CONFIG.keys))));
      log(`get @${c} done`);
    }
  }
  if (want('cas')) {
    // The revisions each worker knows survive the rounds: only its very first compare (against
    // revision 0, in the warm-up) fails; a conflict counted in a cell means a real mismatch.
    const known: Record<System, Map<number, number>> = { skiff: new Map(), etcd: new Map() };
    cells.push(cell('cas', CAS_CONCURRENCY, await interleaved(both, CAS_CONCURRENCY, (cl, into) => casOp(cl.driver, value, into, '/bench/cas/', known[cl.system]))));
    log('cas @16 done');
  }
  if (cells.length > 0) printCells(cells);

  let watch: Record<System, WatchSample> | undefined;
  if (want('watch')) {
    watch = { skiff: emptyWatchSample(), etcd: emptyWatchSample() };
    const roundMs = (CONFIG.secondsPerCell * 1_000) / Math.max(1, Math.floor(CONFIG.rounds / 2));
    for (let r = 0; r < Math.max(1, Math.floor(CONFIG.rounds / 2)); r++) {
      const order: System[] = r % 2 === 0 ? ['skiff', 'etcd'] : ['etcd', 'skiff'];
      for (const s of order) await watchLatency(both[s].driver, CONFIG.watchRatePerSec, roundMs, CONFIG.valueBytes, watch[s]);
    }
    for (const s of SYSTEMS) {
      const w = watchCell(watch[s]);
      console.log(
        `watch ${s.padEnd(5)} @${CONFIG.watchRatePerSec}/s: ack->event p50 ${w.ackToEvent.p50Ms} ms p99 ${w.ackToEvent.p99Ms} ms; put->event p50 ${w.putToEvent.p50Ms} ms p99 ${w.putToEvent.p99Ms} ms; delivered ${w.delivered}/${w.acked}`,
      );
    }
  }

  let failover: Record<System, FailoverRound[]> | undefined;
  if (want('failover')) {
    failover = { skiff: [], etcd: [] };
    for (let r = 0; r < CONFIG.failovers; r++) {
      const order: System[] = r % 2 === 0 ? ['skiff', 'etcd'] : ['etcd', 'skiff'];
      for (const s of order) {
        const round = await failoverRound(both[s], r, value);
        failover[s].push(round);
        log(`failover ${s} #${r + 1}: killed ${round.killed}, put ok after ${Math.round(round.unavailableMs)} ms (new leader ${round.newLeader}), caught up in ${Math.round(round.catchUpMs)} ms`);
      }
    }
    for (const s of SYSTEMS) {
      const f = failoverSummary(failover[s]);
      console.log(`failover ${s.padEnd(5)}: median ${f.medianMs} ms, min ${f.minMs} ms, max ${f.maxMs} ms over ${failover[s].length} kills`);
    }
  }

  const put256 = cells.find((c) => c.workload === 'put' && c.concurrency === 256);
  const skiffFailover = failover === undefined ? undefined : failoverSummary(failover.skiff);
  const goals = {
    putsAt256AtLeastEtcd: put256 === undefined ? null : { skiff: put256.skiff.opsPerSec, etcd: put256.etcd.opsPerSec, met: put256.skiff.opsPerSec >= put256.etcd.opsPerSec },
    failoverUnder1s: skiffFailover === undefined ? null : { skiffMedianMs: skiffFailover.medianMs, skiffMaxMs: skiffFailover.maxMs, met: skiffFailover.maxMs < 1_000 },
  };
  console.log(`\ngoal puts/s @256 >= etcd: ${JSON.stringify(goals.putsAt256AtLeastEtcd)}`);
  console.log(`goal failover < 1 s:      ${JSON.stringify(goals.failoverUnder1s)}`);

  const result = {
    benchmark: 'store',
    // Other work on this shared machine shows in the load averages; both systems saw the same.
    machine: { ...machine, loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
    skiffRevision: storeRevision(repoRoot),
    config: { ...CONFIG, putConcurrency: PUT_CONCURRENCY, getConcurrency: GET_CONCURRENCY, casConcurrency: CAS_CONCURRENCY },
    setup: {
      skiff: `3 store member processes (node --import tsx services/store/src/main.ts, fsync on, default options: election timeout 500-1000 ms, heartbeat 100 ms) over one nats-server; ${skiff.driver.describe}`,
      etcd: `3 etcd members (${machine.etcd}, defaults: fsync on, heartbeat 100 ms, election timeout 1000 ms); ${etcd.driver.describe}`,
      notes: [
        'Both clusters run at once on the same machine; cells alternate between them in short rounds (order flips each round). The idle cluster only heartbeats.',
        "etcd is driven through its gRPC JSON gateway (no gRPC client is installed): every request is HTTP/1.1 + JSON + base64, re-encoded to gRPC inside etcd. That costs etcd CPU a gRPC client would not, so etcd's numbers here are a lower bound of what etcd does with clientv3.",
        'Latency is measured in the benchmark process, from the call to its resolution (Skiff: StoreClient incl. exactly-once session; etcd: HTTP request incl. JSON).',
        'cpu ms/op: CPU of the system processes (Skiff: 3 members + nats-server; etcd: 3 members) per completed operation. driverCpuMsPerOp: this process.',
        'Failover: kill -9 of the leader; time until a probe put succeeds; the probe retries every ~5 ms with 200 ms attempts (Skiff: a StoreClient on store.leader; etcd: round-robin over the live members). The killed member is restarted and caught up before the next round.',
        'Watch: one prefix watcher; a paced writer (open loop); ack->event is the time from the put being acknowledged to the watcher receiving its event (negative when the event arrives first).',
      ],
    },
    cells,
    watch: watch === undefined ? null : { ratePerSec: CONFIG.watchRatePerSec, skiff: watchCell(watch.skiff), etcd: watchCell(watch.etcd) },
    failover: failover === undefined ? null : { skiff: failoverSummary(failover.skiff), etcd: failoverSummary(failover.etcd) },
    goals,
  };
  if (argv.includes('--only')) {
    log('--only: results not written');
    return;
  }
  const out = opt('out', join(repoRoot, 'bench', 'results', 'store.json'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  log(`wrote ${out}`);
}

/** Skiff alone, puts at --profile-concurrency clients (256), every member under node --cpu-prof; prints the top costs. */
async function runProfile(): Promise<void> {
  const profDir = join(workDir, 'profiles');
  mkdirSync(profDir, { recursive: true });
  const skiff: SkiffCluster = await startSkiffCluster({ repoRoot, dir: workDir, lanes: CONFIG.lanes, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profDir] });
  clusters.push(skiff);
  const leader = await skiff.leader();
  const pids = skiff.pids();
  await preload(skiff.driver, CONFIG.keys, value, 64);
  const sample = emptySample();
  const concurrency = num('profile-concurrency', 256);
  const fromUs = monotonicUs();
  await closedLoop(skiff, putOp(skiff.driver, new SeededRandom(1), CONFIG.keys, value), concurrency, CONFIG.secondsPerCell * 1_000, sample);
  const window = { fromUs, toUs: monotonicUs() };
  log(`skiff puts @${concurrency} under --cpu-prof: ${Math.round((sample.ops / sample.elapsedMs) * 1_000)}/s, ${(sample.systemCpuMs / sample.ops).toFixed(3)} cpu ms/op (members + nats)`);
  await skiff.close();
  clusters.length = 0;
  for (const file of readdirSync(profDir)) {
    const member = [...pids].find(([, pid]) => file.includes(`.${pid}.`))?.[0] ?? '?';
    // Only the load window: startup (tsx compiling the sources) and shutdown are left out.
    const s = summarizeProfile(join(profDir, file), 20, window);
    if (s.totalMs - s.idleMs < 0.05 * s.totalMs) continue; // tsx's loader thread: idle under load
    console.log(`\n== member ${member}${member === leader ? ' (leader)' : ''}: ${file}: ${s.totalMs} ms sampled under load, ${s.idleMs} ms idle`);
    console.log('-- by module (self):');
    for (const l of s.byModule.slice(0, 15)) console.log(`${String(l.ms).padStart(7)} ms ${l.pct.toFixed(1).padStart(5)}%  ${l.name}`);
    console.log('-- top functions (self):');
    for (const l of s.topSelf) console.log(`${String(l.ms).padStart(7)} ms ${l.pct.toFixed(1).padStart(5)}%  ${l.name}`);
    console.log('-- top functions (inclusive):');
    for (const l of s.topInclusive) console.log(`${String(l.ms).padStart(7)} ms ${l.pct.toFixed(1).padStart(5)}%  ${l.name}`);
  }
}

let failed = false;
try {
  await (flag('profile') ? runProfile() : runAll());
} catch (err) {
  failed = true;
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
} finally {
  // A profile run keeps its .cpuprofile files (and the logs) for a closer look.
  await cleanup(failed || flag('keep-dir') || flag('profile'));
}
process.exit(failed ? 1 : 0);
