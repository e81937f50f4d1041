// NatsBus: the Bus port on a real NATS connection (nats.js v3, @nats-io/transport-node).
// It reconnects forever (a control plane must not give up on its broker), maps nats.js errors
// (which carry a typed `cause`) onto the bus's typed errors, and drains on close. The raw
// connection stays available as `connection` for the NATS services framework (@nats-io/services).

import {
  connect,
  createInbox,
  errors as natsErrors,
  headers as natsHeaders,
  type Msg as NatsMsg,
  type MsgHdrs,
  type NatsConnection,
  type Status,
  type Subscription as NatsSubscription,
} from '@nats-io/transport-node';
import {
  isEndOfStream,
  type Bus,
  type Headers,
  type Msg,
  type PublishOptions,
  type RequestOptions,
  type StreamOptions,
  type SubscribeOptions,
  type Subscription,
} from './bus.js';
import { BusError, ClosedError, NoRespondersError, TimeoutError } from './errors.js';
import { RequestMux } from './nats-request-mux.js';
import { assertPattern, assertSubject, subjectToken } from './subjects.js';

export interface NatsBusOptions {
  readonly servers: readonly string[];
  /** Connection name, shown by the server's monitoring (`/connz`). */
  readonly name?: string;
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
  /** Deadline for each connection attempt. */
  readonly timeoutMs?: number;
  /** Try the servers in the given order instead of shuffling them (nats.js shuffles by default). */
  readonly noRandomize?: boolean;
  /** Wait between reconnect attempts to the same server. */
  readonly reconnectTimeWaitMs?: number;
  /** Bound on draining at close; the connection is closed hard after it. */
  readonly closeTimeoutMs?: number;
  /** Connection lifecycle (disconnect, reconnect, errors), for the caller's logger. */
  readonly onStatus?: (status: BusStatus) => void;
}

export type BusStatus =
  | { readonly type: 'disconnect' | 'reconnect' | 'ldm'; readonly server: string }
  | { readonly type: 'reconnecting' | 'staleConnection' | 'forceReconnect' }
  | { readonly type: 'error'; readonly error: Error }
  | { readonly type: 'slowConsumer'; readonly subject: string; readonly pending: number }
  | { readonly type: 'update'; readonly added: readonly string[]; readonly deleted: readonly string[] }
  | { readonly type: 'closed'; readonly error?: Error };

/** Any other failure of the transport (disconnected, permission violation, protocol error). */
export class TransportError extends BusError {
  override readonly name = 'TransportError';
}

export class NatsBus implements Bus {
  private closing: Promise<void> | undefined;
  private mux: RequestMux | undefined;

  private constructor(
    /** The underlying nats.js connection (the services framework registers through it). */
    readonly connection: NatsConnection,
    readonly name: string,
    private readonly closeTimeoutMs: number,
  ) {}

  static async connect(opts: NatsBusOptions): Promise<NatsBus> {
    if (opts.servers.length === 0) throw new RangeError('NatsBus.connect needs at least one server');
    const connection = await connect({
      servers: [...opts.servers],
      maxReconnectAttempts: -1,
      waitOnFirstConnect: true,
      reconnectTimeWait: opts.reconnectTimeWaitMs ?? 250,
      timeout: opts.timeoutMs ?? 5_000,
      // Matches the servers' ping_interval 1s / ping_max 2: a dead server is noticed in ~3 s.
      pingInterval: 1_000,
      maxPingOut: 2,
      // Each request would capture a stack trace for its error; our errors are re-created anyway.
      noAsyncTraces: true,
      ...(opts.noRandomize === true ? { noRandomize: true } : {}),
      ...(opts.name === undefined ? {} : { name: opts.name }),
      ...(opts.user === undefined ? {} : { user: opts.user }),
      ...(opts.pass === undefined ? {} : { pass: opts.pass }),
      ...(opts.token === undefined ? {} : { token: opts.token }),
    });
    const bus = new NatsBus(connection, opts.name ?? connection.getServer(), opts.closeTimeoutMs ?? 5_000);
    if (opts.onStatus !== undefined) bus.watchStatus(opts.onStatus);
    return bus;
  }

  publish(subject: string, data: Uint8Array, opts: PublishOptions = {}): void {
    this.assertOpen();
    assertSubject(subject);
    try {
      this.connection.publish(subject, data, toPublishOptions(opts));
    } catch (err) {
      throw this.fail(err, subject, 0);
    }
  }

