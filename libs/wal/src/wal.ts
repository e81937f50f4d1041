// The write-ahead log of a store member (DESIGN.md §7): Raft entries, hard state and snapshot
// markers in CRC-framed records, in segment files of about `segmentSizeBytes`, appended with group
// commit; snapshots in their own checksummed files. Layout under `dir`:
//   wal/<seq>-<firstIndex>.wal   segments, oldest first; each starts with copies of the latest
//                                hard state and snapshot marker, so older segments can be deleted
//   snap/<index>-<term>.snap     snapshots; only those a marker in the log names are used
import * as path from 'node:path';
import { SnapshotCorruptError, WalAppendError, WalClosedError, WalFailedError } from './errors.js';
import { segmentFileName, type SegmentName } from './file-names.js';
import { GroupCommitter } from './group-commit.js';
import { checkEntries, checkHardState, checkSnapshotMeta } from './log-rules.js';
import type { LogTracker } from './log-tracker.js';
import { encodeRecords } from './record-codec.js';
import { describeSnapshotFile } from './recovery.js';
import { listSnapshotFiles, readSnapshotFile, writeSnapshotFile } from './snapshot-files.js';
import type { AppendRequest, HardState, Snapshot, SnapshotMeta, WalOpenResult, WalRecord, WriteAheadLog } from './types.js';
import {
  recoverForOpen,
  type ActiveSegment,
  type Config,
  type Opened,
  type WalOptions,
  type WrittenState,
} from './wal-open.js';

export { WAL_DEFAULTS, type WalOptions } from './wal-open.js';

export interface WalStats {
  readonly appends: number;
  /** Group commits: one write, and one fdatasync when fsync is on. */
  readonly batches: number;
  readonly fsyncs: number;
  readonly bytesWritten: number;
  readonly segments: number;
}

/** One append (or snapshot marker) waiting for its group commit. */
interface QueuedWrite {
  readonly bytes: Buffer;
  /** The log's last index once this write is applied. */
  readonly lastIndex: number;
  readonly hardState?: HardState;
  readonly snapshot?: SnapshotMeta;
}

export class Wal implements WriteAheadLog {
  private readonly config: Config;
  private readonly tracker: LogTracker;
  private readonly written: WrittenState;
  private readonly segments: SegmentName[];
  private active: ActiveSegment;
  /** Snapshots the log can restart from, newest first. */
  private markers: SnapshotMeta[];
  private readonly committer: GroupCommitter<QueuedWrite>;
  private status: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | null = null;
  private failure: Error | null = null;
  private snapshotQueue: Promise<void> = Promise.resolve();
  private counters = { appends: 0, batches: 0, fsyncs: 0, bytesWritten: 0 };

  private constructor(opened: Opened) {
    this.config = opened.config;
    this.tracker = opened.tracker;
    this.written = opened.written;
    this.segments = opened.segments;
    this.active = opened.active;
    this.markers = opened.markers;
    this.committer = new GroupCommitter((items) => this.flush(items), {
      batchBytesMax: opened.batchBytesMax,
      batchAppendsMax: opened.batchAppendsMax,
    });
  }

  /** Recovers the log in `dir` (creating it when absent) and opens it for appending. */
  static async open(dir: string, options: WalOptions = {}): Promise<WalOpenResult<Wal>> {
    const { opened, state, warnings } = await recoverForOpen(dir, options);
    return { wal: new Wal(opened), state, warnings };
  }

  append(request: AppendRequest): Promise<void> {
    const refusal = this.refusal();
    if (refusal !== null) return Promise.reject(refusal);
    const problem =
      checkEntries(this.tracker, request.entries) ??
      (request.hardState === undefined ? null : checkHardState(request.hardState));
    if (problem !== null) return Promise.reject(new WalAppendError(problem));
    const records: WalRecord[] = request.entries.map((entry) => ({ type: 'entry', entry }));
    if (request.hardState !== undefined) records.push({ type: 'hardState', hardState: request.hardState });
    const bytes = encodeRecords(records);
    this.tracker.append(request.entries);
    this.counters.appends++;
    const write: QueuedWrite = {
      bytes,
      lastIndex: this.tracker.lastIndex,
      ...(request.hardState === undefined ? {} : { hardState: request.hardState }),
    };
    return this.committer.submit(write, bytes.length);
  }

  saveSnapshot(meta: SnapshotMeta, data: Uint8Array): Promise<void> {
    // One at a time: each checks its index against the one before and owns its temporary file.
    const saved = this.snapshotQueue.then(() => this.saveSnapshotNow(meta, data));
    this.snapshotQueue = saved.catch(() => undefined);
    return saved;
  }

  private async saveSnapshotNow(meta: SnapshotMeta, data: Uint8Array): Promise<void> {
    this.assertSnapshotAllowed(meta, data);
    await writeSnapshotFile(this.config.fs, this.config.snapDir, meta, data, this.config.fsync);
    // Appends may have run while the file was written: check again against the log as it is now.
    this.assertSnapshotAllowed(meta, data);
    const outcome = this.tracker.applySnapshot(meta);
    this.markers = outcome === 'reset' ? [meta] : [meta, ...this.markers];
    const bytes = encodeRecords([{ type: 'snapshot', meta, replacesLog: outcome === 'reset' }]);
    await this.committer.submit({ bytes, lastIndex: this.tracker.lastIndex, snapshot: meta }, bytes.length);
    await this.pruneSnapshots();
  }

