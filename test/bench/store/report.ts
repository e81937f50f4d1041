// Results: one cell per workload and concurrency with both systems side by side and the ratio
// skiff/etcd, the watch and failover sections, the two goals, and machine facts.

import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import type { System } from './cluster.js';
import { median, round, summarize, type Summary } from './stats.js';
import type { FailoverRound, LoopSample, WatchSample } from './workloads.js';

export interface SystemCell extends Summary {
  readonly opsPerSec: number;
  readonly errors: number;
  readonly conflicts?: number;
  /** CPU ms the system's processes spent per operation (members; NATS included for Skiff). */
  readonly systemCpuMsPerOp: number;
  /** CPU ms this benchmark process (the clients) spent per operation. */
  readonly driverCpuMsPerOp: number;
  readonly firstError?: string;
}

export interface Cell {
  readonly workload: 'put' | 'get' | 'cas';
  readonly concurrency: number;
  readonly skiff: SystemCell;
  readonly etcd: SystemCell;
  /** skiff / etcd: above 1 means Skiff does more per second (throughput) or waits longer (latency). */
  readonly ratio: { readonly opsPerSec: number; readonly p50Ms: number; readonly p99Ms: number };
}

export function systemCell(s: LoopSample): SystemCell {
  const ops = Math.max(1, s.ops);
  return {
    opsPerSec: Math.round((s.ops / s.elapsedMs) * 1_000),
    ...summarize(s.latenciesMs),
    errors: s.errors,
    ...(s.conflicts > 0 ? { conflicts: s.conflicts } : {}),
    systemCpuMsPerOp: round(s.systemCpuMs / ops),
    driverCpuMsPerOp: round(s.driverCpuMs / ops),
    ...(s.firstError === undefined ? {} : { firstError: s.firstError }),
  };
}

export function cell(workload: Cell['workload'], concurrency: number, samples: Record<System, LoopSample>): Cell {
  const skiff = systemCell(samples.skiff);
  const etcd = systemCell(samples.etcd);
  return {
    workload,
    concurrency,
    skiff,
    etcd,
    ratio: { opsPerSec: round(skiff.opsPerSec / etcd.opsPerSec, 2), p50Ms: round(skiff.p50Ms / etcd.p50Ms, 2), p99Ms: round(skiff.p99Ms / etcd.p99Ms, 2) },
  };
}

export function watchCell(s: WatchSample) {
  return {
    putsPerSec: Math.round((s.acked / s.elapsedMs) * 1_000),
    sent: s.sent,
    acked: s.acked,
    delivered: s.delivered,
    errors: s.errors,
    ackToEvent: summarize(s.ackToEventMs),
    putToEvent: summarize(s.putToEventMs),
  };
}

export function failoverSummary(rounds: readonly FailoverRound[]) {
  const ms = rounds.map((r) => r.unavailableMs);
  return {
    rounds: rounds.map((r) => ({ ...r, unavailableMs: round(r.unavailableMs, 1), catchUpMs: round(r.catchUpMs, 1) })),
    medianMs: round(median(ms), 1),
    minMs: round(Math.min(...ms), 1),
    maxMs: round(Math.max(...ms), 1),
  };
}

function version(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch {
    return 'unknown';
  }
}

/** The commit the store code was at, and whether its sources had uncommitted changes. */
export function storeRevision(repoRoot: string) {
  const git = (args: string[]): string => {
    try {
      return execFileSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  const paths = ['services/store', 'libs/raft', 'libs/wal', 'libs/mvcc', 'libs/store-client', 'libs/bus'];
  return {
    head: git(['rev-parse', '--short', 'HEAD']),
    lastStoreCommit: git(['log', '-1', '--format=%h %s', '--', ...paths]),
    uncommittedStoreChanges: git(['status', '--porcelain', '--', ...paths]) !== '',
  };
}

export function machineInfo() {
  return {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    etcd: version('/usr/bin/etcd', ['--version']),
    natsServer: version('/usr/sbin/nats-server', ['--version']),
    loadAverageAtStart: loadavg().map((x) => round(x, 2)),
    date: new Date().toISOString(),
  };
}

const f = (x: number, w: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '-').padStart(w);

export function printCells(cells: readonly Cell[]): void {
  console.log('');
  console.log('workload  conc |   skiff ops/s  p50 ms  p99 ms  cpu ms/op |    etcd ops/s  p50 ms  p99 ms  cpu ms/op | ops ratio');
  for (const c of cells) {
    const side = (s: SystemCell): string => `${f(s.opsPerSec, 13, 0)} ${f(s.p50Ms, 7, 2)} ${f(s.p99Ms, 7, 2)} ${f(s.systemCpuMsPerOp, 10, 3)}`;
    const errs = c.skiff.errors + c.etcd.errors > 0 ? `  (errors skiff ${c.skiff.errors}, etcd ${c.etcd.errors})` : '';
    console.log(`${c.workload.padEnd(8)} ${String(c.concurrency).padStart(5)} |${side(c.skiff)} |${side(c.etcd)} | ${f(c.ratio.opsPerSec, 9, 2)}${errs}`);
  }
}
