// The member machine driven by timers on a SimulationClock: elections happen because election
// timers fire, heartbeats keep followers from campaigning, and everything leaves through `ready`.
import { describe, expect, it } from 'vitest';
import { createActor, transition, type Actor } from 'xstate';
import { SeededRandom, SimulationClock } from '@skiff/core';
import { raftMemberMachine, type ReadyEvent } from '../src/raft-member.machine.js';
import { initialContext, type RandomInt } from '../src/raft-member.js';
import { RaftConfigError } from '../src/errors.js';
import type { Entry } from '../src/types.js';

type Member = Actor<typeof raftMemberMachine>;
const ids = ['a', 'b', 'c'];
const LINK_DELAY_MS = 2;

/** Three members on one simulated clock; messages arrive LINK_DELAY_MS later unless the link is cut. */
function cluster(seed = 7) {
  const clock = new SimulationClock();
  const random = new SeededRandom(seed);
  const members = new Map<string, Member>();
  const applied = new Map<string, Entry[]>(ids.map((id) => [id, []]));
  const stateLog = new Map<string, string[]>(ids.map((id) => [id, []]));
  const down = new Set<string>();
  for (const id of ids) {
    const actor = createActor(raftMemberMachine, { clock, input: { config: { id, members: ids }, random: random.fork() } });
    actor.on('ready', ({ ready }: ReadyEvent) => {
      // A real adapter persists entriesToPersist and hardState here, before sending.
      applied.get(id)!.push(...ready.committedEntries);
      for (const m of ready.messages) {
        clock.setTimeout(() => {
          if (!down.has(m.from) && !down.has(m.to)) members.get(m.to)!.send(m);
        }, LINK_DELAY_MS);
      }
    });
    actor.subscribe((s) => {
      const log = stateLog.get(id)!;
      if (log.at(-1) !== String(s.value)) log.push(String(s.value));
    });
    members.set(id, actor);
  }
  for (const actor of members.values()) actor.start();
  const roles = () => ids.map((id) => String(members.get(id)!.getSnapshot().value));
  const leaders = () => ids.filter((id) => !down.has(id) && members.get(id)!.getSnapshot().value === 'leader');
  const term = (id: string) => members.get(id)!.getSnapshot().context.core.term;
  return { clock, members, applied, stateLog, down, roles, leaders, term };
}

