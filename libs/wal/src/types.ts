// The data a Raft member persists (Raft §5.2 "Persistent state on all servers", and §7 for the
// snapshot's last included index and term). Indices and terms are JS numbers (safe integers).

/** One Raft log entry. `data` is opaque to the log. */
export interface WalEntry {
  readonly index: number;
  readonly term: number;
  readonly data: Uint8Array;
}

/** currentTerm, votedFor and the commit index (etcd's raftpb.HardState). */
export interface HardState {
  readonly term: number;
  /** The member voted for in `term`, or null. */
  readonly vote: string | null;
  readonly commit: number;
}

/** What a snapshot replaces: the log up to and including (index, term). */
export interface SnapshotMeta {
  readonly index: number;
  readonly term: number;
}

export interface Snapshot {
  readonly meta: SnapshotMeta;
  readonly data: Uint8Array;
}

export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: null, commit: 0 });

/** One record of the log, as framed on disk. */
export type WalRecord =
  | { readonly type: 'entry'; readonly entry: WalEntry }
  | { readonly type: 'hardState'; readonly hardState: HardState }
  /**
   * A snapshot marker. `replacesLog` records the Raft §7 decision taken when it was saved (the log
   * did not hold the snapshot's last entry, so the whole log was discarded): replay repeats the
   * decision instead of re-deriving it, since the entries it would need may have been released.
   */
  | { readonly type: 'snapshot'; readonly meta: SnapshotMeta; readonly replacesLog: boolean };

/** What a member recovers on start: the snapshot to load, then the entries after it. */
export interface WalState {
  readonly hardState: HardState;
  /** Entries after the snapshot (index > snapshotMeta.index), contiguous, in order. */
  readonly entries: readonly WalEntry[];
  readonly snapshotMeta: SnapshotMeta | null;
  /** The snapshot `snapshotMeta` names, already read and verified (null when there is none). */
  readonly snapshot: Snapshot | null;
}

/** Things recovery fixed or skipped on its own; the caller should log them. */
export type WalWarning =
  | { readonly type: 'tornTailTruncated'; readonly file: string; readonly offsetBytes: number; readonly droppedBytes: number }
  | { readonly type: 'snapshotUnusable'; readonly file: string; readonly reason: string }
  | { readonly type: 'orphanSnapshotRemoved'; readonly file: string };

export interface WalOpenResult<W> {
  readonly wal: W;
  readonly state: WalState;
  readonly warnings: readonly WalWarning[];
}

export interface AppendRequest {
  /** Contiguous entries; the first may start at or below the last index to overwrite a suffix. */
  readonly entries: readonly WalEntry[];
  readonly hardState?: HardState;
}

/** The port a Raft adapter writes through: `Wal` (files) and `MemoryWal` (simulation). */
export interface WriteAheadLog {
  /** Resolves once the records are durable (after fdatasync when fsync is on). */
  append(request: AppendRequest): Promise<void>;
  /** Stores the snapshot durably, then appends its marker to the log. */
  saveSnapshot(meta: SnapshotMeta, data: Uint8Array): Promise<void>;
  /** The newest usable snapshot (verified), or null when there is none. */
  loadLatestSnapshot(): Promise<Snapshot | null>;
  /** Deletes log segments whose entries all lie below `index` (clamped to the snapshot). Returns how many. */
  releaseBefore(index: number): Promise<number>;
  /** Waits for queued appends, then closes. Later calls fail with WalClosedError. */
  close(): Promise<void>;
}
