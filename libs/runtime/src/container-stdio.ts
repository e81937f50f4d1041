// A running container's own stdio, shared by its log and its attach sessions (CRI Attach; containerd
// keeps the same fan-out in its container IO: every output chunk goes to the log and to each
// attached stream).
//
//   start --(config.stdin: a stdin pipe is kept open)--> running
//   attach --> a session: output from now on (stdout, stderr; with tty both on stdout), its stdin
//              into the container's
//   session closes its stdin / detaches --(stdinOnce)--> the container's stdin is closed for good
//   container output closed --> every session ends
//
// Departures from Kubernetes, both deliberate:
// - Kubernetes loses what a container writes before the first attach (kubectl prints "If you don't
//   see a command prompt, try pressing enter"). For a container with stdin, Skiff holds up to
//   HELD_OUTPUT_MAX_BYTES of that output (the latest) and hands it to the first attacher, so
//   `kubectl run -i -- sh -c 'echo hi; ...'` shows its first line.
// - The container never waits for an attacher: a session more than SESSION_BUFFER_MAX_BYTES behind
//   is detached (its streams end), instead of slowing the container down.
import { PassThrough, type Writable } from 'node:stream';
import type { AttachOptions, ExecSession, LogStream } from '@skiff/kubelet';

export const HELD_OUTPUT_MAX_BYTES = 64 * 1024;
export const SESSION_BUFFER_MAX_BYTES = 4 * 1024 * 1024;

export interface ContainerStdioOptions {
  /** The container's stdin pipe (config.stdin), or undefined when it has none. */
  readonly stdin: Writable | undefined;
  readonly stdinOnce: boolean;
  readonly tty: boolean;
  readonly heldOutputMaxBytes?: number;
  readonly sessionBufferMaxBytes?: number;
}

interface Chunk {
  readonly stream: LogStream;
  readonly data: Uint8Array;
}

interface Attached {
  readonly stdout: PassThrough;
  readonly stderr: PassThrough;
  readonly stdin: boolean;
  end(): void;
}

export class ContainerStdio {
  private readonly sessions = new Set<Attached>();
  /** Output before the first attach (containers with stdin only); undefined once someone attached. */
  private held: Chunk[] | undefined;
  private heldBytes = 0;
  private stdinOpen: boolean;
  private ended = false;

  constructor(private readonly options: ContainerStdioOptions) {
    this.stdinOpen = options.stdin !== undefined;
    this.held = options.stdin !== undefined ? [] : undefined;
    // EPIPE once the container has exited must not crash the kubelet.
    options.stdin?.on('error', () => undefined);
  }

  get attachedSessions(): number {
    return this.sessions.size;
  }

  /** One chunk the container wrote (its log has it too). */
  output(stream: LogStream, data: Uint8Array): void {
    // Nobody to hand it to: the log alone has it (the common case, so no work here).
    if (this.ended || (this.held === undefined && this.sessions.size === 0)) return;
    // A child's pipe hands out a fresh Buffer per chunk, so keeping a reference is safe.
    const chunk: Chunk = { stream, data };
    if (this.held !== undefined) this.hold(chunk);
    for (const s of this.sessions) this.deliver(s, chunk);
  }

  /** The container's output has closed: every session ends once it has taken what is left. */
  end(): void {
    this.ended = true;
    this.held = undefined;
    for (const s of [...this.sessions]) s.end();
    this.closeStdin();
  }

  attach(options: AttachOptions): ExecSession {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let resolveExit: (code: number) => void = () => undefined;
    const exit = new Promise<number>((resolve) => (resolveExit = resolve));
    const takesStdin = options.stdin && this.options.stdin !== undefined;
    const session: Attached = {
      stdout,
      stderr,
      stdin: takesStdin,
      end: () => {
        if (!this.sessions.delete(session)) return;
        // StdinOnce: stdin closes when the first attach session that took it ends (core/v1 Container).
        if (takesStdin && this.options.stdinOnce) this.closeStdin();
        stdout.end();
        stderr.end();
        resolveExit(0);
      },
    };
    this.sessions.add(session);
    for (const chunk of this.held ?? []) this.deliver(session, chunk);
    this.held = undefined;
    if (this.ended) session.end();
    return {
      stdout,
      stderr,
      writeStdin: (data) => (takesStdin ? this.writeStdin(data) : Promise.reject(new Error('attach: stdin was not requested or the container has none'))),
      closeStdin: () => {
        if (takesStdin && this.options.stdinOnce) this.closeStdin();
      },
      resize: () => undefined,
      kill: () => session.end(),
      exit,
    };
  }

  private deliver(s: Attached, chunk: Chunk): void {
    if (backlog(s) > (this.options.sessionBufferMaxBytes ?? SESSION_BUFFER_MAX_BYTES)) {
      s.end();
      return;
    }
    (this.options.tty || chunk.stream === 'stdout' ? s.stdout : s.stderr).write(chunk.data);
  }

  private hold(chunk: Chunk): void {
    const held = this.held!;
    held.push(chunk);
    this.heldBytes += chunk.data.length;
    const max = this.options.heldOutputMaxBytes ?? HELD_OUTPUT_MAX_BYTES;
    while (this.heldBytes > max && held.length > 0) this.heldBytes -= held.shift()!.data.length;
  }

  /** Resolves once the container has taken the bytes; after its stdin closed they are dropped, as a closed pipe's reader never sees them. */
  private writeStdin(data: Uint8Array): Promise<void> {
    const stdin = this.options.stdin;
    if (!this.stdinOpen || stdin === undefined) return Promise.resolve();
    return new Promise((resolve) => stdin.write(data, () => resolve()));
  }

  private closeStdin(): void {
    if (!this.stdinOpen) return;
    this.stdinOpen = false;
    this.options.stdin?.end();
  }
}

/** Bytes written to a session and not yet read by it. */
function backlog(s: Attached): number {
  return s.stdout.readableLength + s.stdout.writableLength + s.stderr.readableLength + s.stderr.writableLength;
}
