// Raft §7 on this member's side: after every `everyEntries` applied entries, capture the MVCC
// state, save it in the log's snapshot files, tell the Raft core (it compacts its log and sends
// this snapshot to followers behind it), then release the WAL segments it covers.
//
//   maybeSnapshot --due--> mvcc.snapshot() (synchronously, at the applied index)
//     --> wal.saveSnapshot --> snapshotTaken --> wal.releaseBefore(index)
//
// One at a time. A snapshot overtaken by one installed from the leader, or a log closed under it,
// is only logged; any other log failure is fatal (the disk cannot be trusted).

import type { Logger } from '@skiff/actors';
import { WalAppendError, WalClosedError, type WriteAheadLog } from '@skiff/wal';
import type { AppliedState } from './applied-state.js';

export interface SnapshotterPort {
  readonly wal: WriteAheadLog;
  readonly log: Logger;
  /** The core may compact its log up to `index` (the snapshot is durable). */
  taken(index: number, data: Uint8Array): void;
  fatal(err: unknown): void;
  stopped(): boolean;
}

export class Snapshotter {
  /** Index of the newest snapshot this member holds (taken or installed). */
  index: number;
  taken = 0;
  private busy = false;

  constructor(
    private readonly port: SnapshotterPort,
    private readonly everyEntries: number,
    startIndex: number,
  ) {
    this.index = startIndex;
  }

  maybeSnapshot(state: AppliedState): void {
    if (this.busy || state.index - this.index < this.everyEntries) return;
    const index = state.index;
    const term = state.term;
    const data = state.mvcc.snapshot();
    this.busy = true;
    void this.save(index, term, data).finally(() => (this.busy = false));
  }

  /** A snapshot from the leader was installed at `index`. */
  installed(index: number): void {
    this.index = Math.max(this.index, index);
  }

  private async save(index: number, term: number, data: Uint8Array): Promise<void> {
    const { wal, log } = this.port;
    try {
      await wal.saveSnapshot({ index, term }, data);
      if (this.port.stopped()) return;
      this.port.taken(index, data);
      this.index = Math.max(this.index, index);
      this.taken++;
      const released = await wal.releaseBefore(index);
      log.info({ index, term, bytes: data.byteLength, segmentsReleased: released }, 'snapshot taken');
    } catch (err) {
      if (err instanceof WalAppendError || err instanceof WalClosedError) log.warn({ err, index }, 'snapshot not saved');
      // A save still in flight when the member halted or stopped fails with it: not a new fault
      // (halt promises nothing more is handled; sim seed 2014, crash profile).
      else if (!this.port.stopped()) this.port.fatal(err);
    }
  }
}
