// Snapshots and log compaction (Raft §7), and restart from persisted state.
import { describe, expect, it } from 'vitest';
import { Network, bytes, entriesWithTerms, snapshotOf } from './network.js';
import type { InstallSnapshot } from '../src/messages.js';
import { step } from '../src/step.js';
import { createRaft } from '../src/state.js';
import { firstIndex, lastIndex } from '../src/log.js';

/** a leads, c misses ten entries, then a snapshots and compacts its log. */
function farBehind(overrides = {}): Network {
  const net = new Network(['a', 'b', 'c'], { snapshotChunkBytes: 16, ...overrides });
  net.elect('a');
  net.isolate('c');
  for (let i = 0; i < 10; i++) net.propose('a', `v${i}`);
  net.deliverAll();
  const a = net.member('a');
  net.step('a', { type: 'snapshotTaken', index: a.state.log.applied, data: snapshotOf(a) });
  net.heal();
  return net;
}

describe('Raft §7 snapshots', () => {
  it('compacts the log behind a snapshot the application took', () => {
    const net = farBehind();
    const a = net.state('a');
    expect(a.snapshot?.meta).toEqual({ index: 11, term: 1, members: ['a', 'b', 'c'] });
    expect(firstIndex(a.log)).toBe(12);
    expect(lastIndex(a.log)).toBe(11);
  });

  it('catches up a follower behind the first retained entry with a chunked InstallSnapshot', () => {
    const net = farBehind();
    net.heartbeat('a');
    net.deliverAll();
    const chunks = net.delivered.filter((m): m is InstallSnapshot => m.type === 'InstallSnapshot');
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.map((m) => m.offset)).toEqual(chunks.map((_, i) => i * 16));
    expect(chunks.at(-1)!.done).toBe(true);
    const c = net.member('c');
    expect(c.installedSnapshots).toBe(1);
    expect(c.applied).toEqual(net.member('a').applied);
    expect(c.state.log).toMatchObject({ compactedIndex: 11, committed: 11, applied: 11 });
    net.propose('a', 'after');
    net.deliverAll();
    expect(net.member('c').applied.at(-1)).toBe('after');
    expect(net.state('a').progress.get('c')?.state).toBe('replicate');
  });

  it('resumes after a lost chunk: the next heartbeat answer resends from what the follower holds', () => {
    const net = farBehind();
    let sentAt32 = 0;
    net.drop((m) => m.type === 'InstallSnapshot' && m.offset === 32 && sentAt32++ === 0);
    net.heartbeat('a');
    net.deliverAll();
    expect(net.member('c').installedSnapshots).toBe(0);
    net.heartbeat('a');
    net.deliverAll();
    expect(sentAt32).toBe(2); // once lost, once resent
    expect(net.member('c').installedSnapshots).toBe(1);
    expect(net.member('c').applied).toEqual(net.member('a').applied);
  });

  it('keeps keepEntriesAfterSnapshot entries so a slightly slow follower gets entries, not a snapshot', () => {
    const net = farBehind({ keepEntriesAfterSnapshot: 20 });
    net.heartbeat('a');
    net.deliverAll();
    expect(net.delivered.some((m) => m.type === 'InstallSnapshot')).toBe(false);
    expect(net.member('c').applied).toEqual(net.member('a').applied);
  });

  it('a follower whose log holds the snapshot\'s last entry keeps its log and just commits', () => {
    const s = createRaft({ id: 'b', members: ['a', 'b'] }, { hardState: { term: 2, vote: null, commit: 1 }, entries: entriesWithTerms([1, 2, 2]), applied: 1 });
    const chunk: InstallSnapshot = { type: 'InstallSnapshot', term: 2, from: 'a', to: 'b', meta: { index: 2, term: 2, members: ['a', 'b'] }, offset: 0, data: bytes('[]'), done: true };
    const { state, ready } = step(s, chunk);
    expect(ready.snapshotToInstall).toBeNull();
    expect(lastIndex(state.log)).toBe(3);
    expect(state.log.committed).toBe(2);
    expect(ready.committedEntries.map((e) => e.index)).toEqual([2]);
  });

  it('ignores a snapshot taken at an index not yet applied', () => {
    const net = new Network(['a']);
    net.elect('a');
    net.step('a', { type: 'snapshotTaken', index: 5, data: bytes('x') });
    expect(net.state('a').snapshot).toBeNull();
  });
});

describe('restart from persisted state', () => {
  it('restores term, vote, snapshot and log, and hands out committed entries not yet applied', () => {
    const snapshot = { meta: { index: 2, term: 1, members: ['a', 'b', 'c'] }, data: bytes('["e1","e2"]') };
    const s = createRaft(
      { id: 'a', members: ['a', 'b', 'c'] },
      { hardState: { term: 3, vote: 'b', commit: 4 }, snapshot, entries: entriesWithTerms([1, 1, 2, 3, 3]) },
    );
    expect(s).toMatchObject({ term: 3, vote: 'b', role: 'follower' });
    expect(s.log).toMatchObject({ compactedIndex: 2, committed: 4, applied: 2 });
    const { ready } = step(s, { type: 'heartbeatTimeout' });
    expect(ready.committedEntries.map((e) => e.index)).toEqual([3, 4]);
    expect(ready.entriesToPersist).toEqual([]);
    expect(ready.hardState).toBeNull();
  });

  it('refuses a log with a gap or a commit index past its end', () => {
    expect(() => createRaft({ id: 'a', members: ['a'] }, { entries: [entriesWithTerms([1, 1])[1]!] })).toThrow(/gap/);
    expect(() => createRaft({ id: 'a', members: ['a'] }, { hardState: { term: 1, vote: null, commit: 3 } })).toThrow(/commit/);
  });
});
