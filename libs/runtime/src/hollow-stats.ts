// Stats of a hollow node: synthetic, deterministic usage derived from each running container's
// requests, so that `kubectl top` and the HPA see numbers on nodes without processes. A container
// uses `load.cpu` times its CPU request and `load.memory` times its memory request (a floor
// stands in for a missing request). Tests drive an autoscaler either in process, with setLoad(),
// or from anywhere through the pod annotation `skiff.dev/hollow-cpu-load` (a fraction, e.g. "0.9"),
// which the default load reads: `kubectl annotate pods -l app=web skiff.dev/hollow-cpu-load=0.9`.
// CPU time accumulates at the current rate between summaries (time from the injected clock), so
// usageCoreNanoSeconds only grows while usageNanoCores is the exact current rate.
import { parseQuantityNanos, type Pod } from '@skiff/api';
import type { Clock } from '@skiff/core';
import {
  cpuStats,
  CpuRateTracker,
  KubernetesContainerNameLabel,
  KubernetesPodUIDLabel,
  rfc3339,
  summarizePods,
  type ContainerRuntime,
  type ContainerSample,
  type NodeStatsSummary,
  type PodReference,
  type StatsProvider,
} from '@skiff/kubelet';

/** Fractions of a container's requests it uses. */
export interface HollowLoad {
  readonly cpu: number;
  readonly memory: number;
}

export type HollowLoadFn = (pod: Pod | undefined, container: string) => HollowLoad;

export const DEFAULT_HOLLOW_LOAD: HollowLoad = { cpu: 0.1, memory: 0.5 };
export const HOLLOW_CPU_LOAD_ANNOTATION = 'skiff.dev/hollow-cpu-load';

/** The default load: the pod's `skiff.dev/hollow-cpu-load` annotation when it is a number >= 0, else DEFAULT_HOLLOW_LOAD. */
export const annotatedLoad: HollowLoadFn = (pod) => {
  const text = pod?.metadata.annotations?.[HOLLOW_CPU_LOAD_ANNOTATION];
  const cpu = text === undefined || text.trim() === '' ? NaN : Number(text);
  return Number.isFinite(cpu) && cpu >= 0 ? { ...DEFAULT_HOLLOW_LOAD, cpu } : DEFAULT_HOLLOW_LOAD;
};
/** What a container without a request is taken to request: 10m CPU, 16 MiB. */
export const HOLLOW_CPU_FLOOR_NANO_CORES = 10_000_000;
export const HOLLOW_MEMORY_FLOOR_BYTES = 16 * 1024 * 1024;

export interface HollowStatsOptions {
  readonly cri: ContainerRuntime;
  /** The node's pods, for their requests. */
  readonly pods: () => readonly Pod[];
  readonly clock: Pick<Clock, 'now'>;
  /** Default annotatedLoad. */
  readonly load?: HollowLoad | HollowLoadFn;
  readonly memoryCapacityBytes?: number;
}

function request(pod: Pod | undefined, container: string, resource: 'cpu' | 'memory'): number | undefined {
  const c = pod?.spec?.containers.find((x) => x.name === container);
  const nanos = parseQuantityNanos(c?.resources?.requests?.[resource]);
  return nanos === undefined || nanos === 0n ? undefined : Number(nanos);
}

/** Synthetic usage of one container: nanocores and working-set bytes. */
export function hollowUsage(pod: Pod | undefined, container: string, load: HollowLoad): { nanoCores: number; workingSetBytes: number } {
  const cpu = request(pod, container, 'cpu') ?? HOLLOW_CPU_FLOOR_NANO_CORES;
  const memNanos = request(pod, container, 'memory');
  const mem = memNanos === undefined ? HOLLOW_MEMORY_FLOOR_BYTES : memNanos / 1e9;
  return { nanoCores: Math.round(cpu * Math.max(0, load.cpu)), workingSetBytes: Math.round(mem * Math.max(0, load.memory)) };
}

