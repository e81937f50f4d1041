// Pure: metrics.k8s.io/v1beta1 objects from the kubelets' stats summaries, as metrics-server builds
// them (pkg/storage: nodeMetrics, podMetrics). CPU is the kubelet's usageNanoCores as a quantity in
// nanocores ("<n>n"), memory the working set in KiB ("<n>Ki"). A node or pod whose numbers are not
// all there yet (no CPU rate before its second reading) gets no object: metrics-server skips such
// points too, and `kubectl top` says "metrics not available yet".
import type { KubeObject, NodeMetrics, PodMetrics } from '@skiff/api';
import type { ContainerStats, NodeStatsSummary, PodStats } from '@skiff/kubelet';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_API_VERSION = 'metrics.k8s.io/v1beta1';

export interface Usage {
  readonly cpu: string;
  readonly memory: string;
}

export function cpuQuantity(nanoCores: number): string {
  const n = Math.max(0, Math.round(nanoCores));
  return n === 0 ? '0' : `${n}n`;
}

export function memoryQuantity(bytes: number): string {
  const ki = Math.max(0, Math.floor(bytes / 1024));
  return ki === 0 ? '0' : `${ki}Ki`;
}

/** Go's time.Duration.String() for whole milliseconds: "0s", "1.5s", "2m0.25s", "1h0m0s". */
export function goDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total === 0) return '0s';
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const sMs = total % 60_000;
  const s = `${Math.floor(sMs / 1000)}${sMs % 1000 === 0 ? '' : `.${String(sMs % 1000).padStart(3, '0').replace(/0+$/, '')}`}s`;
  if (h > 0) return `${h}h${m}m${s}`;
  if (m > 0) return `${m}m${s}`;
  return s;
}

function usageOf(stats: { readonly cpu?: { readonly usageNanoCores?: number }; readonly memory?: { readonly workingSetBytes?: number } }, fallbackWorkingSet?: number): Usage | undefined {
  const cpu = stats.cpu?.usageNanoCores;
  const memory = stats.memory?.workingSetBytes ?? fallbackWorkingSet;
  if (cpu === undefined || memory === undefined) return undefined;
  return { cpu: cpuQuantity(cpu), memory: memoryQuantity(memory) };
}

interface Meta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
}

function metricsMeta(obj: KubeObject, nowIso: string): Meta & { creationTimestamp: string } {
  const labels = obj.metadata.labels as Record<string, string> | undefined;
  const namespace = obj.metadata.namespace as string | undefined;
  return {
    name: obj.metadata.name as string,
    ...(namespace === undefined ? {} : { namespace }),
    ...(labels === undefined ? {} : { labels: { ...labels } }),
    // metrics-server stamps the time the object was made, not the node's or pod's.
    creationTimestamp: nowIso,
  };
}

/** NodeMetrics of a node from its kubelet's summary; undefined until CPU and memory are known. */
export function nodeMetrics(node: KubeObject, summary: NodeStatsSummary, nowIso: string): NodeMetrics | undefined {
  const usage = usageOf(summary.node);
  const cpu = summary.node.cpu;
  if (usage === undefined || cpu === undefined) return undefined;
  return {
    kind: 'NodeMetrics',
    apiVersion: METRICS_API_VERSION,
    metadata: metricsMeta(node, nowIso),
    timestamp: cpu.time,
    window: goDuration(cpu.windowMs ?? 0),
    usage: { ...usage },
  } as NodeMetrics;
}

function containerUsage(c: ContainerStats): { name: string; usage: Usage } | undefined {
  const usage = usageOf(c, c.memoryWorkingSetBytes);
  return usage === undefined ? undefined : { name: c.name, usage };
}

/** PodMetrics of a pod from its stats; undefined unless every container reported has CPU and memory. */
export function podMetrics(pod: KubeObject, stats: PodStats, nowIso: string): PodMetrics | undefined {
  const reported = stats.containers ?? [];
  const containers = reported.map(containerUsage);
  const cpu = stats.cpu;
  if (cpu === undefined || reported.length === 0 || containers.some((c) => c === undefined)) return undefined;
  return {
    kind: 'PodMetrics',
    apiVersion: METRICS_API_VERSION,
    metadata: metricsMeta(pod, nowIso),
    timestamp: cpu.time,
    window: goDuration(cpu.windowMs ?? 0),
    containers: (containers as { name: string; usage: Usage }[]).map((c) => ({ name: c.name, usage: { ...c.usage } })),
  } as PodMetrics;
}

/** The pod's stats in a node's summary, by uid (podRef or the stats' own uid). */
export function findPodStats(summary: NodeStatsSummary | undefined, uid: string): PodStats | undefined {
  return summary?.pods.find((p) => (p.podRef?.uid ?? p.uid) === uid);
}

export function isNodeReady(node: KubeObject): boolean {
  const conditions = (node['status'] as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

export function metricsList(kind: 'NodeMetricsList' | 'PodMetricsList', items: readonly KubeObject[]): KubeObject {
  return { kind, apiVersion: METRICS_API_VERSION, metadata: {}, items: [...items] } as unknown as KubeObject;
}