describe('raft member machine', () => {
  it('starts as a follower with an election timer and no heartbeat timer', () => {
    const { clock, roles } = cluster();
    expect(roles()).toEqual(['follower', 'follower', 'follower']);
    expect(clock.pendingCount).toBe(3);
  });

  it('elects one leader when the first randomized election timer fires', () => {
    const { clock, leaders, roles, term } = cluster();
    clock.advance(1000);
    expect(leaders()).toHaveLength(1);
    expect(roles().filter((r) => r === 'follower')).toHaveLength(2);
    expect(ids.map(term)).toEqual([1, 1, 1]);
  });

  it('heartbeats keep followers from ever campaigning while the leader lives', () => {
    const { clock, leaders, stateLog, term } = cluster();
    clock.advance(1000);
    const [leader] = leaders();
    for (const id of ids) stateLog.get(id)!.splice(0, stateLog.get(id)!.length - 1);
    clock.advance(5_000);
    expect(leaders()).toEqual([leader]);
    expect(ids.map(term)).toEqual([1, 1, 1]);
    for (const id of ids.filter((x) => x !== leader)) expect(new Set(stateLog.get(id))).toEqual(new Set(['follower']));
  });

  it('elects a new leader of a higher term when the leader goes silent', () => {
    const { clock, leaders, down, term } = cluster();
    clock.advance(1000);
    const [old] = leaders();
    down.add(old!);
    clock.advance(2000);
    const [next] = leaders();
    expect(next).toBeDefined();
    expect(next).not.toBe(old);
    expect(term(next!)).toBe(2);
  });

  it('the silent old leader steps down by CheckQuorum on its own timer', () => {
    const { clock, leaders, down, members, stateLog } = cluster();
    clock.advance(1000);
    const [old] = leaders();
    stateLog.get(old!)!.splice(0, stateLog.get(old!)!.length - 1);
    down.add(old!);
    clock.advance(2000);
    // Cut off, it steps down and then keeps trying pre-votes (that cannot disturb anyone).
    expect(members.get(old!)!.getSnapshot().value).not.toBe('leader');
    expect(stateLog.get(old!)!.slice(0, 2)).toEqual(['leader', 'follower']);
    expect(members.get(old!)!.getSnapshot().context.core.term).toBe(1);
  });

  it('commits a proposal on every member through ready events', () => {
    const { clock, leaders, members, applied } = cluster();
    clock.advance(1000);
    const leader = members.get(leaders()[0]!)!;
    const answers: unknown[] = [];
    const sub = leader.on('ready', ({ ready }: ReadyEvent) => ready.proposal && answers.push(ready.proposal));
    leader.send({ type: 'propose', entries: [new TextEncoder().encode('x')], requestId: 'p1' });
    sub.unsubscribe();
    expect(answers).toEqual([{ ok: true, requestId: 'p1', term: 1, firstIndex: 2, lastIndex: 2 }]);
    clock.advance(100);
    for (const id of ids) expect(applied.get(id)!.map((e) => new TextDecoder().decode(e.data))).toEqual(['', 'x']);
  });

  it('draws every election timeout from the injected Random within the configured range', () => {
    const calls: [number, number][] = [];
    const random: RandomInt = { int: (min, max) => (calls.push([min, max]), max) };
    const clock = new SimulationClock();
    const actor = createActor(raftMemberMachine, { clock, input: { config: { id: 'solo', members: ['solo'] }, random, electionTimeoutMinMs: 400, electionTimeoutMaxMs: 900, heartbeatIntervalMs: 100 } });
    actor.start();
    expect(clock.nextDeadline()).toBe(900);
    clock.advance(900);
    expect(actor.getSnapshot().value).toBe('leader');
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.every(([min, max]) => min === 400 && max === 900)).toBe(true);
    actor.stop();
  });

  it('refuses a heartbeat interval that is not below the election timeout', () => {
    const input = { config: { id: 'a', members: ['a'] }, random: new SeededRandom(1), heartbeatIntervalMs: 200 };
    expect(() => initialContext(input)).toThrow(RaftConfigError);
    const actor = createActor(raftMemberMachine, { input });
    const errors: unknown[] = [];
    actor.subscribe({ error: (e) => errors.push(e) });
    actor.start();
    expect(actor.getSnapshot().status).toBe('error');
    expect(String(errors[0])).toMatch(/heartbeatIntervalMs/);
  });

  it('a follower that sees a higher-term AppendEntries follows its sender (pure transition, no timers run)', () => {
    const actor = createActor(raftMemberMachine, { clock: new SimulationClock(), input: { config: { id: 'b', members: ids }, random: new SeededRandom(3) } });
    const [next, actions] = transition(raftMemberMachine, actor.getSnapshot(), {
      type: 'AppendEntries', term: 5, from: 'a', to: 'b', prevLogIndex: 0, prevLogTerm: 0, entries: [], commit: 0,
    });
    expect(next.value).toBe('follower');
    expect(next.context.core).toMatchObject({ term: 5, lead: 'a' });
    expect(actions.map((a) => a.type)).toContain('xstate.raise');
  });

  it('draws a chart with the four roles and every role change between them', () => {
    type Chart = { states: Record<string, { on: Record<string, { target?: string[] }[]> }> };
    const chart = JSON.parse(JSON.stringify(raftMemberMachine.toJSON())) as Chart; // as inspectors publish it
    expect(Object.keys(chart.states)).toEqual(['follower', 'preCandidate', 'candidate', 'leader']);
    const edges = Object.entries(chart.states).flatMap(([from, node]) =>
      Object.entries(node.on).flatMap(([event, ts]) => ts.flatMap((t) => (t.target ?? []).map((to) => `${from} -${event}-> ${to.replace('#raftMember.', '')}`))),
    );
    expect(edges).toEqual(expect.arrayContaining([
      'follower -becamePreCandidate-> preCandidate',
      'preCandidate -becameCandidate-> candidate',
      'candidate -becameLeader-> leader',
      'leader -becameFollower-> follower',
      'follower -becameCandidate-> candidate',
    ]));
  });

  it('follows the core through every role of an election in order', () => {
    const { clock, stateLog, leaders } = cluster();
    clock.advance(1000);
    expect(stateLog.get(leaders()[0]!)).toEqual(['follower', 'preCandidate', 'candidate', 'leader']);
  });
});
