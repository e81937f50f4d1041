// The Bus: the one message-plane port every Skiff service talks through. Two implementations carry
// it: NatsBus (production and every integration test) and MemoryBus (deterministic simulation).
// Semantics are NATS core semantics: subjects are dot-separated tokens, `*` matches one token and
// `>` one or more trailing tokens; a queue group delivers each message to one member of the group;
// a request with no subscriber fails at once with NoRespondersError.

export type Headers = Readonly<Record<string, string>>;

export interface Msg {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: Headers | undefined;
  /** Where an answer goes, when the sender asked for one. */
  readonly reply: string | undefined;
  /** Answers a request (publishes to `reply`); returns false when the message asked for no answer. */
  respond(data: Uint8Array, opts?: { headers?: Headers }): boolean;
}

export interface Subscription extends AsyncIterable<Msg> {
  readonly subject: string;
  /** Stops delivery; the iterator ends after the messages already queued. */
  unsubscribe(): void;
  /** Resolves when the subscription has ended, for any reason. */
  closed(): Promise<void>;
}

export interface PublishOptions {
  headers?: Headers;
  reply?: string;
}

export interface SubscribeOptions {
  /** Queue group: each message goes to one subscriber of the group. */
  queue?: string;
  /** Unsubscribe by itself after this many messages. */
  max?: number;
}

export interface RequestOptions {
  /** Deadline for the first (or only) answer. */
  timeoutMs: number;
  headers?: Headers;
}

export interface StreamOptions {
  /** Deadline between two consecutive messages of the stream (and for the first one). */
  idleTimeoutMs: number;
  headers?: Headers;
}

export interface Bus {
  /** A name for logs: the connection's server or the memory bus endpoint. */
  readonly name: string;
  publish(subject: string, data: Uint8Array, opts?: PublishOptions): void;
  subscribe(subject: string, opts?: SubscribeOptions): Subscription;
  /** Request/reply with a deadline; rejects with TimeoutError, NoRespondersError or ClosedError. */
  request(subject: string, data: Uint8Array, opts: RequestOptions): Promise<Msg>;
  /**
   * A request whose answer is a stream of messages sent to one inbox (watches, log follows). The
   * responder ends the stream with an empty message (no data, no headers) or the caller stops
   * iterating. Rejects/throws TimeoutError when the stream stays silent for `idleTimeoutMs`.
   */
  requestStream(subject: string, data: Uint8Array, opts: StreamOptions): AsyncIterable<Msg>;
  /** A fresh unique inbox subject, for hand-made reply streams. */
  createInbox(): string;
  /** Resolves when every message published so far has reached the server (NATS) or been queued (memory). */
  flush(): Promise<void>;
  /** Drains: delivers what is in flight, stops subscriptions, closes. Idempotent. */
  close(): Promise<void>;
}

/** An empty message (no data, no headers) ends a reply stream (Bus.requestStream). */
export function isEndOfStream(msg: Msg): boolean {
  return msg.data.length === 0 && (msg.headers === undefined || Object.keys(msg.headers).length === 0);
}
