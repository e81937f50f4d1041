// Process groups: each container is the leader of its own group (spawned detached), so a signal
// to the group reaches every process the container started, as a PID namespace would.
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';

/** Sends a signal to a whole process group; false when the group is already gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

/**
 * Live (non-zombie) members of a process group, from /proc (Linux). A zombie has exited and only
 * waits for its new parent to reap it, so it does not count.
 */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z' && Number(fields[2]) === pgid) members.push(Number(entry));
  }
  return members;
}

/** True while any live process of the group exists. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return process.platform !== 'linux' || groupMembers(pid).length > 0;
}

/** Shell and container-runtime convention: a process killed by signal N exits with 128 + N. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): { exitCode: number; signal: number } {
  if (code !== null) return { exitCode: code, signal: 0 };
  const n = signal === null ? 0 : (constants.signals[signal] ?? 0);
  return { exitCode: 128 + n, signal: n };
}
