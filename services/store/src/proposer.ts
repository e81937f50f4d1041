// The leader's proposal queue: client commands become log entries in batches, and each waits for
// its entry to be applied.
//
//   submit --queue--> flush: one `propose` with up to batchEntriesMax entries / batchBytesMax bytes
//          (at once when no batch is on its way to disk, else when the one in flight is durable:
//          the fsync of one batch is the time the next one gathers commands; WAL group commit
//          shares fsyncs between the appends that do overlap)
//   onProposal(ok) --> each entry waits at its index for the term it was proposed in
//   onApplied(index, term) --same term--> the mvcc response; another term: the entry was
//          overwritten after a leader change (Raft §5.3), answered NotLeader so the client retries
//   sweep(now) --> Unavailable for whatever passed its deadline (it may still commit: the client
//          retries with the same seq and the session answers with the saved response)
//
// Bounded: at most pendingMax commands queued or waiting. No clock of its own: `now` is passed in.

import type { CommandResponse, ErrorResponse } from '@skiff/mvcc';
import type { ProposeResult } from '@skiff/raft';
import { notLeader, unavailable, type Outcome } from './outcome.js';

export interface Proposal {
  /** The encoded command (the entry's data). */
  readonly bytes: Uint8Array;
  readonly deadlineMs: number;
  /** Called exactly once. */
  readonly done: (outcome: Outcome) => void;
  /** The command itself: the leader applies it without decoding its own entry again. */
  readonly command?: unknown;
}

export interface ProposerLimits {
  readonly pendingMax: number;
  readonly batchEntriesMax: number;
  readonly batchBytesMax: number;
}

export interface ProposerPort {
  propose(entries: Uint8Array[], requestId: string): void;
}

interface Awaiting {
  readonly term: number;
  readonly proposal: Proposal;
}

export class Proposer {
  private queue: Proposal[] = [];
  private readonly proposing = new Map<string, Proposal[]>();
  private readonly awaiting = new Map<number, Awaiting>();
  /** Batches proposed whose entries are not durable yet. */
  private inflight = 0;
  private seq = 0;

  constructor(
    private readonly port: ProposerPort,
    private readonly limits: ProposerLimits,
  ) {}

  get pendingCount(): number {
    return this.queue.length + this.awaiting.size + this.inflightCount();
  }

  /** Queues one command; refused at once when too many are pending. */
  submit(p: Proposal): void {
    if (this.pendingCount >= this.limits.pendingMax) {
      p.done(unavailable(`too many pending proposals (${this.limits.pendingMax})`));
      return;
    }
    this.queue.push(p);
    if (this.inflight === 0) this.flush();
  }

  /** The answer of the core to one of our `propose` inputs (Ready.proposal). */
  onProposal(result: ProposeResult): void {
    const batch = result.requestId === null ? undefined : this.proposing.get(result.requestId);
    if (batch === undefined) return;
    this.proposing.delete(result.requestId!);
    if (!result.ok) {
      this.inflight--;
      const outcome = notLeader(result.leaderId, result.reason === 'transferring' ? 'leadership is being transferred' : 'this member is not the leader');
      for (const p of batch) p.done(outcome);
      this.failQueue(outcome);
      return;
    }
    batch.forEach((proposal, i) => this.awaiting.set(result.firstIndex + i, { term: result.term, proposal }));
  }

  /** The batch proposed with the Ready that just became durable: the next one may go. */
  batchPersisted(): void {
    this.inflight = Math.max(0, this.inflight - 1);
    if (this.inflight === 0 && this.queue.length > 0) this.flush();
  }

  /** The command we proposed at `index`, if it is ours and still of the term it was proposed in. */
  commandAt(index: number, term: number): unknown {
    const a = this.awaiting.get(index);
    return a !== undefined && a.term === term ? a.proposal.command : undefined;
  }

  /** The entry at `index` of `term` was applied with `response` (undefined for a no-op). */
  onApplied(index: number, term: number, response: CommandResponse | ErrorResponse | undefined, leader: string | null): void {
    const a = this.awaiting.get(index);
    if (a === undefined) return;
    this.awaiting.delete(index);
    if (a.term === term && response !== undefined) a.proposal.done({ ok: true, response });
    else a.proposal.done(notLeader(leader, `entry ${index} was replaced after a leader change`));
  }

  /** A snapshot from the leader replaced the log up to `index`: what waited there cannot be told apart. */
  onSnapshotInstalled(index: number, leader: string | null): void {
    for (const [i, a] of this.awaiting) {
      if (i > index) continue;
      this.awaiting.delete(i);
      a.proposal.done(unavailable(`entry ${i} was covered by a snapshot; retry`, leader));
    }
  }

  /** No longer leader: what was not proposed yet goes back to the client. */
  stepDown(leader: string | null): void {
    this.failQueue(notLeader(leader));
  }

  /** Answers Unavailable to everything past its deadline. */
  sweep(nowMs: number): void {
    const expired = (p: Proposal): boolean => p.deadlineMs <= nowMs;
    const late = this.queue.filter(expired);
    if (late.length > 0) {
      this.queue = this.queue.filter((p) => !expired(p));
      for (const p of late) p.done(unavailable('proposal timed out before it was proposed'));
    }
    for (const [index, a] of this.awaiting) {
      if (!expired(a.proposal)) continue;
      this.awaiting.delete(index);
      a.proposal.done(unavailable(`entry ${index} not applied in time (it may still commit; retry with the same seq)`));
    }
  }

  /** Everything still pending gets `outcome` (the member stops). */
  failAll(outcome: Outcome): void {
    this.failQueue(outcome);
    for (const batch of this.proposing.values()) for (const p of batch) p.done(outcome);
    this.proposing.clear();
    for (const a of this.awaiting.values()) a.proposal.done(outcome);
    this.awaiting.clear();
  }

  private flush(): void {
    let count = 0;
    let bytes = 0;
    while (count < this.queue.length && count < this.limits.batchEntriesMax) {
      const size = this.queue[count]!.bytes.byteLength;
      if (count > 0 && bytes + size > this.limits.batchBytesMax) break;
      bytes += size;
      count++;
    }
    if (count === 0) return;
    const batch = this.queue.splice(0, count);
    const requestId = `p${++this.seq}`;
    this.proposing.set(requestId, batch);
    this.inflight++;
    this.port.propose(
      batch.map((p) => p.bytes),
      requestId,
    );
  }

  private failQueue(outcome: Outcome): void {
    const queued = this.queue;
    this.queue = [];
    for (const p of queued) p.done(outcome);
  }

  private inflightCount(): number {
    let n = 0;
    for (const batch of this.proposing.values()) n += batch.length;
    return n;
  }
}
