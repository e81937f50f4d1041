// Log replication over the in-test network (Raft §5.3, §5.4.2, Figure 7, Figure 8).
import { describe, expect, it } from 'vitest';
import { Network, entriesWithTerms } from './network.js';
import type { AppendEntries, AppendEntriesResp } from '../src/messages.js';

describe('Raft §5.3 log replication', () => {
  it('replicates and commits a proposal on every member, in order', () => {
    const net = new Network(['a', 'b', 'c']);
    net.elect('a');
    expect(net.propose('a', 'x', 'y')).toMatchObject({ ok: true, term: 1, firstIndex: 2, lastIndex: 3 });
    net.propose('a', 'z');
    net.deliverAll();
    for (const id of ['a', 'b', 'c']) {
      expect(net.member(id).applied).toEqual(['x', 'y', 'z']);
      expect(net.state(id).log.committed).toBe(4);
    }
  });

  it('a follower refuses a proposal and names the leader', () => {
    const net = new Network(['a', 'b', 'c']);
    net.elect('a');
    expect(net.propose('b', 'x')).toEqual({ ok: false, requestId: null, reason: 'notLeader', leaderId: 'a' });
  });

  it('hands entries to persist before it hands them to apply, each exactly once', () => {
    const net = new Network(['a', 'b', 'c']);
    net.elect('a');
    const ready = net.step('a', { type: 'propose', entries: [new Uint8Array([1])] });
    expect(ready.entriesToPersist.map((e) => e.index)).toEqual([2]);
    expect(ready.committedEntries).toEqual([]);
    net.deliverAll();
    const again = net.heartbeat('a');
    expect(again.entriesToPersist).toEqual([]);
  });

  it('batches entries up to maxSizePerMsgBytes and keeps at most maxInflightMsgs in flight', () => {
    // Entries of 40 bytes count 56 with overhead: two per 120-byte message.
    const net = new Network(['a', 'b', 'c'], { maxSizePerMsgBytes: 120, maxInflightMsgs: 2 });
    net.elect('a');
    net.propose('a', ...Array.from({ length: 10 }, (_, i) => String(i).padStart(40, '.')));
    const toB = net.queue.filter((m): m is AppendEntries => m.type === 'AppendEntries' && m.to === 'b');
    expect(toB.map((m) => m.entries.length)).toEqual([2, 2]);
    net.deliverAll();
    expect(net.member('b').applied).toHaveLength(10);
    const sizes = net.delivered.filter((m): m is AppendEntries => m.type === 'AppendEntries' && m.to === 'b' && m.entries.length > 0);
    expect(Math.max(...sizes.map((m) => m.entries.length))).toBe(2);
  });

  // These two scenarios are the paper's (§5): without PreVote and CheckQuorum, whose leases would
  // make the majority wait for its own election timeouts first (see prevote.test.ts).
  const classic = { preVote: false, checkQuorum: false };

  it('a leader cut off from the majority cannot commit; the majority elects another and moves on', () => {
    const net = new Network(['a', 'b', 'c', 'd', 'e'], classic);
    net.elect('a');
    net.partition(['a', 'b'], ['c', 'd', 'e']);
    net.propose('a', 'lost');
    net.deliverAll();
    expect(net.state('a').log.committed).toBe(1);
    net.campaign('c');
    net.deliverAll();
    expect(net.state('c').role).toBe('leader');
    net.propose('c', 'kept');
    net.deliverAll();
    net.heal();
    net.heartbeat('c');
    net.deliverAll();
    expect(net.state('a').role).toBe('follower');
    for (const id of ['a', 'b', 'c', 'd', 'e']) expect(net.member(id).applied).toEqual(['kept']);
  });

  it('a stale leader steps down when it hears of a higher term (Raft §5.1)', () => {
    const net = new Network(['a', 'b', 'c'], classic);
    net.elect('a');
    net.isolate('a');
    net.campaign('b');
    net.deliverAll();
    expect(net.state('b').role).toBe('leader');
    net.heal();
    // The old leader's own heartbeat is refused with the newer term.
    net.heartbeat('a');
    net.deliverRound();
    expect(net.queue.filter((m) => m.to === 'a').every((m) => m.type === 'AppendEntriesResp' && m.term === 2)).toBe(true);
    net.deliverAll();
    expect(net.state('a')).toMatchObject({ role: 'follower', term: 2, lead: null });
    net.heartbeat('b');
    net.deliverAll();
    expect(net.state('a').lead).toBe('b');
  });
});

describe('Raft Figure 7: the leader repairs every kind of follower log', () => {
  const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const scenarios: Record<string, number[]> = {
    a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
    b: [1, 1, 1, 4],
    c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    e: [1, 1, 1, 4, 4, 4, 4],
    f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
  };
  for (const [name, followerLog] of Object.entries(scenarios)) {
    it(`(${name}) follower ends with the leader's log, in at most two rejections thanks to the hint`, () => {
      // A third member with an empty log gives the leader its majority even when (d) refuses its vote.
      const hs = { term: 7, vote: null, commit: 0 };
      const net = new Network(['leader', 'follower', 'other'], {}, {
        leader: { hardState: hs, entries: entriesWithTerms(leaderLog) },
        follower: { hardState: hs, entries: entriesWithTerms(followerLog) },
        other: { hardState: hs },
      });
      net.elect('leader');
      net.deliverAll();
      expect(net.state('leader').term).toBe(8);
      expect(net.logTerms('follower')).toEqual([...leaderLog, 8]);
      const rejections = net.delivered.filter((m): m is AppendEntriesResp => m.type === 'AppendEntriesResp' && m.from === 'follower' && !m.success);
      expect(rejections.length).toBeLessThanOrEqual(2);
      expect(net.state('follower').log.committed).toBe(11);
    });
  }
});

describe('Raft §5.4.2 / Figure 8: only entries of the current term are committed by counting', () => {
  it('an old-term entry on a majority stays uncommitted until an entry of the new term is', () => {
    const hs = { term: 3, vote: null, commit: 1 };
    const net = new Network(['s1', 's2', 's3', 's4', 's5'], { preVote: false }, {
      s1: { hardState: hs, entries: entriesWithTerms([1, 2]) },
      s2: { hardState: hs, entries: entriesWithTerms([1, 2]) },
      s3: { hardState: hs, entries: entriesWithTerms([1, 2]) },
      s4: { hardState: hs, entries: entriesWithTerms([1, 3]) },
      s5: { hardState: hs, entries: entriesWithTerms([1, 3]) },
    });
    net.drop((m) => m.type === 'AppendEntries');
    net.elect('s1');
    net.dropMessages();
    const ack = (from: string, index: number): AppendEntriesResp => ({ type: 'AppendEntriesResp', term: 4, from, to: 's1', success: true, index, hintIndex: 0, hintTerm: 0 });
    net.step('s1', ack('s2', 2));
    net.step('s1', ack('s3', 2));
    // Index 2 (term 2) is on s1, s2, s3: a majority, but not of term 4.
    expect(net.state('s1').log.committed).toBe(1);
    net.step('s1', ack('s2', 3));
    expect(net.state('s1').log.committed).toBe(1);
    net.step('s1', ack('s3', 3));
    // The no-op of term 4 at index 3 is on a majority: it and everything before it commit.
    expect(net.state('s1').log.committed).toBe(3);
  });
});
