// What a log may record, as pure checks over a view of the log. Both the live tracker (appends) and
// recovery (replay) apply them, so a log that was accepted is a log that replays.
import type { HardState, SnapshotMeta, WalEntry } from './types.js';

export interface LogView {
  /** Index of the latest snapshot (0 when there is none). */
  readonly snapshotIndex: number;
  readonly lastIndex: number;
  termAt(index: number): number | undefined;
}

const isLogNumber = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/** Why `entries` cannot be appended to `log`, or null when they can. */
export function checkEntries(log: LogView, entries: readonly WalEntry[]): string | null {
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (!isLogNumber(entry.index) || entry.index < 1) return `entry index ${entry.index} is not a positive integer`;
    if (!isLogNumber(entry.term)) return `entry term ${entry.term} is not a non-negative integer`;
    if (!(entry.data instanceof Uint8Array)) return `entry ${entry.index} data is not bytes`;
    if (i > 0 && entry.index !== entries[i - 1]!.index + 1) return `entries are not contiguous at index ${entry.index}`;
  }
  const first = entries[0];
  if (first === undefined) return null;
  // Entries up to the snapshot are committed and compacted: Raft never rewrites them (§5.4, §7).
  if (first.index <= log.snapshotIndex) return `entry ${first.index} is covered by the snapshot at ${log.snapshotIndex}`;
  // Appending past the end would leave a hole the log cannot represent (Raft §5.3 consistency check).
  if (first.index > log.lastIndex + 1) return `entry ${first.index} leaves a gap after the last index ${log.lastIndex}`;
  return null;
}

export function checkHardState(hardState: HardState): string | null {
  if (!isLogNumber(hardState.term)) return `hard state term ${hardState.term} is not a non-negative integer`;
  if (!isLogNumber(hardState.commit)) return `hard state commit ${hardState.commit} is not a non-negative integer`;
  if (hardState.vote !== null && typeof hardState.vote !== 'string') return 'hard state vote is neither a string nor null';
  if (hardState.vote !== null && Buffer.byteLength(hardState.vote, 'utf8') > 1024) return 'hard state vote is over 1 KiB';
  return null;
}

export function checkSnapshotMeta(log: LogView, meta: SnapshotMeta): string | null {
  if (!isLogNumber(meta.index) || meta.index < 1) return `snapshot index ${meta.index} is not a positive integer`;
  if (!isLogNumber(meta.term)) return `snapshot term ${meta.term} is not a non-negative integer`;
  if (meta.index <= log.snapshotIndex) return `snapshot ${meta.index} is not newer than the snapshot at ${log.snapshotIndex}`;
  return null;
}

/**
 * Raft §7 (InstallSnapshot, step 6): if the log holds the snapshot's last included entry with the
 * same term, the entries after it stay; otherwise the whole log is discarded.
 */
export function snapshotKeepsLog(log: LogView, meta: SnapshotMeta): boolean {
  return log.termAt(meta.index) === meta.term;
}
