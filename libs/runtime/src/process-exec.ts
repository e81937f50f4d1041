// ExecSync for the process runtime: the command runs as a host process with the container's
// environment and working directory, in its own process group so a timeout kills all of it.
import { spawn } from 'node:child_process';
import type { ExecSyncResponse } from '@skiff/kubelet';
import { exitCodeOf, signalGroup } from './process-group.js';

/** CRI caps exec output (kubelet's maxMsgSize, 16 MiB); we keep this much of each stream. */
export const EXEC_OUTPUT_MAX_BYTES = 16 * 1024 * 1024;

export interface ExecRequest {
  readonly cmd: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** 0 or less: no timeout. */
  readonly timeoutMs: number;
}

function collector(): { push: (b: Buffer) => void; text: () => string } {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push: (b) => {
      if (size >= EXEC_OUTPUT_MAX_BYTES) return;
      const piece = b.subarray(0, EXEC_OUTPUT_MAX_BYTES - size);
      chunks.push(piece);
      size += piece.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

export function execProcess(request: ExecRequest): Promise<ExecSyncResponse> {
  const [file, ...args] = request.cmd;
  if (file === undefined) return Promise.resolve({ stdout: '', stderr: 'exec: no command given', exitCode: 126, timedOut: false });
  return new Promise((resolve) => {
    const stdout = collector();
    const stderr = collector();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const child = spawn(file, args, { cwd: request.cwd, env: { ...request.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', stdout.push);
    child.stderr.on('data', stderr.push);
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (timer !== undefined) clearTimeout(timer);
      const exitCode = e.code === 'ENOENT' ? 127 : 126;
      resolve({ stdout: '', stderr: `exec: ${JSON.stringify(file)}: ${e.message}`, exitCode, timedOut: false });
    });
    child.on('spawn', () => {
      if (request.timeoutMs <= 0 || child.pid === undefined) return;
      const pid = child.pid;
      timer = setTimeout(() => {
        timedOut = true;
        signalGroup(pid, 'SIGKILL');
      }, request.timeoutMs);
    });
    child.on('close', (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      resolve({ stdout: stdout.text(), stderr: stderr.text(), ...pick(exitCodeOf(code, signal)), timedOut });
    });
  });
}

function pick(x: { exitCode: number }): { exitCode: number } {
  return { exitCode: x.exitCode };
}
