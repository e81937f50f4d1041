import { describe, expect, it } from 'vitest';
import type { Pod } from '@skiff/api';
import { SimulationClock, SeededRandom } from '@skiff/core';
import { HollowRuntime } from '../src/hollow-runtime.js';
import { annotatedLoad, DEFAULT_HOLLOW_LOAD, HOLLOW_CPU_FLOOR_NANO_CORES, HollowStatsProvider, hollowUsage } from '../src/hollow-stats.js';
import { nodeCpuTicks, parseProcStat, processCpuTicks } from '../src/proc-stat.js';

describe('/proc parsing', () => {
  it('reads utime, stime, cutime and cstime after a comm with spaces and parentheses', () => {
    const stat = '4242 (my (odd) proc) R 1 4242 4242 0 -1 4194304 100 0 0 0 30 12 5 3 20 0 1 0 1000 1000000 200 18446744073709551615';
    expect(processCpuTicks(stat)).toBe(30 + 12 + 5 + 3);
    expect(parseProcStat(stat)).toEqual({ state: 'R', pgrp: 4242, cpuTicks: 50 });
    expect(processCpuTicks('garbage')).toBeUndefined();
    expect(processCpuTicks('1 (x) R 1 2')).toBeUndefined();
  });

  it('counts busy node time without idle and iowait', () => {
    const stat = 'cpu  100 5 50 9000 40 3 2 1 0 0\ncpu0 50 2 25 4500 20 1 1 0 0 0\nintr 1\n';
    expect(nodeCpuTicks(stat)).toBe(100 + 5 + 50 + 3 + 2 + 1);
    expect(nodeCpuTicks('intr 1\n')).toBeUndefined();
  });
});

const pod = (uid: string, cpu?: string, memory?: string): Pod =>
  ({
    metadata: { name: `p-${uid}`, namespace: 'ns', uid },
    spec: { containers: [{ name: 'app', image: 'x', resources: { requests: { ...(cpu === undefined ? {} : { cpu }), ...(memory === undefined ? {} : { memory }) } } }] },
  }) as Pod;

describe('hollow stats', () => {
  it('derives usage from requests times the load, with a floor for no request', () => {
    expect(hollowUsage(pod('u', '200m', '100Mi'), 'app', { cpu: 0.5, memory: 0.25 })).toEqual({ nanoCores: 100_000_000, workingSetBytes: 25 * 1024 * 1024 });
    expect(hollowUsage(pod('u'), 'app', { cpu: 1, memory: 1 }).nanoCores).toBe(HOLLOW_CPU_FLOOR_NANO_CORES);
  });

  it('reads the load from the pod annotation, ignoring values that are not fractions', () => {
    const annotated = (v: string): Pod => ({ ...pod('u'), metadata: { name: 'p', uid: 'u', annotations: { 'skiff.dev/hollow-cpu-load': v } } }) as Pod;
    expect(annotatedLoad(annotated('0.9'), 'app')).toEqual({ cpu: 0.9, memory: DEFAULT_HOLLOW_LOAD.memory });
    expect(annotatedLoad(annotated('lots'), 'app')).toEqual(DEFAULT_HOLLOW_LOAD);
    expect(annotatedLoad(annotated('-1'), 'app')).toEqual(DEFAULT_HOLLOW_LOAD);
    expect(annotatedLoad(pod('u'), 'app')).toEqual(DEFAULT_HOLLOW_LOAD);
  });

  it('reports a running container at its load, accumulates CPU time, and follows setLoad', async () => {
    const clock = new SimulationClock();
    const cri = new HollowRuntime({ clock, random: new SeededRandom(1), startLatencyMs: 0 });
    const p = pod('u1', '500m', '64Mi');
    const sandbox = await cri.runPodSandbox({ metadata: { name: 'p-u1', namespace: 'ns', uid: 'u1', attempt: 0 }, hostname: 'h', logDirectory: '/tmp', portMappings: [], labels: {}, annotations: {} });
    const config = { metadata: { name: 'app', attempt: 0 }, image: { image: 'x' }, command: [], args: [], workingDir: '', envs: [], mounts: [], labels: { 'io.kubernetes.pod.uid': 'u1', 'io.kubernetes.container.name': 'app' }, annotations: {}, logPath: 'app/0.log' };
    const id = await cri.createContainer(sandbox, config, { metadata: { name: 'p-u1', namespace: 'ns', uid: 'u1', attempt: 0 }, hostname: 'h', logDirectory: '/tmp', portMappings: [], labels: {}, annotations: {} });
    await cri.startContainer(id);
    const stats = new HollowStatsProvider({ cri, pods: () => [p], clock, load: { cpu: 0.2, memory: 0.5 } });
    const first = await stats.summary();
    expect(first.pods[0]?.podRef).toEqual({ name: 'p-u1', namespace: 'ns', uid: 'u1' });
    expect(first.pods[0]?.cpu?.usageNanoCores).toBe(100_000_000);
    expect(first.pods[0]?.memory?.workingSetBytes).toBe(32 * 1024 * 1024);
    clock.advance(10_000);
    stats.setLoad({ cpu: 1.6, memory: 0.5 });
    const second = await stats.summary();
    // 10 s at the new rate (0.8 core) since the last summary.
    expect(second.pods[0]?.cpu).toMatchObject({ usageNanoCores: 800_000_000, usageCoreNanoSeconds: 8e9 });
    expect(second.node.cpu?.usageNanoCores).toBe(800_000_000);
  });
});
