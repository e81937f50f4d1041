// Raft RPCs as plain data (Raft Figure 2, §7 Figure 13; thesis §3.10, §6.4, §9.6). A discriminated
// union on `type`; every field is a number, string, boolean, Uint8Array or an array/object of
// those, so msgpack carries a message unchanged.

import type { Entry, MemberId, SnapshotMeta } from './types.js';

interface Envelope {
  readonly term: number;
  readonly from: MemberId;
  readonly to: MemberId;
}

/** Raft §5.2; `preVote` asks "would you vote for me at `term`?" without anyone changing state (thesis §9.6). */
export interface RequestVote extends Envelope {
  readonly type: 'RequestVote';
  readonly preVote: boolean;
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  /** Campaign after TimeoutNow (thesis §3.10): voters ignore their leader lease. */
  readonly transfer: boolean;
}

export interface RequestVoteResp extends Envelope {
  readonly type: 'RequestVoteResp';
  readonly preVote: boolean;
  readonly granted: boolean;
}

/** Raft §5.3. Entries are contiguous from prevLogIndex + 1. */
export interface AppendEntries extends Envelope {
  readonly type: 'AppendEntries';
  readonly prevLogIndex: number;
  readonly prevLogTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
}

/**
 * success: `index` is the last index the follower now shares with the leader.
 * rejected: `index` is the refused prevLogIndex and (hintIndex, hintTerm) the follower's last entry
 * that might match: the largest index <= prevLogIndex with a term <= prevLogTerm, so the leader
 * skips a whole mismatching term per round trip.
 */
export interface AppendEntriesResp extends Envelope {
  readonly type: 'AppendEntriesResp';
  readonly success: boolean;
  readonly index: number;
  readonly hintIndex: number;
  readonly hintTerm: number;
}

/** Leader liveness and commit propagation without a log check; `context` is the ReadIndex round. */
export interface Heartbeat extends Envelope {
  readonly type: 'Heartbeat';
  readonly commit: number;
  readonly context: number;
}

export interface HeartbeatResp extends Envelope {
  readonly type: 'HeartbeatResp';
  readonly context: number;
}

/** Raft §7 Figure 13: one chunk of a snapshot at byte `offset`; `done` marks the last chunk. */
export interface InstallSnapshot extends Envelope {
  readonly type: 'InstallSnapshot';
  readonly meta: SnapshotMeta;
  readonly offset: number;
  readonly data: Uint8Array;
  readonly done: boolean;
}

/**
 * installed: the follower holds the snapshot; `index` is the last index it shares with the leader.
 * Otherwise `offset` is how many bytes of snapshot `snapshotIndex` it holds; `reject` says the chunk
 * did not start there (lost chunk, restart) and the leader should resend from `offset`.
 */
export interface InstallSnapshotResp extends Envelope {
  readonly type: 'InstallSnapshotResp';
  readonly snapshotIndex: number;
  readonly offset: number;
  readonly installed: boolean;
  readonly reject: boolean;
  readonly index: number;
}

/** Thesis §3.10: "start an election now", sent by the leader to the transfer target. */
export interface TimeoutNow extends Envelope {
  readonly type: 'TimeoutNow';
}

/** Thesis §6.4: a follower forwards a read to the leader, which answers with a read index. */
export interface ReadIndex extends Envelope {
  readonly type: 'ReadIndex';
  readonly requestId: string;
}

export interface ReadIndexResp extends Envelope {
  readonly type: 'ReadIndexResp';
  readonly requestId: string;
  readonly index: number;
}

export type Message =
  | RequestVote
  | RequestVoteResp
  | AppendEntries
  | AppendEntriesResp
  | Heartbeat
  | HeartbeatResp
  | InstallSnapshot
  | InstallSnapshotResp
  | TimeoutNow
  | ReadIndex
  | ReadIndexResp;

export type MessageType = Message['type'];

export const messageTypes: readonly MessageType[] = [
  'RequestVote',
  'RequestVoteResp',
  'AppendEntries',
  'AppendEntriesResp',
  'Heartbeat',
  'HeartbeatResp',
  'InstallSnapshot',
  'InstallSnapshotResp',
  'TimeoutNow',
  'ReadIndex',
  'ReadIndexResp',
];

export function isMessage(input: { readonly type: string }): input is Message {
  return (messageTypes as readonly string[]).includes(input.type);
}
