// The store's wire protocol: what travels on `store.leader`, `store.member.<m>` and `store.events`
// (DESIGN.md §3). Requests and replies are bus envelopes; the payloads are @skiff/mvcc's commands
// and responses, so the store speaks etcd's data model (rpc.proto names) end to end.
//
// - `store.leader` (only the current leader subscribes): commands that go through the Raft log
//   (writes, lease operations, compaction) and linearizable reads (served after a ReadIndex round).
// - `store.member.<m>`: serializable reads of one member's applied state, and its status.
// - `store.events`: every committed revision, in order, published by the leader after apply. A
//   reader that sees a gap in revisions asks `store.leader` for the history it missed.
//
// What the client (store-client.ts) relies on beyond the types below:
// - Commands carry CommandMeta (clientId, seq, ackSeq) on every write; a retry resends the same
//   seq. Commands whose type requires `nowMs` (leaseGrant, leaseKeepAlive) carry the client's
//   clock: the leader must overwrite it with its own before proposing.
// - `store.range` on a member is answered with a CommandReply (`store.response`, a RangeResponse
//   or an ErrorResponse).
// - `store.leader` also answers LeaseTimeToLiveRequest, LeasesRequest, HistoryRequest,
//   TransferLeadershipRequest (any non-error envelope is success) and StatusRequest (the leader's
//   MemberStatus: clients without a configured member list learn it there).
// - Retried error codes: NotLeader, Unavailable and Timeout (ErrorEnvelope codes); any other error
//   envelope is final.

import type { ChangeBatch, Command, CommandResponse, ErrorResponse, LeaseStatus, LeaseTimeToLive, RangeRequest } from '@skiff/mvcc';

/** Replies with this code carry `details: { leader: string | null }`: retry there, or later. */
export const NOT_LEADER = 'NotLeader';

/** A command for the Raft log, or a linearizable range when `command.type === 'range'`. */
export interface CommandRequest {
  readonly type: 'store.command';
  readonly command: Command;
}

/** A read of one member's applied state (etcd's serializable range); may be stale. */
export interface SerializableRangeRequest {
  readonly type: 'store.range';
  readonly request: RangeRequest;
}

export interface LeaseTimeToLiveRequest {
  readonly type: 'store.leaseTimeToLive';
  readonly id: number;
  readonly keys?: boolean;
}

export interface LeasesRequest {
  readonly type: 'store.leases';
}

/** Committed events from `fromRevision` on (inclusive), at most `limitRevisions` revisions. */
export interface HistoryRequest {
  readonly type: 'store.history';
  readonly fromRevision: number;
  readonly limitRevisions?: number;
}

export interface StatusRequest {
  readonly type: 'store.status';
}

/** Thesis §3.10: ask the leader to hand leadership to `to` (graceful restarts). */
export interface TransferLeadershipRequest {
  readonly type: 'store.transferLeadership';
  readonly to: string;
}

export type StoreRequest =
  | CommandRequest
  | SerializableRangeRequest
  | LeaseTimeToLiveRequest
  | LeasesRequest
  | HistoryRequest
  | StatusRequest
  | TransferLeadershipRequest;

export interface CommandReply {
  readonly type: 'store.response';
  readonly response: CommandResponse | ErrorResponse;
}

export interface LeaseTimeToLiveReply {
  readonly type: 'store.leaseTimeToLive';
  readonly lease: LeaseTimeToLive;
}

export interface LeasesReply {
  readonly type: 'store.leases';
  readonly leases: readonly LeaseStatus[];
}

export interface HistoryReply {
  readonly type: 'store.history';
  /** Batches in revision order, starting at `fromRevision` (or later when nothing happened). */
  readonly batches: readonly ChangeBatch[];
  /** The store's revision when the history was read. */
  readonly revision: number;
  /** Set when `fromRevision` is below the history retained: the reader must relist. */
  readonly compactRevision?: number;
}

export interface MemberStatus {
  readonly type: 'store.status';
  readonly member: string;
  readonly members: readonly string[];
  readonly role: string;
  readonly term: number;
  readonly leader: string | null;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly revision: number;
  readonly compactRevision: number;
  readonly keys: number;
  readonly walBytes?: number;
}

/** What the leader publishes on `store.events` after applying. */
export interface EventsMessage {
  readonly type: 'store.events';
  readonly batches: readonly ChangeBatch[];
}
