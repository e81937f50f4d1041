// MemoryBus: one endpoint (one simulated NATS connection) of a MemoryNetwork. It implements the Bus
// port with NATS core semantics; the network decides when and in which order messages arrive.
//
//   open --close()--> closed        (drain: queued messages are still consumed, nothing new arrives)
//   open --network.crash()--> crashed  (queued messages are lost, pending requests fail)
//
// Once closed or crashed every operation fails with ClosedError.

import type { Clock, TimerId } from '@skiff/core';
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
import { ClosedError, NoRespondersError, TimeoutError } from './errors.js';
import { MsgQueue } from './msg-queue.js';
import { assertPattern, assertSubject, subjectToken } from './subjects.js';

/** A subscription as the network routes to it. */
export interface SubEntry {
  readonly id: number;
  readonly endpoint: MemoryBus;
  readonly pattern: string;
  readonly queue: string | undefined;
  readonly max: number | undefined;
  delivered: number;
  active: boolean;
  /** Hands a message to the subscriber; false when it could not take it (slow consumer). */
  sink(msg: Msg): boolean;
  /** Called once when the entry stops receiving (unsubscribe, max reached, close, crash). */
  finish(crashed: boolean): void;
}

/** What a MemoryBus needs from its network. */
export interface NetworkPort {
  readonly clock: Clock;
  readonly subscriptionPendingMax: number;
  nextSubId(): number;
  /** Queues a message for every matching subscription; returns how many matched (0: no responders). */
  route(from: MemoryBus, subject: string, data: Uint8Array, headers: Headers | undefined, reply: string | undefined): number;
  addEntry(entry: SubEntry): void;
  removeEntry(entry: SubEntry): void;
  detach(endpoint: MemoryBus): void;
}

type EndpointState = 'open' | 'closed' | 'crashed';

export class MemoryMsg implements Msg {
  constructor(
    private readonly receiver: MemoryBus,
    readonly subject: string,
    readonly data: Uint8Array,
    readonly headers: Headers | undefined,
    readonly reply: string | undefined,
  ) {}

  respond(data: Uint8Array, opts?: { headers?: Headers }): boolean {
    if (this.reply === undefined) return false;
    this.receiver.publish(this.reply, data, opts?.headers === undefined ? {} : { headers: opts.headers });
    return true;
  }
}

export class MemoryBus implements Bus {
  private state: EndpointState = 'open';
  private readonly entries = new Set<SubEntry>();
  private readonly pending = new Set<(err: Error) => void>();
  private inboxSeq = 0;

  constructor(
    private readonly network: NetworkPort,
    readonly name: string,
    /** Network-wide unique id of this incarnation: inboxes of a restarted endpoint never collide. */
    readonly id: number,
  ) {}

  get isOpen(): boolean {
    return this.state === 'open';
  }

  publish(subject: string, data: Uint8Array, opts: PublishOptions = {}): void {
    this.assertOpen();
    assertSubject(subject);
    if (opts.reply !== undefined) assertSubject(opts.reply);
    this.network.route(this, subject, data, opts.headers, opts.reply);
  }

