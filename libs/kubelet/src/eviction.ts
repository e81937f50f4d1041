// The eviction manager's arithmetic (pkg/kubelet/eviction: helpers.go, eviction_manager.go
// synchronize). Pure: stats come in as a summary, time as milliseconds.
//
// - Thresholds: `signal < quantity|percentage`, hard (act at once) or soft (act once met for the
//   whole grace period), optionally with a minimum reclaim (a met threshold stays met until the
//   signal is that much above it).
// - Node conditions: MemoryPressure, DiskPressure, PIDPressure while a threshold of theirs is met,
//   and for pressureTransitionPeriod after (so the condition does not flap).
// - One victim per synchronize: pods ranked for the starved resource (eviction-ranking.ts),
//   critical pods skipped; hard thresholds evict with a 1 s grace period, soft ones with
//   min(maxPodGracePeriodSeconds, the pod's terminationGracePeriodSeconds).
import { parseQuantityNanos, type Pod } from '@skiff/api';
import { tryParseGoDurationMs } from '@skiff/apimachinery';
import type { CPUStats } from './cpu-usage.js';
import { rankForSignal, isCriticalPod, podMemoryRequestBytes, type PodStats } from './eviction-ranking.js';
import type { NodePressure } from './node-status.js';

export const evictionSignals = ['memory.available', 'nodefs.available', 'nodefs.inodesFree', 'imagefs.available', 'imagefs.inodesFree', 'pid.available'] as const;
export type EvictionSignal = (typeof evictionSignals)[number];

export class EvictionConfigError extends Error {
  override readonly name = 'EvictionConfigError';
}

/** An amount (bytes, inodes or PIDs) or a fraction of capacity. */
export type ThresholdValue = { readonly quantity: number } | { readonly percentage: number };

export interface Threshold {
  readonly signal: EvictionSignal;
  readonly operator: 'LessThan';
  readonly value: ThresholdValue;
  /** 0 for a hard threshold. */
  readonly gracePeriodMs: number;
  readonly hard: boolean;
  readonly minReclaim?: ThresholdValue;
}

export interface EvictionConfigInput {
  readonly evictionHard?: Readonly<Record<string, string>>;
  readonly evictionSoft?: Readonly<Record<string, string>>;
  /** Go durations ("1m30s") per signal; every soft threshold needs one. */
  readonly evictionSoftGracePeriod?: Readonly<Record<string, string>>;
  readonly evictionMinimumReclaim?: Readonly<Record<string, string>>;
}

/** The kubelet's Linux defaults (pkg/kubelet/eviction/defaults_linux.go). */
export const defaultEvictionHard: Readonly<Record<string, string>> = {
  'memory.available': '100Mi',
  'nodefs.available': '10%',
  'nodefs.inodesFree': '5%',
  'imagefs.available': '15%',
};

function isSignal(s: string): s is EvictionSignal {
  return (evictionSignals as readonly string[]).includes(s);
}

export function parseThresholdValue(text: string, what: string): ThresholdValue {
  const t = text.trim();
  if (t.endsWith('%')) {
    const pct = Number(t.slice(0, -1));
    if (!Number.isFinite(pct) || pct < 0 || pct > 100 || t.length === 1) throw new EvictionConfigError(`${what}: invalid percentage ${JSON.stringify(text)}`);
    return { percentage: pct / 100 };
  }
  const nanos = parseQuantityNanos(t);
  if (nanos === undefined || nanos < 0n) throw new EvictionConfigError(`${what}: invalid quantity ${JSON.stringify(text)}`);
  return { quantity: Number(nanos / 1_000_000_000n) };
}

/** A grace period: a non-negative Go duration, else EvictionConfigError naming the setting. */
export function parseGracePeriodMs(text: string, what: string): number {
  const ms = tryParseGoDurationMs(text);
  if (ms === undefined || ms < 0) throw new EvictionConfigError(`${what}: invalid duration ${JSON.stringify(text)}`);
  return ms;
}

/** ParseThresholdConfig: hard and soft maps into thresholds. Throws EvictionConfigError. */
export function parseThresholdConfig(input: EvictionConfigInput): Threshold[] {
  const minReclaim = (signal: EvictionSignal): ThresholdValue | undefined => {
    const text = input.evictionMinimumReclaim?.[signal];
    return text === undefined ? undefined : parseThresholdValue(text, `evictionMinimumReclaim[${signal}]`);
  };
  const make = (signal: string, text: string, hard: boolean): Threshold => {
    if (!isSignal(signal)) throw new EvictionConfigError(`unsupported eviction signal ${JSON.stringify(signal)}`);
    const grace = hard ? '0' : input.evictionSoftGracePeriod?.[signal];
    if (grace === undefined) throw new EvictionConfigError(`grace period must be specified for the soft eviction threshold ${signal}`);
    const reclaim = minReclaim(signal);
    return {
      signal,
      operator: 'LessThan',
      value: parseThresholdValue(text, `${hard ? 'evictionHard' : 'evictionSoft'}[${signal}]`),
      gracePeriodMs: parseGracePeriodMs(grace, `evictionSoftGracePeriod[${signal}]`),
      hard,
      ...(reclaim !== undefined ? { minReclaim: reclaim } : {}),
    };
  };
  return [
    ...Object.entries(input.evictionHard ?? {}).map(([s, v]) => make(s, v, true)),
    ...Object.entries(input.evictionSoft ?? {}).map(([s, v]) => make(s, v, false)),
  ];
}

