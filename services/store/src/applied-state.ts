// The state machine side of a member: the MVCC store and how far the log has been applied to it
// (Raft §5.3 lastApplied). Committed entries are applied in order; an empty entry is a leader's
// no-op (Raft §8); a snapshot replaces everything (Raft §7).

import { MvccErrorCode, MvccStore, type ChangeBatch, type Command, type CommandResponse, type ErrorResponse, type MvccOptions } from '@skiff/mvcc';
import type { Entry, Snapshot } from '@skiff/raft';
import type { WalState } from '@skiff/wal';
import { decodeCommand } from './command-codec.js';

export type EntryResponse = CommandResponse | ErrorResponse | undefined;

export class AppliedState {
  readonly mvcc: MvccStore;
  /** Index and term of the last applied entry (or of the snapshot the store was restored from). */
  index: number;
  term: number;

  constructor(recovered: WalState, options: MvccOptions) {
    this.mvcc = new MvccStore(options);
    const snapshot = recovered.snapshot;
    if (snapshot !== null) {
      const restored = this.mvcc.restore(snapshot.data);
      if (!restored.ok) throw new Error(`snapshot ${snapshot.meta.index} in the log does not restore: ${restored.error}`);
    }
    this.index = snapshot?.meta.index ?? 0;
    this.term = snapshot?.meta.term ?? 0;
  }

  /**
   * Applies committed entries in order. `commandAt` may hand back the command object an entry was
   * encoded from (the leader's own proposals: no decode); `applied` sees each entry's response.
   * Returns the change batches to publish.
   */
  apply(entries: readonly Entry[], commandAt: (index: number, term: number) => unknown, applied: (e: Entry, response: EntryResponse) => void): ChangeBatch[] {
    const changes: ChangeBatch[] = [];
    for (const e of entries) {
      let response: EntryResponse;
      if (e.data.byteLength > 0) {
        const command = (commandAt(e.index, e.term) as Command | undefined) ?? decodeCommand(e.data);
        if (command === undefined) {
          // Same bytes, same answer on every member: nothing changes.
          response = { type: 'error', code: MvccErrorCode.InvalidRequest, message: `entry ${e.index} is not a command`, revision: this.mvcc.revision };
        } else {
          const result = this.mvcc.apply(command);
          response = result.response;
          if (result.change !== undefined) changes.push(result.change);
        }
      }
      this.index = e.index;
      this.term = e.term;
      applied(e, response);
    }
    return changes;
  }

  /** Replaces the state with a snapshot from the leader; throws when its bytes do not restore. */
  install(snapshot: Snapshot): number {
    const restored = this.mvcc.restore(snapshot.data);
    if (!restored.ok) throw new Error(`snapshot ${snapshot.meta.index} from the leader does not restore: ${restored.error}`);
    this.index = snapshot.meta.index;
    this.term = snapshot.meta.term;
    return restored.revision;
  }
}
