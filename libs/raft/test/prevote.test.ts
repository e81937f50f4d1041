// PreVote (Ongaro's thesis §9.6) and the leader lease (thesis §4.2.3) over the in-test network.
import { describe, expect, it } from 'vitest';
import { Network } from './network.js';

function partitionAndHeal(net: Network): void {
  net.elect('a');
  net.propose('a', 'x');
  net.deliverAll();
  net.isolate('c');
  for (let i = 0; i < 3; i++) {
    net.campaign('c');
    net.deliverAll();
  }
  net.heal();
}

describe('thesis §9.6 PreVote', () => {
  it('a partitioned member neither bumps its term nor disrupts the leader after healing', () => {
    const net = new Network(['a', 'b', 'c']);
    partitionAndHeal(net);
    expect(net.state('c')).toMatchObject({ role: 'preCandidate', term: 1 });
    net.campaign('c'); // its timer fires once more, now connected
    net.deliverAll();
    expect(net.state('a')).toMatchObject({ role: 'leader', term: 1 });
    net.heartbeat('a');
    net.deliverAll();
    expect(net.state('c')).toMatchObject({ role: 'follower', term: 1, lead: 'a' });
    net.propose('a', 'y');
    net.deliverAll();
    expect(net.member('c').applied).toEqual(['x', 'y']);
  });

  it('without PreVote the same partition deposes a healthy leader (the problem §9.6 solves)', () => {
    const net = new Network(['a', 'b', 'c'], { preVote: false, checkQuorum: false });
    partitionAndHeal(net);
    expect(net.state('c')).toMatchObject({ role: 'candidate', term: 4 });
    net.campaign('c');
    net.deliverAll();
    expect(net.state('a').role).not.toBe('leader');
    expect(net.state('a').term).toBe(5);
  });

  it('members that lost their leader elect a new one once their own election timeouts expired', () => {
    const net = new Network(['a', 'b', 'c', 'd', 'e']);
    net.elect('a');
    net.isolate('a');
    // c's pre-vote alone fails: d and e still heard from a within their election timeout.
    net.campaign('c');
    net.deliverAll();
    expect(net.state('c')).toMatchObject({ role: 'preCandidate', term: 1 });
    // Randomized timeouts fire one after the other: d gets c's pre-vote only (b, e still in lease) ...
    net.campaign('d');
    net.deliverAll();
    expect(net.state('d')).toMatchObject({ role: 'preCandidate', term: 1 });
    // ... and by the time e's fires, c and d have no leader any more: e wins.
    net.campaign('e');
    net.deliverAll();
    expect(net.leaders().filter((id) => id !== 'a')).toEqual(['e']);
    expect(net.state('e').term).toBe(2);
  });

  it('a pre-vote asks for term + 1 and nobody changes term or vote before the real election', () => {
    const net = new Network(['a', 'b', 'c']);
    net.campaign('a');
    const preVotes = net.queue.filter((m) => m.type === 'RequestVote');
    expect(preVotes.map((m) => m.type === 'RequestVote' && [m.term, m.preVote])).toEqual([[1, true], [1, true]]);
    net.deliverRound(); // b and c answer the pre-vote
    expect(net.state('b')).toMatchObject({ term: 0, vote: null });
    expect(net.state('c')).toMatchObject({ term: 0, vote: null });
  });
});

describe('thesis §4.2.3 leader lease (with CheckQuorum)', () => {
  it('a follower that hears from its leader ignores a vote request of a higher term', () => {
    const net = new Network(['a', 'b', 'c'], { preVote: false });
    net.elect('a');
    net.isolate('c');
    net.campaign('c');
    net.heal();
    net.deliverAll();
    expect(net.state('b')).toMatchObject({ term: 1, vote: 'a', lead: 'a' });
    expect(net.state('a')).toMatchObject({ role: 'leader', term: 1 });
  });
});
