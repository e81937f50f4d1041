// Opening the log: recover what is on disk (recovery.ts), pick the snapshot, and set up the state
// the Wal appends from: the tracker, what is written, the segments and the active one.
import * as path from 'node:path';
import { segmentFileName, type SegmentName } from './file-names.js';
import { LogTracker } from './log-tracker.js';
import {
  describeSnapshotFile,
  loadSnapshotFromDir,
  pickSnapshot,
  recoverLog,
  removeLeftoverSnapshots,
  type RecoveredSegment,
} from './recovery.js';
import type { HardState, SnapshotMeta, WalState, WalWarning } from './types.js';
import { nodeWalFs, type WalFile, type WalFs } from './wal-fs.js';

export interface WalOptions {
  /** fdatasync before an append resolves (default true). Off only for tests and simulations. */
  readonly fsync?: boolean;
  /** A segment is sealed once it reaches this size (it may exceed it by one batch). Default 64 MiB. */
  readonly segmentSizeBytes?: number;
  /** Most bytes one group commit writes (one append larger than this still goes alone). Default 4 MiB. */
  readonly batchBytesMax?: number;
  /** Most appends one group commit carries. Default 1024. */
  readonly batchAppendsMax?: number;
  /** Snapshot files kept after a new one is saved (at least 1). Default 2. */
  readonly snapshotsRetained?: number;
  /** The file system (default node:fs); tests wrap it to count or fail calls. */
  readonly fs?: WalFs;
}

export const WAL_DEFAULTS = {
  segmentSizeBytes: 64 * 1024 * 1024,
  batchBytesMax: 4 * 1024 * 1024,
  batchAppendsMax: 1024,
  snapshotsRetained: 2,
} as const;

export interface Config {
  readonly fs: WalFs;
  readonly fsync: boolean;
  readonly walDir: string;
  readonly snapDir: string;
  readonly segmentSizeBytes: number;
  readonly snapshotsRetained: number;
}

/** What is on disk (written and, with fsync on, synced): the source of segment headers. */
export interface WrittenState {
  lastIndex: number;
  hardState: HardState | null;
  snapshot: SnapshotMeta | null;
}

export interface ActiveSegment {
  readonly name: SegmentName;
  readonly file: WalFile;
  sizeBytes: number;
  /** Its first batch (with the header copies) is durable, so earlier segments may go. */
  headerDurable: boolean;
}

export interface Opened {
  readonly config: Config;
  readonly tracker: LogTracker;
  readonly written: WrittenState;
  readonly segments: SegmentName[];
  readonly active: ActiveSegment;
  readonly markers: SnapshotMeta[];
  readonly batchBytesMax: number;
  readonly batchAppendsMax: number;
}

export interface OpenedLog {
  readonly opened: Opened;
  readonly state: WalState;
  readonly warnings: readonly WalWarning[];
}

/** Recovery, and everything the log needs to go on appending where it stopped. */
export async function recoverForOpen(dir: string, options: WalOptions): Promise<OpenedLog> {
  const config: Config = {
    fs: options.fs ?? nodeWalFs,
    fsync: options.fsync ?? true,
    walDir: path.join(dir, 'wal'),
    snapDir: path.join(dir, 'snap'),
    segmentSizeBytes: positive(options.segmentSizeBytes ?? WAL_DEFAULTS.segmentSizeBytes, 'segmentSizeBytes'),
    snapshotsRetained: positive(options.snapshotsRetained ?? WAL_DEFAULTS.snapshotsRetained, 'snapshotsRetained'),
  };
  await makeDirs(config, dir);
  const log = await recoverLog(config.fs, config.walDir, config.fsync);
  const { replay } = log;
  const firstSegment = log.segments[0]?.file ?? config.walDir;
  const picked = await pickSnapshot(
    replay,
    loadSnapshotFromDir(config.fs, config.snapDir),
    describeSnapshotFile(config.snapDir),
    firstSegment,
  );
  const leftovers = await removeLeftoverSnapshots(config.fs, config.snapDir, replay.latestMarker);
  const snapshotMeta = picked.snapshot?.meta ?? null;
  const entries = replay.entries.slice((snapshotMeta?.index ?? replay.baseIndex) - replay.baseIndex);
  const tracker = LogTracker.from(snapshotMeta, entries);
  const written: WrittenState = {
    lastIndex: tracker.lastIndex,
    hardState: replay.sawHardState ? replay.hardState : null,
    snapshot: snapshotMeta,
  };
  const active = await openActiveSegment(config, log.segments, tracker.lastIndex);
  const segments = log.segments.map((s) => s.name);
  if (segments.at(-1)?.seq !== active.name.seq) segments.push(active.name);
  const state: WalState = { hardState: replay.hardState, entries, snapshotMeta, snapshot: picked.snapshot };
  const markers = replay.candidates.filter((m) => snapshotMeta !== null && m.index <= snapshotMeta.index);
  const opened: Opened = {
    config,
    tracker,
    written,
    segments,
    active,
    markers,
    batchBytesMax: positive(options.batchBytesMax ?? WAL_DEFAULTS.batchBytesMax, 'batchBytesMax'),
    batchAppendsMax: positive(options.batchAppendsMax ?? WAL_DEFAULTS.batchAppendsMax, 'batchAppendsMax'),
  };
  return { opened, state, warnings: [...log.warnings, ...picked.warnings, ...leftovers] };
}

function positive(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${what} must be a positive integer, got ${value}`);
  return value;
}

async function makeDirs(config: Config, dir: string): Promise<void> {
  const createdRoot = await config.fs.mkdirp(dir);
  const createdWal = await config.fs.mkdirp(config.walDir);
  const createdSnap = await config.fs.mkdirp(config.snapDir);
  if (!config.fsync) return;
  if (createdRoot) await config.fs.syncDir(path.dirname(dir));
  if (createdWal || createdSnap) await config.fs.syncDir(dir);
}

async function openActiveSegment(
  config: Config,
  segments: readonly RecoveredSegment[],
  lastIndex: number,
): Promise<ActiveSegment> {
  const last = segments.at(-1);
  if (last !== undefined) {
    const file = await config.fs.openForWrite(last.file);
    return { name: last.name, file, sizeBytes: last.sizeBytes, headerDurable: true };
  }
  const name: SegmentName = { seq: 1, firstIndex: lastIndex + 1 };
  const file = await config.fs.create(path.join(config.walDir, segmentFileName(name)));
  if (config.fsync) await config.fs.syncDir(config.walDir);
  return { name, file, sizeBytes: 0, headerDurable: true };
}
