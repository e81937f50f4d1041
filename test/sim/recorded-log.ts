// What one member incarnation has handed to its write-ahead log, as (index -> term, digest), so the
// simulation can compare logs across members without reaching into the Raft core. RecordingWal
// sits between the member and its MemoryWal and keeps the record in step with every append and
// snapshot; a restart rebuilds the record from what recovery returned.

import type { AppendRequest, Snapshot, SnapshotMeta, WalEntry, WalState, WriteAheadLog } from '@skiff/wal';

export interface EntryMark {
  readonly term: number;
  /** FNV-1a of the entry's bytes: the same command on every member. */
  readonly digest: number;
}

export class RecordedLog {
  private readonly marks = new Map<number, EntryMark>();
  private last = 0;

  static fromState(state: WalState): RecordedLog {
    const log = new RecordedLog();
    log.last = state.snapshotMeta?.index ?? 0;
    log.append(state.entries);
    return log;
  }

  get lastIndex(): number {
    return this.last;
  }

  get(index: number): EntryMark | undefined {
    return this.marks.get(index);
  }

  /** An append may start at or below the last index: the suffix from there is replaced. */
  append(entries: readonly WalEntry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    for (let i = first.index; i <= this.last; i++) this.marks.delete(i);
    for (const e of entries) this.marks.set(e.index, { term: e.term, digest: fnv1a(e.data) });
    this.last = entries.at(-1)!.index;
  }

  /** Raft §7: a snapshot whose last entry the log holds keeps the log; otherwise it replaces it. */
  snapshot(meta: SnapshotMeta): void {
    if (this.marks.get(meta.index)?.term === meta.term) return;
    this.marks.clear();
    this.last = meta.index;
  }
}

export interface AppendObserver {
  /** Called before the entries are recorded (and before the log sees them). */
  beforeAppend(entries: readonly WalEntry[]): void;
}

export class RecordingWal implements WriteAheadLog {
  constructor(
    private readonly inner: WriteAheadLog,
    readonly log: RecordedLog,
    private readonly observer: AppendObserver,
  ) {}

  append(request: AppendRequest): Promise<void> {
    this.observer.beforeAppend(request.entries);
    this.log.append(request.entries);
    return this.inner.append(request);
  }

  saveSnapshot(meta: SnapshotMeta, data: Uint8Array): Promise<void> {
    this.log.snapshot(meta);
    return this.inner.saveSnapshot(meta, data);
  }

  loadLatestSnapshot(): Promise<Snapshot | null> {
    return this.inner.loadLatestSnapshot();
  }

  releaseBefore(index: number): Promise<number> {
    return this.inner.releaseBefore(index);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}
