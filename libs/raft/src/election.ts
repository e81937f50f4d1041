// Elections (Raft §5.2, §5.4.1) with PreVote (thesis §9.6) and transfer campaigns (thesis §3.10).

import type { RequestVote, RequestVoteResp } from './messages.js';
import { isUpToDate, lastIndex, lastTerm } from './log.js';
import { VoteResult, voteResult } from './quorum.js';
import type { Outbox } from './ready.js';
import { becomeCandidate, becomeFollower, becomeLeader, becomePreCandidate } from './roles.js';
import { envelope, peers, type RaftState } from './state.js';
import { Role } from './types.js';
import { canGrantVote } from './vote.js';

export const CampaignKind = { preVote: 'preVote', vote: 'vote', transfer: 'transfer' } as const;
export type CampaignKind = (typeof CampaignKind)[keyof typeof CampaignKind];

export function campaign(s: RaftState, kind: CampaignKind, out: Outbox): RaftState {
  const preVote = kind === CampaignKind.preVote;
  const next = preVote ? becomePreCandidate(s, out) : becomeCandidate(s, out);
  // Thesis §9.6: the pre-vote asks about the term the member would campaign in.
  const term = preVote ? next.term + 1 : next.term;
  for (const to of peers(next)) out.messages.push(requestVote(next, to, term, preVote, kind === CampaignKind.transfer));
  return tally({ ...next, votes: new Map([[next.config.id, true]]) }, out);
}

function requestVote(s: RaftState, to: string, term: number, preVote: boolean, transfer: boolean): RequestVote {
  return { type: 'RequestVote', ...envelope(s, to), term, preVote, lastLogIndex: lastIndex(s.log), lastLogTerm: lastTerm(s.log), transfer };
}

export function handleVoteRequest(s: RaftState, m: RequestVote, out: Outbox): RaftState {
  const voter = { ...s, candidateUpToDate: isUpToDate(s.log, m.lastLogIndex, m.lastLogTerm) };
  const granted = canGrantVote(voter, m);
  // A granted answer carries the requested term (a pre-vote's is in the future); a refusal carries ours.
  const reply: RequestVoteResp = { type: 'RequestVoteResp', ...envelope(s, m.from), term: granted ? m.term : s.term, preVote: m.preVote, granted };
  out.messages.push(reply);
  if (!granted || m.preVote) return s;
  out.resetElectionTimer = true;
  return { ...s, vote: m.from };
}

export function handleVoteResponse(s: RaftState, m: RequestVoteResp, out: Outbox): RaftState {
  const expected = m.preVote ? s.role === Role.preCandidate : s.role === Role.candidate;
  if (!expected) return s;
  return tally({ ...s, votes: new Map(s.votes).set(m.from, m.granted) }, out);
}

/** Raft §5.2: a majority of grants wins; a majority of refusals sends the member back to follower. */
function tally(s: RaftState, out: Outbox): RaftState {
  const result = voteResult(s.config.members, s.votes);
  if (result === VoteResult.lost) return becomeFollower(s, s.term, null, out);
  if (result === VoteResult.pending) return s;
  return s.role === Role.preCandidate ? campaign(s, CampaignKind.vote, out) : becomeLeader(s, out);
}
