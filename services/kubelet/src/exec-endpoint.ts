// Adapter: `kubelet.<node>.exec`, the kubelet's exec handler over NATS (what the apiserver's
// pods/exec proxies to; the protocol is drawn in libs/kubelet/src/exec-protocol.ts). The request
// starts the command through the runtime (CRI Exec) and is answered `opened` with a control
// subject; output then streams to the request's inbox under a credit window, so a slow client
// slows the command down instead of filling memory. A session ends when the command exits, when
// the apiserver cancels, or when the apiserver stays silent past EXEC_IDLE_TIMEOUT_MS (it went away).
import type { Pod } from '@skiff/api';
import type { ServiceHost } from '@skiff/actors';
import { decode, encode, EndpointError, errorReply, type Endpoint, type Msg, type Subscription } from '@skiff/bus';
import type { TimerId } from '@skiff/core';
import {
  asExecToKubelet,
  chunksOf,
  EXEC_HEARTBEAT_MS,
  EXEC_IDLE_TIMEOUT_MS,
  EXEC_WINDOW_BYTES,
  isExecRequestMessage,
  SendWindow,
  type ExecFromKubelet,
  type ExecRequestMessage,
} from '@skiff/client';
import { CriError, KubernetesContainerNameLabel, KubernetesPodUIDLabel, type ContainerRuntime, type ExecSession } from '@skiff/kubelet';

export interface PodSource {
  pods(): Pod[];
}

/** Stdin bytes the kubelet holds for a command that does not read: the apiserver keeps to EXEC_WINDOW_BYTES. */
const STDIN_PENDING_MAX_BYTES = 2 * EXEC_WINDOW_BYTES;

export function execSubject(cluster: string, nodeName: string): string {
  return `skiff.${cluster}.kubelet.${nodeName}.exec`;
}

/** What a session names: the container, and which of its streams the client wants. */
export type SessionRequest = Pick<ExecRequestMessage, 'namespace' | 'pod' | 'container' | 'stdin' | 'stdout' | 'stderr'>;

export async function runningContainer(cri: ContainerRuntime, pods: PodSource, req: SessionRequest): Promise<string> {
  const pod = pods.pods().find((p) => p.metadata.namespace === req.namespace && p.metadata.name === req.pod);
  if (pod === undefined) throw new EndpointError('NotFound', `pod ${req.namespace}/${req.pod} is not running on this node`);
  const all = await cri.listContainers({ labelSelector: { [KubernetesPodUIDLabel]: pod.metadata.uid ?? '', [KubernetesContainerNameLabel]: req.container }, state: 'CONTAINER_RUNNING' });
  const found = [...all].sort((a, b) => b.metadata.attempt - a.metadata.attempt)[0];
  // Kubernetes' kubelet answers the same way when the container is not running.
  if (found === undefined) throw new EndpointError('BadRequest', `container ${req.container} is not running in pod ${req.pod}`);
  return found.id;
}

export async function serveExec(host: ServiceHost, nodeName: string, cri: ContainerRuntime, pods: PodSource): Promise<Endpoint> {
  return host.addEndpoint<ExecRequestMessage>(
    'exec',
    execSubject(host.subjects.cluster, nodeName),
    async (req, msg: Msg): Promise<{ readonly type: string }> => {
      const inbox = msg.reply;
      if (inbox === undefined) return errorReply('BadRequest', 'exec needs a reply inbox (Bus.requestStream)');
      const id = await runningContainer(cri, pods, req);
      const session = await cri.exec(id, { cmd: req.command, stdin: req.stdin, tty: req.tty }).catch((err: unknown) => {
        if (err instanceof CriError && (err.code === 'FailedPrecondition' || err.code === 'NotFound')) throw new EndpointError('BadRequest', err.message);
        throw err;
      });
      return openSession(host, inbox, session, req);
    },
    { guard: isExecRequestMessage },
  );
}

/** Streams a started session to the apiserver's inbox (exec and attach alike); returns the `opened` reply. */
export function openSession(host: ServiceHost, inbox: string, session: ExecSession, req: SessionRequest): ExecFromKubelet {
  const control = host.bus.createInbox();
  const sub = host.bus.subscribe(control);
  const stream = new KubeletExecStream(host, inbox, sub, session, req);
  // Output must follow the `opened` reply, so the stream starts after the handler returns.
  setImmediate(() => void stream.run());
  return { type: 'kubelet.exec.opened', control };
}

class KubeletExecStream {
  private readonly output = new SendWindow(EXEC_WINDOW_BYTES);
  private stdinPendingBytes = 0;
  private lastHeardMs: number;
  private timer: TimerId | undefined;
  private ended = false;