  async loadLatestSnapshot(): Promise<Snapshot | null> {
    const refusal = this.refusal();
    if (refusal !== null) throw refusal;
    const failures: string[] = [];
    for (const meta of this.markers) {
      const loaded = await readSnapshotFile(this.config.fs, this.config.snapDir, meta);
      if (typeof loaded !== 'string') return loaded;
      failures.push(`${describeSnapshotFile(this.config.snapDir)(meta)}: ${loaded}`);
    }
    if (failures.length === 0) return null;
    throw new SnapshotCorruptError(failures, failures.join('; '));
  }

  async releaseBefore(index: number): Promise<number> {
    const refusal = this.refusal();
    if (refusal !== null) throw refusal;
    // Only entries a durable snapshot marker covers may go.
    const limit = Math.min(index, (this.written.snapshot?.index ?? 0) + 1);
    const releasable = this.active.headerDurable ? this.segments.length - 1 : this.segments.length - 2;
    let count = 0;
    while (count < releasable && this.segments[count + 1]!.firstIndex <= limit) count++;
    const victims = this.segments.splice(0, count);
    for (const victim of victims) await this.config.fs.unlink(this.segmentPath(victim));
    if (count > 0 && this.config.fsync) await this.config.fs.syncDir(this.config.walDir);
    // Entries from the first retained segment's firstIndex on are all still on disk.
    const retainedFrom = this.segments[0]!.firstIndex - 1;
    this.markers = this.markers.filter((m) => m.index >= retainedFrom);
    return count;
  }

  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.status = 'closing';
    this.closing = (async () => {
      await this.committer.idle();
      this.status = 'closed';
      await this.active.file.close();
    })();
    return this.closing;
  }

  stats(): WalStats {
    return { ...this.counters, segments: this.segments.length };
  }

  /** Stops all work at once, rejecting pending appends with `error`: a simulated crash. */
  abandon(error: Error): void {
    this.status = 'closed';
    this.closing = Promise.resolve();
    this.committer.fail(error);
  }

  private refusal(): Error | null {
    if (this.failure !== null) return this.failure;
    return this.status === 'open' ? null : new WalClosedError();
  }

  private assertSnapshotAllowed(meta: SnapshotMeta, data: Uint8Array): void {
    const refusal = this.refusal();
    if (refusal !== null) throw refusal;
    if (!(data instanceof Uint8Array)) throw new WalAppendError('snapshot data is not bytes');
    const problem = checkSnapshotMeta(this.tracker, meta);
    if (problem !== null) throw new WalAppendError(problem);
  }

  private async flush(items: readonly QueuedWrite[]): Promise<void> {
    try {
      const header = this.active.sizeBytes >= this.config.segmentSizeBytes ? await this.cut() : null;
      const chunks = items.map((item) => item.bytes);
      if (header !== null) chunks.unshift(header);
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      await this.writeAndSync(bytes);
      for (const item of items) this.noteWritten(item);
    } catch (error) {
      this.failure ??= new WalFailedError(error);
      throw this.failure;
    }
  }

  private async writeAndSync(bytes: Buffer): Promise<void> {
    const active = this.active;
    if (bytes.length > 0) {
      await active.file.write(bytes, active.sizeBytes);
      active.sizeBytes += bytes.length;
      this.counters.bytesWritten += bytes.length;
      if (this.config.fsync) {
        await active.file.datasync();
        this.counters.fsyncs++;
      }
    }
    active.headerDurable = true;
    this.counters.batches++;
  }

  private noteWritten(item: QueuedWrite): void {
    this.written.lastIndex = item.lastIndex;
    if (item.hardState !== undefined) this.written.hardState = item.hardState;
    if (item.snapshot !== undefined) this.written.snapshot = item.snapshot;
  }

  /** Seals the active segment and starts the next; returns the header records for its first write. */
  private async cut(): Promise<Buffer> {
    const name: SegmentName = { seq: this.active.name.seq + 1, firstIndex: this.written.lastIndex + 1 };
    const file = await this.config.fs.create(this.segmentPath(name));
    if (this.config.fsync) await this.config.fs.syncDir(this.config.walDir);
    const sealed = this.active;
    this.active = { name, file, sizeBytes: 0, headerDurable: false };
    this.segments.push(name);
    await sealed.file.close();
    const header: WalRecord[] = [];
    if (this.written.hardState !== null) header.push({ type: 'hardState', hardState: this.written.hardState });
    // A copy repeats a decision already taken: it never replaces the log.
    if (this.written.snapshot !== null) header.push({ type: 'snapshot', meta: this.written.snapshot, replacesLog: false });
    return encodeRecords(header);
  }

  private async pruneSnapshots(): Promise<void> {
    const current = this.written.snapshot;
    if (current === null) return;
    const files = await listSnapshotFiles(this.config.fs, this.config.snapDir);
    const doomed = files.slice(this.config.snapshotsRetained).filter((f) => f.meta.index < current.index);
    for (const { file } of doomed) await this.config.fs.unlink(file);
    const gone = new Set(doomed.map((f) => `${f.meta.index}/${f.meta.term}`));
    this.markers = this.markers.filter((m) => !gone.has(`${m.index}/${m.term}`));
  }

  private segmentPath(name: SegmentName): string {
    return path.join(this.config.walDir, segmentFileName(name));
  }
}
