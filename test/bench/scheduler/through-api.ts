// The "through the API" column: a fresh stack per workload (stack.ts). Set-up through the API:
// namespaces, PriorityClasses, nodes (create + status), then the scheduler service starts and the
// init pods are created and waited for (bound). Measured: the clock starts before the first measured
// pod is created; pods are created --concurrency at a time; a pod's latency runs from the moment its
// create was sent to the moment the benchmark's own pod watch sees spec.nodeName set (the binding
// written by the scheduler through pods/binding). Throughput = measured pods bound / (last bind seen -
// start). Each phase is bounded by the workload's cap; at the cap the result is partial.
import { performance } from 'node:perf_hooks';
import { Resources, type ApiClient, type KubeObject, type WatchHandle } from '@skiff/client';
import { startBenchStack } from './stack.js';
import { summarize, type RunResult } from './stats.js';
import type { Obj, Workload } from './workloads.js';

export interface ApiRunOptions {
  readonly seed: number;
  readonly fsync: boolean;
  readonly concurrency: number;
  readonly capMs: number;
  readonly log: (line: string) => void;
}

export interface ApiRunResult extends RunResult {
  readonly setupMs: number;
  readonly createErrors: number;
  /** Pods deleted during the measured window: the victims of preemption. */
  readonly victimsDeleted: number;
}

/** Runs fn over 0..count-1 with at most `concurrency` calls in flight; stops early at the deadline. */
async function pool(count: number, concurrency: number, deadline: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count && performance.now() < deadline) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Polls (every 20 ms, bounded by the deadline) until done() is true; false when the deadline passed. */
async function until(done: () => boolean, deadline: number): Promise<boolean> {
  while (!done()) {
    if (performance.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

const key = (o: { metadata: { name?: string; namespace?: string } }): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

class PodWatch {
  readonly boundAt = new Map<string, number>();
  deleted = 0;
  private handle: WatchHandle | undefined;

  async start(client: ApiClient): Promise<void> {
    const list = await client.list(Resources.pods, { limit: 1 });
    let opened!: () => void;
    const ready = new Promise<void>((r) => (opened = r));
    this.handle = client.watch(Resources.pods, { resourceVersion: list.metadata.resourceVersion ?? '0' }, (m) => {
      if (m.type === 'opened') opened();
      else if (m.type === 'event') this.seen(m.event.type, m.event.object);
      else if (m.type === 'failed' || m.type === 'ended') console.error(`pod watch ${m.type}: ${m.type === 'failed' ? String(m.error) : ''}`);
    });
    await ready;
  }

  private seen(type: string, pod: KubeObject): void {
    if (type === 'DELETED') {
      this.deleted++;
      return;
    }
    const nodeName = (pod['spec'] as { nodeName?: string } | undefined)?.nodeName;
    if (nodeName !== undefined && nodeName !== '' && !this.boundAt.has(key(pod))) this.boundAt.set(key(pod), performance.now());
  }

  stop(): void {
    this.handle?.stop();
  }
}

export async function runThroughApi(w: Workload, opts: ApiRunOptions): Promise<ApiRunResult> {
  const setupBegin = performance.now();
  const stack = await startBenchStack({ fsync: opts.fsync, seed: opts.seed });
  const { client } = stack;
  const watch = new PodWatch();
  let createErrors = 0;
  const create = async (resource: typeof Resources.pods, o: Obj): Promise<boolean> => {
    try {
      await client.create(resource, o as unknown as KubeObject);
      return true;
    } catch (err) {
      if (createErrors++ < 5) console.error(`create ${o.kind} ${o.metadata.name}: ${String(err)}`);
      return false;
    }
  };
  try {
    // Set-up (thousands of nodes and init pods through the API) gets twice the measured phase's cap.
    const setupDeadline = performance.now() + 2 * opts.capMs;
    for (const ns of w.namespaces) await create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const pc of w.priorityClasses) await create(Resources.priorityClasses, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: pc.name }, value: pc.value });
    await pool(w.nodes, opts.concurrency, setupDeadline, async (i) => {
      const node = w.node(i);
      // The API drops status on create (as Kubernetes does); the kubelet's part is a status write.
      if (await create(Resources.nodes, node)) await client.patchStatus(Resources.nodes, node.metadata.name, 'merge', { status: node['status'] }).catch(() => createErrors++);
    });
    opts.log(`  ${w.nodes} nodes created (${Math.round(performance.now() - setupBegin)} ms)`);
    await watch.start(client);
    await stack.startScheduler();
    const initKeys: string[] = [];
    await pool(w.initPods, opts.concurrency, setupDeadline, async (i) => {
      const p = w.initPod(i);
      if (await create(Resources.pods, p)) initKeys.push(key(p));
    });
    const initBound = await until(() => initKeys.every((k) => watch.boundAt.has(k)), setupDeadline);
    const setupMs = performance.now() - setupBegin;
    opts.log(`  ${initKeys.length} init pods ${initBound ? 'bound' : 'NOT all bound by the cap'} (set-up ${Math.round(setupMs)} ms)`);

    const sentAt = new Map<string, number>();
    const deletedBefore = watch.deleted;
    const begin = performance.now();
    const cpuBegin = process.cpuUsage();
    const deadline = begin + opts.capMs;
    const creating = pool(w.measuredPods, opts.concurrency, deadline, async (i) => {
      const p = w.pod(i);
      sentAt.set(key(p), performance.now());
      if (!(await create(Resources.pods, p))) sentAt.delete(key(p));
    });
    // Progress every 5 s: where a slow run spends its time.
    const progress = setInterval(() => opts.log(`    ${Math.round((performance.now() - begin) / 1000)} s: ${sentAt.size} created, ${[...sentAt.keys()].filter((k) => watch.boundAt.has(k)).length} bound, ${watch.deleted - deletedBefore} deleted`), 5_000);
    await creating;
    opts.log(`    all ${sentAt.size} measured pods created in ${Math.round(performance.now() - begin)} ms`);
    await until(() => [...sentAt.keys()].every((k) => watch.boundAt.has(k)), deadline);
    clearInterval(progress);
    const cpu = process.cpuUsage(cpuBegin);
    const latenciesMs: number[] = [];
    let lastBound = begin;
    for (const [k, t] of sentAt) {
      const b = watch.boundAt.get(k);
      if (b === undefined) continue;
      latenciesMs.push(b - t);
      lastBound = Math.max(lastBound, b);
    }
    const capped = latenciesMs.length < w.measuredPods;
    const elapsedMs = (capped ? performance.now() : lastBound) - begin;
    const summary = summarize({ measured: w.measuredPods, attempted: sentAt.size, scheduled: latenciesMs.length, failed: sentAt.size - latenciesMs.length, preemptions: 0, latenciesMs, elapsedMs, cpuMs: (cpu.user + cpu.system) / 1000, capped });
    return { ...summary, setupMs: Math.round(setupMs), createErrors, victimsDeleted: watch.deleted - deletedBefore };
  } finally {
    watch.stop();
    await stack.stop();
  }
}