  subscribe(subject: string, opts: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    assertPattern(subject);
    if (opts.queue !== undefined) subjectToken(opts.queue, 'queue group');
    // Breaking out of `for await` unsubscribes (the callback runs long after `entry` is set).
    const queue = new MsgQueue<Msg>(this.network.subscriptionPendingMax, () => this.unsubscribe(entry));
    let resolveClosed: () => void = () => {};
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    const entry = this.addEntry(subject, opts, (msg) => queue.push(msg), (crashed) => {
      if (crashed) queue.abort();
      else queue.end();
      resolveClosed();
    });
    return {
      subject,
      unsubscribe: () => this.unsubscribe(entry),
      closed: () => closed,
      [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
    };
  }

  request(subject: string, data: Uint8Array, opts: RequestOptions): Promise<Msg> {
    if (this.state !== 'open') return Promise.reject(new ClosedError(`bus ${this.name}`));
    assertSubject(subject);
    const clock = this.network.clock;
    return new Promise<Msg>((resolve, reject) => {
      const state: { done: boolean; timer: TimerId | undefined } = { done: false, timer: undefined };
      const settle = (err: Error | undefined, msg?: Msg): void => {
        if (state.done) return;
        state.done = true;
        if (state.timer !== undefined) clock.clearTimeout(state.timer);
        this.pending.delete(abort);
        this.unsubscribe(entry);
        if (err !== undefined) reject(err);
        else resolve(msg!);
      };
      const abort = (err: Error): void => settle(err);
      const inbox = this.createInbox();
      const entry = this.addEntry(inbox, { max: 1 }, (msg) => (settle(undefined, msg), true), () => {});
      this.pending.add(abort);
      if (this.network.route(this, subject, data, opts.headers, inbox) === 0) {
        settle(new NoRespondersError(subject));
        return;
      }
      state.timer = clock.setTimeout(() => settle(new TimeoutError(subject, opts.timeoutMs)), opts.timeoutMs);
    });
  }

  async *requestStream(subject: string, data: Uint8Array, opts: StreamOptions): AsyncIterable<Msg> {
    this.assertOpen();
    assertSubject(subject);
    const inbox = this.createInbox();
    const sub = this.subscribe(inbox);
    try {
      const matched = this.network.route(this, subject, data, opts.headers, inbox);
      if (matched === 0) throw new NoRespondersError(subject);
      const it = sub[Symbol.asyncIterator]();
      for (;;) {
        const next = await this.withDeadline(it.next(), subject, opts.idleTimeoutMs);
        if (next.done === true) {
          if (this.state !== 'open') throw new ClosedError(`bus ${this.name}`);
          return;
        }
        if (isEndOfStream(next.value)) return;
        yield next.value;
      }
    } finally {
      sub.unsubscribe();
    }
  }

  createInbox(): string {
    return `_INBOX.${this.id}.${++this.inboxSeq}`;
  }

  async flush(): Promise<void> {
    this.assertOpen();
  }

  /** Drain: what was published is already in the network; subscriptions end after their queues. */
  async close(): Promise<void> {
    this.shutdown('closed');
  }

  /** The endpoint's process died: queued messages are lost. Called by MemoryNetwork.crash. */
  crash(): void {
    this.shutdown('crashed');
  }

  private shutdown(state: 'closed' | 'crashed'): void {
    if (this.state !== 'open') return;
    this.state = state;
    for (const abort of [...this.pending]) abort(new ClosedError(`bus ${this.name}`));
    for (const entry of [...this.entries]) this.endEntry(entry, state === 'crashed');
    this.network.detach(this);
  }

  private addEntry(
    pattern: string,
    opts: SubscribeOptions,
    sink: (msg: Msg) => boolean,
    finish: (crashed: boolean) => void,
  ): SubEntry {
    const entry: SubEntry = {
      id: this.network.nextSubId(),
      endpoint: this,
      pattern,
      queue: opts.queue,
      max: opts.max,
      delivered: 0,
      active: true,
      sink,
      finish,
    };
    this.entries.add(entry);
    this.network.addEntry(entry);
    return entry;
  }

  /** Ends one subscription (also used by the network when `max` is reached). */
  unsubscribe(entry: SubEntry): void {
    this.endEntry(entry, false);
  }

  private endEntry(entry: SubEntry, crashed: boolean): void {
    if (!entry.active) return;
    entry.active = false;
    this.entries.delete(entry);
    this.network.removeEntry(entry);
    entry.finish(crashed);
  }

  private withDeadline<T>(promise: Promise<T>, subject: string, timeoutMs: number): Promise<T> {
    const clock = this.network.clock;
    return new Promise<T>((resolve, reject) => {
      const timer = clock.setTimeout(() => reject(new TimeoutError(subject, timeoutMs)), timeoutMs);
      promise.then(
        (value) => (clock.clearTimeout(timer), resolve(value)),
        (err: unknown) => (clock.clearTimeout(timer), reject(err as Error)),
      );
    });
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new ClosedError(`bus ${this.name}`);
  }
}
