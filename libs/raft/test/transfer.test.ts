// Leadership transfer (thesis §3.10).
import { describe, expect, it } from 'vitest';
import { Network } from './network.js';

describe('thesis §3.10 leadership transfer', () => {
  it('an up-to-date target gets TimeoutNow at once, campaigns without PreVote and wins despite leases', () => {
    const net = new Network(['a', 'b', 'c']);
    net.elect('a');
    net.step('a', { type: 'transferLeadership', to: 'c' });
    expect(net.queue.map((m) => `${m.type}->${m.to}`)).toEqual(['TimeoutNow->c']);
    net.deliverRound();
    expect(net.state('c')).toMatchObject({ role: 'candidate', term: 2 });
    net.deliverAll();
    expect(net.leaders()).toEqual(['c']);
    expect(net.state('a')).toMatchObject({ role: 'follower', lead: 'c', term: 2 });
  });

  it('a lagging target is caught up first; proposals are refused meanwhile', () => {
    const net = new Network(['a', 'b', 'c']);
    net.elect('a');
    net.isolate('c');
    net.propose('a', 'x', 'y');
    net.deliverAll();
    net.heal();
    net.step('a', { type: 'transferLeadership', to: 'c' });
    expect(net.queue.some((m) => m.type === 'TimeoutNow')).toBe(false);
    expect(net.propose('a', 'z')).toMatchObject({ ok: false, reason: 'transferring', leaderId: 'a' });
    net.deliverAll();
    expect(net.leaders()).toEqual(['c']);
    expect(net.member('c').applied).toEqual(['x', 'y']);
    expect(net.propose('c', 'z')).toMatchObject({ ok: true, term: 2 });
  });

  it('is abandoned at the leader\'s next election timeout if the target never catches up', () => {
    const net = new Network(['a', 'b', 'c']);
    net.elect('a');
    net.isolate('c');
    net.step('a', { type: 'transferLeadership', to: 'c' });
    net.heartbeat('a');
    net.deliverAll();
    expect(net.propose('a', 'x')).toMatchObject({ ok: false, reason: 'transferring' });
    net.campaign('a');
    expect(net.state('a')).toMatchObject({ role: 'leader', transferee: null });
    expect(net.propose('a', 'x')).toMatchObject({ ok: true });
  });

  it('a follower ignores a transfer request (only the leader acts on it)', () => {
    const net = new Network(['a', 'b', 'c']);
    net.elect('a');
    const ready = net.step('b', { type: 'transferLeadership', to: 'c' });
    expect(ready.messages).toEqual([]);
  });
});