  subscribe(subject: string, opts: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    assertPattern(subject);
    if (opts.queue !== undefined) subjectToken(opts.queue, 'queue group');
    try {
      const sub = this.connection.subscribe(subject, {
        ...(opts.queue === undefined ? {} : { queue: opts.queue }),
        ...(opts.max === undefined ? {} : { max: opts.max }),
      });
      return wrapSubscription(sub);
    } catch (err) {
      throw this.fail(err, subject, 0);
    }
  }

  async request(subject: string, data: Uint8Array, opts: RequestOptions): Promise<Msg> {
    this.assertOpen();
    assertSubject(subject);
    this.mux ??= new RequestMux(this.connection, (err, s) => this.fail(err, s, 0));
    try {
      return new NatsBusMsg(await this.mux.request(subject, data, toNatsHeaders(opts.headers), opts.timeoutMs));
    } catch (err) {
      throw this.fail(err, subject, opts.timeoutMs);
    }
  }


  async *requestStream(subject: string, data: Uint8Array, opts: StreamOptions): AsyncIterable<Msg> {
    this.assertOpen();
    assertSubject(subject);
    const inbox = this.createInbox();
    let sub: NatsSubscription;
    try {
      sub = this.connection.subscribe(inbox);
      const hdrs = toNatsHeaders(opts.headers);
      this.connection.publish(subject, data, hdrs === undefined ? { reply: inbox } : { reply: inbox, headers: hdrs });
    } catch (err) {
      throw this.fail(err, subject, opts.idleTimeoutMs);
    }
    const it = sub[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await withDeadline(it.next(), subject, opts.idleTimeoutMs);
        if (next.done === true) {
          if (this.closing !== undefined || this.connection.isClosed()) throw new ClosedError(`bus ${this.name}`);
          return;
        }
        const m = next.value;
        // The server answers a request to a subject nobody listens on with a 503 status message.
        if (m.data.length === 0 && m.headers?.code === 503) throw new NoRespondersError(subject);
        const msg = new NatsBusMsg(m);
        if (isEndOfStream(msg)) return;
        yield msg;
      }
    } finally {
      if (!this.connection.isClosed()) sub.unsubscribe();
    }
  }

  createInbox(): string {
    return createInbox();
  }

  async flush(): Promise<void> {
    this.assertOpen();
    try {
      await this.connection.flush();
    } catch (err) {
      throw this.fail(err, 'flush', 0);
    }
  }

  /** Drains (in-flight messages are delivered, subscriptions end), then closes. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.drain();
    return this.closing;
  }

  private async drain(): Promise<void> {
    const nc = this.connection;
    this.mux?.close(new ClosedError(`bus ${this.name}`));
    if (nc.isClosed()) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.closeTimeoutMs)));
    try {
      // A disconnected connection may never drain: after the bound it is closed hard.
      await Promise.race([nc.isDraining() ? nc.closed() : nc.drain(), bound]);
    } catch {
      // drain fails when the connection closes under it: closing below is all that is left
    } finally {
      clearTimeout(timer);
    }
    if (!nc.isClosed()) await nc.close();
  }

  /** A failure while the bus closes is a ClosedError whatever nats.js reports (a mux request gets a bare RequestError). */
  private fail(err: unknown, subject: string, timeoutMs: number): Error {
    const mapped = mapError(err, subject, timeoutMs);
    if (mapped instanceof TransportError && (this.closing !== undefined || this.connection.isClosed())) {
      return new ClosedError(`bus ${this.name}`);
    }
    return mapped;
  }

  private assertOpen(): void {
    if (this.closing !== undefined || this.connection.isClosed()) throw new ClosedError(`bus ${this.name}`);
  }

  private watchStatus(onStatus: (status: BusStatus) => void): void {
    void (async () => {
      for await (const s of this.connection.status()) {
        const status = toBusStatus(s);
        if (status !== undefined) onStatus(status);
      }
    })();
    void this.connection.closed().then((err) => onStatus(err instanceof Error ? { type: 'closed', error: err } : { type: 'closed' }));
  }
}

/** A nats.js message seen through the Bus's Msg (headers converted on first use). */
class NatsBusMsg implements Msg {
  private hdrs: Headers | undefined | null = null;