  constructor(
    private readonly host: ServiceHost,
    private readonly inbox: string,
    private readonly sub: Subscription,
    private readonly session: ExecSession,
    private readonly req: SessionRequest,
  ) {
    this.lastHeardMs = host.clock.now();
  }

  async run(): Promise<void> {
    this.heartbeat();
    const control = this.readControl();
    try {
      await Promise.all([this.pump(this.session.stdout, this.req.stdout ? 'stdout' : undefined), this.pump(this.session.stderr, this.req.stderr ? 'stderr' : undefined)]);
      const exitCode = await this.session.exit;
      this.send({ type: 'kubelet.exec.exit', exitCode });
    } catch (err) {
      this.host.logger.warn({ err: String(err), pod: `${this.req.namespace}/${this.req.pod}` }, 'exec stream failed');
      this.host.bus.publish(this.inbox, encode(errorReply('Internal', `exec: ${String(err)}`)));
    } finally {
      this.end();
      this.host.bus.publish(this.inbox, new Uint8Array(0));
      await control;
    }
  }

  /** Output as the window allows; a stream nobody asked for is read and dropped so the command never blocks on it. */
  private async pump(source: AsyncIterable<Uint8Array>, stream: 'stdout' | 'stderr' | undefined): Promise<void> {
    for await (const data of source) {
      if (stream === undefined || this.ended) continue;
      for (const piece of chunksOf(data)) {
        await this.output.room();
        this.output.sent(piece.length);
        this.send({ type: 'kubelet.exec.output', stream, data: piece });
      }
    }
  }

  private async readControl(): Promise<void> {
    for await (const m of this.sub) {
      this.lastHeardMs = this.host.clock.now();
      const problem = this.onControl(m);
      if (problem !== undefined) {
        this.host.logger.warn({ problem, pod: `${this.req.namespace}/${this.req.pod}` }, 'exec session aborted');
        this.host.bus.publish(this.inbox, encode(errorReply('BadRequest', problem)));
        this.abort();
      }
    }
  }

  /** Applies one control message; returns why the session must end, if it must. */
  private onControl(m: Msg): string | undefined {
    let msg;
    try {
      msg = asExecToKubelet(decode(m.data));
    } catch (err) {
      return `exec: undecodable control message: ${String(err)}`;
    }
    if (msg === undefined) return 'exec: unexpected control message';
    switch (msg.type) {
      case 'kubelet.exec.stdin':
        return this.stdin(msg.data);
      case 'kubelet.exec.stdin.close':
        this.session.closeStdin();
        return undefined;
      case 'kubelet.exec.resize':
        this.session.resize({ width: msg.width, height: msg.height });
        return undefined;
      case 'kubelet.exec.ack':
        this.output.acked(msg.bytes);
        return undefined;
      case 'kubelet.exec.ping':
        return undefined;
      case 'kubelet.exec.cancel':
        this.abort();
        return undefined;
    }
  }

  private stdin(data: Uint8Array): string | undefined {
    if (!this.req.stdin) return 'exec: stdin was not requested';
    if (this.stdinPendingBytes + data.length > STDIN_PENDING_MAX_BYTES) return `exec: more than ${STDIN_PENDING_MAX_BYTES} bytes of stdin unacknowledged`;
    this.stdinPendingBytes += data.length;
    // The copy outlives the message buffer (codec.ts: bin fields are views).
    const bytes = data.length;
    this.session.writeStdin(data.slice()).then(
      () => {
        this.stdinPendingBytes -= bytes;
        this.send({ type: 'kubelet.exec.ack', bytes });
      },
      () => undefined, // the command is gone; its exit ends the session
    );
    return undefined;
  }

  private heartbeat(): void {
    if (this.ended) return;
    if (this.host.clock.now() - this.lastHeardMs > EXEC_IDLE_TIMEOUT_MS) {
      this.host.logger.info({ pod: `${this.req.namespace}/${this.req.pod}` }, 'exec session idle too long: the apiserver went away');
      this.abort();
      return;
    }
    this.send({ type: 'kubelet.exec.ping' });
    this.timer = this.host.clock.setTimeout(() => this.heartbeat(), EXEC_HEARTBEAT_MS);
  }

  private send(msg: ExecFromKubelet): void {
    try {
      this.host.bus.publish(this.inbox, encode(msg));
    } catch (err) {
      // The bus is closing (kubelet shutdown): the command dies with the session.
      this.host.logger.debug({ err: String(err) }, 'exec publish failed');
      this.abort();
    }
  }

  private abort(): void {
    this.session.kill();
    this.output.close();
  }

  private end(): void {
    this.ended = true;
    this.output.close();
    if (this.timer !== undefined) this.host.clock.clearTimeout(this.timer);
    this.sub.unsubscribe();
  }
}