interface Accumulated {
  timeMs: number;
  usageNs: number;
}

export class HollowStatsProvider implements StatsProvider {
  private load: HollowLoadFn;
  private readonly cumulative = new Map<string, Accumulated>();
  private readonly node: Accumulated;
  private readonly rates = new CpuRateTracker();

  constructor(private readonly options: HollowStatsOptions) {
    this.load = toFn(options.load ?? annotatedLoad);
    this.node = { timeMs: options.clock.now(), usageNs: 0 };
  }

  /** From now on, containers use this fraction of their requests (one value, or per pod and container). */
  setLoad(load: HollowLoad | HollowLoadFn): void {
    this.load = toFn(load);
  }

  async summary(): Promise<NodeStatsSummary> {
    const nowMs = this.options.clock.now();
    const samples = await this.samples(nowMs);
    const nodeRate = samples.reduce((a, s) => a + (s.usageNanoCores ?? 0), 0);
    const workingSet = samples.reduce((a, s) => a + s.workingSetBytes, 0);
    const reading = advance(this.node, nowMs, nodeRate);
    const capacity = this.options.memoryCapacityBytes ?? 16 * 1024 ** 3;
    return {
      node: {
        cpu: cpuStats(reading, { usageNanoCores: nodeRate, windowMs: 0 }),
        memory: { time: rfc3339(nowMs), availableBytes: Math.max(0, capacity - workingSet), workingSetBytes: workingSet, usageBytes: workingSet },
      },
      pods: summarizePods(samples, nowMs, this.rates),
    };
  }

  private async samples(nowMs: number): Promise<ContainerSample[]> {
    const { cri } = this.options;
    const refs = new Map<string, PodReference>();
    for (const s of await cri.listPodSandbox()) refs.set(s.id, { name: s.metadata.name, namespace: s.metadata.namespace, uid: s.metadata.uid });
    const pods = new Map(this.options.pods().map((p) => [p.metadata.uid ?? '', p]));
    const running = await cri.listContainers({ state: 'CONTAINER_RUNNING' });
    const seen = new Set<string>();
    const out = running.map((c): ContainerSample => {
      const podUID = c.labels[KubernetesPodUIDLabel] ?? refs.get(c.podSandboxId)?.uid ?? '';
      const name = c.labels[KubernetesContainerNameLabel] ?? c.metadata.name;
      const pod = pods.get(podUID);
      const usage = hollowUsage(pod, name, this.load(pod, name));
      const acc = this.cumulative.get(c.id) ?? { timeMs: nowMs, usageNs: 0 };
      this.cumulative.set(c.id, acc);
      seen.add(c.id);
      const podRef = refs.get(c.podSandboxId);
      return {
        containerId: c.id,
        name,
        podUID,
        ...(podRef === undefined ? {} : { podRef }),
        startTimeMs: c.createdAtMs,
        usageCoreNanoSeconds: advance(acc, nowMs, usage.nanoCores).usageCoreNanoSeconds,
        usageNanoCores: usage.nanoCores,
        workingSetBytes: usage.workingSetBytes,
        processCount: 1,
      };
    });
    for (const id of this.cumulative.keys()) if (!seen.has(id)) this.cumulative.delete(id);
    return out;
  }
}

function toFn(load: HollowLoad | HollowLoadFn): HollowLoadFn {
  return typeof load === 'function' ? load : () => load;
}

/** Adds the CPU time used at `nanoCores` since the last reading. */
function advance(acc: Accumulated, nowMs: number, nanoCores: number): { timeMs: number; usageCoreNanoSeconds: number } {
  acc.usageNs += Math.max(0, nowMs - acc.timeMs) * 1e-3 * nanoCores;
  acc.timeMs = Math.max(acc.timeMs, nowMs);
  return { timeMs: nowMs, usageCoreNanoSeconds: Math.round(acc.usageNs) };
}
