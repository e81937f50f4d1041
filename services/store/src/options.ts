// Tunables of one store member, with the defaults a production member runs with. Every bound the
// member keeps (queues, batches, pages, payloads) is here, so a test or `skiff up` can shrink it.

import { DEFAULT_MAX_VALUE_BYTES, type MvccOptions } from '@skiff/mvcc';

export interface StoreMemberOptions {
  /** Take an MVCC snapshot (and release the WAL below it) after this many applied entries. */
  readonly snapshotEveryEntries?: number;
  /** Entries the Raft core keeps in memory below its newest snapshot, for slightly slow followers. */
  readonly keepEntriesAfterSnapshot?: number;
  /** Largest put value, and largest total of keys+values put by one txn (etcd --max-request-bytes). */
  readonly maxValueBytes?: number;
  /** The bus' largest message (NATS max_payload): no reply, Raft batch or event message exceeds it. */
  readonly maxPayloadBytes?: number;
  /** A command not applied within this time is answered Unavailable (it may still commit). */
  readonly proposalTimeoutMs?: number;
  /** A linearizable read not served within this time is answered Unavailable. */
  readonly readTimeoutMs?: number;
  /** Commands queued or in the log but not applied yet; more are refused with Unavailable. */
  readonly pendingProposalsMax?: number;
  /** Linearizable reads waiting; more are refused with Unavailable. */
  readonly pendingReadsMax?: number;
  /** Most commands, and bytes, proposed as one batch of entries. */
  readonly batchEntriesMax?: number;
  readonly batchBytesMax?: number;
  /** How often the leader looks for expired leases to revoke. */
  readonly leaseCheckIntervalMs?: number;
  /** How often pending proposals and reads are checked against their deadlines. */
  readonly sweepIntervalMs?: number;
  /** Graceful stop and store.transferLeadership wait at most this long for leadership to move. */
  readonly transferTimeoutMs?: number;
  /** Most revisions one store.history reply carries. */
  readonly historyPageMax?: number;
  /** Raft timing (Raft §5.2): election timeouts are drawn from [min, max]. */
  readonly electionTimeoutMinMs?: number;
  readonly electionTimeoutMaxMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Further MVCC limits (txn ops, lease TTL floor, sessions); maxValueBytes above wins. */
  readonly mvcc?: MvccOptions;
}

export type ResolvedOptions = Required<Omit<StoreMemberOptions, 'mvcc'>> & { readonly mvcc: MvccOptions };

export const DEFAULT_SNAPSHOT_EVERY_ENTRIES = 10_000;
/** NATS' default max_payload. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1_048_576;
/** Room left in a payload for the envelope around the largest entry or value. */
export const ENVELOPE_ALLOWANCE_BYTES = 16 * 1024;

export function resolveOptions(o: StoreMemberOptions = {}): ResolvedOptions {
  const snapshotEveryEntries = o.snapshotEveryEntries ?? DEFAULT_SNAPSHOT_EVERY_ENTRIES;
  const maxValueBytes = o.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
  const resolved: ResolvedOptions = {
    snapshotEveryEntries,
    keepEntriesAfterSnapshot: o.keepEntriesAfterSnapshot ?? Math.min(1_000, snapshotEveryEntries),
    maxValueBytes,
    maxPayloadBytes: o.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    proposalTimeoutMs: o.proposalTimeoutMs ?? 5_000,
    readTimeoutMs: o.readTimeoutMs ?? 5_000,
    pendingProposalsMax: o.pendingProposalsMax ?? 10_000,
    pendingReadsMax: o.pendingReadsMax ?? 10_000,
    batchEntriesMax: o.batchEntriesMax ?? 1_024,
    batchBytesMax: o.batchBytesMax ?? 1_048_576,
    leaseCheckIntervalMs: o.leaseCheckIntervalMs ?? 500,
    sweepIntervalMs: o.sweepIntervalMs ?? 100,
    transferTimeoutMs: o.transferTimeoutMs ?? 2_000,
    historyPageMax: o.historyPageMax ?? 1_000,
    // A follower refuses votes until its own election timer fires (CheckQuorum), so failover
    // takes up to the largest timeout: 300-600 ms keeps it under 1 s (bench:store) while leaving
    // room for a loaded machine's scheduling delays; a loopback round trip is well under 1 ms.
    electionTimeoutMinMs: o.electionTimeoutMinMs ?? 300,
    electionTimeoutMaxMs: o.electionTimeoutMaxMs ?? 600,
    heartbeatIntervalMs: o.heartbeatIntervalMs ?? 60,
    mvcc: { ...o.mvcc, maxValueBytes },
  };
  for (const [key, value] of Object.entries(resolved)) {
    if (key === 'mvcc') continue;
    const min = key === 'keepEntriesAfterSnapshot' ? 0 : 1;
    if (!Number.isSafeInteger(value) || (value as number) < min) throw new RangeError(`store option ${key} must be an integer >= ${min}, got ${String(value)}`);
  }
  if (resolved.maxPayloadBytes <= 4 * ENVELOPE_ALLOWANCE_BYTES) throw new RangeError(`maxPayloadBytes must be above ${4 * ENVELOPE_ALLOWANCE_BYTES}`);
  return resolved;
}

/** The largest encoded command the log takes: one entry must fit in one AppendEntries message. */
export function maxEntryBytes(o: ResolvedOptions): number {
  return o.maxPayloadBytes - ENVELOPE_ALLOWANCE_BYTES;
}
