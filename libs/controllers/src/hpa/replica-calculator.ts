// ReplicaCalculator (pkg/controller/podautoscaler/replica_calculator.go) for Resource metrics:
// desired = ceil(ready pods * usage / target), unless within the tolerance. Pods without metrics
// and not-yet-ready pods are handled conservatively: they are assumed to use the whole request
// (scale-down) or nothing (scale-up), and a proposal that would flip direction keeps the count.
import { parseQuantity, quantityMilliValue } from '@skiff/apimachinery';
import type { Pod } from '@skiff/api';
import { podCondition } from '../util/pod.js';
import { parseTime } from '../util/time.js';

export interface PodMetric {
  /** When the sample was taken and over which window (metrics.k8s.io PodMetrics). */
  readonly timestampMs: number;
  readonly windowMs: number;
  /** Usage by resource name, in milli-units (cpu millicores, memory millibytes), summed over the containers considered. */
  readonly usageMilli: Readonly<Record<string, number>>;
}

export type PodMetrics = ReadonlyMap<string, PodMetric>;

export interface ReplicaCalculatorConfig {
  /** --horizontal-pod-autoscaler-tolerance. */
  readonly tolerance: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period. */
  readonly cpuInitializationPeriodMs: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay. */
  readonly delayOfInitialReadinessStatusMs: number;
}

export const defaultReplicaCalculatorConfig: ReplicaCalculatorConfig = { tolerance: 0.1, cpuInitializationPeriodMs: 5 * 60_000, delayOfInitialReadinessStatusMs: 30_000 };

export class ReplicaCalculationError extends Error {
  override readonly name = 'ReplicaCalculationError';
}

export interface ReplicaProposal {
  readonly replicas: number;
  /** Utilization in percent of requests (Utilization targets). */
  readonly utilization?: number;
  /** Average usage per pod in milli-units. */
  readonly rawAverageMilli: number;
}

