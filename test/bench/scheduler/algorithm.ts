// The "algorithm only" column: the same workload through @skiff/scheduler's scheduleOne and
// SchedulerCache in this process, with no API, no NATS and no binding calls. Preemption removes the
// victims from the cache at once and runs the second cycle right away. The gap between this column
// and the through-the-API one is what the API, the store, NATS and the service loop cost.
import { SeededRandom, SimulationClock } from '@skiff/core';
import { Framework, SchedulerCache, SchedulingQueue, defaultProfile, inTreeRegistry, scheduleOne, type Node, type Pod } from '@skiff/scheduler';
import { summarize, type RunResult } from './stats.js';
import type { Obj, Workload } from './workloads.js';

/** What admission would do: spec.priority from the PriorityClass; a start time for existing pods. */
function asPod(w: Workload, o: Obj, running: boolean): Pod {
  const spec = o['spec'] as Record<string, unknown>;
  const cls = w.priorityClasses.find((c) => c.name === spec['priorityClassName']);
  const pod = { ...o, spec: { ...spec, priority: cls?.value ?? 0 } } as unknown as Pod;
  return running ? { ...pod, status: { startTime: '2026-01-01T00:00:00Z' } } : pod;
}

export function runAlgorithm(w: Workload, seed: number, capMs: number): RunResult {
  const random = new SeededRandom(seed);
  const clock = new SimulationClock();
  const cache = new SchedulerCache(clock);
  const queue = new SchedulingQueue(clock);
  const framework = new Framework(defaultProfile(), inTreeRegistry());
  for (let i = 0; i < w.nodes; i++) cache.addNode(w.node(i) as unknown as Node);
  let next = 0;
  for (let i = 0; i < w.initPods; i++) {
    const p = asPod(w, w.initPod(i), true);
    const r = scheduleOne(p, cache.snapshot(), framework, random, { nextStartNodeIndex: next });
    next = r.nextStartNodeIndex;
    if (r.type === 'scheduled') cache.addPod({ ...p, spec: { ...p.spec, nodeName: r.nodeName } } as Pod);
  }
  const latenciesMs: number[] = [];
  let failed = 0;
  let preemptions = 0;
  const begin = performance.now();
  const cpuBegin = process.cpuUsage();
  let i = 0;
  for (; i < w.measuredPods && performance.now() - begin < capMs; i++) {
    let p = asPod(w, w.pod(i), false);
    const t0 = performance.now();
    // At most two cycles: a preemption nominates, the victims go, the second cycle places it.
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = scheduleOne(p, cache.snapshot(queue.nominatedPods), framework, random, { nextStartNodeIndex: next });
      next = r.nextStartNodeIndex;
      if (r.type === 'scheduled') {
        cache.assumePod(p, r.nodeName);
        queue.setNominatedNode(p, '');
        latenciesMs.push(performance.now() - t0);
        break;
      }
      if (r.type === 'nominated' && attempt === 0) {
        preemptions++;
        for (const v of r.victims) cache.removePod(v);
        p = { ...p, status: { ...p.status, nominatedNodeName: r.nominatedNodeName } };
        queue.setNominatedNode(p, r.nominatedNodeName);
        continue;
      }
      failed++;
      break;
    }
  }
  const cpu = process.cpuUsage(cpuBegin);
  const elapsedMs = performance.now() - begin;
  return summarize({ measured: w.measuredPods, attempted: i, scheduled: latenciesMs.length, failed, preemptions, latenciesMs, elapsedMs, cpuMs: (cpu.user + cpu.system) / 1000, capped: i < w.measuredPods });
}
