// Pure: a Summary API's PodStats from per-container samples (what a runtime can read: a
// cumulative CPU counter and a working set), with usageNanoCores from a CpuRateTracker. Pod
// totals are the sums of their containers', as the kubelet sums a pod's cgroup children.
import { cpuStats, rfc3339, type CpuRate, type CpuRateTracker, type CPUStats } from './cpu-usage.js';
import type { NodeStatsSummary } from './eviction.js';
import type { ContainerStats, PodReference, PodStats } from './eviction-ranking.js';

export interface ContainerSample {
  readonly containerId: string;
  readonly name: string;
  readonly podUID: string;
  readonly podRef?: PodReference;
  readonly startTimeMs?: number;
  readonly usageCoreNanoSeconds: number;
  readonly workingSetBytes: number;
  readonly processCount: number;
  /** A rate the runtime knows exactly (hollow); otherwise the tracker's slope of the counter. */
  readonly usageNanoCores?: number;
}

interface PodAccumulator {
  podRef?: PodReference;
  startTimeMs?: number;
  usageCoreNanoSeconds: number;
  usageNanoCores?: number;
  windowMs?: number;
  workingSetBytes: number;
  processCount: number;
  containers: ContainerStats[];
}

function containerStats(s: ContainerSample, cpu: CPUStats, time: string): ContainerStats {
  return {
    name: s.name,
    memoryWorkingSetBytes: s.workingSetBytes,
    ...(s.startTimeMs === undefined ? {} : { startTime: rfc3339(s.startTimeMs) }),
    cpu,
    memory: { time, workingSetBytes: s.workingSetBytes, usageBytes: s.workingSetBytes, rssBytes: s.workingSetBytes },
  };
}

function add(acc: PodAccumulator, s: ContainerSample, rate: CpuRate | undefined, c: ContainerStats): void {
  acc.usageCoreNanoSeconds += s.usageCoreNanoSeconds;
  acc.workingSetBytes += s.workingSetBytes;
  acc.processCount += s.processCount;
  acc.containers.push(c);
  if (s.podRef !== undefined) acc.podRef = s.podRef;
  if (s.startTimeMs !== undefined) acc.startTimeMs = Math.min(acc.startTimeMs ?? s.startTimeMs, s.startTimeMs);
  if (rate !== undefined) {
    acc.usageNanoCores = (acc.usageNanoCores ?? 0) + rate.usageNanoCores;
    acc.windowMs = Math.max(acc.windowMs ?? 0, rate.windowMs);
  }
}

function podStats(uid: string, a: PodAccumulator, time: string): PodStats {
  const cpu: CPUStats = {
    time,
    usageCoreNanoSeconds: a.usageCoreNanoSeconds,
    ...(a.usageNanoCores === undefined ? {} : { usageNanoCores: a.usageNanoCores }),
    ...(a.windowMs === undefined ? {} : { windowMs: a.windowMs }),
  };
  return {
    uid,
    memoryWorkingSetBytes: a.workingSetBytes,
    ephemeralStorageBytes: 0,
    processCount: a.processCount,
    containers: a.containers,
    ...(a.podRef === undefined ? {} : { podRef: a.podRef }),
    ...(a.startTimeMs === undefined ? {} : { startTime: rfc3339(a.startTimeMs) }),
    cpu,
    memory: { time, workingSetBytes: a.workingSetBytes, usageBytes: a.workingSetBytes, rssBytes: a.workingSetBytes },
  };
}

/** One PodStats per pod of `samples` (in first-seen order); ends the tracker's round. */
export function summarizePods(samples: readonly ContainerSample[], nowMs: number, tracker: CpuRateTracker): PodStats[] {
  const time = rfc3339(nowMs);
  const byPod = new Map<string, PodAccumulator>();
  for (const s of samples) {
    const reading = { timeMs: nowMs, usageCoreNanoSeconds: s.usageCoreNanoSeconds };
    const observed = tracker.observe(s.containerId, reading);
    const rate = s.usageNanoCores === undefined ? observed : { usageNanoCores: s.usageNanoCores, windowMs: observed?.windowMs ?? 0 };
    const acc = byPod.get(s.podUID) ?? { usageCoreNanoSeconds: 0, workingSetBytes: 0, processCount: 0, containers: [] };
    add(acc, s, rate, containerStats(s, cpuStats(reading, rate), time));
    byPod.set(s.podUID, acc);
  }
  tracker.endRound();
  return [...byPod].map(([uid, a]) => podStats(uid, a, time));
}

// ---- `kubelet.<node>.stats` over NATS (DESIGN.md §3): the apiserver asks, the kubelet answers ----

export interface KubeletStatsRequest {
  readonly type: 'kubelet.stats';
}

export interface KubeletStatsReply {
  readonly type: 'kubelet.stats.summary';
  readonly nodeName: string;
  readonly summary: NodeStatsSummary;
}
