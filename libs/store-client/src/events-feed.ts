// One subscription to `store.events` per client, shared by its watches: each message is decoded
// once and its batches handed to every registered watch, which filters and orders them itself.
// The subscription opens with the first watch and closes with the last. A message that does not
// decode is counted and skipped (a watch that misses it sees a gap and reads the history).

import { decode, ClosedError, type Bus, type Subscription } from '@skiff/bus';
import type { ChangeBatch } from '@skiff/mvcc';
import { eventsBatches } from './replies.js';

export interface FeedListener {
  batch(batch: ChangeBatch): void;
  /** The subscription ended under the watch (the bus closed). */
  ended(err: Error): void;
}

export interface FeedStats {
  messages: number;
  malformed: number;
}

export class EventsFeed {
  private sub: Subscription | undefined;
  private readonly listeners = new Set<FeedListener>();
  readonly stats: FeedStats = { messages: 0, malformed: 0 };

  constructor(
    private readonly bus: Bus,
    private readonly subject: string,
  ) {}

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Starts delivering to `listener` now (subscribing first if needed); returns the unregister. */
  register(listener: FeedListener): () => void {
    this.listeners.add(listener);
    if (this.sub === undefined) this.open();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.shut();
    };
  }

  private open(): void {
    const sub = this.bus.subscribe(this.subject);
    this.sub = sub;
    void this.consume(sub);
  }

  private shut(): void {
    const sub = this.sub;
    this.sub = undefined;
    sub?.unsubscribe();
  }

  private async consume(sub: Subscription): Promise<void> {
    let failure: unknown;
    try {
      for await (const msg of sub) this.dispatch(msg.data);
    } catch (err) {
      failure = err;
    }
    if (this.sub !== sub) return;
    // Ended without being asked to: every watch on it must end too.
    this.sub = undefined;
    const err = failure instanceof Error ? failure : new ClosedError(`subscription ${this.subject}`);
    for (const l of [...this.listeners]) l.ended(err);
    this.listeners.clear();
  }

  private dispatch(data: Uint8Array): void {
    this.stats.messages++;
    let batches: readonly ChangeBatch[] | undefined;
    try {
      batches = eventsBatches(decode(data));
    } catch {
      batches = undefined;
    }
    if (batches === undefined) {
      this.stats.malformed++;
      return;
    }
    for (const l of [...this.listeners]) for (const b of batches) l.batch(b);
  }
}
