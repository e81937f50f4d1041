// Adapter: kube-proxy's Proxier for Skiff. It hosts one listener machine per desired listener and
// applies each new set of rules as a diff: open new listeners, update changed ones in place, drain
// removed ones. Machines are created through an injected spawn function, so a service host's
// inspector sees them (`host.spawn`); by default they run on the Proxier's own clock.
//
// A key being drained and the same key wanted again: the old listener has already closed its
// server (drain stops accepting first), so a new listener binds while the old one's connections
// finish; its actor id gets a suffix.
//
// TCP and UDP are forwarded; SCTP listeners are returned as `skipped` by sync().

import { RealClock, type Clock } from '@skiff/core';
import type { Service } from '@skiff/api';
import { createActor, waitFor, type Actor } from 'xstate';
import { desiredListeners, type DesiredListenersOptions, type EndpointsSource } from './desired-listeners.js';
import { diffListeners, type ListenerDiff } from './diff-listeners.js';
import type { PickerTunables } from './endpoint-picker.js';
import { Protocol, type Listener } from './listener.js';
import { listenerMachine, type ListenerInput, type ListenerMachine } from './listener.machine.js';
import type { ListenerTunables, OpenError } from './listener-policy.js';
import { forwarderSocket, type SocketForwarder } from './listener-socket.js';
import type { ProxyMetrics } from './proxy-metrics.js';
import { TcpForwarder, type ForwarderStats, type ForwarderTunables } from './tcp-forwarder.js';
import { UdpForwarder, type UdpForwarderTunables } from './udp-forwarder.js';

/** Matches ServiceHost.spawn, so `(m, o) => host.spawn(m, o)` can be passed. */
export type SpawnListener = (machine: ListenerMachine, opts: { readonly id: string; readonly input: ListenerInput }) => Actor<ListenerMachine>;

/** The subset of a pino logger the proxier uses. */
export interface ProxyLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ProxierOptions {
  /** Clock of the forwarders (affinity and failure times, connect timeouts) and of default-spawned machines. */
  readonly clock?: Clock;
  readonly spawn?: SpawnListener;
  readonly metrics?: ProxyMetrics;
  readonly logger?: ProxyLogger;
  readonly listener?: Partial<ListenerTunables>;
  readonly forwarder?: Partial<ForwarderTunables>;
  readonly udp?: Partial<UdpForwarderTunables>;
  readonly picker?: Partial<PickerTunables>;
}

export type ListenerState = 'opening' | 'backingOff' | 'serving' | 'draining' | 'closed';

export interface ListenerStatus extends ForwarderStats {
  readonly key: string;
  readonly actorId: string;
  readonly state: ListenerState;
  readonly service: string;
  readonly readyEndpoints: number;
  readonly openFailures: number;
  readonly lastError?: OpenError;
}

export interface SyncResult extends ListenerDiff {
  /** Desired listeners of protocols this proxier does not forward. */
  readonly skipped: readonly Listener[];
}

type Forwarder = SocketForwarder & { stats(): ForwarderStats };

interface Entry {
  readonly actorId: string;
  readonly actor: Actor<ListenerMachine>;
  readonly forwarder: Forwarder;
  readonly done: Promise<void>;
}

const SUPPORTED: ReadonlySet<string> = new Set([Protocol.TCP, Protocol.UDP]);

export class Proxier {
  private readonly clock: Clock;
  private readonly spawn: SpawnListener;
  /** Desired listeners by key (not draining). */
  private readonly active = new Map<string, Entry>();
  private readonly draining = new Set<Entry>();
  private stopping = false;

  constructor(private readonly opts: ProxierOptions = {}) {
    this.clock = opts.clock ?? new RealClock();
    this.spawn = opts.spawn ?? ((machine, o) => createActor(machine, { id: o.id, input: o.input, clock: this.clock }).start());
  }

  /** Recomputes the rules from informer state and applies them. */
  syncFrom(services: readonly Service[], endpoints: readonly EndpointsSource[], nodeAddresses: readonly string[], options: DesiredListenersOptions = {}): SyncResult {
    return this.sync(desiredListeners(services, endpoints, nodeAddresses, options));
  }

  sync(desired: readonly Listener[]): SyncResult {
    if (this.stopping) return { open: [], update: [], close: [], skipped: [] };
    const skipped = desired.filter((l) => !SUPPORTED.has(l.protocol));
    const current = [...this.active.values()].map((e) => e.actor.getSnapshot().context.listener);
    const diff = diffListeners(current, desired.filter((l) => SUPPORTED.has(l.protocol)));
    for (const key of diff.close) this.drain(key);
    for (const listener of diff.update) this.active.get(listener.key)?.actor.send({ type: 'update', listener });
    for (const listener of diff.open) this.open(listener);
    if (diff.open.length + diff.update.length + diff.close.length > 0) {
      this.opts.logger?.info({ open: diff.open.length, update: diff.update.length, close: diff.close.length, skipped: skipped.length }, 'proxy rules applied');
    }
    return { ...diff, skipped };
  }