// ---- stats and observations ----

/** The kubelet's stats summary (/stats/summary): what eviction reads, and cpu/memory for metrics. */
export interface NodeStatsSummary {
  readonly node: {
    readonly nodeName?: string;
    readonly cpu?: CPUStats;
    readonly memory?: { readonly availableBytes: number; readonly workingSetBytes: number; readonly time?: string; readonly usageBytes?: number };
    readonly fs?: { readonly availableBytes: number; readonly capacityBytes: number; readonly inodesFree?: number; readonly inodes?: number };
    readonly rlimit?: { readonly maxPID: number; readonly numOfRunningProcesses: number };
  };
  readonly pods: readonly PodStats[];
}

/** Where the summary comes from: an adapter (host /proc, or a hollow node's numbers). */
export interface StatsProvider {
  summary(): Promise<NodeStatsSummary>;
}

export interface SignalObservation {
  readonly available: number;
  readonly capacity: number;
}

export type SignalObservations = ReadonlyMap<EvictionSignal, SignalObservation>;

export function makeSignalObservations(summary: NodeStatsSummary): SignalObservations {
  const obs = new Map<EvictionSignal, SignalObservation>();
  const { memory, fs, rlimit } = summary.node;
  if (memory !== undefined) obs.set('memory.available', { available: memory.availableBytes, capacity: memory.availableBytes + memory.workingSetBytes });
  if (fs !== undefined) {
    // One file system here: images live on the node's file system, so imagefs is nodefs.
    obs.set('nodefs.available', { available: fs.availableBytes, capacity: fs.capacityBytes });
    obs.set('imagefs.available', { available: fs.availableBytes, capacity: fs.capacityBytes });
    if (fs.inodesFree !== undefined && fs.inodes !== undefined) {
      obs.set('nodefs.inodesFree', { available: fs.inodesFree, capacity: fs.inodes });
      obs.set('imagefs.inodesFree', { available: fs.inodesFree, capacity: fs.inodes });
    }
  }
  if (rlimit !== undefined) obs.set('pid.available', { available: rlimit.maxPID - rlimit.numOfRunningProcesses, capacity: rlimit.maxPID });
  return obs;
}

export function thresholdQuantity(value: ThresholdValue, capacity: number): number {
  return 'quantity' in value ? value.quantity : Math.floor(value.percentage * capacity);
}

export function thresholdKey(t: Threshold): string {
  return `${t.signal}:${t.hard ? 'hard' : 'soft'}`;
}

/** thresholdsMet: those whose signal is below their quantity (plus minReclaim when enforced). */
export function thresholdsMet(thresholds: readonly Threshold[], observations: SignalObservations, enforceMinReclaim: boolean): Threshold[] {
  return thresholds.filter((t) => {
    const obs = observations.get(t.signal);
    if (obs === undefined) return false;
    let quantity = thresholdQuantity(t.value, obs.capacity);
    if (enforceMinReclaim && t.minReclaim !== undefined) quantity += thresholdQuantity(t.minReclaim, obs.capacity);
    return obs.available < quantity;
  });
}

export const signalToNodeCondition: Readonly<Record<EvictionSignal, NodePressure>> = {
  'memory.available': 'MemoryPressure',
  'nodefs.available': 'DiskPressure',
  'nodefs.inodesFree': 'DiskPressure',
  'imagefs.available': 'DiskPressure',
  'imagefs.inodesFree': 'DiskPressure',
  'pid.available': 'PIDPressure',
};

const signalToResource: Readonly<Record<EvictionSignal, string>> = {
  'memory.available': 'memory',
  'nodefs.available': 'ephemeral-storage',
  'nodefs.inodesFree': 'inodes',
  'imagefs.available': 'ephemeral-storage',
  'imagefs.inodesFree': 'inodes',
  'pid.available': 'pids',
};

/** Memory first, then disk, then PIDs (byEvictionPriority). */
const signalPriority: Readonly<Record<EvictionSignal, number>> = {
  'memory.available': 0,
  'nodefs.available': 1,
  'nodefs.inodesFree': 1,
  'imagefs.available': 2,
  'imagefs.inodesFree': 2,
  'pid.available': 3,
};

// ---- synchronize ----

export interface EvictionState {
  readonly thresholdsMet: readonly Threshold[];
  readonly thresholdsFirstObservedAtMs: Readonly<Record<string, number>>;
  readonly nodeConditionsLastObservedAtMs: Readonly<Partial<Record<NodePressure, number>>>;
}

