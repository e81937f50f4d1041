// The kubelet's stats for the process runtime, read from the host (Linux /proc and statfs):
// memory.available from MemAvailable, nodefs from the file system holding the root folder, PIDs
// from pid_max and the processes running, the node's CPU from /proc/stat; per container, the
// resident memory, process count and CPU time (/proc/<pid>/stat) of its process group, with
// usageNanoCores from the previous reading of the same container (cpu-usage.ts).
import { readdir, readFile, statfs } from 'node:fs/promises';
import { RealClock, type Clock } from '@skiff/core';
import { cpuStats, CpuRateTracker, rfc3339, summarizePods, ticksToNanoSeconds, type ContainerSample, type NodeStatsSummary, type PodReference, type StatsProvider } from '@skiff/kubelet';
import type { ProcessRuntime } from './process-runtime.js';
import { nodeCpuTicks, parseProcStat } from './proc-stat.js';

const PAGE_BYTES = 4096;
/** The node's key in the rate tracker; container ids never start with a NUL. */
const NODE_KEY = '\u0000node';

async function meminfo(): Promise<{ availableBytes: number; workingSetBytes: number }> {
  const text = await readFile('/proc/meminfo', 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  return { availableBytes: available, workingSetBytes: total - available };
}

async function residentBytes(pid: number): Promise<number> {
  const statm = await readFile(`/proc/${pid}/statm`, 'utf8').catch(() => '');
  return Number(statm.split(' ')[1] ?? 0) * PAGE_BYTES;
}

interface GroupMember {
  readonly pid: number;
  readonly cpuTicks: number;
}

/**
 * Live (non-zombie) processes of the wanted process groups, from one pass over /proc: a summary
 * reads every process once, whatever the number of containers.
 */
async function groupsOf(pids: readonly string[], wanted: ReadonlySet<number>): Promise<Map<number, GroupMember[]>> {
  const out = new Map<number, GroupMember[]>();
  await Promise.all(
    pids.map(async (p) => {
      const stat = parseProcStat(await readFile(`/proc/${p}/stat`, 'utf8').catch(() => ''));
      if (stat === undefined || stat.state === 'Z' || !wanted.has(stat.pgrp)) return;
      out.set(stat.pgrp, [...(out.get(stat.pgrp) ?? []), { pid: Number(p), cpuTicks: stat.cpuTicks }]);
    }),
  );
  return out;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

export interface HostStatsOptions {
  /** When readings are taken; default the wall clock (the counters are the host's, so is their time). */
  readonly clock?: Pick<Clock, 'now'>;
  /** Readings of one container are kept at least this far apart for the rate. Default 1 s. */
  readonly minRateWindowMs?: number;
}

export class HostStatsProvider implements StatsProvider {
  private readonly clock: Pick<Clock, 'now'>;
  private readonly rates: CpuRateTracker;

  /** `fsPath`: a folder on the node's file system (the kubelet's root). */
  constructor(
    private readonly runtime: ProcessRuntime,
    private readonly fsPath: string,
    options: HostStatsOptions = {},
  ) {
    this.clock = options.clock ?? new RealClock();
    this.rates = new CpuRateTracker(options.minRateWindowMs ?? 1_000);
  }

  async summary(): Promise<NodeStatsSummary> {
    const [memory, fs, pidMax, procs, procStat] = await Promise.all([
      meminfo(),
      statfs(this.fsPath),
      readFile('/proc/sys/kernel/pid_max', 'utf8'),
      readdir('/proc'),
      readFile('/proc/stat', 'utf8'),
    ]);
    const nowMs = this.clock.now();
    const pids = procs.filter((p) => /^\d+$/.test(p));
    const ticks = nodeCpuTicks(procStat);
    const reading = ticks === undefined ? undefined : { timeMs: nowMs, usageCoreNanoSeconds: ticksToNanoSeconds(ticks) };
    const node = {
      ...(reading === undefined ? {} : { cpu: cpuStats(reading, this.rates.observe(NODE_KEY, reading)) }),
      memory: { ...memory, time: rfc3339(nowMs), usageBytes: memory.workingSetBytes },
      fs: { availableBytes: fs.bavail * fs.bsize, capacityBytes: fs.blocks * fs.bsize, inodesFree: fs.ffree, inodes: fs.files },
      rlimit: { maxPID: Number(pidMax.trim()), numOfRunningProcesses: pids.length },
    };
    return { node, pods: summarizePods(await this.samples(pids), nowMs, this.rates) };
  }

  private async samples(pids: readonly string[]): Promise<ContainerSample[]> {
    const refs = new Map<string, PodReference>();
    for (const s of await this.runtime.listPodSandbox()) refs.set(s.metadata.uid, { name: s.metadata.name, namespace: s.metadata.namespace, uid: s.metadata.uid });
    const containers = this.runtime.containerProcesses();
    const groups = await groupsOf(pids, new Set(containers.map((c) => c.pid)));
    const out: ContainerSample[] = [];
    for (const c of containers) {
      const members = groups.get(c.pid) ?? [];
      const rss = await Promise.all(members.map((m) => residentBytes(m.pid)));
      const ticks = members.map((m) => m.cpuTicks);
      const podRef = refs.get(c.podUID);
      out.push({
        containerId: c.containerId,
        name: c.name,
        podUID: c.podUID,
        ...(podRef === undefined ? {} : { podRef }),
        usageCoreNanoSeconds: ticksToNanoSeconds(sum(ticks)),
        workingSetBytes: sum(rss),
        processCount: members.length,
      });
    }
    return out;
  }
}
