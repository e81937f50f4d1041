// Elections over the in-test network (Raft §5.2, §5.4.1).
import { describe, expect, it } from 'vitest';
import { Network, entriesWithTerms } from './network.js';

describe('Raft §5.2 leader election', () => {
  it('elects exactly one leader, and every member learns it', () => {
    const net = new Network(['a', 'b', 'c']);
    net.campaign('a');
    expect(net.state('a').role).toBe('preCandidate');
    expect(net.state('a').term).toBe(0); // thesis §9.6: no term bump for the pre-vote
    net.deliverAll();
    expect(net.leaders()).toEqual(['a']);
    expect(net.state('a').term).toBe(1);
    for (const id of ['b', 'c']) {
      expect(net.state(id).role).toBe('follower');
      expect(net.state(id).lead).toBe('a');
      expect(net.state(id).vote).toBe('a');
    }
  });

  it('a single-member cluster elects itself at once and commits its no-op (Raft §8)', () => {
    const net = new Network(['solo']);
    const ready = net.campaign('solo');
    expect(net.state('solo').role).toBe('leader');
    expect(ready.entriesToPersist).toHaveLength(1);
    expect(ready.committedEntries).toHaveLength(1);
    expect(net.propose('solo', 'x')).toMatchObject({ ok: true, firstIndex: 2, lastIndex: 2 });
    expect(net.member('solo').applied).toEqual(['x']);
  });

  it('grants one vote per term, first come first served', () => {
    const net = new Network(['a', 'b', 'c'], { preVote: false });
    net.campaign('a');
    net.campaign('b');
    const votesForA = net.queue.filter((m) => m.from === 'a' && m.to === 'c');
    const votesForB = net.queue.filter((m) => m.from === 'b' && m.to === 'c');
    net.deliverAll();
    // c saw a's request first (both term 1) and refused b's: a wins, b loses.
    expect(votesForA).toHaveLength(1);
    expect(votesForB).toHaveLength(1);
    expect(net.state('c').vote).toBe('a');
    expect(net.leaders()).toEqual(['a']);
  });

  it('a split vote ends in no leader, and a later campaign wins (randomized timeouts, §5.2)', () => {
    const net = new Network(['a', 'b', 'c', 'd'], { preVote: false });
    net.campaign('a');
    net.campaign('b');
    net.campaign('c');
    net.campaign('d');
    net.deliverAll();
    expect(net.leaders()).toEqual([]);
    net.campaign('c');
    net.deliverAll();
    expect(net.leaders()).toEqual(['c']);
    expect(net.state('c').term).toBe(2);
  });
});

describe('Raft §5.4.1 election restriction', () => {
  it('a member whose log is behind cannot win', () => {
    const net = new Network(['a', 'b', 'c'], {}, {
      a: { hardState: { term: 2, vote: null, commit: 0 }, entries: entriesWithTerms([1]) },
      b: { hardState: { term: 2, vote: null, commit: 0 }, entries: entriesWithTerms([1, 2]) },
      c: { hardState: { term: 2, vote: null, commit: 0 }, entries: entriesWithTerms([1, 2]) },
    });
    net.campaign('a');
    net.deliverAll();
    expect(net.leaders()).toEqual([]);
    expect(net.state('a').role).toBe('follower');
    net.campaign('b');
    net.deliverAll();
    expect(net.leaders()).toEqual(['b']);
    // b's no-op and the entry of term 2 reached a.
    expect(net.logTerms('a')).toEqual([1, 2, 3]);
  });

  it('compares last terms before lengths: a shorter log with a newer last term wins', () => {
    const net = new Network(['a', 'b', 'c'], { preVote: false }, {
      a: { hardState: { term: 3, vote: null, commit: 0 }, entries: entriesWithTerms([1, 3]) },
      b: { hardState: { term: 3, vote: null, commit: 0 }, entries: entriesWithTerms([1, 2, 2, 2]) },
      c: { hardState: { term: 3, vote: null, commit: 0 }, entries: entriesWithTerms([1, 2, 2]) },
    });
    net.campaign('a');
    net.deliverAll();
    expect(net.leaders()).toEqual(['a']);
    expect(net.logTerms('b')).toEqual([1, 3, 4]);
  });
});
