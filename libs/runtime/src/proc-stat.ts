// Pure: CPU times out of Linux /proc (proc(5)), in clock ticks (USER_HZ).
// - /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so fields
//   are counted after the last ')'. utime and stime are fields 14 and 15; cutime and cstime (16,
//   17) are the times of children the process has waited for. Counting those too keeps a
//   container's total from dropping when a short-lived child exits and is reaped, which is what a
//   cgroup's cpuacct counter would show.
// - /proc/stat: the first line "cpu  user nice system idle iowait irq softirq steal guest guest_nice";
//   busy time is everything but idle and iowait (guest time is already inside user and nice).

export interface ProcStat {
  readonly state: string;
  /** Process group id (field 5). */
  readonly pgrp: number;
  /** utime + stime + cutime + cstime. */
  readonly cpuTicks: number;
}

/** The fields Skiff reads from one /proc/<pid>/stat text; undefined when it does not parse. */
export function parseProcStat(stat: string): ProcStat | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  // After ") ": index 0 is field 3 (state), so field n is index n - 3.
  const fields = stat.slice(close + 2).split(' ');
  const pgrp = Number(fields[2]);
  const ticks = [11, 12, 13, 14].map((i) => Number(fields[i]));
  if (!Number.isInteger(pgrp) || !ticks.every((t) => Number.isInteger(t) && t >= 0)) return undefined;
  return { state: fields[0] ?? '', pgrp, cpuTicks: ticks.reduce((a, b) => a + b, 0) };
}

/** utime + stime + cutime + cstime of one /proc/<pid>/stat text; undefined when it does not parse. */
export function processCpuTicks(stat: string): number | undefined {
  return parseProcStat(stat)?.cpuTicks;
}

/** Busy ticks of all CPUs from /proc/stat; undefined when the `cpu` line is missing or malformed. */
export function nodeCpuTicks(procStat: string): number | undefined {
  const line = /^cpu\s+([\d ]+)$/m.exec(procStat)?.[1];
  if (line === undefined) return undefined;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  const busy = [user, nice, system, irq ?? 0, softirq ?? 0, steal ?? 0];
  return busy.every((t) => t !== undefined && Number.isInteger(t)) ? busy.reduce<number>((a, b) => a + (b ?? 0), 0) : undefined;
}
