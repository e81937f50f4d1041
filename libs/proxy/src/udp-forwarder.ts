// Adapter: the UDP side of one listener, on node:dgram. UDP has no connections, so the forwarder
// keeps sessions as conntrack does: one per client ip:port, each with its own connected socket to
// the endpoint chosen for the session's first datagram (same EndpointPicker: round-robin, ClientIP
// affinity, failed endpoints skipped). Replies go back to the client from the listening socket.
//
// - A session ends after `sessionIdleMs` without traffic either way (conntrack's UDP timeout is
//   30 s), when its endpoint errors (ICMP port unreachable arrives as ECONNREFUSED: the endpoint
//   is marked failed and the next datagram opens a session elsewhere), or when its endpoint is no
//   longer ready: kube-proxy flushes the conntrack entries of stale UDP endpoints, since a UDP
//   "connection" never ends by itself.
// - Drain closes at once: replies leave through the listening socket, so nothing can finish
//   without it (kube-proxy likewise flushes a removed service's UDP entries).
// - Sessions are bounded; the least recently started goes first.

import dgram from 'node:dgram';
import net from 'node:net';
import type { Clock, TimerId } from '@skiff/core';
import { EndpointPicker, type PickerTunables } from './endpoint-picker.js';
import { endpointKey, type Listener, type ProxyEndpoint } from './listener.js';
import { ForwardErrorReason, noopServiceMetrics, type ServiceMetrics } from './proxy-metrics.js';
import { ListenError, type ForwarderStats } from './tcp-forwarder.js';

export interface UdpForwarderTunables {
  readonly sessionIdleMs: number;
  readonly sessionsMax: number;
  /** Datagrams a session holds while its upstream socket connects; later ones are dropped (UDP may drop). */
  readonly pendingMax: number;
}

export const DEFAULT_UDP_FORWARDER_TUNABLES: UdpForwarderTunables = { sessionIdleMs: 30_000, sessionsMax: 10_000, pendingMax: 64 };

export interface UdpForwarderDeps {
  readonly clock: Clock;
  readonly metrics?: ServiceMetrics;
  readonly tunables?: Partial<UdpForwarderTunables>;
  readonly picker?: Partial<PickerTunables>;
}

interface Session {
  readonly client: { readonly address: string; readonly port: number };
  readonly endpoint: ProxyEndpoint;
  readonly upstream: dgram.Socket;
  /** Datagrams that arrived before the upstream socket was connected (bounded by pendingMax). */
  pending: Buffer[] | undefined;
  lastActiveMs: number;
  timer: TimerId | undefined;
  bytesIn: number;
  bytesOut: number;
  closed: boolean;
}

export class UdpForwarder {
  private listener: Listener;
  private socket: dgram.Socket | undefined;
  private readonly picker: EndpointPicker;
  private readonly tunables: UdpForwarderTunables;
  private readonly metrics: ServiceMetrics;
  /** client ip:port -> session; Map order is oldest first. */
  private readonly sessions = new Map<string, Session>();
  private closed = false;

  constructor(
    listener: Listener,
    private readonly deps: UdpForwarderDeps,
  ) {
    this.listener = listener;
    this.tunables = { ...DEFAULT_UDP_FORWARDER_TUNABLES, ...deps.tunables };
    this.metrics = deps.metrics ?? noopServiceMetrics;
    this.picker = new EndpointPicker(listener.endpoints, listener.affinity, deps.picker);
  }

  get key(): string {
    return this.listener.key;
  }

  stats(): ForwarderStats {
    const byEndpoint: Record<string, number> = {};
    for (const s of this.sessions.values()) byEndpoint[endpointKey(s.endpoint)] = (byEndpoint[endpointKey(s.endpoint)] ?? 0) + 1;
    return { listening: this.socket !== undefined, draining: this.closed, activeConnections: this.sessions.size, byEndpoint };
  }

