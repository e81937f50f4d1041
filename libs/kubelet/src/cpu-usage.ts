// Pure: the CPU and memory parts of the kubelet's Summary API (k8s.io/kubelet/pkg/apis/stats/v1alpha1:
// CPUStats, MemoryStats) and the rate math behind usageNanoCores. A runtime reads a cumulative
// counter (usageCoreNanoSeconds); the rate is the counter's slope between two readings of the same
// container, as the kubelet's CRI stats provider does with its cpuUsageCache keyed by container id.
//
// Readings are kept at least `minWindowMs` apart: the eviction manager, the stats endpoint and
// /stats/summary all ask for a summary, and a rate over a few milliseconds of 10 ms clock ticks
// would be mostly noise (or zero).

/** CPUStats of the Summary API. `time` is RFC 3339. */
export interface CPUStats {
  readonly time: string;
  /** Cores used, in billionths, averaged over the last window. */
  readonly usageNanoCores?: number;
  /** Cumulative CPU time used since the container (or node) started. */
  readonly usageCoreNanoSeconds?: number;
  /** Skiff: the span the rate covers (metrics.k8s.io's `window`); not in the Summary API. */
  readonly windowMs?: number;
}

/** MemoryStats of the Summary API (the fields Skiff fills). */
export interface MemoryStats {
  readonly time: string;
  readonly availableBytes?: number;
  readonly usageBytes?: number;
  readonly workingSetBytes?: number;
  readonly rssBytes?: number;
}

export interface CpuReading {
  readonly timeMs: number;
  readonly usageCoreNanoSeconds: number;
}

export interface CpuRate {
  readonly usageNanoCores: number;
  readonly windowMs: number;
}

/** Linux USER_HZ: /proc reports CPU times in 1/100 s on every architecture Node runs on (proc(5)). */
export const USER_HZ = 100;

export function ticksToNanoSeconds(ticks: number, hz = USER_HZ): number {
  return Math.round((ticks * 1e9) / hz);
}

/**
 * The slope between two readings in nanocores; undefined when time did not move forward or the
 * counter went back (the container restarted under the same key, or a process left the group):
 * no rate is better than a negative or invented one.
 */
export function cpuRate(prev: CpuReading, cur: CpuReading): CpuRate | undefined {
  const windowMs = cur.timeMs - prev.timeMs;
  const used = cur.usageCoreNanoSeconds - prev.usageCoreNanoSeconds;
  if (windowMs <= 0 || used < 0) return undefined;
  return { usageNanoCores: Math.round((used * 1000) / windowMs), windowMs };
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** CPUStats from a reading and, when known, its rate. */
export function cpuStats(cur: CpuReading, rate: CpuRate | undefined): CPUStats {
  return {
    time: rfc3339(cur.timeMs),
    usageCoreNanoSeconds: cur.usageCoreNanoSeconds,
    ...(rate === undefined ? {} : { usageNanoCores: rate.usageNanoCores, windowMs: rate.windowMs }),
  };
}

interface Entry {
  /** Oldest first, at most two, spaced at least minWindowMs apart. */
  readings: CpuReading[];
  seen: number;
}

/**
 * Previous readings per key (container id, or the node), for usageNanoCores. Keys not observed in
 * the last `forgetAfterRounds` rounds are dropped, so a node that runs many short containers keeps
 * a bounded map.
 */
export class CpuRateTracker {
  private readonly entries = new Map<string, Entry>();
  private round = 0;

  constructor(
    private readonly minWindowMs = 1_000,
    private readonly forgetAfterRounds = 3,
  ) {}

  /** Records `cur` for `key` and answers the rate over the newest reading at least minWindowMs old. */
  observe(key: string, cur: CpuReading): CpuRate | undefined {
    const entry = this.entries.get(key) ?? { readings: [], seen: this.round };
    entry.seen = this.round;
    this.entries.set(key, entry);
    const baseline = [...entry.readings].reverse().find((r) => cur.timeMs - r.timeMs >= this.minWindowMs) ?? entry.readings[0];
    const rate = baseline === undefined ? undefined : cpuRate(baseline, cur);
    const newest = entry.readings[entry.readings.length - 1];
    if (newest === undefined || cur.timeMs - newest.timeMs >= this.minWindowMs) entry.readings = [...entry.readings, cur].slice(-2);
    // A counter that went back starts over (a new container under a reused key).
    if (newest !== undefined && cur.usageCoreNanoSeconds < newest.usageCoreNanoSeconds) entry.readings = [cur];
    return rate;
  }

  /** Ends a round of observations (one summary); forgets keys not seen lately. */
  endRound(): void {
    this.round++;
    for (const [key, e] of this.entries) if (this.round - e.seen > this.forgetAfterRounds) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
