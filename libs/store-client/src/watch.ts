// A watch: an async iterable of committed revisions touching a key range, in strict revision
// order, each revision at most once, from `fromRevision` on (or from now). It registers on the
// shared `store.events` feed FIRST and only then reads the history, so nothing committed after
// the history read can be missed; a WatchCursor merges the two and asks for history whenever the
// live stream shows a gap (client-go's reflector has the same contract with the apiserver).
//
//   running --cursor: deliver/fetch/wait--> running
//   running --history says compacted--> ended with CompactedError (the caller relists)
//   running --history unreachable past the call deadline--> ended with StoreUnavailableError
//   running --cancel() / break / client.close()--> ended (done)
//
// Bounded: at most bufferedBatchesMax batches wait for the consumer (the pump pauses meanwhile;
// live batches still arriving go to the cursor's bounded pending list, and what it drops comes
// back from history), and history is read in pages of historyPageRevisions.
// Progress: when a whole progressIntervalMs passes without a delivery, the watch asks the history
// what it missed (this also catches up after a lost last event); with progressNotify it then
// yields { revision, events: [] } (etcd's progress notification, Kubernetes' bookmark).

import type { Clock, TimerId } from '@skiff/actors';
import type { MvccEvent } from '@skiff/mvcc';
import { CompactedError, StoreUnavailableError } from './errors.js';
import type { EventsFeed } from './events-feed.js';
import type { HistoryReply } from './protocol.js';
import { WatchCursor } from './watch-cursor.js';
import { filterEvents, type WatchFilter } from './watch-filter.js';

export interface WatchBatch {
  /** The revision of these events; a progress notification carries the watch's revision and no events. */
  readonly revision: number;
  readonly events: readonly MvccEvent[];
}

export interface StoreWatch extends AsyncIterable<WatchBatch> {
  /** Ends the watch: the iterator finishes, buffered batches are discarded. Idempotent. */
  cancel(): void;
  /** Every revision up to this one has been delivered or filtered out (undefined before start). */
  readonly revision: number | undefined;
  /** Resolves when the watch has ended, for any reason. */
  closed(): Promise<void>;
}

export interface WatchTuning {
  /** Idle time before asking the history what was missed. Default 5,000 ms. */
  readonly progressIntervalMs?: number;
  /** Yield progress notifications ({ revision, events: [] }) after idle probes. */
  readonly progressNotify?: boolean;
  /** Batches waiting for the consumer. Default 1,000. */
  readonly bufferedBatchesMax?: number;
  /** Live batches held while history is read. Default 10,000. */
  readonly pendingBatchesMax?: number;
  /** Revisions asked per history page. Default 500. */
  readonly historyPageRevisions?: number;
}

/** What a watch needs from its client. */
export interface WatchDeps {
  readonly clock: Clock;
  readonly feed: EventsFeed;
  readonly callTimeoutMs: number;
  fetchHistory(fromRevision: number, limitRevisions: number): Promise<HistoryReply>;
  /** The store's current revision (a linearizable read). */
  currentRevision(): Promise<number>;
  backoffMs(attempt: number): number;
  sleep(ms: number): Promise<void>;
  /** Called once when the watch ends. */
  onEnd(watch: Watch): void;
}

export class Watch implements StoreWatch {
  private readonly cursor: WatchCursor;
  private readonly out: WatchBatch[] = [];
  private ended = false;
  private error: Error | undefined;
  private errorThrown = false;
  private pumpWake: (() => void) | undefined;
  private pumpWoken = false;
  private consumerWake: (() => void) | undefined;
  private readonly unregister: () => void;
  private probeTimer: TimerId | undefined;
  private deliveredSinceProbe = false;
  private probePending = false;
  private lastYielded = 0;
  private readonly pumped: Promise<void>;
  private readonly progressIntervalMs: number;
  private readonly progressNotify: boolean;
  private readonly bufferedMax: number;
  private readonly pageRevisions: number;

  constructor(
    private readonly filter: WatchFilter,
    fromRevision: number | undefined,
    tuning: WatchTuning,
    private readonly deps: WatchDeps,
  ) {
    this.progressIntervalMs = positive(tuning.progressIntervalMs ?? 5_000, 'progressIntervalMs');
    this.progressNotify = tuning.progressNotify ?? false;
    this.bufferedMax = positive(tuning.bufferedBatchesMax ?? 1_000, 'bufferedBatchesMax');
    this.pageRevisions = positive(tuning.historyPageRevisions ?? 500, 'historyPageRevisions');
    this.cursor = new WatchCursor(fromRevision, positive(tuning.pendingBatchesMax ?? 10_000, 'pendingBatchesMax'));
    // Live first, history second: see the header.
    this.unregister = deps.feed.register({
      batch: (b) => {
        this.cursor.offerLive(b);
        this.wakePump();
      },
      ended: (err) => this.end(err),
    });
    this.armProbe();
    this.pumped = this.pump();
  }

