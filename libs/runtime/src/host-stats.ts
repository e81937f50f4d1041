// The eviction manager's stats for the process runtime, read from the host (Linux /proc and
// statfs): memory.available from MemAvailable, nodefs from the file system holding the root
// folder, PIDs from pid_max and the processes running; per pod, the resident memory and process
// count of its containers' process groups.
import { readdir, readFile, statfs } from 'node:fs/promises';
import type { NodeStatsSummary, PodStats, StatsProvider } from '@skiff/kubelet';
import { groupMembers } from './process-group.js';
import type { ProcessRuntime } from './process-runtime.js';

const PAGE_BYTES = 4096;

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

export class HostStatsProvider implements StatsProvider {
  /** `fsPath`: a folder on the node's file system (the kubelet's root). */
  constructor(
    private readonly runtime: ProcessRuntime,
    private readonly fsPath: string,
  ) {}

  async summary(): Promise<NodeStatsSummary> {
    const [memory, fs, pidMax, procs] = await Promise.all([
      meminfo(),
      statfs(this.fsPath),
      readFile('/proc/sys/kernel/pid_max', 'utf8'),
      readdir('/proc'),
    ]);
    const node = {
      memory,
      fs: { availableBytes: fs.bavail * fs.bsize, capacityBytes: fs.blocks * fs.bsize, inodesFree: fs.ffree, inodes: fs.files },
      rlimit: { maxPID: Number(pidMax.trim()), numOfRunningProcesses: procs.filter((p) => /^\d+$/.test(p)).length },
    };
    return { node, pods: await this.podStats() };
  }

  private async podStats(): Promise<PodStats[]> {
    const byPod = new Map<string, { memory: number; processes: number; containers: { name: string; memoryWorkingSetBytes: number }[] }>();
    for (const c of this.runtime.containerProcesses()) {
      const members = groupMembers(c.pid);
      const rss = (await Promise.all(members.map(residentBytes))).reduce((a, b) => a + b, 0);
      const entry = byPod.get(c.podUID) ?? { memory: 0, processes: 0, containers: [] };
      entry.memory += rss;
      entry.processes += members.length;
      entry.containers.push({ name: c.name, memoryWorkingSetBytes: rss });
      byPod.set(c.podUID, entry);
    }
    return [...byPod].map(([uid, e]) => ({ uid, memoryWorkingSetBytes: e.memory, ephemeralStorageBytes: 0, processCount: e.processes, containers: e.containers }));
  }
}
