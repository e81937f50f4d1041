// Adapter: pods/portforward over WebSocket, as kubectl 1.31+ asks for it: subprotocol
// `SPDY/3.1+portforward.k8s.io`, SPDY/3.1 frames carried in binary messages as one byte stream
// (Kubernetes PR 123413, "Tunnel SPDY through WebSockets"); older clients (and kubectl with
// PORT_FORWARD_WEBSOCKETS=false) upgrade to SPDY/3.1 itself, the same frames on the raw socket
// (SpdyTransport hides which). Inside, the port-forward protocol v2
// (portforward.k8s.io): per forwarded connection the client opens an `error` and a `data` stream
// whose headers name the port and a requestid; once both are there, the connection is dialed
// through the pod's kubelet (PodPortForwardSource, NATS). Bytes flow on `data`; a failure is
// written on `error`; both end with FIN.
//
//   request --authn, path, pod, checks--> (HTTP Status on any failure, before the upgrade)
//     --upgraded--> SYN_STREAM error+data (requestid) --both--> dial --ok--> relay --pod closes--> FIN both
//                                                               --fails--> message on error, FIN both
//   RST_STREAM of either: reset the connection; GOAWAY or the WebSocket gone: every connection reset.
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '@skiff/actors';
import { ApiError, unauthorizedStatus } from '@skiff/apimachinery';
import type { ApiCore } from '../core/index.js';
import type { ExecStream } from '../core/subresources/exec.js';
import { parsePort, portForwardTarget, type PodPortForwardSource, type PortForwardTarget } from '../core/subresources/portforward.js';
import type { Authenticator } from './authn.js';
import { parsePath } from './route.js';
import { failureStatus, statusOfError, type Status } from './status.js';
import { spdyHeaderCompression, type HeaderCompression } from './spdy/header-compression.js';
import { decodeHeaderBlock, encodeFrame, encodeHeaderBlock, RstStatus, SpdyFrameReader, SpdyProtocolError, type SpdyFrame } from './spdy/spdy-frame.js';