export const initialEvictionState: EvictionState = { thresholdsMet: [], thresholdsFirstObservedAtMs: {}, nodeConditionsLastObservedAtMs: {} };

export interface EvictionConfig {
  readonly thresholds: readonly Threshold[];
  /** evictionPressureTransitionPeriod: default 5 min. */
  readonly pressureTransitionPeriodMs: number;
  /** evictionMaxPodGracePeriod: the longest grace a soft eviction gives. */
  readonly maxPodGracePeriodSeconds: number;
}

export interface Eviction {
  readonly pod: Pod;
  readonly signal: EvictionSignal;
  readonly gracePeriodSeconds: number;
  /** The status message of the evicted pod (reason Evicted). */
  readonly message: string;
}

export interface EvictionResult {
  readonly state: EvictionState;
  readonly nodeConditions: readonly NodePressure[];
  readonly eviction?: Eviction;
}

/** Hard evictions still give the pod this long (immediateEvictionGracePeriodSeconds). */
export const IMMEDIATE_EVICTION_GRACE_PERIOD_SECONDS = 1;

function mergeThresholds(a: readonly Threshold[], b: readonly Threshold[]): Threshold[] {
  const seen = new Set(a.map(thresholdKey));
  return [...a, ...b.filter((t) => !seen.has(thresholdKey(t)))];
}

export function synchronizeEviction(state: EvictionState, config: EvictionConfig, summary: NodeStatsSummary, pods: readonly Pod[], nowMs: number): EvictionResult {
  const observations = makeSignalObservations(summary);
  const met = mergeThresholds(thresholdsMet(config.thresholds, observations, false), thresholdsMet(state.thresholdsMet, observations, true));
  const firstObserved: Record<string, number> = {};
  for (const t of met) firstObserved[thresholdKey(t)] = state.thresholdsFirstObservedAtMs[thresholdKey(t)] ?? nowMs;
  const lastObserved: Partial<Record<NodePressure, number>> = { ...state.nodeConditionsLastObservedAtMs };
  for (const t of met) lastObserved[signalToNodeCondition[t.signal]] = nowMs;
  const nodeConditions = (Object.entries(lastObserved) as [NodePressure, number][]).filter(([, at]) => nowMs - at < config.pressureTransitionPeriodMs).map(([c]) => c).sort();
  const next: EvictionState = { thresholdsMet: met, thresholdsFirstObservedAtMs: firstObserved, nodeConditionsLastObservedAtMs: lastObserved };
  const ready = met.filter((t) => nowMs - firstObserved[thresholdKey(t)]! >= t.gracePeriodMs).sort((a, b) => signalPriority[a.signal] - signalPriority[b.signal]);
  const target = ready[0];
  if (target === undefined) return { state: next, nodeConditions };
  const victim = rankForSignal(target.signal, pods, summary.pods).find((p) => !isCriticalPod(p));
  if (victim === undefined) return { state: next, nodeConditions };
  const grace = target.hard ? IMMEDIATE_EVICTION_GRACE_PERIOD_SECONDS : Math.min(config.maxPodGracePeriodSeconds, victim.spec?.terminationGracePeriodSeconds ?? 30);
  const message = evictionMessage(target, observations.get(target.signal)!, victim, summary.pods);
  return { state: next, nodeConditions, eviction: { pod: victim, signal: target.signal, gracePeriodSeconds: grace, message } };
}

/** A Kubernetes quantity string for a count of bytes: the largest binary suffix that divides it. */
export function formatBytes(bytes: number): string {
  const suffixes = ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'];
  for (let i = 0; i < suffixes.length; i++) {
    const unit = 1024 ** (6 - i);
    if (bytes !== 0 && bytes % unit === 0) return `${bytes / unit}${suffixes[i]}`;
  }
  return String(bytes);
}

/** evictionMessage: what ran low, the threshold, and which containers used more than they requested. */
export function evictionMessage(threshold: Threshold, obs: SignalObservation, pod: Pod, stats: readonly PodStats[]): string {
  const resource = signalToResource[threshold.signal];
  const asText = resource === 'memory' || resource === 'ephemeral-storage' ? formatBytes : String;
  let message = `The node was low on resource: ${resource}. Threshold quantity: ${asText(thresholdQuantity(threshold.value, obs.capacity))}, available: ${asText(obs.available)}. `;
  if (resource !== 'memory') return message;
  const podStats = stats.find((s) => s.uid === pod.metadata.uid);
  for (const c of pod.spec?.containers ?? []) {
    const usage = podStats?.containers?.find((s) => s.name === c.name)?.memoryWorkingSetBytes;
    const request = podMemoryRequestBytes({ ...pod, spec: { ...pod.spec!, containers: [c], initContainers: [] } });
    if (usage !== undefined && usage > request) message += `Container ${c.name} was using ${formatBytes(usage)}, request is ${formatBytes(request)}, has larger consumption of memory. `;
  }
  return message;
}
