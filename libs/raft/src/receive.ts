// Routing of a peer's message: the term rules of Raft Figure 2 ("If RPC request or response
// contains term T > currentTerm: set currentTerm = T, convert to follower"), with the exceptions
// PreVote and the leader lease need, then dispatch by type and role.

import { handleVoteRequest, handleVoteResponse } from './election.js';
import { handleAppendEntries, handleHeartbeat, handleReadIndexResponse, handleTimeoutNow } from './follower.js';
import type { AppendEntries, Heartbeat, InstallSnapshot, Message } from './messages.js';
import { startReads } from './read-index.js';
import type { Outbox } from './ready.js';
import { handleAppendResponse, handleHeartbeatResponse } from './replication.js';
import { becomeFollower } from './roles.js';
import { handleInstallSnapshot } from './snapshot-receive.js';
import { handleSnapshotResponse } from './snapshot-send.js';
import { envelope, isMember, withProgress, type RaftState } from './state.js';
import { Role } from './types.js';

export function receive(s: RaftState, m: Message, out: Outbox): RaftState {
  if (m.to !== s.config.id || m.from === s.config.id || !isMember(s, m.from)) return s;
  if (m.term < s.term) return answerStale(s, m, out);
  if (m.term === s.term) return byType(s, m, out);
  const next = onHigherTerm(s, m, out);
  return next === null ? s : byType(next, m, out);
}

type FromLeader = AppendEntries | Heartbeat | InstallSnapshot;

function isFromLeader(m: Message): m is FromLeader {
  return m.type === 'AppendEntries' || m.type === 'Heartbeat' || m.type === 'InstallSnapshot';
}

/** null: ignore the message entirely. */
function onHigherTerm(s: RaftState, m: Message, out: Outbox): RaftState | null {
  if (m.type === 'RequestVote') {
    // Thesis §4.2.3: within the lease of a live leader, a vote request does not even bump our term.
    if (s.config.checkQuorum && s.leaderContact && !m.transfer) return null;
    // Thesis §9.6: a pre-vote never changes the voter's term.
    if (m.preVote) return s;
  }
  // A granted pre-vote carries the term the candidate will use, not one anybody is in yet.
  if (m.type === 'RequestVoteResp' && m.preVote && m.granted) return s;
  return becomeFollower(s, m.term, isFromLeader(m) ? m.from : null, out);
}

/** Raft §5.1: a request with a stale term is refused with our term, so its sender catches up. */
function answerStale(s: RaftState, m: Message, out: Outbox): RaftState {
  if (isFromLeader(m)) out.messages.push({ type: 'AppendEntriesResp', ...envelope(s, m.from), success: false, index: 0, hintIndex: 0, hintTerm: 0 });
  if (m.type === 'RequestVote') out.messages.push({ type: 'RequestVoteResp', ...envelope(s, m.from), preVote: m.preVote, granted: false });
  return s;
}

function byType(s: RaftState, m: Message, out: Outbox): RaftState {
  switch (m.type) {
    case 'RequestVote':
      return handleVoteRequest(s, m, out);
    case 'RequestVoteResp':
      return handleVoteResponse(s, m, out);
    case 'AppendEntries':
    case 'Heartbeat':
    case 'InstallSnapshot':
      return fromLeader(s, m, out);
    case 'TimeoutNow':
      return s.role === Role.follower ? handleTimeoutNow(s, out) : s;
    case 'ReadIndex':
      return s.role === Role.leader ? startReads(s, [{ requestId: m.requestId, from: m.from }], out) : s;
    case 'ReadIndexResp':
      return s.role === Role.follower ? handleReadIndexResponse(s, m) : s;
    default:
      return s.role === Role.leader ? fromFollower(s, m, out) : s;
  }
}

/** Raft §5.2: a (pre-)candidate that hears from a leader of its term returns to follower. */
function fromLeader(s: RaftState, m: FromLeader, out: Outbox): RaftState {
  // Election Safety (Raft §5.2): two leaders never share a term, so a leader never gets here.
  if (s.role === Role.leader) return s;
  const follower = s.role === Role.follower && s.lead === m.from ? s : becomeFollower(s, s.term, m.from, out);
  out.resetElectionTimer = true;
  const contacted = { ...follower, leaderContact: true };
  if (m.type === 'AppendEntries') return handleAppendEntries(contacted, m, out);
  if (m.type === 'Heartbeat') return handleHeartbeat(contacted, m, out);
  return handleInstallSnapshot(contacted, m, out);
}

function fromFollower(s: RaftState, m: Message, out: Outbox): RaftState {
  const pr = s.progress.get(m.from);
  const active = pr === undefined || pr.recentActive ? s : withProgress(s, m.from, { ...pr, recentActive: true });
  if (m.type === 'AppendEntriesResp') return handleAppendResponse(active, m, out);
  if (m.type === 'HeartbeatResp') return handleHeartbeatResponse(active, m, out);
  if (m.type === 'InstallSnapshotResp') return handleSnapshotResponse(active, m, out);
  return active;
}
