// The leader's side of ReadIndex (Raft §8, thesis §6.4):
//   1. until an entry of its own term is committed, hold reads (its commit index may be behind);
//   2. record the commit index as the read index and start a heartbeat round;
//   3. once a majority answered that round, the read index is safe: hand it out (or forward it).

import { termAt } from './log.js';
import { majorityValue } from './quorum.js';
import { ReadFailure, type PendingRead, type ReadRequest } from './read-only.js';
import type { Outbox } from './ready.js';
import { bcastHeartbeat } from './replication.js';
import { envelope, type RaftState } from './state.js';
import { sliceAt, sliceDropFront, sliceLength, slicePush } from './slice.js';
import type { MemberId } from './types.js';

export function committedInTerm(s: RaftState): boolean {
  return termAt(s.log, s.log.committed) === s.term;
}

export function startReads(s: RaftState, requests: readonly ReadRequest[], out: Outbox): RaftState {
  if (requests.length === 0) return s;
  const ro = s.readOnly;
  if (!committedInTerm(s)) return { ...s, readOnly: { ...ro, awaitingLeaderCommit: [...ro.awaitingLeaderCommit, ...requests] } };
  const round = ro.round + 1;
  const reads: PendingRead[] = requests.map((r) => ({ ...r, index: s.log.committed, round }));
  const next = { ...s, readOnly: { ...ro, round, pending: slicePush(ro.pending, reads) } };
  return releaseConfirmed(bcastHeartbeat(next, out), out);
}

/** Called whenever the leader's commit index moves: the first commit of its term frees held reads. */
export function flushReadsAwaitingCommit(s: RaftState, out: Outbox): RaftState {
  const waiting = s.readOnly.awaitingLeaderCommit;
  if (waiting.length === 0 || !committedInTerm(s)) return s;
  return startReads({ ...s, readOnly: { ...s.readOnly, awaitingLeaderCommit: [] } }, waiting, out);
}

/** A heartbeat answer echoing round `context` acknowledges every round up to it. */
export function ackRead(s: RaftState, from: MemberId, context: number, out: Outbox): RaftState {
  const acks = s.readOnly.acks;
  if ((acks.get(from) ?? 0) >= context) return s;
  return releaseConfirmed({ ...s, readOnly: { ...s.readOnly, acks: new Map(acks).set(from, context) } }, out);
}

function releaseConfirmed(s: RaftState, out: Outbox): RaftState {
  const ro = s.readOnly;
  const confirmed = majorityValue(s.config.members.map((id) => (id === s.config.id ? ro.round : (ro.acks.get(id) ?? 0))));
  let count = 0;
  for (let read = sliceAt(ro.pending, 0); read !== undefined && read.round <= confirmed; read = sliceAt(ro.pending, ++count)) {
    deliver(s, read, out);
  }
  return count === 0 ? s : { ...s, readOnly: { ...ro, pending: sliceDropFront(ro.pending, count) } };
}

function deliver(s: RaftState, read: PendingRead, out: Outbox): void {
  if (read.from === s.config.id) out.readStates.push({ requestId: read.requestId, ok: true, index: read.index });
  else out.messages.push({ type: 'ReadIndexResp', ...envelope(s, read.from), requestId: read.requestId, index: read.index });
}

/** A leader that loses leadership fails its own pending reads; forwarded ones time out at their member. */
export function failReads(s: RaftState, out: Outbox): RaftState {
  const ro = s.readOnly;
  const own = (r: { from: MemberId }): boolean => r.from === s.config.id;
  for (let i = 0; i < sliceLength(ro.pending); i++) {
    const read = sliceAt(ro.pending, i)!;
    if (own(read)) out.readStates.push({ requestId: read.requestId, ok: false, reason: ReadFailure.leadershipLost });
  }
  for (const read of ro.awaitingLeaderCommit.filter(own)) out.readStates.push({ requestId: read.requestId, ok: false, reason: ReadFailure.leadershipLost });
  return s;
}
