// Crash and restart from what the adapter persisted (ready.ts contract): Raft Figure 2 "persistent
// state" (currentTerm, votedFor, log) must survive, and nothing else needs to.
import { describe, expect, it } from 'vitest';
import { Network } from './network.js';

describe('crash and restart from persisted state', () => {
  it('a restarted follower keeps its log, learns the commit index again and applies everything once', () => {
    const net = new Network(['a', 'b', 'c']);
    net.elect('a');
    net.propose('a', 'x', 'y');
    net.deliverAll();
    net.restart('b');
    expect(net.state('b')).toMatchObject({ role: 'follower', term: 1, vote: 'a' });
    expect(net.member('b').applied).toEqual([]);
    net.propose('a', 'z');
    net.deliverAll();
    expect(net.member('b').applied).toEqual(['x', 'y', 'z']);
  });

  it('a restarted member remembers its vote and refuses a second candidate in the same term (Raft §5.2)', () => {
    const net = new Network(['a', 'b', 'c'], { preVote: false });
    net.campaign('a');
    net.deliverRound(); // b and c vote for a in term 1
    net.dropMessages();
    net.restart('b');
    net.step('b', { type: 'RequestVote', term: 1, from: 'c', to: 'b', preVote: false, lastLogIndex: 9, lastLogTerm: 9, transfer: false });
    expect(net.queue).toEqual([expect.objectContaining({ type: 'RequestVoteResp', granted: false })]);
  });

  it('a restarted leader comes back as a follower and rejoins the new leader', () => {
    const net = new Network(['a', 'b', 'c']);
    net.elect('a');
    net.propose('a', 'x');
    net.deliverAll();
    net.restart('a');
    net.campaign('b');
    net.deliverAll();
    expect(net.leaders()).toEqual(['b']);
    net.propose('b', 'y');
    net.deliverAll();
    expect(net.member('a').applied).toEqual(['x', 'y']);
  });

  it('restarts from a snapshot plus the entries after it', () => {
    const net = new Network(['a', 'b', 'c']);
    net.elect('a');
    net.propose('a', 'x', 'y');
    net.deliverAll();
    net.takeSnapshot('c');
    net.propose('a', 'z');
    net.deliverAll();
    expect(net.member('c').disk.snapshot?.meta.index).toBe(3);
    expect(net.member('c').disk.entries.map((e) => e.index)).toEqual([4]);
    net.restart('c');
    expect(net.member('c').applied).toEqual(['x', 'y']);
    net.heartbeat('a');
    net.deliverAll();
    expect(net.member('c').applied).toEqual(['x', 'y', 'z']);
  });

  it('an unpersisted vote cannot exist: the vote is in the Ready that carries the grant', () => {
    const net = new Network(['a', 'b', 'c'], { preVote: false });
    net.campaign('a');
    const ready = net.step('b', net.queue.shift()!);
    expect(ready.hardState).toEqual({ term: 1, vote: 'a', commit: 0 });
    expect(ready.messages).toEqual([expect.objectContaining({ type: 'RequestVoteResp', granted: true })]);
  });

  it('a vote cast in a term learned earlier is persisted too, and survives a restart', () => {
    // b learns term 2 from c's request (refused: c's log is behind), then votes for a in term 2.
    const behind = { term: 1, vote: null, commit: 0 };
    const net = new Network(['a', 'b', 'c'], { preVote: false, checkQuorum: false }, {
      a: { hardState: behind, entries: [{ index: 1, term: 1, data: new Uint8Array() }] },
      b: { hardState: behind, entries: [{ index: 1, term: 1, data: new Uint8Array() }] },
      c: { hardState: behind },
    });
    net.campaign('c');
    net.deliverAt(net.queue.findIndex((m) => m.to === 'b'));
    expect(net.state('b')).toMatchObject({ term: 2, vote: null });
    net.dropMessages();
    net.campaign('a');
    const ready = net.step('b', net.queue.find((m) => m.to === 'b')!);
    expect(ready.hardState).toEqual({ term: 2, vote: 'a', commit: 0 });
    net.restart('b');
    expect(net.state('b')).toMatchObject({ term: 2, vote: 'a' });
  });
});
