// Majorities (Raft §5.2 votes, §5.4.2 commit index).
import { describe, expect, it } from 'vitest';
import { hasQuorum, majorityValue, quorumSize, voteResult } from '../src/quorum.js';

describe('quorum arithmetic', () => {
  it('a majority of n is floor(n/2) + 1', () => {
    expect([1, 2, 3, 4, 5, 7].map(quorumSize)).toEqual([1, 2, 2, 3, 3, 4]);
  });

  it('the commit candidate is the largest index a majority holds (Raft §5.3, §5.4.2)', () => {
    expect(majorityValue([5, 3, 1])).toBe(3);
    expect(majorityValue([5, 5, 1, 1])).toBe(1);
    expect(majorityValue([9, 8, 7, 2, 1])).toBe(7);
    expect(majorityValue([4])).toBe(4);
  });

  it('Raft §5.2: won with a majority of grants, lost with a majority of refusals, pending otherwise', () => {
    const members = ['a', 'b', 'c', 'd', 'e'];
    const votes = (entries: [string, boolean][]) => voteResult(members, new Map(entries));
    expect(votes([['a', true], ['b', true]])).toBe('pending');
    expect(votes([['a', true], ['b', true], ['c', true]])).toBe('won');
    expect(votes([['a', true], ['b', false], ['c', false]])).toBe('pending');
    expect(votes([['a', true], ['b', false], ['c', false], ['d', false]])).toBe('lost');
    expect(votes([['x', true], ['y', true], ['a', true]])).toBe('pending');
  });

  it('CheckQuorum counts active members against a majority', () => {
    expect(hasQuorum(['a', 'b', 'c'], (id) => id !== 'c')).toBe(true);
    expect(hasQuorum(['a', 'b', 'c'], (id) => id === 'a')).toBe(false);
  });
});
