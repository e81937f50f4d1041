// What the leader knows about one follower (etcd's tracker/progress.go, Raft §5.3 nextIndex /
// matchIndex). States:
//   probe      : next is a guess; send one AppendEntries, then wait for its answer or a heartbeat.
//   replicate  : the follower is in step; pipeline up to `capacity` messages, next moves optimistically.
//   snapshot   : next is behind the first retained entry; stream InstallSnapshot chunks, no appends.

import { addInflight, emptyInflights, freeInflightsTo, inflightsFull, type Inflights } from './inflights.js';
import type { Snapshot } from './types.js';

export const ProgressState = { probe: 'probe', replicate: 'replicate', snapshot: 'snapshot' } as const;
export type ProgressState = (typeof ProgressState)[keyof typeof ProgressState];

export interface Progress {
  readonly state: ProgressState;
  readonly match: number;
  readonly next: number;
  /** probe: an AppendEntries is out; wait for its answer (or a heartbeat answer). */
  readonly probeSent: boolean;
  /**
   * snapshot: the snapshot being sent (a reference, kept until the transfer ends so that newer
   * snapshots cannot restart it forever), its index, and the bytes the follower holds so far.
   */
  readonly snapshot: Snapshot | null;
  readonly pendingSnapshot: number;
  readonly snapshotOffset: number;
  readonly inflights: Inflights;
  /** Heard from since the last CheckQuorum round (thesis §6.2). */
  readonly recentActive: boolean;
}

export function newProgress(next: number, maxInflightMsgs: number): Progress {
  return {
    state: ProgressState.probe,
    match: 0,
    next,
    probeSent: false,
    snapshot: null,
    pendingSnapshot: 0,
    snapshotOffset: 0,
    inflights: emptyInflights(maxInflightMsgs),
    recentActive: false,
  };
}

export function becomeProbe(pr: Progress): Progress {
  // After a snapshot the follower holds at least the snapshot's entries.
  const next = pr.state === ProgressState.snapshot ? Math.max(pr.match + 1, pr.pendingSnapshot + 1) : pr.match + 1;
  return { ...pr, state: ProgressState.probe, next, probeSent: false, ...noSnapshot, inflights: emptyInflights(pr.inflights.capacity) };
}

export function becomeReplicate(pr: Progress): Progress {
  return { ...pr, state: ProgressState.replicate, next: pr.match + 1, probeSent: false, ...noSnapshot, inflights: emptyInflights(pr.inflights.capacity) };
}

export function becomeSnapshot(pr: Progress, snapshot: Snapshot): Progress {
  const sending = { snapshot, pendingSnapshot: snapshot.meta.index, snapshotOffset: 0 };
  return { ...pr, state: ProgressState.snapshot, ...sending, probeSent: false, inflights: emptyInflights(pr.inflights.capacity) };
}

const noSnapshot = { snapshot: null, pendingSnapshot: 0, snapshotOffset: 0 } as const;

/** A successful AppendEntries answer acknowledged `index`; returns null when it tells nothing new. */
export function maybeUpdate(pr: Progress, index: number): Progress | null {
  // next >= match + 1 always, so an old index can move nothing.
  if (index <= pr.match) return null;
  const updated = { ...pr, match: index, next: Math.max(pr.next, index + 1), probeSent: false };
  return { ...updated, inflights: freeInflightsTo(updated.inflights, index) };
}

/**
 * A rejected AppendEntries for prevIndex `rejected`; `hintIndex` is the last index that may match
 * (from the follower's conflict hint). Returns null when the rejection is stale (Raft §5.3 backing up).
 */
export function maybeDecrTo(pr: Progress, rejected: number, hintIndex: number): Progress | null {
  if (pr.state === ProgressState.replicate) {
    return rejected <= pr.match ? null : becomeProbe(pr);
  }
  if (pr.next - 1 !== rejected) return null;
  return { ...pr, next: Math.max(Math.min(rejected, hintIndex + 1), pr.match + 1), probeSent: false };
}

/** Records that an AppendEntries carrying entries up to `lastSentIndex` left (count = entries in it). */
export function sentEntries(pr: Progress, lastSentIndex: number, count: number): Progress {
  if (pr.state === ProgressState.replicate) {
    return count === 0 ? pr : { ...pr, next: lastSentIndex + 1, inflights: addInflight(pr.inflights, lastSentIndex) };
  }
  return { ...pr, probeSent: true };
}

export function isPaused(pr: Progress): boolean {
  if (pr.state === ProgressState.probe) return pr.probeSent;
  if (pr.state === ProgressState.replicate) return inflightsFull(pr.inflights);
  return true;
}
