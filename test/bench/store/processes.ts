// Child processes of the benchmark (store members, etcd members): spawned in their own process
// group so that a terminal's Ctrl-C reaches the benchmark only, which then kills every child it
// started (by pid) before it exits. Also reads a process' CPU time from /proc, so each cell can say
// how much CPU the system under test burned per operation (this machine is CPU-bound).

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';

export interface Managed {
  readonly label: string;
  readonly pid: number;
  /** Resolves with the exit code (null after a signal) once the process has gone. */
  readonly exited: Promise<number | null>;
  readonly running: boolean;
  /** SIGKILL (a crash) and wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM, SIGKILL after graceMs, and wait for the exit. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let hooksInstalled = false;

/** Kills every child still running (SIGKILL, by pid). Safe to call more than once. */
export function killAllChildren(): void {
  for (const child of live) child.kill('SIGKILL');
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', killAllChildren);
}

export function spawnManaged(label: string, command: string, args: readonly string[], logFile: string, env?: NodeJS.ProcessEnv): Managed {
  installHooks();
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: env ?? process.env });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  live.add(child);
  let running = true;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running = false;
      live.delete(child);
      resolve(code);
    });
    child.once('error', () => {
      if (child.pid === undefined) {
        running = false;
        live.delete(child);
        resolve(null);
      }
    });
  });
  if (child.pid === undefined) throw new Error(`cannot spawn ${command}`);
  const pid = child.pid;
  return {
    label,
    pid,
    exited,
    get running() {
      return running;
    },
    async kill() {
      if (running) child.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 5_000) {
      if (!running) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

const CLOCK_TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** User + system CPU time of a process in ms (0 when it is gone). */
export function cpuTimeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which sits in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1_000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every intervalMs until it returns true; throws `what` after timeoutMs. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
