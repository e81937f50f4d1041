// pods/exec through the pod's kubelet (the apiserver's kubelet client): `kubelet.<node>.exec` over
// NATS, the protocol drawn in @skiff/client kubelet-exec-protocol.ts. The first answer says whether
// the command started (errors become the HTTP answer, before any upgrade); then output is pulled
// chunk by chunk and acknowledged as the client takes it, stdin keeps to the window, and pings in
// both directions let either side notice the other is gone.
import {
  asExecFromKubelet,
  chunksOf,
  EXEC_HEARTBEAT_MS,
  EXEC_IDLE_TIMEOUT_MS,
  EXEC_WINDOW_BYTES,
  SendWindow,
  type ExecRequestMessage,
  type ExecToKubelet,
} from '@skiff/client';
import { decode, DecodeError, encode, isEndOfStream, isErrorReply, NoRespondersError, TimeoutError, type Bus, type Envelope, type Msg } from '@skiff/bus';
import type { Clock, TimerId } from '@skiff/core';
import { fail } from '../core/errors.js';
import { badRequest, internalError, serviceUnavailable } from '../core/status.js';
import type { ExecEvent, ExecStream, PodExecSource } from '../core/subresources/exec.js';

export function kubeletPodExec(bus: Bus, cluster: string, clock: Clock): PodExecSource {
  return (target) => {
    const request: ExecRequestMessage = { v: 1, type: 'kubelet.exec', ...target, command: [...target.command] };
    return openKubeletStream(bus, clock, `skiff.${cluster}.kubelet.${target.node}.exec`, request, target.node);
  };
}

/** Sends the request that starts a session (exec or attach) and waits for `opened`; errors become the HTTP answer. */
export async function openKubeletStream(bus: Bus, clock: Clock, subject: string, request: Envelope, node: string): Promise<ExecStream> {
  const stream = bus.requestStream(subject, encode(request), { idleTimeoutMs: EXEC_IDLE_TIMEOUT_MS })[Symbol.asyncIterator]();
  const first = await stream.next().catch((err: unknown) => {
    if (err instanceof NoRespondersError || err instanceof TimeoutError) fail(serviceUnavailable(`the kubelet of node ${node} does not answer`));
    throw err;
  });
  if (first.done === true || isEndOfStream(first.value)) fail(internalError(`the kubelet of node ${node} ended the ${request.type} stream at once`));
  const env = decode(first.value.data);
  if (isErrorReply(env)) {
    void stream.return?.();
    // The pod is not on that kubelet (yet) or its container does not run: the caller's to fix, as in Kubernetes.
    fail(env.code === 'NotFound' || env.code === 'BadRequest' ? badRequest(env.message) : internalError(env.message));
  }
  const opened = asExecFromKubelet(env);
  if (opened?.type !== 'kubelet.exec.opened') fail(internalError(`the kubelet of node ${node} answered ${request.type} with ${env.type}`));
  return new NatsExecStream(bus, clock, opened.control, stream, node);
}

class NatsExecStream implements ExecStream {
  private readonly stdin = new SendWindow(EXEC_WINDOW_BYTES);
  private timer: TimerId | undefined;
  private done = false;
  private stdinChain: Promise<void> = Promise.resolve();
  readonly events: AsyncIterable<ExecEvent>;

  constructor(
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly control: string,
    private readonly stream: AsyncIterator<Msg>,
    private readonly node: string,
  ) {
    this.events = this.read();
    this.ping();
  }

  /** Writes go one after another, so their pieces and the close keep the client's order. */
  writeStdin(data: Uint8Array): Promise<void> {
    this.stdinChain = this.stdinChain.then(async () => {
      for (const piece of chunksOf(data)) {
        await this.stdin.room();
        if (this.done) return;
        this.stdin.sent(piece.length);
        this.send({ type: 'kubelet.exec.stdin', data: piece });
      }
    });
    return this.stdinChain;
  }

  closeStdin(): void {
    this.stdinChain = this.stdinChain.then(() => this.send({ type: 'kubelet.exec.stdin.close' }));
  }

  resize(width: number, height: number): void {
    this.send({ type: 'kubelet.exec.resize', width, height });
  }

  cancel(): void {
    if (this.done) return;
    this.send({ type: 'kubelet.exec.cancel' });
    this.finish();
    void this.stream.return?.();
  }

  private async *read(): AsyncGenerator<ExecEvent> {
    let unacked = 0;
    try {
      for (;;) {
        // Pulled again: the client took the last chunk, so the kubelet may send that much more.
        if (unacked > 0) this.send({ type: 'kubelet.exec.ack', bytes: unacked });
        unacked = 0;
        const next = await this.next();
        if (next === undefined) return;
        if (next.type === 'stdout' || next.type === 'stderr') unacked = next.data.length;
        yield next;
        if (next.type === 'exit' || next.type === 'error') return;
      }
    } finally {
      this.finish();
    }
  }

  /** The next event for the client; undefined once the stream has ended. Pings and acks are taken here. */
  private async next(): Promise<ExecEvent | undefined> {
    for (;;) {
      let result: IteratorResult<Msg>;
      try {
        result = await this.stream.next();
      } catch (err) {
        if (this.done) return undefined;
        const why = err instanceof TimeoutError ? `the kubelet of node ${this.node} went silent` : String(err);
        return { type: 'error', message: `exec: ${why}` };
      }
      if (result.done === true || isEndOfStream(result.value)) {
        return this.done ? undefined : { type: 'error', message: `exec: the kubelet of node ${this.node} ended the stream without an exit code` };
      }
      const event = this.eventOf(result.value);
      if (event !== undefined) return event;
    }
  }

  private eventOf(msg: Msg): ExecEvent | undefined {
    let env;
    try {
      env = decode(msg.data);
    } catch (err) {
      return { type: 'error', message: `exec: the kubelet sent ${err instanceof DecodeError ? err.message : String(err)}` };
    }
    if (isErrorReply(env)) return { type: 'error', message: env.message };
    const m = asExecFromKubelet(env);
    if (m === undefined) return { type: 'error', message: `exec: the kubelet sent an unexpected ${JSON.stringify(env.type)}` };
    switch (m.type) {
      case 'kubelet.exec.output':
        return { type: m.stream, data: m.data };
      case 'kubelet.exec.exit':
        return { type: 'exit', exitCode: m.exitCode };
      case 'kubelet.exec.ack':
        this.stdin.acked(m.bytes);
        return undefined;
      case 'kubelet.exec.ping':
      case 'kubelet.exec.opened':
        return undefined;
    }
  }

  private ping(): void {
    if (this.done) return;
    this.send({ type: 'kubelet.exec.ping' });
    this.timer = this.clock.setTimeout(() => this.ping(), EXEC_HEARTBEAT_MS);
  }

  private send(msg: ExecToKubelet): void {
    if (this.done) return;
    try {
      this.bus.publish(this.control, encode(msg));
    } catch {
      // The bus is closing (apiserver shutdown): the read side ends with the connection.
    }
  }

  private finish(): void {
    this.done = true;
    this.stdin.close();
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
  }
}
