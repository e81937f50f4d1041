// Role changes (Raft §5.2, thesis §9.6). Every change restarts the election timer.

import { lastIndex } from './log.js';
import { newProgress } from './progress.js';
import { failReads } from './read-index.js';
import { emptyReadOnly } from './read-only.js';
import type { Outbox } from './ready.js';
import { appendAtLeader, bcastAppend } from './replication.js';
import { peers, type RaftState } from './state.js';
import { Role, type MemberId } from './types.js';

export function becomeFollower(s: RaftState, term: number, lead: MemberId | null, out: Outbox): RaftState {
  return { ...resetForTerm(s, term, out), role: Role.follower, lead, leaderContact: lead !== null };
}

/** Thesis §9.6: a pre-candidate keeps its term and its vote; it only asks. */
export function becomePreCandidate(s: RaftState, out: Outbox): RaftState {
  return { ...resetForTerm(s, s.term, out), role: Role.preCandidate, lead: null, leaderContact: false };
}

/** Raft §5.2: increment the term and vote for yourself. */
export function becomeCandidate(s: RaftState, out: Outbox): RaftState {
  return { ...resetForTerm(s, s.term + 1, out), role: Role.candidate, vote: s.config.id, lead: null, leaderContact: false };
}

/** Raft §5.3 (nextIndex = last + 1 for everyone) and §8 (commit a no-op of the new term at once). */
export function becomeLeader(s: RaftState, out: Outbox): RaftState {
  const next = lastIndex(s.log) + 1;
  const progress = new Map(peers(s).map((id) => [id, newProgress(next, s.config.maxInflightMsgs)] as const));
  const leader: RaftState = { ...resetForTerm(s, s.term, out), role: Role.leader, lead: s.config.id, leaderContact: true, progress };
  return bcastAppend(appendAtLeader(leader, [new Uint8Array(0)], out), out);
}

function resetForTerm(s: RaftState, term: number, out: Outbox): RaftState {
  out.resetElectionTimer = true;
  const left = s.role === Role.leader ? failReads(s, out) : s;
  return {
    ...left,
    term,
    vote: term === s.term ? s.vote : null,
    votes: new Map(),
    progress: new Map(),
    transferee: null,
    readOnly: emptyReadOnly(),
  };
}
