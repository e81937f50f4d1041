// Data for linearizable reads without log writes (Raft §8, thesis §6.4 "ReadIndex"). Each batch of
// read requests gets a round number; heartbeats carry the newest round as `context` and a follower
// echoes it back. Round r is confirmed once a majority (the leader counting as having acked every
// round) has echoed a context >= r: nobody had deposed the leader when the read was registered.

import { emptySlice, type Slice } from './slice.js';
import type { MemberId } from './types.js';

export interface PendingRead {
  readonly requestId: string;
  /** Who asked: this member, or a follower that forwarded it (answered with ReadIndexResp). */
  readonly from: MemberId;
  readonly index: number;
  readonly round: number;
}

export interface ReadRequest {
  readonly requestId: string;
  readonly from: MemberId;
}

export interface ReadOnlyState {
  readonly round: number;
  readonly pending: Slice<PendingRead>;
  /** Highest round each follower echoed in this term. */
  readonly acks: ReadonlyMap<MemberId, number>;
  /** Thesis §6.4 step 1: until the new leader commits an entry of its term, its commit index may be stale. */
  readonly awaitingLeaderCommit: readonly ReadRequest[];
}

/** What the adapter gets back for a read: serve it once the state machine has applied `index`. */
export type ReadState =
  | { readonly requestId: string; readonly ok: true; readonly index: number }
  | { readonly requestId: string; readonly ok: false; readonly reason: ReadFailure };

export const ReadFailure = { noLeader: 'noLeader', leadershipLost: 'leadershipLost' } as const;
export type ReadFailure = (typeof ReadFailure)[keyof typeof ReadFailure];

export function emptyReadOnly(): ReadOnlyState {
  return { round: 0, pending: emptySlice(), acks: new Map(), awaitingLeaderCommit: [] };
}
