// Majority rules (Raft §5.2, §5.4.2). Pure arithmetic on member lists; nothing here knows about terms.

import type { MemberId } from './types.js';

export function quorumSize(memberCount: number): number {
  return Math.floor(memberCount / 2) + 1;
}

/**
 * The largest value that a majority has reached (Raft §5.3 / §5.4.2: the index replicated on a
 * majority). Used for the commit index (values = match indexes) and for ReadIndex rounds.
 */
export function majorityValue(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = values.slice().sort((a, b) => b - a);
  return sorted[quorumSize(values.length) - 1]!;
}

export const VoteResult = { won: 'won', lost: 'lost', pending: 'pending' } as const;
export type VoteResult = (typeof VoteResult)[keyof typeof VoteResult];

/** Raft §5.2: a candidate wins with votes from a majority; it has lost once a majority refused. */
export function voteResult(members: readonly MemberId[], votes: ReadonlyMap<MemberId, boolean>): VoteResult {
  let granted = 0;
  let rejected = 0;
  for (const id of members) {
    const vote = votes.get(id);
    if (vote === true) granted++;
    else if (vote === false) rejected++;
  }
  const quorum = quorumSize(members.length);
  if (granted >= quorum) return VoteResult.won;
  return rejected > members.length - quorum ? VoteResult.lost : VoteResult.pending;
}

/** How many of `members` satisfy `active`, compared with a majority (CheckQuorum, thesis §6.2). */
export function hasQuorum(members: readonly MemberId[], active: (id: MemberId) => boolean): boolean {
  return members.filter(active).length >= quorumSize(members.length);
}
