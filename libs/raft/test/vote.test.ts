// Vote granting: Raft §5.2 (one vote per term), §5.4.1 (up-to-date logs), thesis §9.6 (PreVote).
import { describe, expect, it } from 'vitest';
import { canGrantVote, type VoterView } from '../src/vote.js';

const voter: VoterView = { term: 3, vote: null, lead: null, leaderContact: false, candidateUpToDate: true };
const ask = { from: 'c', term: 3, preVote: false, transfer: false };

describe('Raft §5.2 votes', () => {
  it('grants a first vote in the term, and the same vote again', () => {
    expect(canGrantVote(voter, ask)).toBe(true);
    expect(canGrantVote({ ...voter, vote: 'c' }, ask)).toBe(true);
  });

  it('refuses a second candidate in the same term', () => {
    expect(canGrantVote({ ...voter, vote: 'b' }, ask)).toBe(false);
  });

  it('refuses while it knows a leader for the term', () => {
    expect(canGrantVote({ ...voter, lead: 'b' }, ask)).toBe(false);
  });
});

describe('Raft §5.4.1 election restriction', () => {
  it('refuses a candidate whose log is behind, vote or pre-vote', () => {
    expect(canGrantVote({ ...voter, candidateUpToDate: false }, ask)).toBe(false);
    expect(canGrantVote({ ...voter, candidateUpToDate: false }, { ...ask, term: 4, preVote: true })).toBe(false);
  });
});

describe('thesis §9.6 PreVote', () => {
  const preVote = { ...ask, term: 4, preVote: true };

  it('grants a pre-vote for a future term even after voting in the current one', () => {
    expect(canGrantVote({ ...voter, vote: 'b' }, preVote)).toBe(true);
  });

  it('refuses while it hears from a leader (within an election timeout)', () => {
    expect(canGrantVote({ ...voter, leaderContact: true, lead: 'b' }, preVote)).toBe(false);
  });

  it('a transfer campaign is not held back by the lease (thesis §3.10)', () => {
    expect(canGrantVote({ ...voter, leaderContact: true, lead: 'b' }, { ...preVote, transfer: true })).toBe(true);
  });

  it('refuses a pre-vote for a term older than its own', () => {
    expect(canGrantVote({ ...voter, term: 5 }, preVote)).toBe(false);
  });
});
