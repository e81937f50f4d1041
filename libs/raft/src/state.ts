// The whole state of one Raft member, as an immutable value. `createRaft` builds it for a new
// member or from what the adapter loaded from disk (last snapshot, hard state, log entries).

import { resolveConfig, type RaftConfig, type ResolvedConfig } from './config.js';
import { RaftConfigError } from './errors.js';
import { append, commitTo, emptyLog, lastIndex, type RaftLog } from './log.js';
import type { Progress } from './progress.js';
import { emptyReadOnly, type ReadOnlyState, type ReadState } from './read-only.js';
import { emptyHardState, Role, type Entry, type HardState, type MemberId, type Snapshot, type SnapshotMeta } from './types.js';

/** A snapshot being received chunk by chunk (Raft §7 Figure 13). */
export interface IncomingSnapshot {
  readonly meta: SnapshotMeta;
  readonly chunks: readonly Uint8Array[];
  readonly receivedBytes: number;
}

export interface RaftState {
  readonly config: ResolvedConfig;
  readonly role: Role;
  readonly term: number;
  readonly vote: MemberId | null;
  readonly lead: MemberId | null;
  /** Heard from a live leader since the last election timeout, or is the leader (the "lease"). */
  readonly leaderContact: boolean;
  readonly log: RaftLog;
  /** The newest snapshot (taken here or installed from the leader): what this member sends when leading. */
  readonly snapshot: Snapshot | null;
  /** Votes received in the current (pre-)election. */
  readonly votes: ReadonlyMap<MemberId, boolean>;
  /** Leader only: one Progress per other member. */
  readonly progress: ReadonlyMap<MemberId, Progress>;
  /** Leader only: the member leadership is being handed to (thesis §3.10). */
  readonly transferee: MemberId | null;
  readonly readOnly: ReadOnlyState;
  /** Granted reads whose index this member has not committed yet. */
  readonly readsAwaitingCommit: readonly ReadState[];
  readonly incomingSnapshot: IncomingSnapshot | null;
  /** The hard state last handed to the adapter, to emit it only when it changes. */
  readonly persistedHardState: HardState;
}

/** What the adapter loaded from disk on restart. */
export interface RestoreState {
  readonly hardState?: HardState;
  readonly snapshot?: Snapshot | null;
  /** Log entries after the snapshot, in order (older ones are dropped). */
  readonly entries?: readonly Entry[];
  /** Index the state machine has applied (default: the snapshot's index). */
  readonly applied?: number;
}

export function createRaft(config: RaftConfig, restore: RestoreState = {}): RaftState {
  const resolved = resolveConfig(config);
  const hardState = restore.hardState ?? emptyHardState;
  const snapshot = restore.snapshot ?? null;
  const log = restoreLog(snapshot, restore.entries ?? [], hardState.commit, restore.applied);
  return {
    config: resolved,
    role: Role.follower,
    term: hardState.term,
    vote: hardState.vote,
    lead: null,
    leaderContact: false,
    log,
    snapshot,
    votes: new Map(),
    progress: new Map(),
    transferee: null,
    readOnly: emptyReadOnly(),
    readsAwaitingCommit: [],
    incomingSnapshot: null,
    persistedHardState: { term: hardState.term, vote: hardState.vote, commit: log.committed },
  };
}

function restoreLog(snapshot: Snapshot | null, entries: readonly Entry[], commit: number, applied: number | undefined): RaftLog {
  const base = emptyLog(snapshot?.meta.index ?? 0, snapshot?.meta.term ?? 0);
  const kept = entries.filter((e) => e.index > base.compactedIndex);
  kept.forEach((e, i) => {
    if (e.index !== base.compactedIndex + 1 + i) throw new RaftConfigError(`restored entries have a gap at ${e.index}`);
  });
  const log = { ...append(base, kept), unstableFrom: base.compactedIndex + kept.length + 1 };
  const committed = commitTo(log, commit);
  const appliedIndex = Math.min(Math.max(applied ?? base.applied, base.applied), committed.committed);
  if (commit > lastIndex(log)) throw new RaftConfigError(`commit ${commit} is past the last entry ${lastIndex(log)}`);
  return { ...committed, applied: appliedIndex };
}

export function isMember(s: RaftState, id: MemberId): boolean {
  return s.config.members.includes(id);
}

export function peers(s: RaftState): MemberId[] {
  return s.config.members.filter((id) => id !== s.config.id);
}

export function hardStateOf(s: RaftState): HardState {
  return { term: s.term, vote: s.vote, commit: s.log.committed };
}

/** term/from/to of a message this member sends now. */
export function envelope(s: RaftState, to: MemberId): { term: number; from: MemberId; to: MemberId } {
  return { term: s.term, from: s.config.id, to };
}

export function withProgress(s: RaftState, id: MemberId, pr: Progress): RaftState {
  return { ...s, progress: new Map(s.progress).set(id, pr) };
}
