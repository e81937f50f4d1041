// Process groups: each container is the leader of its own group (spawned detached), so a signal
// to the group reaches every process the container started, as a PID namespace would.
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

/** True while any process of the group exists (signal 0 only checks). */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Shell and container-runtime convention: a process killed by signal N exits with 128 + N. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): { exitCode: number; signal: number } {
  if (code !== null) return { exitCode: code, signal: 0 };
  const n = signal === null ? 0 : (constants.signals[signal] ?? 0);
  return { exitCode: 128 + n, signal: n };
}
