// The data the store speaks: key-values, events, commands and responses. Names follow etcd's
// rpc.proto (api/etcdserverpb) and mvccpb so that a reader who knows etcd finds everything;
// fields are camelCase and revisions are plain numbers (safe integers).

import type { ErrorResponse } from './errors.js';

/** A lease id; 0 means "no lease" (etcd's NoLease). */
export type LeaseId = number;
export const NO_LEASE: LeaseId = 0;

/** One version of a key (mvccpb.KeyValue). Objects handed out by the store are shared: never mutate them. */
export interface KeyValue {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  /** Revision of the put that created this generation of the key. */
  readonly createRevision: number;
  /** Revision of the last write to the key. */
  readonly modRevision: number;
  /** Writes since creation, 1 for a new key; a delete resets it. */
  readonly version: number;
  readonly lease: LeaseId;
}

export const EventType = { Put: 'PUT', Delete: 'DELETE' } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** mvccpb.Event. For a DELETE, kv carries the key and the deleting revision, other fields zero. */
export interface MvccEvent {
  readonly type: EventType;
  readonly kv: KeyValue;
  /** The version just before this event, if the key was live. */
  readonly prevKv?: KeyValue;
}

/** Every event of one write revision, in sub-revision order. */
export interface ChangeBatch {
  readonly revision: number;
  readonly events: readonly MvccEvent[];
}

// ---- requests -------------------------------------------------------------------------------

/**
 * Range (etcdserverpb.RangeRequest). `rangeEnd` absent or empty: the single key; `\0`: every key
 * >= key; otherwise [key, rangeEnd). Use prefixRangeEnd() for a prefix.
 */
export interface RangeRequest {
  readonly key: Uint8Array;
  readonly rangeEnd?: Uint8Array;
  /** Maximum number of kvs returned; 0 or absent = no limit. */
  readonly limit?: number;
  /** Read the store as of this revision; 0 or absent = current. */
  readonly revision?: number;
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
}

export interface PutRequest {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  /** Attach to this lease; 0 or absent detaches the key from any lease. */
  readonly lease?: LeaseId;
  readonly prevKv?: boolean;
  /** Keep the current value (the key must exist). */
  readonly ignoreValue?: boolean;
  /** Keep the current lease (the key must exist). */
  readonly ignoreLease?: boolean;
}

export interface DeleteRangeRequest {
  readonly key: Uint8Array;
  readonly rangeEnd?: Uint8Array;
  readonly prevKv?: boolean;
}

export const CompareTarget = {
  Value: 'value',
  Version: 'version',
  CreateRevision: 'createRevision',
  ModRevision: 'modRevision',
  Lease: 'lease',
} as const;
export type CompareTarget = (typeof CompareTarget)[keyof typeof CompareTarget];

export const CompareResult = { Equal: '=', NotEqual: '!=', Less: '<', Greater: '>' } as const;
export type CompareResult = (typeof CompareResult)[keyof typeof CompareResult];

/**
 * etcdserverpb.Compare. A compare on a range holds when it holds for every key in it; on no key
 * at all it compares a zero KeyValue (version 0, revisions 0, lease 0), except that a value
 * compare on a missing key is always false (etcd applyCompare).
 */
export type Compare =
  | { readonly target: 'value'; readonly result: CompareResult; readonly key: Uint8Array; readonly rangeEnd?: Uint8Array; readonly value: Uint8Array }
  | {
      readonly target: 'version' | 'createRevision' | 'modRevision' | 'lease';
      readonly result: CompareResult;
      readonly key: Uint8Array;
      readonly rangeEnd?: Uint8Array;
      readonly value: number;
    };

/** One operation inside a txn branch (etcdserverpb.RequestOp). */
export type RequestOp =
  | ({ readonly type: 'range' } & RangeRequest)
  | ({ readonly type: 'put' } & PutRequest)
  | ({ readonly type: 'deleteRange' } & DeleteRangeRequest)
  | ({ readonly type: 'txn' } & TxnRequest);

export interface TxnRequest {
  readonly compare: readonly Compare[];
  readonly success: readonly RequestOp[];
  readonly failure: readonly RequestOp[];
}

// ---- commands (what the Raft log carries) -----------------------------------------------------

/**
 * Fields every command may carry. `clientId` + `seq` make a write exactly-once: a retry with a seq
 * already applied gets the saved response (Raft dissertation §6.3). `ackSeq` is the lowest seq the
 * client still waits for (every response below it was received and may be forgotten); it defaults
 * to `seq`, i.e. a client with one request in flight. `nowMs` is the leader's clock when it
 * proposed the command; the state machine never reads a clock of its own.
 */
