// Adapter: pods/exec and pods/attach over WebSocket, on the HTTP(S) server's `upgrade` event
// (node:http hands every request with an Upgrade header there, not to the request listener). Both
// speak the same remote-command protocol; attach names no command and ends with Success.
//
//   request --authn, path, pod, checks--> (HTTP Status on any failure, before the upgrade)
//     --kubelet says opened--> upgraded (WebSocket, remote-command.ts framing)
//     --exit | error | either side gone--> closed (channel 3 Status, then close 1000)
//
// Authorization: Kubernetes checks `create` on pods/exec (pods/attach) for the WebSocket GET as for the POST
// (AuthorizePodWebsocketUpgradeCreatePermission); Skiff's authenticated users are all admin until
// RBAC exists (authn.ts), so the request is only authenticated here. The SPDY/3.1 upgrade of older
// clients is answered with a 400 Status after the same checks: kubectl 1.30+ tries WebSocket first
// and only falls back to SPDY when that fails, so its error messages stay Kubernetes'.
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '@skiff/actors';
import type { KubeObject } from '@skiff/api';
import { ApiError, unauthorizedStatus } from '@skiff/apimachinery';
import type { ApiCore } from '../core/index.js';
import { execTarget, type ExecStream, type PodExecSource } from '../core/subresources/exec.js';
import { attachTarget, type PodAttachSource } from '../core/subresources/attach.js';
import type { Authenticator, UserInfo } from './authn.js';
import { Channel, errorStatus, exitStatus, frame, negotiateProtocol, offeredProtocols, parseClientFrame, type RemoteCommandProtocol } from './remote-command.js';
import { isPortForwardRequest, portForwardUpgrade } from './portforward-upgrade.js';
import type { PodPortForwardSource } from '../core/subresources/portforward.js';
import { parsePath } from './route.js';
import { failureStatus, statusOfError, type Status } from './status.js';

export interface ExecUpgradeOptions {
  readonly core: () => ApiCore | undefined;
  readonly authenticator: Authenticator;
  /** The kubelet side; undefined when the server runs without NATS (exec answers 503). */
  readonly exec: PodExecSource | undefined;
  /** The kubelet side of pods/attach; undefined answers 503 as for exec. */
  readonly attach?: PodAttachSource | undefined;
  /** The kubelet side of pods/portforward (portforward-upgrade.ts); undefined answers 503. */
  readonly portForward?: PodPortForwardSource | undefined;
  readonly logger: Logger;
}

export interface ExecUpgrade {
  /** The server's `upgrade` listener; never throws. */
  readonly listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  readonly openSessions: number;
  /** Ends every session (shutdown): clients get an error Status and a close. */
  stop(): void;
}

/** A message larger than this from a client is refused (ws closes with 1009); stdin arrives in small pieces. */
const CLIENT_MESSAGE_MAX_BYTES = 1024 * 1024;

export function execUpgrade(opts: ExecUpgradeOptions): ExecUpgrade {
  const wss = new WebSocketServer({ noServer: true, maxPayload: CLIENT_MESSAGE_MAX_BYTES, handleProtocols: (offered) => negotiateProtocol(offered) ?? false });
  const sessions = new Set<WebSocket>();
  const portForward = portForwardUpgrade({ core: opts.core, authenticator: opts.authenticator, source: opts.portForward, logger: opts.logger });
  const listener = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (isPortForwardRequest(req)) return portForward.listener(req, socket, head);
    socket.on('error', () => undefined);
    prepare(opts, req).then(
      ({ stream, protocol, target }) => {
        if (socket.destroyed) return stream.cancel();
        wss.handleUpgrade(req, socket, head, (ws) => {
          sessions.add(ws);
          ws.once('close', () => sessions.delete(ws));
          void pump(ws, stream, protocol, target, opts.logger);
        });
      },
      (err: unknown) => {
        const { status, expected } = statusOfError(err);
        if (!expected) opts.logger.error({ err, url: req.url }, 'exec upgrade failed unexpectedly');
        refuse(socket, status);
      },
    );
  };
  return {
    listener,
    get openSessions() {
      return sessions.size + portForward.openSessions;
    },
    stop: () => {
      for (const ws of sessions) ws.terminate();
      portForward.stop();
    },
  };
}

/** Everything that can fail before the upgrade: path, credentials, pod, query, the kubelet's answer. */
/** What a session is about, for its final Status and the logs (attach has no command). */
interface SessionTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly command: readonly string[];
}