  listen(): Promise<void> {
    if (this.closed) return Promise.reject(new ListenError(this.key, 'ECLOSED', new Error('forwarder closed')));
    if (this.socket !== undefined) return Promise.resolve();
    const socket = dgram.createSocket({ type: socketType(this.listener.ip) });
    return new Promise((resolve, reject) => {
      const failed = (err: NodeJS.ErrnoException) => {
        socket.close();
        reject(new ListenError(this.key, err.code ?? 'UNKNOWN', err));
      };
      socket.once('error', failed);
      socket.bind({ address: this.listener.ip, port: this.listener.port, exclusive: true }, () => {
        socket.off('error', failed);
        socket.on('error', () => undefined);
        socket.on('message', (msg, rinfo) => this.fromClient(msg, rinfo));
        if (this.closed) socket.close();
        else this.socket = socket;
        resolve();
      });
    });
  }

  update(listener: Listener): void {
    this.listener = listener;
    this.picker.update(listener.endpoints, listener.affinity);
    const ready = new Set(listener.endpoints.filter((e) => e.ready).map(endpointKey));
    for (const session of [...this.sessions.values()]) if (!ready.has(endpointKey(session.endpoint))) this.end(session);
  }

  drain(): Promise<void> {
    this.destroy();
    return Promise.resolve();
  }

  destroy(): void {
    this.closed = true;
    for (const session of [...this.sessions.values()]) this.end(session);
    this.socket?.close();
    this.socket = undefined;
  }

  private fromClient(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const key = `${rinfo.address}:${rinfo.port}`;
    const session = this.sessions.get(key) ?? this.open(key, rinfo);
    if (session === undefined) return;
    session.lastActiveMs = this.deps.clock.now();
    session.bytesIn += msg.length;
    if (session.pending === undefined) session.upstream.send(msg);
    else if (session.pending.length < this.tunables.pendingMax) session.pending.push(msg);
  }

  private open(key: string, rinfo: dgram.RemoteInfo): Session | undefined {
    const now = this.deps.clock.now();
    this.picker.sweep(now);
    const endpoint = this.picker.pick(rinfo.address, now);
    if (endpoint === undefined) {
      this.metrics.error(ForwardErrorReason.NoEndpoints);
      return undefined;
    }
    const upstream = dgram.createSocket({ type: socketType(endpoint.ip) });
    const session: Session = { client: { address: rinfo.address, port: rinfo.port }, endpoint, upstream, pending: [], lastActiveMs: now, timer: undefined, bytesIn: 0, bytesOut: 0, closed: false };
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      this.picker.markFailed(endpoint, this.deps.clock.now());
      this.metrics.error(err.code === 'ECONNREFUSED' ? ForwardErrorReason.Refused : ForwardErrorReason.Stream);
      this.end(session);
    });
    upstream.on('message', (reply) => this.toClient(session, reply));
    // A connected socket, so that ICMP port unreachable comes back as ECONNREFUSED.
    upstream.connect(endpoint.port, endpoint.ip, () => {
      const pending = session.pending ?? [];
      session.pending = undefined;
      if (!session.closed) for (const msg of pending) upstream.send(msg);
    });
    this.sessions.set(key, session);
    this.metrics.connectionOpened();
    this.armIdleTimer(session, this.tunables.sessionIdleMs);
    if (this.sessions.size > this.tunables.sessionsMax) {
      const oldest = this.sessions.values().next();
      if (oldest.done !== true) this.end(oldest.value);
    }
    return session;
  }

  private toClient(session: Session, reply: Buffer): void {
    if (session.closed || this.socket === undefined) return;
    session.lastActiveMs = this.deps.clock.now();
    session.bytesOut += reply.length;
    this.socket.send(reply, session.client.port, session.client.address);
  }

  /** One timer per session, re-armed for the remaining idle time rather than reset on every datagram. */
  private armIdleTimer(session: Session, delayMs: number): void {
    session.timer = this.deps.clock.setTimeout(() => {
      const idleMs = this.deps.clock.now() - session.lastActiveMs;
      if (idleMs >= this.tunables.sessionIdleMs) this.end(session);
      else this.armIdleTimer(session, this.tunables.sessionIdleMs - idleMs);
    }, delayMs);
  }

  private end(session: Session): void {
    if (session.closed) return;
    session.closed = true;
    if (session.timer !== undefined) this.deps.clock.clearTimeout(session.timer);
    this.sessions.delete(`${session.client.address}:${session.client.port}`);
    session.upstream.close();
    this.metrics.connectionClosed(session.bytesIn, session.bytesOut);
  }
}

function socketType(ip: string): 'udp4' | 'udp6' {
  return net.isIPv6(ip) ? 'udp6' : 'udp4';
}
