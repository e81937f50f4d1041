// Exec for the process runtime, streamed (kubectl exec): the command runs as a host process with the
// container's environment (POD_IP and all) and working directory (ProcessRuntime.exec first wraps it
// to enter the container's own root where it has one), in its own process group so that kill() ends
// everything it started. No pseudo-terminal is allocated: with `tty` the output stays a
// pipe and stderr is merged into stdout, because kubectl's tty mode reads stdout only; resize is
// ignored. `kubectl exec -it` therefore works line by line (no job control, no raw mode).
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import type { ExecOptions, ExecSession } from '@skiff/kubelet';
import { exitCodeOf, signalGroup } from './process-group.js';

export interface ExecSessionRequest extends ExecOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

/** Starts the command; a command that cannot start is a session that says why on stderr and exits 126/127 (as runc). */
export async function startExecSession(request: ExecSessionRequest): Promise<ExecSession> {
  const [file, ...args] = request.cmd;
  if (file === undefined) return failedSession('exec: no command given\n', 126);
  const child = spawn(file, args, { cwd: request.cwd, env: { ...request.env }, detached: true, stdio: [request.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  const started = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (e) => resolve(e));
  });
  if (started !== undefined) {
    // Shell convention: 127 when the file is not there, 126 when it cannot run.
    return failedSession(`exec: ${JSON.stringify(file)}: ${started.message}\n`, started.code === 'ENOENT' ? 127 : 126);
  }
  return runningSession(child, request.tty);
}

function runningSession(child: ChildProcess, tty: boolean): ExecSession {
  // A later error (EPIPE on stdin once the command exited, a failed kill) must not crash the kubelet.
  child.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  const stdout = child.stdout!;
  const stderr = child.stderr!;
  const pid = child.pid!;
  // Once the command is reaped its pid may be handed to an unrelated process (pid_max is small):
  // from then on a group kill could hit someone else, so kill() does nothing.
  let reaped = false;
  child.once('exit', () => (reaped = true));
  const exit = new Promise<number>((resolve) => {
    child.once('close', (code, signal) => {
      // The command's own group goes with it, as exec probes do (process-exec.ts); members left
      // keep the group id in use, so it cannot have been reused.
      signalGroup(pid, 'SIGKILL');
      resolve(exitCodeOf(code, signal).exitCode);
    });
  });
  return {
    stdout: tty ? merge(stdout, stderr) : stdout,
    stderr: tty ? emptyStream() : stderr,
    writeStdin: (data) => writeTo(child.stdin ?? undefined, data),
    closeStdin: () => child.stdin?.end(),
    resize: () => undefined,
    kill: () => void (reaped ? undefined : signalGroup(pid, 'SIGKILL')),
    exit,
  };
}

function writeTo(stdin: NodeJS.WritableStream | undefined, data: Uint8Array): Promise<void> {
  if (stdin === undefined) return Promise.reject(new Error('exec: stdin was not requested'));
  return new Promise((resolve, reject) => {
    stdin.write(data, (err) => (err === undefined || err === null ? resolve() : reject(err)));
  });
}

/** Both pipes into one, with their backpressure: a full `out` pauses both sources. */
function merge(a: Readable, b: Readable): Readable {
  const out = new PassThrough();
  let open = 2;
  const done = (): void => {
    open -= 1;
    if (open === 0) out.end();
  };
  for (const source of [a, b]) {
    source.pipe(out, { end: false });
    source.once('end', done);
  }
  return out;
}

function emptyStream(): Readable {
  const s = new PassThrough();
  s.end();
  return s;
}

function failedSession(message: string, exitCode: number): ExecSession {
  const stderr = new PassThrough();
  stderr.end(message);
  return {
    stdout: emptyStream(),
    stderr,
    writeStdin: () => Promise.resolve(),
    closeStdin: () => undefined,
    resize: () => undefined,
    kill: () => undefined,
    exit: Promise.resolve(exitCode),
  };
}
