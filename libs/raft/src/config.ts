// Configuration of one member. Membership is static (Raft §6 is out of scope): every member is
// started with the same list.

import { RaftConfigError } from './errors.js';
import type { MemberId } from './types.js';

export interface RaftConfig {
  readonly id: MemberId;
  /** Every voting member, this one included. */
  readonly members: readonly MemberId[];
  /** Thesis §9.6 (default true). */
  readonly preVote?: boolean;
  /** Thesis §6.2: a leader steps down when it has not heard from a majority within an election timeout (default true). */
  readonly checkQuorum?: boolean;
  /** Cut AppendEntries batches at this size; one entry is always sent even when larger (default 512 KiB). */
  readonly maxSizePerMsgBytes?: number;
  /** AppendEntries messages in flight per follower in replicate state (default 256). */
  readonly maxInflightMsgs?: number;
  /** Size of one InstallSnapshot chunk (default 512 KiB; NATS' default max payload is 1 MiB). */
  readonly snapshotChunkBytes?: number;
  /** Entries kept below a new snapshot's index, so a slightly slow follower still gets entries (default 0). */
  readonly keepEntriesAfterSnapshot?: number;
}

export type ResolvedConfig = Required<RaftConfig>;

export const defaultConfig = {
  preVote: true,
  checkQuorum: true,
  maxSizePerMsgBytes: 512 * 1024,
  maxInflightMsgs: 256,
  snapshotChunkBytes: 512 * 1024,
  keepEntriesAfterSnapshot: 0,
} as const;

export function resolveConfig(config: RaftConfig): ResolvedConfig {
  const resolved = { ...defaultConfig, ...config, members: [...config.members] };
  if (resolved.id.length === 0) throw new RaftConfigError('id must not be empty');
  if (!resolved.members.includes(resolved.id)) throw new RaftConfigError(`members must include ${resolved.id}`);
  if (new Set(resolved.members).size !== resolved.members.length) throw new RaftConfigError('members must be distinct');
  for (const key of ['maxSizePerMsgBytes', 'maxInflightMsgs', 'snapshotChunkBytes'] as const) {
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] < 1) throw new RaftConfigError(`${key} must be a positive integer`);
  }
  if (!Number.isSafeInteger(resolved.keepEntriesAfterSnapshot) || resolved.keepEntriesAfterSnapshot < 0) {
    throw new RaftConfigError('keepEntriesAfterSnapshot must be a non-negative integer');
  }
  return resolved;
}
