// Which pod the eviction manager evicts first (pkg/kubelet/eviction/helpers.go: rankMemoryPressure,
// rankDiskPressureFunc, rankPIDPressure). Memory: pods using more than they request first, then
// lower priority first, then the largest use above request first. QoS is not a key of its own,
// but it falls out of the first: a BestEffort pod requests nothing, so any use exceeds its request,
// while a Guaranteed pod's request equals its limit. Pods without stats go first.
import { parseQuantityNanos, type Pod } from '@skiff/api';
import { isMirrorPod, isStaticPod } from './static-pod.js';
import type { CPUStats, MemoryStats } from './cpu-usage.js';
import type { EvictionSignal } from './eviction.js';

/** ContainerStats of the Summary API (cpu, memory), plus what eviction reads. */
export interface ContainerStats {
  readonly name: string;
  readonly memoryWorkingSetBytes?: number;
  readonly startTime?: string;
  readonly cpu?: CPUStats;
  readonly memory?: MemoryStats;
}

/** The Summary API's PodReference. */
export interface PodReference {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
}

/** PodStats of the Summary API (podRef, cpu, memory, containers), plus what eviction reads. */
export interface PodStats {
  readonly uid: string;
  readonly memoryWorkingSetBytes: number;
  readonly ephemeralStorageBytes: number;
  readonly processCount: number;
  readonly containers?: readonly ContainerStats[];
  readonly podRef?: PodReference;
  readonly startTime?: string;
  readonly cpu?: CPUStats;
  readonly memory?: MemoryStats;
}

/** scheduling.SystemCriticalPriority: pods at or above it are never evicted. */
export const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;

export function isCriticalPod(pod: Pod): boolean {
  return isStaticPod(pod) || isMirrorPod(pod) || (pod.spec?.priority ?? 0) >= SYSTEM_CRITICAL_PRIORITY;
}

function bytesOf(q: unknown): number {
  const n = parseQuantityNanos(q);
  return n === undefined ? 0 : Number(n / 1_000_000_000n);
}

/** GetResourceRequestQuantity: max(sum of app containers, largest init container). */
export function podRequestBytes(pod: Pod, resource: 'memory' | 'ephemeral-storage'): number {
  const sum = (pod.spec?.containers ?? []).reduce((s, c) => s + bytesOf(c.resources?.requests?.[resource]), 0);
  const init = Math.max(0, ...(pod.spec?.initContainers ?? []).map((c) => bytesOf(c.resources?.requests?.[resource])));
  return Math.max(sum, init);
}

export function podMemoryRequestBytes(pod: Pod): number {
  return podRequestBytes(pod, 'memory');
}

type Cmp = (a: Pod, b: Pod) => number;

/** cmpBool: true sorts first. */
function cmpBool(a: boolean, b: boolean): number {
  return a === b ? 0 : a ? -1 : 1;
}

function orderedBy(...cmps: Cmp[]): Cmp {
  return (a, b) => {
    for (const cmp of cmps) {
      const r = cmp(a, b);
      if (r !== 0) return r;
    }
    return 0;
  };
}

const priority: Cmp = (a, b) => (a.spec?.priority ?? 0) - (b.spec?.priority ?? 0);

function byStats(stats: ReadonlyMap<string, PodStats>, compare: (a: PodStats, b: PodStats, pa: Pod, pb: Pod) => number): Cmp {
  return (pa, pb) => {
    const a = stats.get(pa.metadata.uid ?? '');
    const b = stats.get(pb.metadata.uid ?? '');
    if (a === undefined || b === undefined) return cmpBool(a === undefined, b === undefined);
    return compare(a, b, pa, pb);
  };
}

function exceedsRequests(stats: ReadonlyMap<string, PodStats>, resource: 'memory' | 'ephemeral-storage'): Cmp {
  const usage = (s: PodStats): number => (resource === 'memory' ? s.memoryWorkingSetBytes : s.ephemeralStorageBytes);
  return byStats(stats, (a, b, pa, pb) => cmpBool(usage(a) > podRequestBytes(pa, resource), usage(b) > podRequestBytes(pb, resource)));
}

function usageAboveRequest(stats: ReadonlyMap<string, PodStats>, resource: 'memory' | 'ephemeral-storage'): Cmp {
  const usage = (s: PodStats): number => (resource === 'memory' ? s.memoryWorkingSetBytes : s.ephemeralStorageBytes);
  return byStats(stats, (a, b, pa, pb) => usage(b) - podRequestBytes(pb, resource) - (usage(a) - podRequestBytes(pa, resource)));
}

function processes(stats: ReadonlyMap<string, PodStats>): Cmp {
  return byStats(stats, (a, b) => b.processCount - a.processCount);
}

/** Pods in eviction order for a signal; the sort is stable, so equal pods keep their order. */
export function rankForSignal(signal: EvictionSignal, pods: readonly Pod[], podStats: readonly PodStats[]): Pod[] {
  const stats = new Map(podStats.map((s) => [s.uid, s]));
  const cmp =
    signal === 'memory.available'
      ? orderedBy(exceedsRequests(stats, 'memory'), priority, usageAboveRequest(stats, 'memory'))
      : signal === 'pid.available'
        ? orderedBy(priority, processes(stats))
        : orderedBy(exceedsRequests(stats, 'ephemeral-storage'), priority, usageAboveRequest(stats, 'ephemeral-storage'));
  return [...pods].sort(cmp);
}
