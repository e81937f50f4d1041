// MvccStore: the store's replicated state machine (etcd's mvcc + lessor + apply layer). The Raft
// log feeds apply() committed commands in log order on every member; given the same commands, every
// member holds the same state and returns the same responses. No I/O, no clock, no randomness:
// time enters only as a command's nowMs.
//
//   apply(command) --checkCommand--> error response (nothing changed)
//                  --session------->  saved response (a retry) | StaleSequence
//                  --executeCommand-> response (+ change batch when the keyspace changed)
//
// Local queries (serializable reads, lease status, expiry, history) read the state and change nothing.

import type { Core, MvccLimits } from './core.js';
import { newCore } from './core.js';
import { executeCommand, type ApplyResult } from './commands.js';
import { compactedFault, fault, MvccErrorCode, toErrorResponse, type ErrorResponse } from './errors.js';
import type { HistoryView } from './history.js';
import { readRange } from './reads.js';
import { decodeSnapshot, encodeSnapshot, type SnapshotOptions } from './snapshot.js';
import { isReadOnlyTxn } from './txn.js';
import { fromBinaryString } from './bytes.js';
import type { ChangeBatch, Command, LeaseId, LeaseStatus, LeaseTimeToLive, RangeRequest, RangeResponse } from './types.js';
import { checkCommand, checkRange } from './validate.js';

export type { ApplyResult } from './commands.js';

export interface MvccOptions {
  /** Largest put value, and largest total of put keys+values in one txn (etcd --max-request-bytes). Default 1.5 MiB. */
  readonly maxValueBytes?: number;
  /** Most compares, and most ops per branch, at each txn level (etcd --max-txn-ops). Default 128. */
  readonly maxTxnOps?: number;
  /** Deepest txn nesting. Default 8. */
  readonly maxTxnDepth?: number;
  /** Grants below this TTL get it (etcd derives ~2 s from its election timeout). Default 2. */
  readonly minLeaseTtlSeconds?: number;
  /** Client sessions remembered for exactly-once writes. Default 10,000. */
  readonly maxClients?: number;
  /** A session idle this long by the log's clock is forgotten. Default 1 hour. */
  readonly sessionTtlMs?: number;
  /** Saved responses per client (pipelined seqs not yet acknowledged). Default 256. */
  readonly maxResponsesPerClient?: number;
}

export const DEFAULT_MAX_VALUE_BYTES = 1_572_864;

export function resolveLimits(options: MvccOptions = {}): MvccLimits {
  return {
    maxValueBytes: options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES,
    maxTxnOps: options.maxTxnOps ?? 128,
    maxTxnDepth: options.maxTxnDepth ?? 8,
    minLeaseTtlSeconds: options.minLeaseTtlSeconds ?? 2,
    maxClients: options.maxClients ?? 10_000,
    sessionTtlMs: options.sessionTtlMs ?? 3_600_000,
    maxResponsesPerClient: options.maxResponsesPerClient ?? 256,
  };
}

export type RestoreResult = { readonly ok: true; readonly revision: number } | { readonly ok: false; readonly error: string };

export class MvccStore {
  private core: Core;

  constructor(options: MvccOptions = {}) {
    this.core = newCore(resolveLimits(options));
  }

  /** The current store revision (1 for a new store, as in etcd). */
  get revision(): number {
    return this.core.revision;
  }

  /** Reads below this revision fail with Compacted on every member. */
  get compactRevision(): number {
    return this.core.compactRevision;
  }

  /** This member keeps versions and events only above this revision (>= compactRevision). */
  get historyFloor(): number {
    return this.core.historyFloor;
  }

  /** Retained change batches, oldest first (for watches and store.events catch-up). */
  get history(): HistoryView {
    return this.core.history;
  }

  /**
   * Change batches with revision >= startRevision, oldest first, at most maxBatches (for a
   * store.events consumer that saw a gap). Compacted if startRevision <= historyFloor.
   */
  changesSince(startRevision: number, maxBatches = 1000): ChangeBatch[] | ErrorResponse {
    const core = this.core;
    if (startRevision <= core.historyFloor) return toErrorResponse(compactedFault(core.historyFloor), core.revision);
    const out: ChangeBatch[] = [];
    for (let i = core.history.indexFrom(startRevision); i < core.history.length && out.length < maxBatches; i++) out.push(core.history.at(i) as ChangeBatch);
    return out;
  }

