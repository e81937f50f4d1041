// File names of the log's segments and snapshots. Fixed-width hex sorts lexically in numeric order,
// so a directory listing reads oldest first (etcd's wal and snap naming).
import type { SnapshotMeta } from './types.js';

export interface SegmentName {
  /** Position of the segment in the log: 1, 2, 3... with no holes. */
  readonly seq: number;
  /** The log's last index + 1 when the segment was created: its live entries are all below the next segment's. */
  readonly firstIndex: number;
}

const SEGMENT = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;
const SNAPSHOT = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;
export const TEMP_PREFIX = '.tmp-';

const hex16 = (n: number): string => n.toString(16).padStart(16, '0');

export function segmentFileName(name: SegmentName): string {
  return `${hex16(name.seq)}-${hex16(name.firstIndex)}.wal`;
}

export function parseSegmentFileName(file: string): SegmentName | null {
  const match = SEGMENT.exec(file);
  if (match === null) return null;
  const seq = Number.parseInt(match[1]!, 16);
  const firstIndex = Number.parseInt(match[2]!, 16);
  return Number.isSafeInteger(seq) && Number.isSafeInteger(firstIndex) ? { seq, firstIndex } : null;
}

export function snapshotFileName(meta: SnapshotMeta): string {
  return `${hex16(meta.index)}-${hex16(meta.term)}.snap`;
}

export function parseSnapshotFileName(file: string): SnapshotMeta | null {
  const match = SNAPSHOT.exec(file);
  if (match === null) return null;
  const index = Number.parseInt(match[1]!, 16);
  const term = Number.parseInt(match[2]!, 16);
  return Number.isSafeInteger(index) && Number.isSafeInteger(term) ? { index, term } : null;
}