  listeners(): ListenerStatus[] {
    return [...this.active.values(), ...this.draining].map((e) => statusOf(e));
  }

  /** Resolves when the listener of `key` serves (rejects after timeoutMs, or if it never will). */
  async whenServing(key: string, timeoutMs = 10_000): Promise<void> {
    const entry = this.active.get(key);
    if (entry === undefined) throw new Error(`no listener ${key}`);
    const snapshot = await waitFor(entry.actor, (s) => s.matches({ active: 'serving' }) || s.status === 'done', { timeout: timeoutMs });
    if (snapshot.status === 'done') throw new Error(`listener ${key} closed before serving`);
  }

  /** Drains every listener and waits for them to close (each bounded by its drain timeout). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const key of [...this.active.keys()]) this.drain(key);
    await Promise.all([...this.draining].map((e) => e.done));
  }

  private open(listener: Listener): void {
    const forwarder = this.forwarderFor(listener);
    const machine = listenerMachine.provide({ actors: { socket: forwarderSocket(forwarder) } });
    const actorId = this.actorIdFor(listener.key);
    const input: ListenerInput = { listener, ...(this.opts.listener === undefined ? {} : { tunables: this.opts.listener }) };
    const actor = this.spawn(machine, { id: actorId, input });
    const done = new Promise<void>((resolve) => actor.subscribe({ complete: resolve, error: () => resolve() }));
    const entry: Entry = { actorId, actor, forwarder, done };
    this.active.set(listener.key, entry);
    actor.on('openFailed', (e) => {
      this.opts.metrics?.listenerOpenFailed(listener, e.error.code);
      this.opts.logger?.warn({ listener: e.key, code: e.error.code, failures: e.failures, retryInMs: e.retryInMs }, 'listener cannot bind; retrying');
    });
    actor.on('drainTimedOut', (e) => this.opts.logger?.warn({ listener: e.key }, 'drain timed out; open connections cut'));
    // A listener ends by draining, or by failing: a failed one leaves the active set, so that the
    // next sync opens it again.
    void done.then(() => {
      this.draining.delete(entry);
      if (this.active.get(listener.key) === entry) this.active.delete(listener.key);
    });
  }

  private forwarderFor(listener: Listener): Forwarder {
    const common = {
      clock: this.clock,
      ...(this.opts.metrics === undefined ? {} : { metrics: this.opts.metrics.forListener(listener) }),
      ...(this.opts.picker === undefined ? {} : { picker: this.opts.picker }),
    };
    if (listener.protocol === Protocol.UDP) return new UdpForwarder(listener, { ...common, ...(this.opts.udp === undefined ? {} : { tunables: this.opts.udp }) });
    return new TcpForwarder(listener, { ...common, ...(this.opts.forwarder === undefined ? {} : { tunables: this.opts.forwarder }) });
  }

  private drain(key: string): void {
    const entry = this.active.get(key);
    if (entry === undefined) return;
    this.active.delete(key);
    if (entry.actor.getSnapshot().status === 'active') this.draining.add(entry);
    entry.actor.send({ type: 'drain' });
  }

  private actorIdFor(key: string): string {
    const base = `listener:${key}`;
    const taken = new Set([...this.draining].map((e) => e.actorId));
    if (!taken.has(base)) return base;
    for (let i = 2; ; i++) if (!taken.has(`${base}#${i}`)) return `${base}#${i}`;
  }
}

function statusOf(entry: Entry): ListenerStatus {
  const snapshot = entry.actor.getSnapshot();
  const { listener, openFailures, lastError } = snapshot.context;
  return {
    key: listener.key,
    actorId: entry.actorId,
    state: stateOf(snapshot.value),
    service: `${listener.service.namespace}/${listener.service.name}:${listener.service.portName}`,
    readyEndpoints: listener.endpoints.filter((e) => e.ready).length,
    openFailures,
    ...(lastError === undefined ? {} : { lastError }),
    ...entry.forwarder.stats(),
  };
}

function stateOf(value: unknown): ListenerState {
  if (value === 'closed') return 'closed';
  if (typeof value === 'object' && value !== null && 'active' in value) return (value as { active: ListenerState }).active;
  return 'closed';
}
