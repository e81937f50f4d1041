// Plain data shared by every Raft module. Everything here survives msgpack unchanged: numbers,
// strings, booleans, null, arrays, Uint8Array.

/** A member id, as it appears in subjects (`store.raft.<member>`). */
export type MemberId = string;

/** One log entry (Raft §5.3). An entry with empty `data` is a leader's no-op (Raft §8). */
export interface Entry {
  readonly index: number;
  readonly term: number;
  readonly data: Uint8Array;
}

/** What must be on disk before any message of the same Ready leaves (Raft Figure 2, "persistent state"). */
export interface HardState {
  readonly term: number;
  readonly vote: MemberId | null;
  readonly commit: number;
}

/** Describes what a snapshot covers (Raft §7): the last included entry and the membership then. */
export interface SnapshotMeta {
  readonly index: number;
  readonly term: number;
  readonly members: readonly MemberId[];
}

/** A state machine snapshot: opaque bytes made by the application plus its metadata. */
export interface Snapshot {
  readonly meta: SnapshotMeta;
  readonly data: Uint8Array;
}

export const Role = {
  follower: 'follower',
  preCandidate: 'preCandidate',
  candidate: 'candidate',
  leader: 'leader',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const emptyHardState: HardState = { term: 0, vote: null, commit: 0 };

/** Rough wire size of an entry, used to cut batches at `maxSizePerMsgBytes`. */
export function entrySizeBytes(entry: Entry): number {
  return entry.data.byteLength + 16;
}
