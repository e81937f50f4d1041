// Linearizable reads through ReadIndex (Raft §8, thesis §6.4).
import { describe, expect, it } from 'vitest';
import { Network } from './network.js';

describe('Raft §8 / thesis §6.4 ReadIndex', () => {
  it('the leader grants a read at its commit index once a majority answered a heartbeat round', () => {
    const net = new Network(['a', 'b', 'c']);
    net.elect('a');
    net.propose('a', 'x');
    net.deliverAll();
    net.step('a', { type: 'requestRead', requestId: 'r1' });
    const round = net.queue.filter((m) => m.type === 'Heartbeat');
    expect(round).toHaveLength(2);
    expect(net.member('a').readStates).toEqual([]);
    net.deliverAll();
    expect(net.member('a').readStates).toEqual([{ requestId: 'r1', ok: true, index: 2 }]);
  });

  it('one answer plus the leader itself is a majority of three', () => {
    const net = new Network(['a', 'b', 'c']);
    net.elect('a');
    net.isolate('c');
    net.step('a', { type: 'requestRead', requestId: 'r1' });
    net.deliverAll();
    expect(net.member('a').readStates).toEqual([{ requestId: 'r1', ok: true, index: 1 }]);
  });

  it('a new leader holds reads until it has committed an entry of its own term', () => {
    const net = new Network(['a', 'b', 'c']);
    net.drop((m) => m.type === 'AppendEntries');
    net.elect('a');
    net.step('a', { type: 'requestRead', requestId: 'r1' });
    expect(net.queue.filter((m) => m.type === 'Heartbeat')).toEqual([]);
    net.heal();
    net.heartbeat('a');
    net.deliverAll();
    expect(net.state('a').log.committed).toBe(1);
    expect(net.member('a').readStates).toEqual([{ requestId: 'r1', ok: true, index: 1 }]);
  });

  it('a follower forwards the read and serves it only once it has committed the read index', () => {
    const net = new Network(['a', 'b', 'c']);
    net.elect('a');
    net.drop((m) => m.type === 'AppendEntries' && m.to === 'b');
    net.propose('a', 'x');
    net.deliverAll();
    net.step('b', { type: 'requestRead', requestId: 'r1' });
    net.deliverAll();
    expect(net.state('b').log.committed).toBe(1);
    expect(net.member('b').readStates).toEqual([]);
    net.heal();
    net.heartbeat('a');
    net.deliverAll();
    expect(net.member('b').readStates).toEqual([{ requestId: 'r1', ok: true, index: 2 }]);
    expect(net.member('b').applied).toEqual(['x']);
  });

  it('an isolated leader grants nothing, and fails its reads when CheckQuorum deposes it', () => {
    const net = new Network(['a', 'b', 'c']);
    net.elect('a');
    net.isolate('a');
    net.step('a', { type: 'requestRead', requestId: 'r1' });
    net.deliverAll();
    expect(net.member('a').readStates).toEqual([]);
    net.campaign('a');
    net.campaign('a');
    expect(net.member('a').readStates).toEqual([{ requestId: 'r1', ok: false, reason: 'leadershipLost' }]);
  });

  it('without a leader a read fails at once', () => {
    const net = new Network(['a', 'b', 'c']);
    const ready = net.step('b', { type: 'requestRead', requestId: 'r1' });
    expect(ready.readStates).toEqual([{ requestId: 'r1', ok: false, reason: 'noLeader' }]);
  });
});