  constructor(private readonly m: NatsMsg) {}

  get subject(): string {
    return this.m.subject;
  }
  get data(): Uint8Array {
    return this.m.data;
  }
  get reply(): string | undefined {
    return this.m.reply === '' ? undefined : this.m.reply;
  }
  get headers(): Headers | undefined {
    if (this.hdrs === null) this.hdrs = fromNatsHeaders(this.m.headers);
    return this.hdrs;
  }

  respond(data: Uint8Array, opts?: { headers?: Headers }): boolean {
    const hdrs = toNatsHeaders(opts?.headers);
    try {
      return this.m.respond(data, hdrs === undefined ? undefined : { headers: hdrs });
    } catch (err) {
      throw mapError(err, this.m.reply ?? this.m.subject, 0);
    }
  }
}

function wrapSubscription(sub: NatsSubscription): Subscription {
  return {
    get subject() {
      return sub.getSubject();
    },
    unsubscribe: () => {
      if (!sub.isClosed()) sub.unsubscribe();
    },
    closed: () => sub.closed.then(() => undefined),
    [Symbol.asyncIterator]: () => {
      const it = sub[Symbol.asyncIterator]();
      // A mapping iterator rather than an async generator: one promise per message, not three.
      return {
        next: async () => {
          const r = await it.next();
          return r.done === true ? { value: undefined, done: true } : { value: new NatsBusMsg(r.value), done: false };
        },
        return: async () => {
          await it.return?.();
          return { value: undefined, done: true };
        },
      };
    },
  };
}

function toPublishOptions(opts: PublishOptions): { reply?: string; headers?: MsgHdrs } | undefined {
  if (opts.headers === undefined && opts.reply === undefined) return undefined;
  const hdrs = toNatsHeaders(opts.headers);
  return {
    ...(opts.reply === undefined ? {} : { reply: opts.reply }),
    ...(hdrs === undefined ? {} : { headers: hdrs }),
  };
}

function toNatsHeaders(h: Headers | undefined): MsgHdrs | undefined {
  if (h === undefined) return undefined;
  const out = natsHeaders();
  for (const [k, v] of Object.entries(h)) out.set(k, v);
  return out;
}

function fromNatsHeaders(h: MsgHdrs | undefined): Headers | undefined {
  if (h === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const k of h.keys()) out[k] = h.get(k);
  return out;
}

/** Maps a nats.js error (or its typed `cause`) onto the bus's errors. */
export function mapError(err: unknown, subject: string, timeoutMs: number): Error {
  if (err instanceof BusError) return err;
  const chain: unknown[] = [];
  for (let e: unknown = err; e instanceof Error && chain.length < 5; e = e.cause) chain.push(e);
  if (chain.some((e) => e instanceof natsErrors.NoRespondersError)) return new NoRespondersError(subject);
  if (chain.some((e) => e instanceof natsErrors.TimeoutError)) return new TimeoutError(subject, timeoutMs);
  if (chain.some((e) => e instanceof natsErrors.ClosedConnectionError || e instanceof natsErrors.DrainingConnectionError)) {
    return new ClosedError(`connection (while using ${subject})`);
  }
  if (err instanceof natsErrors.RequestError && err.isNoResponders()) return new NoRespondersError(subject);
  const message = err instanceof Error ? err.message : String(err);
  return new TransportError(`${subject}: ${message}`, { cause: err });
}

function toBusStatus(s: Status): BusStatus | undefined {
  switch (s.type) {
    case 'disconnect':
    case 'reconnect':
    case 'ldm':
      return { type: s.type, server: s.server };
    case 'reconnecting':
    case 'staleConnection':
    case 'forceReconnect':
      return { type: s.type };
    case 'error':
      return { type: 'error', error: s.error };
    case 'slowConsumer':
      return { type: 'slowConsumer', subject: s.sub.getSubject(), pending: s.pending };
    case 'update':
      return { type: 'update', added: s.added ?? [], deleted: s.deleted ?? [] };
    case 'ping':
      return undefined; // every ping interval: noise
  }
}

function withDeadline<T>(promise: Promise<T>, subject: string, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(subject, timeoutMs)), timeoutMs);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (err: unknown) => (clearTimeout(timer), reject(err as Error)),
    );
  });
}
