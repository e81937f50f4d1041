// The exec stream between the apiserver and a kubelet over NATS (Skiff's stand-in for the CRI
// streaming server that Kubernetes' apiserver proxies pods/exec to): message shapes, guards and the
// flow-control window. No I/O; it lives here because both the apiserver and the kubelet speak it.
//
//   apiserver                                   kubelet (`kubelet.<node>.exec`)
//   kubelet.exec (reply: inbox) -------------->  starts the command
//   <-- kubelet.exec.opened {control} | error     (first message on the inbox)
//   <-- output {stdout|stderr, bytes}             at most EXEC_WINDOW_BYTES unacked
//   ack {bytes} ----------------------> control   as the client has taken the output
//   stdin {bytes}, stdin.close, resize --> control   at most EXEC_WINDOW_BYTES unacked
//   <-- ack {bytes}                               as the command has taken its stdin
//   ping <-------------------------------> ping   every EXEC_HEARTBEAT_MS; silence for
//                                                 EXEC_IDLE_TIMEOUT_MS ends the session
//   cancel ----------------------------> control  the client went away: kill the command
//   <-- exit {exitCode}, then an empty message    (end of stream, Bus.requestStream)
//
// NATS keeps the order of one publisher's messages to one subscriber, so output, exit and the end
// arrive in the order sent. Bytes travel as msgpack `bin`.
import { guardOf, type Envelope, type Guard } from '@skiff/bus';

/** Output or stdin bytes in flight (sent, not acknowledged) before the sender waits. */
export const EXEC_WINDOW_BYTES = 256 * 1024;
/** Largest bytes field of one message (NATS' default max payload is 1 MiB). */
export const EXEC_CHUNK_MAX_BYTES = 64 * 1024;
export const EXEC_HEARTBEAT_MS = 10_000;
export const EXEC_IDLE_TIMEOUT_MS = 45_000;

export interface ExecRequestMessage extends Envelope {
  readonly type: 'kubelet.exec';
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly command: readonly string[];
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

export const isExecRequestMessage: Guard<ExecRequestMessage> = (env): env is ExecRequestMessage =>
  guardOf<ExecRequestMessage>('kubelet.exec', { namespace: 'string', pod: 'string', container: 'string', command: 'array', stdin: 'boolean', stdout: 'boolean', stderr: 'boolean', tty: 'boolean' })(env) &&
  env.command.length > 0 &&
  env.command.every((a) => typeof a === 'string');

/** kubelet -> apiserver, on the request's inbox. */
export type ExecFromKubelet =
  | { readonly type: 'kubelet.exec.opened'; readonly control: string }
  | { readonly type: 'kubelet.exec.output'; readonly stream: 'stdout' | 'stderr'; readonly data: Uint8Array }
  | { readonly type: 'kubelet.exec.ack'; readonly bytes: number }
  | { readonly type: 'kubelet.exec.ping' }
  | { readonly type: 'kubelet.exec.exit'; readonly exitCode: number };

/** apiserver -> kubelet, on the session's control subject. */
export type ExecToKubelet =
  | { readonly type: 'kubelet.exec.stdin'; readonly data: Uint8Array }
  | { readonly type: 'kubelet.exec.stdin.close' }
  | { readonly type: 'kubelet.exec.resize'; readonly width: number; readonly height: number }
  | { readonly type: 'kubelet.exec.ack'; readonly bytes: number }
  | { readonly type: 'kubelet.exec.ping' }
  | { readonly type: 'kubelet.exec.cancel' };

const FROM_KUBELET: Readonly<Record<string, Guard<Envelope>>> = {
  'kubelet.exec.opened': guardOf('kubelet.exec.opened', { control: 'string' }),
  'kubelet.exec.output': (env): env is Envelope => guardOf('kubelet.exec.output', { data: 'bytes' })(env) && (env['stream'] === 'stdout' || env['stream'] === 'stderr'),
  'kubelet.exec.ack': guardOf('kubelet.exec.ack', { bytes: 'integer' }),
  'kubelet.exec.ping': guardOf('kubelet.exec.ping', {}),
  'kubelet.exec.exit': guardOf('kubelet.exec.exit', { exitCode: 'integer' }),
};

const TO_KUBELET: Readonly<Record<string, Guard<Envelope>>> = {
  'kubelet.exec.stdin': guardOf('kubelet.exec.stdin', { data: 'bytes' }),
  'kubelet.exec.stdin.close': guardOf('kubelet.exec.stdin.close', {}),
  'kubelet.exec.resize': guardOf('kubelet.exec.resize', { width: 'integer', height: 'integer' }),
  'kubelet.exec.ack': guardOf('kubelet.exec.ack', { bytes: 'integer' }),
  'kubelet.exec.ping': guardOf('kubelet.exec.ping', {}),
  'kubelet.exec.cancel': guardOf('kubelet.exec.cancel', {}),
};

/** The message, or undefined when it is none of the kubelet's exec messages (an error envelope included). */
export function asExecFromKubelet(env: Envelope): ExecFromKubelet | undefined {
  return FROM_KUBELET[env.type]?.(env) === true ? (env as unknown as ExecFromKubelet) : undefined;
}

export function asExecToKubelet(env: Envelope): ExecToKubelet | undefined {
  return TO_KUBELET[env.type]?.(env) === true ? (env as unknown as ExecToKubelet) : undefined;
}

/** Splits bytes into pieces of at most `maxBytes` (views, no copies). */
export function chunksOf(data: Uint8Array, maxBytes = EXEC_CHUNK_MAX_BYTES): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += maxBytes) out.push(data.subarray(at, at + maxBytes));
  return out;
}

/**
 * Credit-based flow control for one direction: the sender counts bytes sent and not yet
 * acknowledged and waits while `windowBytes` or more are in flight. close() releases every waiter
 * (the session is over; nothing will be acknowledged any more).
 */
export class SendWindow {
  private inFlight = 0;
  private closed = false;
  private waiters: (() => void)[] = [];

  constructor(readonly windowBytes: number = EXEC_WINDOW_BYTES) {}

  get bytesInFlight(): number {
    return this.inFlight;
  }

  sent(bytes: number): void {
    this.inFlight += bytes;
  }

  acked(bytes: number): void {
    this.inFlight = Math.max(0, this.inFlight - bytes);
    if (this.hasRoom()) this.wake();
  }

  /** Resolves once fewer than windowBytes are in flight, or the window is closed. */
  room(): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  private hasRoom(): boolean {
    return this.closed || this.inFlight < this.windowBytes;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