export const PORT_FORWARD_STREAM_PROTOCOL = 'portforward.k8s.io';
export const PORT_FORWARD_WEBSOCKET_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_STREAM_PROTOCOL}`;

/** DATA frames to the client carry at most this much (client-go reads 32 KiB at a time). */
const DATA_FRAME_MAX_BYTES = 32 * 1024;
/** Streams one connection may hold open at once; more is a misbehaving client. */
const STREAMS_MAX = 2048;
/** A message larger than this from a client is refused (ws closes with 1009). */
const CLIENT_MESSAGE_MAX_BYTES = 1024 * 1024;

export interface PortForwardUpgradeOptions {
  readonly core: () => ApiCore | undefined;
  readonly authenticator: Authenticator;
  /** The kubelet side; undefined when the server runs without NATS (port-forward answers 503). */
  readonly source: PodPortForwardSource | undefined;
  readonly logger: Logger;
}

export interface PortForwardUpgrade {
  /** The `upgrade` listener for pods/portforward; never throws. */
  readonly listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  readonly openSessions: number;
  stop(): void;
}

/** Whether this upgrade request is for pods/portforward (the exec listener hands those here). */
export function isPortForwardRequest(req: IncomingMessage): boolean {
  const route = parsePath(new URL(req.url ?? '/', 'http://localhost').pathname);
  return route.type === 'resource' && route.path.resource === 'pods' && route.path.subresource === 'portforward';
}

export function portForwardUpgrade(opts: PortForwardUpgradeOptions): PortForwardUpgrade {
  const wss = new WebSocketServer({ noServer: true, maxPayload: CLIENT_MESSAGE_MAX_BYTES });
  // `ws` refuses subprotocols that are not RFC 7230 tokens, and "SPDY/3.1+portforward.k8s.io" has a
  // '/': prepare() checks the offer, the header is taken off the request, and the answer added here.
  wss.on('headers', (headers) => headers.push(`Sec-WebSocket-Protocol: ${PORT_FORWARD_WEBSOCKET_PROTOCOL}`));
  const sessions = new Set<SpdyTransport>();
  const start = (transport: SpdyTransport, target: PortForwardTarget, source: PodPortForwardSource): void => {
    sessions.add(transport);
    const session = new PortForwardSession(transport, target, source, opts.logger);
    transport.onClose(() => {
      sessions.delete(transport);
      session.close();
    });
  };
  const listener = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => undefined);
    prepare(opts, req).then(
      ({ target, source, via }) => {
        if (socket.destroyed) return;
        if (via === 'spdy') return start(spdyUpgrade(socket, head), target, source);
        delete req.headers['sec-websocket-protocol'];
        wss.handleUpgrade(req, socket, head, (ws) => start(webSocketTransport(ws), target, source));
      },
      (err: unknown) => {
        const { status, expected } = statusOfError(err);
        if (!expected) opts.logger.error({ err, url: req.url }, 'portforward upgrade failed unexpectedly');
        refuse(socket, status);
      },
    );
  };
  return {
    listener,
    get openSessions() {
      return sessions.size;
    },
    stop: () => {
      for (const t of sessions) t.close();
    },
  };
}

/** The byte pipe a tunnel rides: WebSocket binary messages, or the raw socket of a SPDY/3.1 upgrade. */
export interface SpdyTransport {
  /** Bytes from the client, or what arrived that cannot be part of a tunnel. */
  onData(bytes: (data: Uint8Array) => void, problem: (why: string) => void): void;
  onClose(closed: () => void): void;
  readonly open: boolean;
  /** `done` runs once the bytes are handed to the socket (backpressure). */
  send(data: Uint8Array, done?: () => void): void;
  pause(): void;
  resume(): void;
  close(): void;
}

function webSocketTransport(ws: WebSocket): SpdyTransport {
  return {
    onData: (bytes, problem) => ws.on('message', (data: RawData, isBinary: boolean) => (isBinary ? bytes(toBytes(data)) : problem('text messages are not part of the tunnel'))),
    onClose: (closed) => {
      ws.once('close', closed);
      ws.on('error', closed);
    },
    get open() {
      return ws.readyState === ws.OPEN;
    },
    send: (data, done) => ws.send(data, { binary: true }, () => done?.()),
    pause: () => ws.pause(),
    resume: () => ws.resume(),
    close: () => ws.close(1000),
  };
}

/** kubectl before 1.31, or with PORT_FORWARD_WEBSOCKETS=false: `Upgrade: SPDY/3.1`, then frames on the socket itself. */
function spdyUpgrade(socket: Duplex, head: Buffer): SpdyTransport {
  socket.write(['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1', `X-Stream-Protocol-Version: ${PORT_FORWARD_STREAM_PROTOCOL}`, '', ''].join('\r\n'));
  return {
    onData: (bytes) => {
      if (head.length > 0) setImmediate(() => bytes(new Uint8Array(head)));
      socket.on('data', (chunk: Buffer) => bytes(chunk));
    },
    onClose: (closed) => {
      socket.once('close', closed);
      socket.on('error', closed);
    },
    get open() {
      return !socket.destroyed && socket.writable;
    },
    send: (data, done) => void socket.write(data, () => done?.()),
    pause: () => void socket.pause(),
    resume: () => void socket.resume(),
    close: () => void socket.end(),
  };
}

/** Everything that can fail before the upgrade: path, credentials, pod, query, protocol. */
async function prepare(opts: PortForwardUpgradeOptions, req: IncomingMessage): Promise<{ target: PortForwardTarget; source: PodPortForwardSource; via: 'websocket' | 'spdy' }> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = parsePath(url.pathname);
  const path = route.type === 'resource' ? route.path : undefined;
  if (path?.group !== '' || path.version !== 'v1' || path.namespace === undefined || path.name === undefined) throw new ApiError(failureStatus(404, 'the server could not find the requested resource'));
  if (req.method !== 'GET' && req.method !== 'POST') throw new ApiError(failureStatus(405, 'the server does not allow this method on the requested resource', {}));
  const auth = opts.authenticator.authenticate(header(req, 'authorization'));
  if (!auth.ok) throw new ApiError(unauthorizedStatus('Unauthorized'));
  const core = opts.core();
  if (core === undefined) throw new ApiError(failureStatus(503, 'the API server is starting'));
  const result = await core.handle({ verb: 'get', group: '', version: 'v1', resource: 'pods', namespace: path.namespace, name: path.name, query: new URLSearchParams(), user: auth.user });
  if (result.kind !== 'object') throw new ApiError(failureStatus(500, 'get pod: unexpected answer'));
  const target = portForwardTarget(result.object, url.searchParams);
  const via = upgradeOf(req);
  if (via === undefined) {
    throw new ApiError(failureStatus(400, `portforward needs a WebSocket upgrade with subprotocol ${PORT_FORWARD_WEBSOCKET_PROTOCOL}, or Upgrade: SPDY/3.1 with X-Stream-Protocol-Version: ${PORT_FORWARD_STREAM_PROTOCOL}`));
  }
  if (opts.source === undefined) throw new ApiError(failureStatus(503, 'portforward needs the kubelets, and this API server runs without NATS'));
  return { target, source: opts.source, via };
}

function upgradeOf(req: IncomingMessage): 'websocket' | 'spdy' | undefined {
  const upgrade = header(req, 'upgrade')?.toLowerCase();
  if (upgrade === 'websocket') return offersPortForwardWebSocket(req.headers['sec-websocket-protocol']) ? 'websocket' : undefined;
  const versions = (header(req, 'x-stream-protocol-version') ?? '').split(',').map((v) => v.trim());
  return upgrade === 'spdy/3.1' && versions.includes(PORT_FORWARD_STREAM_PROTOCOL) ? 'spdy' : undefined;
}

/** A plain HTTP answer on the raw socket (no upgrade happened), then the end of the connection. */
function refuse(socket: Duplex, status: Status): void {
  if (socket.destroyed) return;
  const body = Buffer.from(JSON.stringify(status), 'utf8');
  const head = [`HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? ''}`, 'Content-Type: application/json', `Content-Length: ${body.length}`, 'Connection: close', '', ''].join('\r\n');
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

type StreamType = 'error' | 'data';

/** One forwarded connection: its two SPDY streams and, once dialed, the kubelet's stream. */
interface Forward {
  readonly requestId: string;
  readonly port: number;
  errorStreamId?: number;
  dataStreamId?: number;
  /** Settles once the kubelet answered; undefined when the dial failed. */
  opened?: Promise<ExecStream | undefined>;
  /** Client bytes and the half-close go to the kubelet in order. */
  writes: Promise<unknown>;
  ended: boolean;
}

/** One tunnel: exported for tests, which drive it through a stand-in transport. */
export class PortForwardSession {
  private readonly reader = new SpdyFrameReader();
  private readonly headers: HeaderCompression = spdyHeaderCompression();
  private readonly forwards = new Map<string, Forward>();
  private readonly byStream = new Map<number, { forward: Forward; type: StreamType }>();
  /** Frames are handled one after another: a SYN_STREAM's headers must be read before its DATA. */
  private frames: Promise<void> = Promise.resolve();
  private pendingWrites = 0;
  private closed = false;

  constructor(
    private readonly transport: SpdyTransport,
    private readonly target: PortForwardTarget,
    private readonly source: PodPortForwardSource,
    private readonly logger: Logger,
  ) {
    transport.onData(
      (bytes) => this.onBytes(bytes),
      (why) => this.fail(why),
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const f of this.forwards.values()) this.reset(f);
    this.headers.close();
  }

  private onBytes(bytes: Uint8Array): void {
    if (this.closed) return;
    let frames: SpdyFrame[];
    try {
      frames = this.reader.push(bytes);
    } catch (err) {
      return this.fail(String(err));
    }
    for (const frame of frames) {
      this.frames = this.frames.then(() => this.onFrame(frame)).catch((err: unknown) => this.fail(err instanceof SpdyProtocolError ? err.message : String(err)));
    }
  }

  private async onFrame(frame: SpdyFrame): Promise<void> {
    if (this.closed) return;
    switch (frame.type) {
      case 'syn_stream':
        return this.onSynStream(frame.streamId, await this.headers.decompress(frame.headerBlock));
      case 'data':
        return this.onData(frame.streamId, frame.data, frame.fin);
      case 'rst_stream': {
        const s = this.byStream.get(frame.streamId);
        if (s !== undefined) this.reset(s.forward);
        return;
      }
      case 'ping':
        // §2.6.5: the receiver of a PING sends it back unchanged.
        return this.send({ type: 'ping', id: frame.id });
      case 'goaway':
        this.transport.close();
        return this.close();
      case 'headers':
        // Header blocks share one compression context: read it so later blocks still decompress.
        await this.headers.decompress(frame.headerBlock);
        return;
      case 'syn_reply':
      case 'settings':
      case 'window_update':
      case 'unknown':
        return;
    }
  }

  private async onSynStream(streamId: number, block: Uint8Array): Promise<void> {
    const headers = decodeHeaderBlock(block);
    const type = headers.get('streamtype')?.[0];
    const port = parsePort(headers.get('port')?.[0] ?? '');
    // Protocol v2 pairs the streams by requestid; v1 clients (no requestid) open one pair per port.
    const requestId = headers.get('requestid')?.[0] ?? `port-${headers.get('port')?.[0] ?? ''}`;
    if ((type !== 'error' && type !== 'data') || port === undefined || this.byStream.has(streamId) || this.byStream.size >= STREAMS_MAX) {
      this.logger.debug({ streamId, type, port: headers.get('port') }, 'portforward: refused stream');
      return this.send({ type: 'rst_stream', streamId, status: RstStatus.refusedStream });
    }
    const forward = this.forwards.get(requestId) ?? { requestId, port, writes: Promise.resolve(), ended: false };
    this.forwards.set(requestId, forward);
    if (type === 'error') forward.errorStreamId = streamId;
    else forward.dataStreamId = streamId;
    this.byStream.set(streamId, { forward, type });
    this.send({ type: 'syn_reply', streamId, fin: false, headerBlock: await this.headers.compress(encodeHeaderBlock([])) });
    if (forward.errorStreamId !== undefined && forward.dataStreamId !== undefined && forward.opened === undefined) this.open(forward);
  }

  private open(forward: Forward): void {
    forward.opened = this.source(this.target, forward.port).then(
      (stream) => {
        if (forward.ended) {
          stream.cancel();
          return undefined;
        }
        void this.relay(forward, stream);
        return stream;
      },
      (err: unknown) => {
        this.finish(forward, err instanceof ApiError ? err.status.message : String(err));
        return undefined;
      },
    );
  }

  /** The pod's bytes to the client as DATA, then FIN on both streams (with the failure, if any). */
  private async relay(forward: Forward, stream: ExecStream): Promise<void> {
    let failure: string | undefined;
    for await (const event of stream.events) {
      if (forward.ended) break;
      if (event.type === 'error') failure = event.message;
      if (event.type !== 'stdout' || forward.dataStreamId === undefined) continue;
      for (let at = 0; at < event.data.length; at += DATA_FRAME_MAX_BYTES) {
        await this.sendAndWait({ type: 'data', streamId: forward.dataStreamId, fin: false, data: event.data.subarray(at, at + DATA_FRAME_MAX_BYTES) });
      }
    }
    this.finish(forward, failure);
  }

  private onData(streamId: number, data: Uint8Array, fin: boolean): void {
    const s = this.byStream.get(streamId);
    if (s === undefined) return this.send({ type: 'rst_stream', streamId, status: RstStatus.invalidStream });
    if (s.type !== 'data' || s.forward.ended) return;
    const forward = s.forward;
    const opened = forward.opened ?? Promise.resolve(undefined);
    if (data.length > 0) {
      // Read no more from the tunnel until the kubelet's window has room (backpressure to kubectl).
      const bytes = data.slice();
      this.pendingWrites += 1;
      this.transport.pause();
      forward.writes = forward.writes
        .then(() => opened)
        .then((stream) => stream?.writeStdin(bytes))
        .finally(() => {
          this.pendingWrites -= 1;
          if (this.pendingWrites === 0 && !this.closed) this.transport.resume();
          // SPDY/3.1 flow control (§2.6.8): give the window back as the bytes are taken.
          this.send({ type: 'window_update', streamId, delta: bytes.length });
          this.send({ type: 'window_update', streamId: 0, delta: bytes.length });
        });
    }
    if (fin) forward.writes = forward.writes.then(() => opened).then((stream) => stream?.closeStdin());
  }

  /** Ends a connection: its failure (if any) on the error stream, FIN on both streams. */
  private finish(forward: Forward, failure: string | undefined): void {
    if (forward.ended) return;
    forward.ended = true;
    if (forward.errorStreamId !== undefined && failure !== undefined) this.send({ type: 'data', streamId: forward.errorStreamId, fin: false, data: new TextEncoder().encode(failure) });
    if (forward.dataStreamId !== undefined) this.send({ type: 'data', streamId: forward.dataStreamId, fin: true, data: new Uint8Array(0) });
    if (forward.errorStreamId !== undefined) this.send({ type: 'data', streamId: forward.errorStreamId, fin: true, data: new Uint8Array(0) });
    this.forget(forward);
  }

  /** The client reset it (or went away): the kubelet drops the connection. */
  private reset(forward: Forward): void {
    forward.ended = true;
    void forward.opened?.then((stream) => stream?.cancel());
    this.forget(forward);
  }

  private forget(forward: Forward): void {
    this.forwards.delete(forward.requestId);
    if (forward.errorStreamId !== undefined) this.byStream.delete(forward.errorStreamId);
    if (forward.dataStreamId !== undefined) this.byStream.delete(forward.dataStreamId);
  }

  private fail(problem: string): void {
    this.logger.debug({ problem, pod: `${this.target.namespace}/${this.target.pod}` }, 'portforward: bad client data');
    this.send({ type: 'goaway', lastGoodStreamId: 0, status: 1 });
    this.transport.close();
    this.close();
  }

  private send(frame: SpdyFrame): void {
    if (this.transport.open) this.transport.send(encodeFrame(frame));
  }

  /** Resolves once the bytes are handed to the socket, so a slow client slows the pod down. */
  private sendAndWait(frame: SpdyFrame): Promise<void> {
    if (!this.transport.open) return Promise.resolve();
    return new Promise((resolve) => this.transport.send(encodeFrame(frame), resolve));
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/** Whether the client offered the tunneled SPDY subprotocol. */
export function offersPortForwardWebSocket(header: string | string[] | undefined): boolean {
  const all = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((p) => p.trim());
  return all.includes(PORT_FORWARD_WEBSOCKET_PROTOCOL);
}