  get revision(): number | undefined {
    return this.cursor.lastRevision;
  }

  closed(): Promise<void> {
    return this.pumped;
  }

  cancel(): void {
    this.out.length = 0;
    this.end(undefined);
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchBatch> {
    return {
      next: () => this.next(),
      return: async () => {
        this.cancel();
        return { done: true, value: undefined };
      },
    };
  }

  private async next(): Promise<IteratorResult<WatchBatch>> {
    for (;;) {
      const batch = this.out.shift();
      if (batch !== undefined) {
        this.wakePump();
        return { done: false, value: batch };
      }
      if (this.ended) {
        if (this.error !== undefined && !this.errorThrown) {
          this.errorThrown = true;
          throw this.error;
        }
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.consumerWake = resolve));
    }
  }

  private async pump(): Promise<void> {
    let stalledSinceMs: number | undefined;
    let stalledAttempts = 0;
    try {
      while (!this.ended) {
        if (this.out.length >= this.bufferedMax) {
          await this.pumpSignal();
          continue;
        }
        const step = this.cursor.step();
        if (step.type === 'deliver') this.emit(step.batch.revision, filterEvents(step.batch, this.filter));
        else if (step.type === 'start') this.cursor.start(await this.deps.currentRevision());
        else if (step.type === 'wait') await this.pumpSignal();
        else {
          const progressed = await this.fetch(step.fromRevision);
          if (progressed) {
            stalledSinceMs = undefined;
            stalledAttempts = 0;
            continue;
          }
          if (!this.cursor.needsHistory()) continue;
          // The history is behind the live stream (a lagging leader): wait, bounded by the deadline.
          const now = this.deps.clock.now();
          stalledSinceMs ??= now;
          if (now - stalledSinceMs >= this.deps.callTimeoutMs) {
            throw new StoreUnavailableError('watch history catch-up', stalledAttempts, now - stalledSinceMs, new Error('history stays behind the live stream'));
          }
          await this.deps.sleep(this.deps.backoffMs(++stalledAttempts));
        }
      }
    } catch (err) {
      this.end(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Reads one history page from `fromRevision`; true when the watch moved forward. */
  private async fetch(fromRevision: number): Promise<boolean> {
    const reply = await this.deps.fetchHistory(fromRevision, this.pageRevisions);
    if (this.ended) return false;
    const outcome = this.cursor.acceptHistory(reply);
    if (outcome.type === 'compacted') {
      this.end(new CompactedError(outcome.compactRevision, reply.revision));
      return false;
    }
    for (const b of outcome.batches) this.emit(b.revision, filterEvents(b, this.filter));
    if (outcome.caughtUp && this.probePending) {
      this.probePending = false;
      const rev = this.cursor.lastRevision;
      if (this.progressNotify && rev !== undefined && rev > this.lastYielded) this.push({ revision: rev, events: [] });
    }
    return outcome.progressed;
  }

  private emit(revision: number, events: readonly MvccEvent[]): void {
    if (events.length > 0) this.push({ revision, events });
  }

  private push(batch: WatchBatch): void {
    this.out.push(batch);
    this.lastYielded = batch.revision;
    this.deliveredSinceProbe = true;
    this.wakeConsumer();
  }

  private armProbe(): void {
    this.probeTimer = this.deps.clock.setTimeout(() => this.probe(), this.progressIntervalMs);
  }

  private probe(): void {
    this.probeTimer = undefined;
    if (this.ended) return;
    if (!this.deliveredSinceProbe) {
      this.cursor.requestCatchUp();
      this.probePending = true;
      this.wakePump();
    }
    this.deliveredSinceProbe = false;
    this.armProbe();
  }

  private end(err: Error | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.error = err;
    this.unregister();
    if (this.probeTimer !== undefined) this.deps.clock.clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    this.wakePump();
    this.wakeConsumer();
    this.deps.onEnd(this);
  }

  private pumpSignal(): Promise<void> {
    if (this.pumpWoken) {
      this.pumpWoken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => (this.pumpWake = resolve));
  }

  private wakePump(): void {
    const wake = this.pumpWake;
    this.pumpWake = undefined;
    if (wake === undefined) this.pumpWoken = true;
    else wake();
  }

  private wakeConsumer(): void {
    const wake = this.consumerWake;
    this.consumerWake = undefined;
    wake?.();
  }
}

function positive(n: number, what: string): number {
  if (!(Number.isSafeInteger(n) && n >= 1)) throw new RangeError(`${what} must be an integer >= 1, got ${n}`);
  return n;
}
