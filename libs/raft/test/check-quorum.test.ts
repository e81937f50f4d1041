// CheckQuorum (thesis §6.2): a leader that cannot reach a majority steps down by itself.
import { describe, expect, it } from 'vitest';
import { Network } from './network.js';

describe('thesis §6.2 CheckQuorum', () => {
  it('a leader that heard from a majority during the last election timeout stays leader', () => {
    const net = new Network(['a', 'b', 'c']);
    net.elect('a');
    for (let i = 0; i < 3; i++) {
      net.heartbeat('a');
      net.deliverAll();
      const ready = net.campaign('a'); // the leader's election timer runs CheckQuorum
      expect(ready.resetElectionTimer).toBe(true);
      expect(net.state('a').role).toBe('leader');
    }
  });

  it('an isolated leader steps down after a full election timeout without a majority', () => {
    const net = new Network(['a', 'b', 'c']);
    net.elect('a');
    net.isolate('a');
    net.heartbeat('a');
    net.deliverAll();
    net.campaign('a'); // b and c answered before the cut: still a quorum in this round
    expect(net.state('a').role).toBe('leader');
    net.heartbeat('a');
    net.deliverAll();
    const ready = net.campaign('a');
    expect(net.state('a')).toMatchObject({ role: 'follower', term: 1, lead: null });
    expect(ready.softStateChanged).toBe(true);
    expect(net.propose('a', 'x')).toMatchObject({ ok: false, reason: 'notLeader', leaderId: null });
  });

  it('with CheckQuorum off, the isolated leader keeps believing it leads', () => {
    const net = new Network(['a', 'b', 'c'], { checkQuorum: false });
    net.elect('a');
    net.isolate('a');
    for (let i = 0; i < 3; i++) net.campaign('a');
    expect(net.state('a').role).toBe('leader');
  });
});
