// The output of one step (etcd's Ready). Handle Readies strictly in order, each one like this:
//   1. persist snapshotToInstall (if any), entriesToPersist and hardState (if not null), and fsync;
//      entriesToPersist[0].index may be <= your last index: drop your entries from there first;
//   2. send messages;
//   3. restore the state machine from snapshotToInstall, then apply committedEntries in order;
//   4. serve readStates (their index is <= everything applied so far).
// Several Readies may share one fsync (group commit) as long as no message of a Ready leaves
// before its own persistence is done.

import { lastIndex, takeCommitted, takeUnstable } from './log.js';
import type { Message } from './messages.js';
import type { ReadState } from './read-only.js';
import { hardStateOf, type RaftState } from './state.js';
import type { Entry, HardState, MemberId, Role, Snapshot } from './types.js';

export type ProposeResult =
  | { readonly ok: true; readonly requestId: string | null; readonly term: number; readonly firstIndex: number; readonly lastIndex: number }
  | { readonly ok: false; readonly requestId: string | null; readonly reason: 'notLeader' | 'transferring'; readonly leaderId: MemberId | null };

export interface SoftState {
  readonly role: Role;
  readonly term: number;
  readonly leaderId: MemberId | null;
}

export interface Ready {
  readonly hardState: HardState | null;
  readonly snapshotToInstall: Snapshot | null;
  readonly entriesToPersist: readonly Entry[];
  readonly messages: readonly Message[];
  readonly committedEntries: readonly Entry[];
  readonly readStates: readonly ReadState[];
  readonly softState: SoftState;
  readonly softStateChanged: boolean;
  /** The answer to a `propose` input, null for other inputs. */
  readonly proposal: ProposeResult | null;
  /** Restart the randomized election timer (a leader's CheckQuorum timer). */
  readonly resetElectionTimer: boolean;
}

export interface StepResult {
  readonly state: RaftState;
  readonly ready: Ready;
}

/** Side outputs collected during one step; local to `step`, never part of the state. */
export interface Outbox {
  readonly messages: Message[];
  readonly readStates: ReadState[];
  snapshotToInstall: Snapshot | null;
  proposal: ProposeResult | null;
  resetElectionTimer: boolean;
}

export function newOutbox(): Outbox {
  return { messages: [], readStates: [], snapshotToInstall: null, proposal: null, resetElectionTimer: false };
}

export function buildReady(before: RaftState, after: RaftState, out: Outbox): StepResult {
  const reads = releaseReads(after, out);
  const unstable = takeUnstable(reads.log);
  const committed = takeCommitted(unstable.log);
  const hardState = changedHardState(reads);
  const state: RaftState = { ...reads, log: committed.log, persistedHardState: hardState ?? reads.persistedHardState };
  const softState = softStateOf(state);
  const ready: Ready = {
    hardState,
    snapshotToInstall: out.snapshotToInstall,
    entriesToPersist: unstable.entries,
    messages: out.messages,
    committedEntries: committed.entries,
    readStates: out.readStates,
    softState,
    softStateChanged: !sameSoftState(softStateOf(before), softState),
    proposal: out.proposal,
    resetElectionTimer: out.resetElectionTimer,
  };
  return { state, ready };
}

export function softStateOf(s: RaftState): SoftState {
  return { role: s.role, term: s.term, leaderId: s.lead };
}

/** True when the Ready asks nothing of the adapter. */
export function isEmptyReady(r: Ready): boolean {
  return (
    r.hardState === null &&
    r.snapshotToInstall === null &&
    r.entriesToPersist.length === 0 &&
    r.messages.length === 0 &&
    r.committedEntries.length === 0 &&
    r.readStates.length === 0 &&
    r.proposal === null &&
    !r.softStateChanged
  );
}

function sameSoftState(a: SoftState, b: SoftState): boolean {
  return a.role === b.role && a.term === b.term && a.leaderId === b.leaderId;
}

function changedHardState(s: RaftState): HardState | null {
  const now = hardStateOf(s);
  const old = s.persistedHardState;
  return now.term === old.term && now.vote === old.vote && now.commit === old.commit ? null : now;
}

/** Granted reads wait until this member has committed their index (a follower may lag the leader). */
function releaseReads(s: RaftState, out: Outbox): RaftState {
  if (s.readsAwaitingCommit.length === 0) return s;
  const commit = Math.min(s.log.committed, lastIndex(s.log));
  const waiting: ReadState[] = [];
  for (const read of s.readsAwaitingCommit) (read.ok && read.index > commit ? waiting : out.readStates).push(read);
  return { ...s, readsAwaitingCommit: waiting };
}
