// Vote granting (Raft §5.2, §5.4.1; PreVote from Ongaro's thesis §9.6). Pure: the voter's view in,
// a yes/no out.

import type { MemberId } from './types.js';

export interface VoterView {
  readonly term: number;
  readonly vote: MemberId | null;
  readonly lead: MemberId | null;
  /** Heard from a live leader within the last election timeout (or is the leader). */
  readonly leaderContact: boolean;
  /** Raft §5.4.1 applied to the candidate's last (index, term). */
  readonly candidateUpToDate: boolean;
}

export interface VoteRequest {
  readonly from: MemberId;
  readonly term: number;
  readonly preVote: boolean;
  readonly transfer: boolean;
}

export function canGrantVote(voter: VoterView, request: VoteRequest): boolean {
  if (!voter.candidateUpToDate) return false;
  return request.preVote ? canGrantPreVote(voter, request) : canGrantRealVote(voter, request);
}

/** Raft §5.2: at most one vote per term, first come first served; repeating the same vote is fine. */
function canGrantRealVote(voter: VoterView, request: VoteRequest): boolean {
  if (request.term !== voter.term) return false;
  return voter.vote === request.from || (voter.vote === null && voter.lead === null);
}

/**
 * Thesis §9.6: a pre-vote is granted for a future term only when the voter has not heard from a
 * leader within an election timeout, so a rejoining partitioned member cannot disrupt a live
 * leader. The voter does not record anything: no term bump, no vote spent.
 */
function canGrantPreVote(voter: VoterView, request: VoteRequest): boolean {
  if (voter.leaderContact && !request.transfer) return false;
  if (request.term > voter.term) return true;
  return request.term === voter.term && canGrantRealVote(voter, request);
}
