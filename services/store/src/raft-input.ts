// The input of the Raft member machine for this member: its configuration (sizes fitted to the
// bus' payload limit), timing, and what the log recovered (Raft §5.2 persistent state, §7).

import type { RandomInt, RaftMemberInput, RestoreState, Snapshot } from '@skiff/raft';
import type { WalState } from '@skiff/wal';
import type { ResolvedOptions } from './options.js';

const MESSAGE_BYTES_MAX = 512 * 1024;

export function raftInput(
  self: string,
  members: readonly string[],
  o: ResolvedOptions,
  maxEntryBytes: number,
  recovered: WalState,
  applied: number,
  random: RandomInt,
): RaftMemberInput {
  return {
    config: {
      id: self,
      members,
      keepEntriesAfterSnapshot: o.keepEntriesAfterSnapshot,
      // One message and one snapshot chunk must fit in one bus message.
      maxSizePerMsgBytes: Math.min(MESSAGE_BYTES_MAX, maxEntryBytes),
      snapshotChunkBytes: Math.min(MESSAGE_BYTES_MAX, maxEntryBytes),
    },
    random,
    restore: restoreState(recovered, members, applied),
    electionTimeoutMinMs: o.electionTimeoutMinMs,
    electionTimeoutMaxMs: o.electionTimeoutMaxMs,
    heartbeatIntervalMs: o.heartbeatIntervalMs,
  };
}

function restoreState(r: WalState, members: readonly string[], applied: number): RestoreState {
  const snapshot: Snapshot | null = r.snapshot === null ? null : { meta: { ...r.snapshot.meta, members }, data: r.snapshot.data };
  return { hardState: r.hardState, snapshot, entries: r.entries, applied };
}