interface PodGroups {
  readyCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/** groupPods. */
function groupPods(pods: readonly Pod[], metrics: PodMetrics, resource: string, nowMs: number, config: ReplicaCalculatorConfig): PodGroups {
  const g: PodGroups = { readyCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata.name ?? '';
    if (pod.metadata.deletionTimestamp !== undefined || pod.status?.phase === 'Failed') g.ignored.add(name);
    else if (pod.status?.phase === 'Pending') g.unready.add(name);
    else if (!metrics.has(name)) g.missing.add(name);
    else if (resource === 'cpu' && cpuUnready(pod, metrics.get(name)!, nowMs, config)) g.unready.add(name);
    else g.readyCount++;
  }
  return g;
}

/** A CPU sample is not trusted while the pod starts up or before it was ever ready. */
function cpuUnready(pod: Pod, metric: PodMetric, nowMs: number, config: ReplicaCalculatorConfig): boolean {
  const ready = podCondition(pod, 'Ready');
  const startMs = parseTime(pod.status?.startTime);
  if (ready === undefined || startMs === undefined) return true;
  const transitionMs = parseTime(ready.lastTransitionTime) ?? 0;
  if (startMs + config.cpuInitializationPeriodMs > nowMs) return ready.status === 'False' || metric.timestampMs < transitionMs + metric.windowMs;
  return ready.status === 'False' && startMs + config.delayOfInitialReadinessStatusMs > transitionMs;
}

/** calculatePodRequests: milli-units requested per pod (containers and sidecars). */
export function podRequestsMilli(pods: readonly Pod[], resource: string, container = ''): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    for (const c of containers) {
      if (container !== '' && container !== c.name) continue;
      const request = c.resources?.requests?.[resource];
      if (request === undefined) throw new ReplicaCalculationError(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name ?? ''}`);
      sum += quantityMilliValue(parseQuantity(request));
    }
    out.set(pod.metadata.name ?? '', sum);
  }
  return out;
}

/** GetResourceUtilizationRatio. */
function utilizationRatio(usage: ReadonlyMap<string, number>, requests: ReadonlyMap<string, number>, targetUtilization: number): { ratio: number; utilization: number; rawAverage: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let n = 0;
  for (const [name, value] of usage) {
    const request = requests.get(name);
    if (request === undefined) continue;
    metricsTotal += value;
    requestsTotal += request;
    n++;
  }
  if (requestsTotal === 0) throw new ReplicaCalculationError('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(metricsTotal / n) };
}

const within = (ratio: number, tolerance: number): boolean => 1 - tolerance <= ratio && ratio <= 1 + tolerance;

interface Calculation {
  readonly pods: readonly Pod[];
  readonly metrics: PodMetrics;
  readonly resource: string;
  readonly currentReplicas: number;
  readonly nowMs: number;
  readonly config: ReplicaCalculatorConfig;
}

/** The shared tail of GetResourceReplicas and GetRawResourceReplicas. */
function propose(
  c: Calculation,
  ratioOf: (usage: ReadonlyMap<string, number>) => number,
  fallbackForMissing: (name: string) => number,
): { replicas: number; sampled: ReadonlyMap<string, number> } {
  if (c.pods.length === 0) throw new ReplicaCalculationError('no pods returned by selector while calculating replica count');
  const groups = groupPods(c.pods, c.metrics, c.resource, c.nowMs, c.config);
  const usage = new Map<string, number>();
  for (const [name, m] of c.metrics) {
    if (groups.ignored.has(name) || groups.unready.has(name)) continue;
    if (!c.pods.some((p) => p.metadata.name === name)) continue;
    usage.set(name, m.usageMilli[c.resource] ?? 0);
  }
  if (usage.size === 0) throw new ReplicaCalculationError('did not receive metrics for targeted pods (pods might be unready)');
  const sampled = new Map(usage);
  const ratio = ratioOf(usage);
  const scaleUpWithUnready = groups.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    return { replicas: within(ratio, c.config.tolerance) ? c.currentReplicas : Math.ceil(ratio * groups.readyCount), sampled };
  }
  for (const name of groups.missing) {
    if (ratio < 1) usage.set(name, fallbackForMissing(name));
    else if (ratio > 1) usage.set(name, 0);
  }
  if (scaleUpWithUnready) for (const name of groups.unready) usage.set(name, 0);
  const newRatio = ratioOf(usage);
  if (within(newRatio, c.config.tolerance) || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return { replicas: c.currentReplicas, sampled };
  const replicas = Math.ceil(newRatio * usage.size);
  if ((newRatio < 1 && replicas > c.currentReplicas) || (newRatio > 1 && replicas < c.currentReplicas)) return { replicas: c.currentReplicas, sampled };
  return { replicas, sampled };
}

/** GetResourceReplicas: a Utilization target (percent of requests). */
export function resourceReplicas(c: Calculation, targetUtilization: number, container = ''): ReplicaProposal {
  const requests = podRequestsMilli(c.pods, c.resource, container);
  // On scale-down, a pod without metrics counts as using its whole request (or the target, if higher).
  const fallback = Math.max(100, targetUtilization);
  const { replicas, sampled } = propose(c, (u) => utilizationRatio(u, requests, targetUtilization).ratio, (name) => Math.trunc(((requests.get(name) ?? 0) * fallback) / 100));
  const { utilization, rawAverage } = utilizationRatio(sampled, requests, targetUtilization);
  return { replicas, utilization, rawAverageMilli: rawAverage };
}

/** GetRawResourceReplicas: an AverageValue target (milli-units per pod). */
export function rawResourceReplicas(c: Calculation, targetAverageMilli: number): ReplicaProposal {
  const average = (u: ReadonlyMap<string, number>): number => Math.trunc([...u.values()].reduce((a, b) => a + b, 0) / u.size);
  const { replicas, sampled } = propose(c, (u) => average(u) / targetAverageMilli, () => targetAverageMilli);
  return { replicas, rawAverageMilli: average(sampled) };
}

export type { Calculation as ReplicaCalculation };
