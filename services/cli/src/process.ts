// Process helpers for finding and stopping a cluster by pid. Linux facts used: `kill(pid, 0)`
// probes existence; a zombie still "exists" until reaped, so /proc/<pid>/stat state `Z` counts as
// dead; field 22 (starttime) identifies one incarnation of a pid, field 5 is its process group.
// Without /proc (other systems) the probe alone decides.

import { readFileSync } from 'node:fs';
import type { ProcessRef } from './state-file.js';

export interface ProcStat {
  readonly state: string;
  readonly pgid: number;
  readonly startTicks: number;
}

/** Parses /proc/<pid>/stat text. The command name may hold spaces and parentheses, so fields are counted after the last `)`. */
export function parseProcStat(text: string): ProcStat | undefined {
  const end = text.lastIndexOf(')');
  if (end < 0) return undefined;
  // Fields after the name start at field 3 (state); field N is at index N - 3.
  const fields = text.slice(end + 1).trim().split(/\s+/);
  const state = fields[0];
  const pgid = Number(fields[5 - 3]);
  const startTicks = Number(fields[22 - 3]);
  if (state === undefined || !Number.isSafeInteger(pgid) || !Number.isSafeInteger(startTicks)) return undefined;
  return { state, pgid, startTicks };
}

export function procStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when a process with this pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procStat(pid)?.state !== 'Z';
}

/** A reference to a running process, for a state file. */
export function processRef(pid: number): ProcessRef {
  return { pid, startTicks: procStat(pid)?.startTicks };
}

/** True when the process the reference names is still the one running under its pid. */
export function isRunning(ref: ProcessRef): boolean {
  if (!isAlive(ref.pid)) return false;
  if (ref.startTicks === undefined) return true;
  const stat = procStat(ref.pid);
  // No /proc entry while kill(0) succeeds: cannot compare, trust the probe.
  return stat === undefined || stat.startTicks === ref.startTicks;
}

/** Sends a signal; false when the process is already gone. */
export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** Signals the process group the pid leads, or the pid alone when it leads none. */
export function signalGroup(pid: number, sig: NodeJS.Signals): boolean {
  const stat = procStat(pid);
  if (stat !== undefined && stat.pgid === pid) {
    try {
      process.kill(-pid, sig);
      return true;
    } catch {
      return signal(pid, sig);
    }
  }
  return signal(pid, sig);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until the process is gone; true if it went within `timeoutMs`. */
export async function waitForExit(ref: ProcessRef, timeoutMs: number, pollMs = 50): Promise<boolean> {
  const rounds = Math.max(1, Math.ceil(timeoutMs / pollMs));
  for (let i = 0; i < rounds; i++) {
    if (!isRunning(ref)) return true;
    await sleep(pollMs);
  }
  return !isRunning(ref);
}

/**
 * SIGTERM, wait up to `graceMs`, then SIGKILL (the whole group when the process leads one, so its
 * children go too) and wait again. Returns how it ended.
 */
export async function terminate(ref: ProcessRef, graceMs: number): Promise<'not-running' | 'terminated' | 'killed' | 'survived'> {
  if (!isRunning(ref)) return 'not-running';
  signal(ref.pid, 'SIGTERM');
  if (await waitForExit(ref, graceMs)) return 'terminated';
  signalGroup(ref.pid, 'SIGKILL');
  return (await waitForExit(ref, 5_000)) ? 'killed' : 'survived';
}
