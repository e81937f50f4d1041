// The store simulation from the command line:
//
//   npm run sim:store -- --seeds 200               seeds 1..200 (members mixed: every third seed 5)
//   npm run sim:store -- --seeds 50 --from 1000    seeds 1000..1049
//   npm run sim:store -- --seed 17 --members 5     replays one seed with its trace
//   npm run sim:store -- --seed 17 --trace all     ... every network delivery too
//
// Prints a summary (seeds passed, failures with their replay lines, operations checked, time) and
// exits 1 when a seed failed.

import { Command, InvalidArgumentError, Option } from 'commander';
import { FAULT_PROFILES, type FaultProfileName } from './sim-faults.js';
import type { TraceLevel } from './sim-trace.js';
import { KNOWN_ISSUES, membersForSeed, runStoreSimulation, SIM_DEFAULTS, type KnownIssue, type StoreSimResult } from './store-sim.js';

interface CliOptions {
  seed?: number;
  seeds?: number;
  from: number;
  members: 'mix' | '3' | '5';
  faults: FaultProfileName;
  duration: number;
  trace?: TraceLevel;
  unsafeNoFsync?: boolean;
  tolerate?: KnownIssue[];
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

const program = new Command('sim:store')
  .description('deterministic simulation of the store: members, clients, faults, checks')
  .option('--seed <n>', 'replay one seed with its trace', positiveInt)
  .option('--seeds <n>', 'run this many seeds', positiveInt)
  .option('--from <n>', 'first seed of --seeds', positiveInt, 1)
  .addOption(new Option('--members <n>', 'members per cluster').choices(['3', '5', 'mix']).default('mix'))
  .addOption(new Option('--faults <profile>', 'fault profile').choices(Object.keys(FAULT_PROFILES)).default(SIM_DEFAULTS.faults))
  .option('--duration <ms>', 'simulated time under faults', positiveInt, SIM_DEFAULTS.durationMs)
  .addOption(new Option('--trace <level>', 'trace of a single seed').choices(['off', 'events', 'all']))
  .addOption(new Option('--tolerate <issue...>', 'known store issues that do not fail a seed').choices(Object.keys(KNOWN_ISSUES)))
  .option('--unsafe-no-fsync', 'acknowledge appends before they are durable (the checks must catch it)');

async function main(): Promise<void> {
  const o = program.parse().opts<CliOptions>();
  const members = o.members === 'mix' ? 'mix' : (Number(o.members) as 3 | 5);
  const seeds = o.seed !== undefined ? [o.seed] : Array.from({ length: o.seeds ?? 20 }, (_, i) => o.from + i);
  const trace: TraceLevel = o.trace ?? (o.seed !== undefined ? 'events' : 'off');
  process.on('unhandledRejection', (err) => {
    console.error(`unhandled rejection while simulating: ${String(err)}`);
  });
  const started = performance.now();
  const results: StoreSimResult[] = [];
  for (const seed of seeds) {
    const result = await runStoreSimulation({ seed, members: membersForSeed(seed, members), faults: o.faults, durationMs: o.duration, trace, walFsync: o.unsafeNoFsync !== true, tolerate: o.tolerate ?? [] });
    results.push(result);
    report(result, seeds.length === 1);
  }
  summarize(results, performance.now() - started);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}

function report(r: StoreSimResult, single: boolean): void {
  const s = r.stats;
  const line = `seed ${r.seed} (${r.members} members, ${r.faults}): ${r.ok ? 'ok' : 'FAILED'} - ${s.operations} ops (${s.pendingOperations} pending), ${s.committedEntries} entries, ${s.termsWithLeader} terms, ${s.crashes} crashes, converged in ${s.convergedInMs ?? '-'} ms, ${s.steps} steps, ${Math.round(r.wallMs)} ms`;
  if (single || !r.ok) console.log(line);
  if (single) console.log(`  trace ${r.traceHash}\n  faults ${JSON.stringify(s.faults)}`);
  if (r.inconclusive !== null) console.log(`  seed ${r.seed}: linearizability inconclusive: ${r.inconclusive}`);
  if (!r.ok) console.log(`  ${r.failure}\n  replay: ${r.replay}`);
}

function summarize(results: readonly StoreSimResult[], wallMs: number): void {
  const failed = results.filter((r) => !r.ok);
  const ops = results.reduce((n, r) => n + r.stats.operations, 0);
  const simulatedS = results.reduce((n, r) => n + r.stats.simulatedMs, 0) / 1000;
  console.log(
    `\n${results.length - failed.length}/${results.length} seeds ok; ${ops} operations checked; ${simulatedS.toFixed(0)} s simulated in ${(wallMs / 1000).toFixed(1)} s (${(wallMs / results.length).toFixed(0)} ms per seed); convergence bound ${SIM_DEFAULTS.healBoundMs} ms after healing`,
  );
  const sum = (f: (r: StoreSimResult) => number): number => results.reduce((n, r) => n + f(r), 0);
  const faults: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.stats.faults)) faults[k] = (faults[k] ?? 0) + v;
  console.log(
    `  totals: ${sum((r) => r.stats.pendingOperations)} pending ops, ${sum((r) => r.stats.crashes)} crashes, ${sum((r) => r.stats.restarts)} restarts, ${sum((r) => r.stats.snapshotsTaken)} snapshots taken, ${sum((r) => r.stats.snapshotsInstalled)} installed, ${sum((r) => r.stats.termsWithLeader)} terms with a leader, ${sum((r) => r.stats.leases)} leases, ${sum((r) => r.stats.watchEvents)} watch events (${sum((r) => r.stats.watchRelists)} relists); slowest convergence ${Math.max(...results.map((r) => r.stats.convergedInMs ?? 0))} ms; ops per seed ${Math.min(...results.map((r) => r.stats.operations))}..${Math.max(...results.map((r) => r.stats.operations))}`,
  );
  console.log(`  faults: ${JSON.stringify(faults)}`);
  const tolerated = sum((r) => r.stats.toleratedIssues);
  if (tolerated > 0) console.log(`  ${tolerated} known issues tolerated (--tolerate)`);
  const inconclusive = results.filter((r) => r.inconclusive !== null).length;
  if (inconclusive > 0) console.log(`  ${inconclusive} seeds with an inconclusive linearizability check`);
  for (const r of failed) console.log(`  FAILED seed ${r.seed}: ${r.failure?.split('\n')[0]}\n    ${r.replay}`);
}

await main();
