// What a follower does with its leader's messages (Raft §5.3, §7) and with TimeoutNow (thesis §3.10).

import { CampaignKind, campaign } from './election.js';
import { commitTo, findConflictByTerm, lastIndex, maybeAppend } from './log.js';
import type { AppendEntries, AppendEntriesResp, Heartbeat, ReadIndexResp } from './messages.js';
import type { Outbox } from './ready.js';
import { envelope, type RaftState } from './state.js';

export function handleAppendEntries(s: RaftState, m: AppendEntries, out: Outbox): RaftState {
  // Everything up to our commit index matches the leader already (Log Matching, Raft §5.3).
  if (m.prevLogIndex < s.log.committed) return replyAppend(s, m.from, out, { success: true, index: s.log.committed });
  const result = maybeAppend(s.log, m.prevLogIndex, m.prevLogTerm, m.entries);
  if (result === null) return rejectAppend(s, m, out);
  // Raft Figure 2: commitIndex = min(leaderCommit, index of last new entry).
  const log = commitTo(result.log, Math.min(m.commit, result.lastNewIndex));
  return replyAppend({ ...s, log }, m.from, out, { success: true, index: result.lastNewIndex });
}

/** The hint: our last entry that may match, skipping every entry of a term newer than prevLogTerm. */
function rejectAppend(s: RaftState, m: AppendEntries, out: Outbox): RaftState {
  const hint = findConflictByTerm(s.log, Math.min(m.prevLogIndex, lastIndex(s.log)), m.prevLogTerm);
  return replyAppend(s, m.from, out, { success: false, index: m.prevLogIndex, hintIndex: hint.index, hintTerm: hint.term });
}

function replyAppend(s: RaftState, to: string, out: Outbox, f: Pick<AppendEntriesResp, 'success' | 'index'> & Partial<AppendEntriesResp>): RaftState {
  out.messages.push({ type: 'AppendEntriesResp', ...envelope(s, to), success: f.success, index: f.index, hintIndex: f.hintIndex ?? 0, hintTerm: f.hintTerm ?? 0 });
  return s;
}

/** The leader only sends a commit index this follower is known to hold; clamp anyway. */
export function handleHeartbeat(s: RaftState, m: Heartbeat, out: Outbox): RaftState {
  out.messages.push({ type: 'HeartbeatResp', ...envelope(s, m.from), context: m.context });
  return { ...s, log: commitTo(s.log, m.commit) };
}

/** Thesis §3.10: campaign at once, skipping PreVote, and tell voters to ignore their leader lease. */
export function handleTimeoutNow(s: RaftState, out: Outbox): RaftState {
  return campaign(s, CampaignKind.transfer, out);
}

/** The leader granted a forwarded read; serve it once this member has committed that far. */
export function handleReadIndexResponse(s: RaftState, m: ReadIndexResp): RaftState {
  return { ...s, readsAwaitingCommit: [...s.readsAwaitingCommit, { requestId: m.requestId, ok: true, index: m.index }] };
}