async function prepare(opts: ExecUpgradeOptions, req: IncomingMessage): Promise<{ stream: ExecStream; protocol: RemoteCommandProtocol; target: SessionTarget }> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = parsePath(url.pathname);
  const path = route.type === 'resource' ? route.path : undefined;
  const sub = path?.subresource;
  if (path?.group !== '' || path.version !== 'v1' || path.resource !== 'pods' || (sub !== 'exec' && sub !== 'attach') || path.namespace === undefined || path.name === undefined) {
    throw apiError(failureStatus(400, 'only pods/exec and pods/attach can be upgraded on this server (WebSocket, v5.channel.k8s.io)'));
  }
  if (req.method !== 'GET' && req.method !== 'POST') throw apiError(failureStatus(405, 'the server does not allow this method on the requested resource', {}));
  const auth = opts.authenticator.authenticate(header(req, 'authorization'));
  if (!auth.ok) throw apiError(unauthorizedStatus('Unauthorized'));
  const core = opts.core();
  if (core === undefined) throw apiError(failureStatus(503, 'the API server is starting'));
  const pod = await getPod(core, path.namespace, path.name, auth.user);
  const { target, open } = sessionOf(opts, sub, pod, url.searchParams);
  if (header(req, 'upgrade')?.toLowerCase() !== 'websocket') {
    throw apiError(failureStatus(400, `Skiff serves ${sub} over WebSocket only (${PROTOCOL_LIST}); upgrade ${JSON.stringify(header(req, 'upgrade') ?? '')} is not supported`));
  }
  const protocol = negotiateProtocol(offeredProtocols(req.headers['sec-websocket-protocol']));
  if (protocol === undefined) throw apiError(failureStatus(400, `${sub} needs one of the WebSocket subprotocols ${PROTOCOL_LIST}`));
  if (open === undefined) throw apiError(failureStatus(503, `${sub} needs the kubelets, and this API server runs without NATS`));
  return { stream: await open(), protocol, target };
}

/** The subresource's checks (a 400 before any upgrade) and how to open its session, when this server can. */
function sessionOf(opts: ExecUpgradeOptions, subresource: 'exec' | 'attach', pod: KubeObject, query: URLSearchParams): { target: SessionTarget; open: (() => Promise<ExecStream>) | undefined } {
  if (subresource === 'exec') {
    const exec = execTarget(pod, query);
    const source = opts.exec;
    return { target: exec, open: source === undefined ? undefined : () => source(exec) };
  }
  const attach = attachTarget(pod, query);
  const source = opts.attach;
  return { target: { ...attach, command: [] }, open: source === undefined ? undefined : () => source(attach) };
}

const PROTOCOL_LIST = 'v5.channel.k8s.io, v4.channel.k8s.io';

async function getPod(core: ApiCore, namespace: string, name: string, user: UserInfo): Promise<KubeObject> {
  const result = await core.handle({ verb: 'get', group: '', version: 'v1', resource: 'pods', namespace, name, query: new URLSearchParams(), user });
  if (result.kind !== 'object') throw apiError(failureStatus(500, 'get pod: unexpected answer'));
  return result.object;
}

/** Streams one session: client frames to the kubelet, the kubelet's output to the client, then the status. */
async function pump(ws: WebSocket, stream: ExecStream, protocol: RemoteCommandProtocol, target: SessionTarget, logger: Logger): Promise<void> {
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const problem = isBinary ? onClientFrame(ws, stream, protocol, toBytes(data)) : 'text messages are not part of the protocol';
    if (problem !== undefined) {
      logger.debug({ problem, pod: `${target.namespace}/${target.pod}` }, 'exec: bad client message');
      void finish(ws, errorStatus(`exec: bad client message: ${problem}`));
      stream.cancel();
    }
  });
  ws.on('close', () => stream.cancel());
  ws.on('error', () => stream.cancel());
  try {
    for await (const event of stream.events) {
      if (ws.readyState !== ws.OPEN) break;
      if (event.type === 'exit') return await finish(ws, exitStatus(event.exitCode, target.command));
      if (event.type === 'error') return await finish(ws, errorStatus(event.message));
      await send(ws, frame(event.type === 'stdout' ? Channel.stdout : Channel.stderr, event.data));
    }
    await finish(ws, errorStatus('exec: the stream ended without an exit code'));
  } catch (err) {
    logger.debug({ err: String(err) }, 'exec session ended early');
    ws.terminate();
  } finally {
    stream.cancel();
  }
}

/** Stdin writes in flight per connection: the socket resumes when the last one is done. */
const writing = new WeakMap<WebSocket, number>();

function onClientFrame(ws: WebSocket, stream: ExecStream, protocol: RemoteCommandProtocol, message: Uint8Array): string | undefined {
  const f = parseClientFrame(protocol, message);
  switch (f.type) {
    case 'stdin':
      // Read no further client messages until the kubelet's window has room (backpressure to kubectl).
      writing.set(ws, (writing.get(ws) ?? 0) + 1);
      ws.pause();
      void stream.writeStdin(f.data).finally(() => {
        const left = (writing.get(ws) ?? 1) - 1;
        writing.set(ws, left);
        if (left === 0) ws.resume();
      });
      return undefined;
    case 'close':
      if (f.channel === Channel.stdin) stream.closeStdin();
      return undefined;
    case 'resize':
      stream.resize(f.width, f.height);
      return undefined;
    case 'invalid':
      return f.reason;
  }
}

/** The Status on channel 3, then a normal close: client-go reads the error stream to its end. */
async function finish(ws: WebSocket, status: object): Promise<void> {
  if (ws.readyState !== ws.OPEN) return;
  await send(ws, frame(Channel.error, JSON.stringify(status)));
  ws.close(1000);
}

function send(ws: WebSocket, data: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => ws.send(data, { binary: true }, (err) => (err === undefined || err === null ? resolve() : reject(err))));
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/** A plain HTTP answer on the raw socket (no upgrade happened), then the end of the connection. */
function refuse(socket: Duplex, status: Status): void {
  if (socket.destroyed) return;
  const body = Buffer.from(JSON.stringify(status), 'utf8');
  const head = [`HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? ''}`, 'Content-Type: application/json', `Content-Length: ${body.length}`, 'Connection: close', '', ''].join('\r\n');
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

function apiError(status: Status): ApiError {
  return new ApiError(status);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
