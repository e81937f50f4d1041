// The leader's side of log replication (Raft §5.3, §5.4.2) with etcd-style flow control: one probe
// at a time while searching for the match point, then a pipeline of up to maxInflightMsgs batches
// of at most maxSizePerMsgBytes. Costs O(batch) per member per call: nothing here walks the log.

import { appendNew, commitTo, entriesFrom, findConflictByTerm, lastIndex, termAt } from './log.js';
import type { AppendEntriesResp, HeartbeatResp } from './messages.js';
import { becomeProbe, becomeReplicate, isPaused, maybeDecrTo, maybeUpdate, ProgressState, sentEntries, type Progress } from './progress.js';
import { freeFirstInflight, inflightsFull } from './inflights.js';
import { majorityValue } from './quorum.js';
import { ackRead, flushReadsAwaitingCommit } from './read-index.js';
import type { Outbox } from './ready.js';
import { sendSnapshotChunk, startSnapshot } from './snapshot-send.js';
import { envelope, peers, withProgress, type RaftState } from './state.js';
import { maybeSendTimeoutNow } from './transfer.js';

/** Appends entries of the current term at the leader and commits whatever that makes committed. */
export function appendAtLeader(s: RaftState, datas: readonly Uint8Array[], out: Outbox): RaftState {
  return maybeCommit({ ...s, log: appendNew(s.log, s.term, datas) }, out);
}

/** Raft §5.4.2: commit the index a majority holds, but only if it is an entry of the current term. */
export function maybeCommit(s: RaftState, out: Outbox): RaftState {
  const matches = s.config.members.map((id) => (id === s.config.id ? lastIndex(s.log) : (s.progress.get(id)?.match ?? 0)));
  const index = majorityValue(matches);
  if (index <= s.log.committed || termAt(s.log, index) !== s.term) return s;
  return flushReadsAwaitingCommit({ ...s, log: commitTo(s.log, index) }, out);
}

export function bcastAppend(s: RaftState, out: Outbox): RaftState {
  return peers(s).reduce((acc, id) => sendAppend(acc, id, out, true), s);
}

/** Sends as many AppendEntries to `to` as its progress allows (at least an empty one if sendIfEmpty). */
export function sendAppend(s: RaftState, to: string, out: Outbox, sendIfEmpty: boolean): RaftState {
  let result = trySendAppend(s, to, out, sendIfEmpty);
  for (let i = 0; result.sentEntries && i < s.config.maxInflightMsgs; i++) result = trySendAppend(result.state, to, out, false);
  return result.state;
}

function trySendAppend(s: RaftState, to: string, out: Outbox, sendIfEmpty: boolean): { state: RaftState; sentEntries: boolean } {
  const pr = s.progress.get(to);
  if (pr === undefined || isPaused(pr)) return { state: s, sentEntries: false };
  const prevLogIndex = pr.next - 1;
  const prevLogTerm = termAt(s.log, prevLogIndex);
  // Raft §7: the entries this follower needs were compacted away: send the snapshot instead.
  if (prevLogTerm === undefined) return { state: startSnapshot(s, to, pr, out), sentEntries: false };
  const entries = entriesFrom(s.log, pr.next, s.config.maxSizePerMsgBytes);
  if (entries.length === 0 && !sendIfEmpty) return { state: s, sentEntries: false };
  out.messages.push({ type: 'AppendEntries', ...envelope(s, to), prevLogIndex, prevLogTerm, entries, commit: s.log.committed });
  const next = withProgress(s, to, sentEntries(pr, prevLogIndex + entries.length, entries.length));
  return { state: next, sentEntries: entries.length > 0 };
}

/** Commit goes only as far as the follower is known to match, so it never commits what it lacks. */
export function bcastHeartbeat(s: RaftState, out: Outbox): RaftState {
  for (const [to, pr] of s.progress) {
    out.messages.push({ type: 'Heartbeat', ...envelope(s, to), commit: Math.min(pr.match, s.log.committed), context: s.readOnly.round });
  }
  return s;
}

export function handleAppendResponse(s: RaftState, m: AppendEntriesResp, out: Outbox): RaftState {
  const pr = s.progress.get(m.from);
  if (pr === undefined) return s;
  if (!m.success) return handleReject(s, m, pr, out);
  if (m.index > lastIndex(s.log)) return s;
  // A probe answered at the known match (e.g. right after a snapshot) also proves the follower in step.
  const updated = maybeUpdate(pr, m.index) ?? (pr.state === ProgressState.probe && pr.match === m.index ? pr : null);
  if (updated === null) return s;
  const before = s.log.committed;
  const committed = maybeCommit(withProgress(s, m.from, afterAck(updated)), out);
  // A new commit index reaches followers with the next AppendEntries; send it now (etcd does too).
  const sent = committed.log.committed > before ? bcastAppend(committed, out) : sendAppend(committed, m.from, out, false);
  return maybeSendTimeoutNow(sent, m.from, out);
}

function afterAck(pr: Progress): Progress {
  if (pr.state === ProgressState.probe) return becomeReplicate(pr);
  if (pr.state === ProgressState.snapshot && pr.match >= pr.pendingSnapshot) return becomeProbe(pr);
  return pr;
}

/** Raft §5.3: back up nextIndex, a whole conflicting term at a time thanks to the follower's hint. */
function handleReject(s: RaftState, m: AppendEntriesResp, pr: Progress, out: Outbox): RaftState {
  const hint = m.hintTerm > 0 ? findConflictByTerm(s.log, m.hintIndex, m.hintTerm).index : m.hintIndex;
  const decreased = maybeDecrTo(pr, m.index, hint);
  return decreased === null ? s : sendAppend(withProgress(s, m.from, decreased), m.from, out, true);
}

/** A heartbeat answer: the follower is alive, so unpause it and retry what may have been lost. */
export function handleHeartbeatResponse(s: RaftState, m: HeartbeatResp, out: Outbox): RaftState {
  const pr = s.progress.get(m.from);
  if (pr === undefined) return s;
  const unpaused = { ...pr, probeSent: false, inflights: inflightsFull(pr.inflights) ? freeFirstInflight(pr.inflights) : pr.inflights };
  let next = withProgress(s, m.from, unpaused);
  if (pr.state === ProgressState.snapshot) next = sendSnapshotChunk(next, m.from, out);
  else if (pr.match < lastIndex(s.log)) next = sendAppend(next, m.from, out, true);
  return ackRead(next, m.from, m.context, out);
}