export interface CommandMeta {
  readonly clientId?: string;
  readonly seq?: number;
  readonly ackSeq?: number;
  readonly nowMs?: number;
}

export type RangeCommand = { readonly type: 'range' } & RangeRequest & CommandMeta;
export type PutCommand = { readonly type: 'put' } & PutRequest & CommandMeta;
export type DeleteRangeCommand = { readonly type: 'deleteRange' } & DeleteRangeRequest & CommandMeta;
export type TxnCommand = { readonly type: 'txn' } & TxnRequest & CommandMeta;
export type LeaseGrantCommand = {
  readonly type: 'leaseGrant';
  /** 0 or absent: the store assigns the next free id (deterministically). */
  readonly id?: LeaseId;
  readonly ttlSeconds: number;
  readonly nowMs: number;
} & CommandMeta;
export type LeaseRevokeCommand = { readonly type: 'leaseRevoke'; readonly id: LeaseId } & CommandMeta;
export type LeaseKeepAliveCommand = { readonly type: 'leaseKeepAlive'; readonly id: LeaseId; readonly nowMs: number } & CommandMeta;
/**
 * A new leader's first command (etcd lessor.Promote): every lease deadline becomes
 * nowMs + ttl + extendMs, so clock differences between leaders and the election gap never expire
 * a lease whose holder kept it alive.
 */
export type LeasePromoteCommand = { readonly type: 'leasePromote'; readonly nowMs: number; readonly extendMs?: number } & CommandMeta;
export type CompactCommand = { readonly type: 'compact'; readonly revision: number } & CommandMeta;

export type Command =
  | RangeCommand
  | PutCommand
  | DeleteRangeCommand
  | TxnCommand
  | LeaseGrantCommand
  | LeaseRevokeCommand
  | LeaseKeepAliveCommand
  | LeasePromoteCommand
  | CompactCommand;

export type CommandType = Command['type'];

// ---- responses -------------------------------------------------------------------------------
// `revision` is etcd's header.revision: the store revision after the request.

export interface RangeResponse {
  readonly type: 'range';
  readonly revision: number;
  readonly kvs: readonly KeyValue[];
  /** More keys matched than `limit` let through. */
  readonly more: boolean;
  /** Keys in the range at the read revision, regardless of limit. */
  readonly count: number;
}

export interface PutResponse {
  readonly type: 'put';
  readonly revision: number;
  readonly prevKv?: KeyValue;
}

export interface DeleteRangeResponse {
  readonly type: 'deleteRange';
  readonly revision: number;
  readonly deleted: number;
  readonly prevKvs?: readonly KeyValue[];
}

export interface TxnResponse {
  readonly type: 'txn';
  readonly revision: number;
  readonly succeeded: boolean;
  /**
   * One response per op of the branch that ran. An ErrorResponse appears only for a range at a
   * past revision on a member restored from a history-less snapshot (see MvccStore.snapshot).
   */
  readonly responses: readonly (OpResponse | ErrorResponse)[];
}

export type OpResponse = RangeResponse | PutResponse | DeleteRangeResponse | TxnResponse;

export interface LeaseGrantResponse {
  readonly type: 'leaseGrant';
  readonly revision: number;
  readonly id: LeaseId;
  readonly ttlSeconds: number;
}

export interface LeaseRevokeResponse {
  readonly type: 'leaseRevoke';
  readonly revision: number;
}

export interface LeaseKeepAliveResponse {
  readonly type: 'leaseKeepAlive';
  readonly revision: number;
  readonly id: LeaseId;
  readonly ttlSeconds: number;
}

export interface LeasePromoteResponse {
  readonly type: 'leasePromote';
  readonly revision: number;
  readonly leases: number;
}

export interface CompactResponse {
  readonly type: 'compact';
  readonly revision: number;
}

export type CommandResponse =
  | OpResponse
  | LeaseGrantResponse
  | LeaseRevokeResponse
  | LeaseKeepAliveResponse
  | LeasePromoteResponse
  | CompactResponse;

// ---- lease queries ---------------------------------------------------------------------------

export interface LeaseTimeToLive {
  readonly id: LeaseId;
  /** Seconds left (rounded up); -1 when the lease does not exist or already expired (etcd). */
  readonly ttlSeconds: number;
  readonly grantedTtlSeconds: number;
  readonly keys: readonly Uint8Array[];
}

export interface LeaseStatus {
  readonly id: LeaseId;
  readonly ttlSeconds: number;
  readonly deadlineMs: number;
  readonly keyCount: number;
}
