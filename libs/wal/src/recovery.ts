// Start-up: replay every segment in order, truncate a torn tail, refuse corruption, and pick the
// newest snapshot that can be read back and that the log still reaches (DESIGN.md §7).
import * as path from 'node:path';
import { SnapshotCorruptError, WalCorruptError } from './errors.js';
import { parseSegmentFileName, snapshotFileName, type SegmentName } from './file-names.js';
import { Replayer, type ReplayResult } from './replay.js';
import { scanSegment, type ScannedRecord } from './segment-scan.js';
import { listSnapshotFiles, listTempFiles, readSnapshotFile } from './snapshot-files.js';
import type { Snapshot, SnapshotMeta, WalWarning } from './types.js';
import type { WalFs } from './wal-fs.js';

export interface RecoveredSegment {
  readonly name: SegmentName;
  readonly file: string;
  readonly sizeBytes: number;
}

export interface RecoveredLog {
  readonly segments: readonly RecoveredSegment[];
  readonly replay: ReplayResult;
  readonly warnings: readonly WalWarning[];
}

export async function recoverLog(fs: WalFs, walDir: string, fsync: boolean): Promise<RecoveredLog> {
  const names = await listSegments(fs, walDir);
  const replayer = new Replayer();
  const segments: RecoveredSegment[] = [];
  const warnings: WalWarning[] = [];
  for (const [i, name] of names.entries()) {
    const file = path.join(walDir, name.file);
    const bytes = (await fs.readFile(file)) ?? new Uint8Array(0);
    const scan = scanSegment(bytes);
    if (scan.kind === 'corrupt') throw new WalCorruptError(file, scan.offsetBytes, scan.reason);
    let sizeBytes = bytes.length;
    if (scan.kind === 'tornTail') {
      if (i < names.length - 1) {
        throw new WalCorruptError(file, scan.tailOffsetBytes, 'damaged record at the end of a sealed segment');
      }
      await truncate(fs, file, scan.tailOffsetBytes, fsync);
      warnings.push({ type: 'tornTailTruncated', file, offsetBytes: scan.tailOffsetBytes, droppedBytes: bytes.length - scan.tailOffsetBytes });
      sizeBytes = scan.tailOffsetBytes;
    }
    replayRecords(replayer, scan.records, file);
    segments.push({ name: { seq: name.seq, firstIndex: name.firstIndex }, file, sizeBytes });
  }
  return { segments, replay: replayer.result(), warnings };
}

export interface PickedSnapshot {
  readonly snapshot: Snapshot | null;
  readonly warnings: readonly WalWarning[];
}

/**
 * The newest snapshot the log can restart from. A damaged one is skipped for an older one (the
 * log must still hold every entry after it); with none left, the log must start at index 1.
 */
export async function pickSnapshot(
  replay: ReplayResult,
  load: (meta: SnapshotMeta) => Promise<Snapshot | string>,
  describe: (meta: SnapshotMeta) => string,
  firstSegment: string,
): Promise<PickedSnapshot> {
  const warnings: WalWarning[] = [];
  for (const meta of replay.candidates) {
    const loaded = await load(meta);
    if (typeof loaded !== 'string') return { snapshot: loaded, warnings };
    warnings.push({ type: 'snapshotUnusable', file: describe(meta), reason: loaded });
  }
  if (replay.baseIndex === 0) return { snapshot: null, warnings };
  if (warnings.length === 0) {
    throw new WalCorruptError(firstSegment, 0, `the log starts after index ${replay.baseIndex} but names no snapshot`);
  }
  const tried = warnings.map((w) => w.file);
  const reasons = warnings.map((w) => (w.type === 'snapshotUnusable' ? `${w.file}: ${w.reason}` : w.file));
  throw new SnapshotCorruptError(tried, `the log starts after index ${replay.baseIndex}; ${reasons.join('; ')}`);
}

export function loadSnapshotFromDir(fs: WalFs, snapDir: string) {
  return (meta: SnapshotMeta): Promise<Snapshot | string> => readSnapshotFile(fs, snapDir, meta);
}

export const describeSnapshotFile = (snapDir: string) => (meta: SnapshotMeta): string =>
  path.join(snapDir, snapshotFileName(meta));

/**
 * Removes temporary files, and snapshot files newer than the newest marker: a crash after the file
 * was renamed into place but before its marker was durable. The log never refers to them.
 */
export async function removeLeftoverSnapshots(fs: WalFs, snapDir: string, latestMarker: SnapshotMeta | null): Promise<WalWarning[]> {
  for (const temp of await listTempFiles(fs, snapDir)) await fs.unlink(temp);
  if (latestMarker === null) return [];
  const warnings: WalWarning[] = [];
  for (const { meta, file } of await listSnapshotFiles(fs, snapDir)) {
    if (meta.index <= latestMarker.index) continue;
    await fs.unlink(file);
    warnings.push({ type: 'orphanSnapshotRemoved', file });
  }
  return warnings;
}

async function listSegments(fs: WalFs, walDir: string): Promise<(SegmentName & { file: string })[]> {
  const names = (await fs.readdir(walDir))
    .map((file) => ({ file, name: parseSegmentFileName(file) }))
    .filter((s): s is { file: string; name: SegmentName } => s.name !== null)
    .map((s) => ({ ...s.name, file: s.file }))
    .sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < names.length; i++) {
    if (names[i]!.seq !== names[i - 1]!.seq + 1) {
      throw new WalCorruptError(path.join(walDir, names[i]!.file), 0, `segment ${names[i - 1]!.seq + 1} is missing`);
    }
  }
  return names;
}

function replayRecords(replayer: Replayer, records: readonly ScannedRecord[], file: string): void {
  for (const { offsetBytes, record } of records) {
    const problem = replayer.apply(record);
    if (problem !== null) throw new WalCorruptError(file, offsetBytes, problem);
  }
}

async function truncate(fs: WalFs, file: string, sizeBytes: number, fsync: boolean): Promise<void> {
  const handle = await fs.openForWrite(file);
  try {
    await handle.truncate(sizeBytes);
    if (fsync) await handle.datasync();
  } finally {
    await handle.close();
  }
}
