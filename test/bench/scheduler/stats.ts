// Summaries shared by both columns: throughput over the measured window and per-pod latency
// percentiles (nearest rank).

export interface RawRun {
  readonly measured: number;
  /** Measured pods handed to the scheduler (all of them unless the cap cut the run short). */
  readonly attempted: number;
  readonly scheduled: number;
  readonly failed: number;
  readonly preemptions: number;
  readonly latenciesMs: readonly number[];
  /** From the first measured pod's creation to the last one placed (or to the cap). */
  readonly elapsedMs: number;
  /** CPU time of this process over the window: the machine is shared, wall time includes waiting. */
  readonly cpuMs: number;
  readonly capped: boolean;
}

export interface RunResult {
  readonly scheduled: number;
  readonly measured: number;
  readonly failed: number;
  readonly preemptions: number;
  readonly podsPerSec: number;
  readonly podsPerCpuSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly elapsedMs: number;
  /** True when the workload hit its time cap: the numbers cover the pods placed until then. */
  readonly partial: boolean;
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

const r2 = (n: number): number => Math.round(n * 100) / 100;

export function summarize(run: RawRun): RunResult {
  const sorted = [...run.latenciesMs].sort((a, b) => a - b);
  const seconds = run.elapsedMs / 1000;
  return {
    scheduled: run.scheduled,
    measured: run.measured,
    failed: run.failed,
    preemptions: run.preemptions,
    podsPerSec: seconds > 0 ? Math.round(run.scheduled / seconds) : 0,
    podsPerCpuSec: run.cpuMs > 0 ? Math.round((run.scheduled / run.cpuMs) * 1000) : 0,
    p50Ms: r2(percentile(sorted, 0.5)),
    p99Ms: r2(percentile(sorted, 0.99)),
    elapsedMs: Math.round(run.elapsedMs),
    partial: run.capped || run.scheduled < run.measured,
  };
}
