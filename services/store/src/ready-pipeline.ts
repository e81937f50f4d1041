// The adapter side of the Raft contract (@skiff/raft index.ts): every Ready, strictly in order,
// is persisted first and only then handed on (send, apply, answer, publish).
//
//   push(ready) --starts now--> wal.append (group commit shares one fsync among appends in flight)
//               --in order----> after that append resolved AND the previous Ready was handled:
//                               handle(ready)
//
// Persisting starts at once so that concurrent Readies share fsyncs; handling is chained so that
// no message of a Ready leaves before its own entries and hard state are durable (Raft Figure 2:
// "respond to RPCs only after updating stable storage"; the leader's own entries count for the
// commit as soon as they are appended, so its AppendEntries must wait too).
//
// A hard state that only moves the commit index is not written on its own (etcd raft MustSync):
// Raft never needs the commit index back after a crash (the leader tells it again), and an fsync
// for it alone would sit on the leader's path from commit to apply. It travels with the next
// entries or term/vote change instead.
//
// A snapshot from the leader (Raft §7) is a barrier: it is saved before any later append starts,
// because the log cannot take entries that follow a snapshot it has not recorded yet.
//
// Any failure (a failed fsync, a handler that throws) stops the pipeline for good: `onFatal` is
// told once and nothing after it is handled (a member whose disk failed must restart and recover).

import type { HardState, Ready } from '@skiff/raft';
import type { AppendRequest, WriteAheadLog } from '@skiff/wal';

const DONE: Promise<void> = Promise.resolve();

export interface PipelineHandlers {
  /** Steps 2-5 of the contract, called once the Ready is durable, in Ready order. */
  handle(ready: Ready): void;
  onFatal(err: unknown): void;
}

export class ReadyPipeline {
  private tail: Promise<void> = DONE;
  /** Appends must wait for this (a snapshot being saved, and the appends queued behind it). */
  private barrier: Promise<void> | null = null;
  private stopped = false;
  /** Term and vote as last handed to the log: a change of either must be durable before anything leaves. */
  private durable: HardState;

  constructor(
    private readonly wal: WriteAheadLog,
    private readonly handlers: PipelineHandlers,
    recovered: HardState,
  ) {
    this.durable = recovered;
  }

  /** Persists and schedules one Ready; resolves when it is durable (never rejects). */
  push(ready: Ready): Promise<void> {
    if (this.stopped) return DONE;
    const persisted = this.persist(ready);
    // Handled below once the chain reaches it; this keeps an early failure from being "unhandled".
    const settled = persisted.catch(() => undefined);
    this.tail = this.tail
      .then(() => persisted)
      .then(() => {
        if (!this.stopped) this.handlers.handle(ready);
      })
      .catch((err: unknown) => this.fail(err));
    return settled;
  }

  /** Resolves once every Ready pushed so far is handled (or the pipeline stopped). */
  idle(): Promise<void> {
    return this.tail;
  }

  /** Nothing more is persisted or handled (a stop, a crash, or after a failure). */
  stop(): void {
    this.stopped = true;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  private persist(ready: Ready): Promise<void> {
    const request = this.appendRequestOf(ready);
    const snapshot = ready.snapshotToInstall;
    if (snapshot !== null) {
      const { index, term } = snapshot.meta;
      return this.behindBarrier(async () => {
        await this.wal.saveSnapshot({ index, term }, snapshot.data);
        if (request !== null) await this.wal.append(request);
      });
    }
    if (request === null) return DONE;
    if (this.barrier !== null) return this.behindBarrier(() => this.wal.append(request));
    return this.wal.append(request);
  }

  private behindBarrier(work: () => Promise<void>): Promise<void> {
    const done = (this.barrier ?? DONE).then(work);
    this.barrier = done;
    const clear = (): void => {
      if (this.barrier === done) this.barrier = null;
    };
    done.then(clear, clear);
    return done;
  }

  private fail(err: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.handlers.onFatal(err);
  }

  /** What to append for a Ready: null when it changes nothing that must survive a crash. */
  private appendRequestOf(ready: Ready): AppendRequest | null {
    const entries = ready.entriesToPersist;
    const hs = ready.hardState;
    const termOrVote = hs !== null && (hs.term !== this.durable.term || hs.vote !== this.durable.vote);
    if (entries.length === 0 && !termOrVote) return null;
    if (hs === null) return { entries };
    this.durable = hs;
    return { entries, hardState: hs };
  }
}
