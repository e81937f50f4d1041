// Deterministic simulation: five cores on the in-test network under a seeded storm of faults
// (drops, duplicates, reordering, partitions, random timeouts, snapshots, crash-restarts from
// the persisted state). Safety is checked after
// every step (Raft Figure 3: Election Safety, Log Matching via applied prefixes, Leader
// Completeness, State Machine Safety, plus linearizable ReadIndex); then the network heals and the
// cluster must converge. A failing seed replays exactly: the seed is in the test name.
import { describe, expect, it } from 'vitest';
import { SeededRandom, type Random } from '@skiff/core';
import { Network, bytes } from './network.js';
import { lastIndex, termAt } from '../src/log.js';

const ids = ['a', 'b', 'c', 'd', 'e'];
const STORM_STEPS = 1500;

class Checker {
  readonly committedTerms = new Map<number, number>();
  readonly readFloor = new Map<string, number>();
  maxCommitted = 0;
  granted = 0;

  /** Every committed index has one term, forever (State Machine Safety). */
  recordCommitted(net: Network): void {
    const last = net.lastReady;
    if (last === null) return;
    for (const e of last.ready.committedEntries) {
      const known = this.committedTerms.get(e.index);
      if (known !== undefined && known !== e.term) throw new Error(`index ${e.index} committed with terms ${known} and ${e.term}`);
      this.committedTerms.set(e.index, e.term);
      this.maxCommitted = Math.max(this.maxCommitted, e.index);
    }
    for (const r of last.ready.readStates) {
      // A granted read must see every entry committed anywhere before it was requested.
      if (r.ok && r.index < (this.readFloor.get(r.requestId) ?? 0)) throw new Error(`read ${r.requestId} at ${r.index} misses committed entries`);
      if (r.ok) this.granted++;
    }
  }

  /** Raft §5.4 Leader Completeness: a leader holds every committed entry it has not compacted. */
  leaderCompleteness(net: Network): void {
    for (const id of net.leaders()) {
      const log = net.state(id).log;
      if (lastIndex(log) < this.maxCommitted) throw new Error(`leader ${id} lacks committed entries up to ${this.maxCommitted}`);
      for (let i = log.compactedIndex + 1; i <= this.maxCommitted; i++) {
        if (termAt(log, i) !== this.committedTerms.get(i) && this.committedTerms.has(i)) throw new Error(`leader ${id} has a different entry at ${i}`);
      }
    }
  }
}

interface StormStats {
  proposals: number;
  reads: number;
}

/** One fault-free-ish tick of the world: mostly message deliveries, now and then a fault or a timer. */
function storm(net: Network, random: Random, checker: Checker): StormStats {
  const stats: StormStats = { proposals: 0, reads: 0 };
  for (let i = 0; i < STORM_STEPS; i++) {
    for (let k = 0; k < 4 && net.queue.length > 0; k++) deliverWithFaults(net, random);
    const roll = random.next();
    const [leader] = net.leaders();
    const target = leader !== undefined && random.chance(0.8) ? leader : random.pick(ids);
    if (roll < 0.02) net.campaign(random.pick(ids));
    else if (roll < 0.25) for (const id of net.leaders()) net.heartbeat(id);
    else if (roll < 0.6) net.step(target, { type: 'propose', entries: [bytes(`v${stats.proposals++}`)] });
    else if (roll < 0.7) requestRead(net, random.pick(ids), `r${stats.reads++}`, checker);
    else if (roll < 0.74) net.takeSnapshot(random.pick(ids));
    else if (roll < 0.75) net.step(target, { type: 'transferLeadership', to: random.pick(ids) });
    else if (roll < 0.765) partition(net, random);
    else if (roll < 0.785) net.heal();
    else if (roll < 0.79) net.restart(random.pick(ids));
  }
  return stats;
}

function deliverWithFaults(net: Network, random: Random): void {
  const position = random.chance(0.9) ? 0 : random.int(0, net.queue.length - 1);
  if (random.chance(0.02)) net.queue.push(net.queue[position]!);
  if (random.chance(0.03)) net.queue.splice(position, 1);
  else net.deliverAt(position);
}

function requestRead(net: Network, id: string, requestId: string, checker: Checker): void {
  checker.readFloor.set(requestId, checker.maxCommitted);
  net.step(id, { type: 'requestRead', requestId });
}

function partition(net: Network, random: Random): void {
  net.heal();
  const shuffled = [...ids].sort(() => random.next() - 0.5);
  const cut = random.int(1, 2);
  net.partition(shuffled.slice(0, cut), shuffled.slice(cut));
}

/**
 * Healed network, timers firing one member at a time: a leader must emerge, take a last proposal
 * (its own election timer ends any transfer in progress) and everyone must converge on it.
 */
function converge(net: Network, random: Random): void {
  net.heal();
  let accepted = false;
  for (let round = 0; round < 50 && !accepted; round++) {
    net.deliverAll();
    const leaders = net.leaders();
    if (leaders.length === 1) accepted = net.propose(leaders[0]!, 'final').ok;
    if (!accepted) net.campaign(leaders.length === 1 ? leaders[0]! : random.pick(ids));
  }
  if (!accepted) throw new Error('no leader accepted a proposal after healing');
  for (let round = 0; round < 5; round++) {
    for (const id of net.leaders()) net.heartbeat(id);
    net.deliverAll();
  }
}

describe('simulation: safety under faults, liveness after healing', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    it(`seed ${seed}`, () => {
      const random = new SeededRandom(seed);
      const net = new Network(ids, { snapshotChunkBytes: 64, maxSizePerMsgBytes: 256, maxInflightMsgs: 4 });
      const checker = new Checker();
      net.checks.push((n) => checker.recordCommitted(n), (n) => checker.leaderCompleteness(n));
      const stats = storm(net, random, checker);
      if (process.env['RAFT_SIM_STATS']) {
        const delivered: Record<string, number> = {};
        for (const m of net.delivered) delivered[m.type] = (delivered[m.type] ?? 0) + 1;
        console.log(seed, JSON.stringify({ ...stats, terms: ids.map((id) => net.state(id).term), committed: checker.maxCommitted, granted: checker.granted, snapshots: ids.map((id) => net.member(id).installedSnapshots), restarts: ids.map((id) => net.member(id).restarts), delivered }));
      }
      converge(net, random);
      const reference = net.member(net.leaders()[0]!).applied;
      expect(reference.at(-1)).toBe('final');
      for (const id of ids) expect(net.member(id).applied).toEqual(reference);
    });
  }
});
