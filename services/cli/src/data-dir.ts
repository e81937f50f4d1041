// The cluster's data directory: created on `up`, probed for writing, and guarded by a lock file so
// that two `skiff up` for one cluster cannot both start (cluster.json only appears once ready, so
// it alone cannot close that window).

import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterRunningError, DataDirError } from './errors.js';
import { isRunning, processRef } from './process.js';
import { readClusterState, type ProcessRef } from './state-file.js';

export const LOCK_FILE = 'skiff.lock';
export const LOG_FILE = 'skiff.log';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a file is in the way of the path',
  EEXIST: 'a file is in the way of the path',
  ENOSPC: 'no space left on device',
};

function reasonOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return (code !== undefined ? REASONS[code] : undefined) ?? (err as Error).message;
}

/** Creates the directory (and parents) and proves it writable; DataDirError otherwise. */
export function prepareDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new DataDirError(dir, reasonOf(err));
  }
  if (!statSync(dir).isDirectory()) throw new DataDirError(dir, 'it is not a directory');
  const probe = join(dir, `.probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (err) {
    throw new DataDirError(dir, `not writable: ${reasonOf(err)}`);
  }
}

export function dataDirExists(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** The pid of the live cluster in `dir` (by cluster.json or by a live start lock), if any. */
export function runningClusterPid(dir: string): number | undefined {
  const state = readClusterState(dir);
  if (state !== undefined && isRunning({ pid: state.pid, startTicks: state.startTicks })) return state.pid;
  const lock = readLock(dir);
  if (lock !== undefined && lock.pid !== process.pid && isRunning(lock)) return lock.pid;
  return undefined;
}

/** The lock holds `<pid> <startTicks>` (ticks may be absent). */
function readLock(dir: string): ProcessRef | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, LOCK_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const [pidText, ticksText] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  const ticks = ticksText === undefined ? undefined : Number(ticksText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return { pid, startTicks: ticks !== undefined && Number.isSafeInteger(ticks) ? ticks : undefined };
}

export interface StartLock {
  release(): void;
}

/**
 * Takes `<dir>/skiff.lock` for this process. A lock or state file left by a dead process is stale
 * and replaced; a live one means the cluster runs: ClusterRunningError.
 */
export function acquireStartLock(dir: string, cluster: string): StartLock {
  const file = join(dir, LOCK_FILE);
  // Two rounds: the second follows the removal of a stale lock.
  for (let round = 0; round < 2; round++) {
    const running = runningClusterPid(dir);
    if (running !== undefined) throw new ClusterRunningError(cluster, running);
    try {
      const self = processRef(process.pid);
      writeFileSync(file, `${self.pid} ${self.startTicks ?? ''}\n`, { flag: 'wx', mode: 0o600 });
      return {
        release: () => {
          if (readLock(dir)?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new DataDirError(dir, reasonOf(err));
      const holder = readLock(dir);
      if (holder !== undefined && isRunning(holder)) throw new ClusterRunningError(cluster, holder.pid);
      rmSync(file, { force: true });
    }
  }
  throw new DataDirError(dir, `cannot take ${file}: another skiff keeps replacing it`);
}