  /** Number of keys in the index, live or with retained history. */
  get keyCount(): number {
    return this.core.index.keyCount;
  }

  /** Applies one committed command. Never throws on bad input: errors are responses. */
  apply(command: Command): ApplyResult {
    const core = this.core;
    const f = checkCommand(command, core.limits);
    if (f !== undefined) return { response: toErrorResponse(f, core.revision) };
    if ((command.clientId ?? undefined) === undefined || isReadOnly(command)) return executeCommand(core, command);
    const seq = command.seq as number;
    const clientId = command.clientId as string;
    const seen = core.sessions.lookup(clientId, seq, command.ackSeq ?? seq, command.nowMs ?? undefined);
    if (seen.type === 'duplicate') return { response: seen.response };
    if (seen.type === 'stale') {
      return { response: toErrorResponse(fault(MvccErrorCode.StaleSequence, `seq ${seq} is below the acknowledged seq ${seen.floorSeq} of client ${clientId}`), core.revision) };
    }
    const result = executeCommand(core, command);
    core.sessions.record(clientId, seq, result.response);
    return result;
  }

  /** A local (serializable) range read; not through the log. */
  range(req: RangeRequest): RangeResponse | ErrorResponse {
    const f = typeof req === 'object' && req !== null ? checkRange(req as unknown as Record<string, unknown>) : fault(MvccErrorCode.InvalidRequest, 'a range request must be an object');
    if (f !== undefined) return toErrorResponse(f, this.core.revision);
    const r = readRange(this.core, req);
    if (!('kvs' in r)) return toErrorResponse(r, this.core.revision);
    return { type: 'range', revision: this.core.revision, kvs: r.kvs, more: r.more, count: r.count };
  }

  /** etcd LeaseTimeToLive: ttlSeconds -1 for an unknown lease, 0 for one expired but not yet revoked. */
  leaseTimeToLive(id: LeaseId, nowMs: number, withKeys = true): LeaseTimeToLive {
    const lease = this.core.lessor.get(id);
    if (lease === undefined) return { id, ttlSeconds: -1, grantedTtlSeconds: 0, keys: [] };
    const remainingMs = lease.deadlineMs - nowMs;
    const keys = withKeys ? [...lease.keys].sort().map(fromBinaryString) : [];
    return { id, ttlSeconds: remainingMs > 0 ? Math.floor(remainingMs / 1000) : 0, grantedTtlSeconds: lease.ttlSeconds, keys };
  }

  /** Every lease, by id (etcd LeaseLeases). */
  leases(): LeaseStatus[] {
    return this.core.lessor.list();
  }

  /**
   * Leases whose deadline is at or before nowMs, earliest first. The leader calls this with its
   * clock and proposes a leaseRevoke for each; followers never revoke on their own.
   */
  expiredLeases(nowMs: number, limit = 1000): LeaseId[] {
    return this.core.lessor.expired(nowMs, limit);
  }

  /**
   * The full replicated state as msgpack: live keys with their metadata, leases, revisions, the
   * session table. Without `withHistory` (the default) older versions and events are dropped: a
   * member restored from it serves reads and watches only from the snapshot's revision on
   * (older ones get Compacted with compactRevision = that revision).
   */
  snapshot(options: SnapshotOptions = {}): Uint8Array {
    return encodeSnapshot(this.core, options);
  }

  /** Replaces the whole state with a snapshot's. On garbage, returns the error and keeps the current state. */
  restore(bytes: Uint8Array): RestoreResult {
    const decoded = decodeSnapshot(bytes, this.core.limits);
    if (typeof decoded === 'string') return { ok: false, error: decoded };
    this.core = decoded;
    return { ok: true, revision: decoded.revision };
  }
}

function isReadOnly(command: Command): boolean {
  return command.type === 'range' || (command.type === 'txn' && isReadOnlyTxn(command));
}
