// The log for deterministic simulation: the real Wal (same framing, group commit, recovery) over a
// MemoryDisk, plus crash(). One MemoryDisk per member: it is that member's disk and outlives its
// crashes; reopen with MemoryWal.open(disk) to recover.
import { WalClosedError } from './errors.js';
import type { CrashOptions, MemoryDisk } from './memory-disk.js';
import type { AppendRequest, Snapshot, SnapshotMeta, WalOpenResult, WriteAheadLog } from './types.js';
import { Wal, type WalOptions, type WalStats } from './wal.js';

export type MemoryWalOptions = Omit<WalOptions, 'fs'> & {
  /** Where on the disk the log lives (default "/wal"). */
  readonly dir?: string;
};

export class MemoryWal implements WriteAheadLog {
  private constructor(
    private readonly wal: Wal,
    private readonly disk: MemoryDisk,
  ) {}

  static async open(disk: MemoryDisk, options: MemoryWalOptions = {}): Promise<WalOpenResult<MemoryWal>> {
    const { dir = '/wal', ...walOptions } = options;
    const { wal, state, warnings } = await Wal.open(dir, { ...walOptions, fs: disk });
    return { wal: new MemoryWal(wal, disk), state, warnings };
  }

  append(request: AppendRequest): Promise<void> {
    return this.wal.append(request);
  }

  saveSnapshot(meta: SnapshotMeta, data: Uint8Array): Promise<void> {
    return this.wal.saveSnapshot(meta, data);
  }

  loadLatestSnapshot(): Promise<Snapshot | null> {
    return this.wal.loadLatestSnapshot();
  }

  releaseBefore(index: number): Promise<number> {
    return this.wal.releaseBefore(index);
  }

  close(): Promise<void> {
    return this.wal.close();
  }

  stats(): WalStats {
    return this.wal.stats();
  }

  /**
   * The member dies now. Appends not yet acknowledged reject with WalClosedError; with
   * `loseUnsynced` their records are gone from the disk (or, given a Random, a torn prefix stays).
   * Acknowledged appends always survive.
   */
  crash(options: CrashOptions): void {
    this.wal.abandon(new WalClosedError());
    this.disk.crash(options);
  }
}
