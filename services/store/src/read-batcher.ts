// Linearizable reads on the leader through ReadIndex (Raft §8, thesis §6.4), batched: one
// `requestRead` round at a time covers every read that arrived before it started; reads arriving
// meanwhile wait for the next round.
//
//   submit --> queue --startRound--> round {requestId} --ReadState ok(index)--> waiting
//          --applied >= index--> serve (mvcc range on the applied state)
//   ReadState not ok (no leader, leadership lost) --> NotLeader; sweep(now) --> Unavailable
//
// Bounded by pendingMax; no clock of its own.

import type { ReadState } from '@skiff/raft';
import { notLeader, unavailable, type Outcome } from './outcome.js';

export interface PendingRead {
  readonly deadlineMs: number;
  /** Runs the read on the applied state (called once applied >= the read index). */
  readonly serve: () => void;
  readonly fail: (outcome: Outcome) => void;
}

export interface ReadPort {
  requestRead(requestId: string): void;
  appliedIndex(): number;
}

interface Round {
  readonly requestId: string;
  readonly reads: PendingRead[];
  readonly deadlineMs: number;
}

export class ReadBatcher {
  private queue: PendingRead[] = [];
  private round: Round | null = null;
  /** Confirmed rounds waiting for the state machine to reach their index, in index order. */
  private waiting: { index: number; reads: PendingRead[] }[] = [];
  private seq = 0;

  constructor(
    private readonly port: ReadPort,
    private readonly pendingMax: number,
    private readonly roundTimeoutMs: number,
  ) {}

  get pendingCount(): number {
    return this.queue.length + (this.round?.reads.length ?? 0) + this.waiting.reduce((n, w) => n + w.reads.length, 0);
  }

  submit(read: PendingRead, nowMs: number): void {
    if (this.pendingCount >= this.pendingMax) {
      read.fail(unavailable(`too many pending reads (${this.pendingMax})`));
      return;
    }
    this.queue.push(read);
    if (this.round === null) this.startRound(nowMs);
  }

  onReadState(rs: ReadState, leader: string | null, nowMs: number): void {
    const round = this.round;
    if (round === null || round.requestId !== rs.requestId) return;
    this.round = null;
    if (rs.ok) {
      this.waiting.push({ index: rs.index, reads: round.reads });
      this.waiting.sort((a, b) => a.index - b.index);
      this.onApplied();
    } else {
      const outcome = notLeader(leader, `read index refused: ${rs.reason}`);
      for (const r of round.reads) r.fail(outcome);
    }
    if (this.queue.length > 0) this.startRound(nowMs);
  }

  /** Serves every confirmed read whose index is applied now. */
  onApplied(): void {
    const applied = this.port.appliedIndex();
    while (this.waiting.length > 0 && this.waiting[0]!.index <= applied) {
      for (const r of this.waiting.shift()!.reads) r.serve();
    }
  }

  /** No longer leader: reads not confirmed yet go back to the client (confirmed ones stay valid). */
  stepDown(leader: string | null): void {
    const outcome = notLeader(leader);
    for (const r of this.queue) r.fail(outcome);
    this.queue = [];
    if (this.round !== null) for (const r of this.round.reads) r.fail(outcome);
    this.round = null;
  }

  sweep(nowMs: number): void {
    if (this.round !== null && this.round.deadlineMs <= nowMs) {
      const outcome = unavailable('read index round timed out');
      for (const r of this.round.reads) r.fail(outcome);
      this.round = null;
      if (this.queue.length > 0) this.startRound(nowMs);
    }
    const late = this.waiting.filter((w) => w.reads.some((r) => r.deadlineMs <= nowMs));
    if (late.length === 0) return;
    for (const w of late) {
      const [expired, kept] = partition(w.reads, (r) => r.deadlineMs <= nowMs);
      for (const r of expired) r.fail(unavailable('read not served in time: this member is behind'));
      w.reads = kept;
    }
    this.waiting = this.waiting.filter((w) => w.reads.length > 0);
  }

  failAll(outcome: Outcome): void {
    for (const r of this.queue) r.fail(outcome);
    if (this.round !== null) for (const r of this.round.reads) r.fail(outcome);
    for (const w of this.waiting) for (const r of w.reads) r.fail(outcome);
    this.queue = [];
    this.round = null;
    this.waiting = [];
  }

  private startRound(nowMs: number): void {
    const reads = this.queue;
    this.queue = [];
    const round: Round = { requestId: `r${++this.seq}`, reads, deadlineMs: nowMs + this.roundTimeoutMs };
    this.round = round;
    this.port.requestRead(round.requestId);
  }
}

function partition<T>(items: readonly T[], test: (x: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const x of items) (test(x) ? yes : no).push(x);
  return [yes, no];
}
