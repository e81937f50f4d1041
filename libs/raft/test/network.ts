// A pure in-test network of Raft cores: no timers, no I/O. Messages queue up and are delivered in
// FIFO order when a test asks; links can be cut (partitions) and messages dropped by a filter.
// Each member has a toy state machine (the list of applied strings) so tests can compare what
// every member applied, and invariants are checked after every step.

import { step } from '../src/step.js';
import { createRaft, type RaftState, type RestoreState } from '../src/state.js';
import type { RaftConfig } from '../src/config.js';
import type { RaftInput } from '../src/inputs.js';
import type { Message } from '../src/messages.js';
import type { ReadState } from '../src/read-only.js';
import type { ProposeResult, Ready } from '../src/ready.js';
import { entryAt, lastIndex } from '../src/log.js';
import { emptyHardState, type Entry, type HardState, type MemberId, type Snapshot } from '../src/types.js';

/** What a member's adapter has fsynced: written from each Ready before its messages leave. */
export interface Disk {
  hardState: HardState;
  snapshot: Snapshot | null;
  entries: Entry[];
}

export interface Member {
  state: RaftState;
  disk: Disk;
  restarts: number;
  applied: string[];
  readStates: ReadState[];
  proposals: ProposeResult[];
  installedSnapshots: number;
}

export type ConfigOverrides = Omit<RaftConfig, 'id' | 'members'>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const bytes = (text: string): Uint8Array => encoder.encode(text);
export const text = (data: Uint8Array): string => decoder.decode(data);

export class Network {
  readonly members = new Map<MemberId, Member>();
  readonly queue: Message[] = [];
  readonly delivered: Message[] = [];
  private readonly cut = new Set<string>();
  private dropFilter: (m: Message) => boolean = () => false;
  private readonly leadersByTerm = new Map<number, MemberId>();
  private readonly config: ConfigOverrides;
  /** Extra checks run after every step (the simulation adds Leader Completeness). */
  readonly checks: ((net: Network) => void)[] = [];
  lastReady: { id: MemberId; ready: Ready } | null = null;

  constructor(
    readonly ids: readonly MemberId[],
    overrides: ConfigOverrides = {},
    restore: Record<MemberId, RestoreState> = {},
  ) {
    this.config = overrides;
    for (const id of ids) {
      const state = createRaft({ ...overrides, id, members: ids }, restore[id] ?? {});
      const r = restore[id] ?? {};
      const disk: Disk = { hardState: r.hardState ?? emptyHardState, snapshot: r.snapshot ?? null, entries: [...(r.entries ?? [])] };
      this.members.set(id, { state, disk, restarts: 0, applied: [], readStates: [], proposals: [], installedSnapshots: 0 });
    }
  }

  member(id: MemberId): Member {
    const m = this.members.get(id);
    if (m === undefined) throw new Error(`no member ${id}`);
    return m;
  }

  state(id: MemberId): RaftState {
    return this.member(id).state;
  }

  /** Feeds one input to one member and routes its Ready. */
  step(id: MemberId, input: RaftInput): Ready {
    const member = this.member(id);
    const { state, ready } = step(member.state, input);
    member.state = state;
    this.handleReady(member, ready);
    this.lastReady = { id, ready };
    this.checkInvariants();
    for (const check of this.checks) check(this);
    return ready;
  }

  campaign(id: MemberId): Ready {
    return this.step(id, { type: 'electionTimeout' });
  }

  heartbeat(id: MemberId): Ready {
    return this.step(id, { type: 'heartbeatTimeout' });
  }

  propose(id: MemberId, ...values: string[]): ProposeResult {
    const ready = this.step(id, { type: 'propose', entries: values.map(bytes) });
    return ready.proposal!;
  }

  /** Delivers queued messages (and those they cause) until none is left; returns how many. */
  deliverAll(maxMessages = 10_000): number {
    let count = 0;
    for (let m = this.queue.shift(); m !== undefined; m = this.queue.shift()) {
      if (++count > maxMessages) throw new Error('network did not quiesce');
      if (this.cut.has(link(m.from, m.to)) || this.dropFilter(m)) continue;
      this.delivered.push(m);
      this.step(m.to, m);
    }
    return count;
  }

  /** Delivers only the messages queued now (one round trip leg), not those they cause. */
  deliverRound(): void {
    const round = this.queue.splice(0, this.queue.length);
    for (const m of round) {
      if (this.cut.has(link(m.from, m.to)) || this.dropFilter(m)) continue;
      this.delivered.push(m);
      this.step(m.to, m);
    }
  }

  /** Delivers the queued message at `position` (out of order when not 0), unless its link is cut. */
  deliverAt(position: number): void {
    const [m] = this.queue.splice(position, 1);
    if (m === undefined || this.cut.has(link(m.from, m.to))) return;
    this.delivered.push(m);
    this.step(m.to, m);
  }

  dropMessages(): Message[] {
    return this.queue.splice(0, this.queue.length);
  }

  isolate(id: MemberId): void {
    this.partition([id], [...this.members.keys()].filter((x) => x !== id));
  }

  partition(...groups: MemberId[][]): void {
    for (const a of groups) for (const b of groups) if (a !== b) for (const x of a) for (const y of b) this.cut.add(link(x, y));
  }

  heal(): void {
    this.cut.clear();
    this.dropFilter = () => false;
  }

  drop(filter: (m: Message) => boolean): void {
    this.dropFilter = filter;
  }

  leaders(): MemberId[] {
    return [...this.members].filter(([, m]) => m.state.role === 'leader').map(([id]) => id);
  }

  /** Election then delivery: the usual way to get a leader in a test. */
  elect(id: MemberId): void {
    this.campaign(id);
    this.deliverAll();
    if (this.state(id).role !== 'leader') throw new Error(`${id} did not win`);
  }

  logTerms(id: MemberId): number[] {
    const log = this.state(id).log;
    const terms: number[] = [];
    for (let i = log.compactedIndex + 1; i <= lastIndex(log); i++) terms.push(entryAt(log, i)!.term);
    return terms;
  }

  /**
   * Crash and restart: everything not on disk is lost. The state machine comes back from the disk's
   * snapshot; the first Ready after restart re-applies the committed entries after it.
   */
  restart(id: MemberId): void {
    const member = this.member(id);
    const { hardState, snapshot, entries } = member.disk;
    member.state = createRaft({ ...this.config, id, members: this.ids }, { hardState, snapshot, entries });
    member.applied = snapshot === null ? [] : (JSON.parse(text(snapshot.data)) as string[]);
    member.restarts++;
  }

  /** The app snapshots its state machine at the applied index and tells the core (Raft §7). */
  takeSnapshot(id: MemberId): Ready {
    const member = this.member(id);
    const index = member.state.log.applied;
    const data = snapshotOf(member);
    const ready = this.step(id, { type: 'snapshotTaken', index, data });
    if (index > (member.disk.snapshot?.meta.index ?? 0) && member.state.snapshot?.meta.index === index) {
      member.disk.snapshot = member.state.snapshot;
      member.disk.entries = member.disk.entries.filter((e) => e.index > index);
    }
    return ready;
  }

  /** Step 1 of the adapter contract (ready.ts): persist before anything leaves. */
  private persist(disk: Disk, ready: Ready): void {
    if (ready.snapshotToInstall !== null) {
      disk.snapshot = ready.snapshotToInstall;
      disk.entries = [];
    }
    const first = ready.entriesToPersist[0];
    if (first !== undefined) {
      const lastOnDisk = disk.entries.at(-1)?.index ?? disk.snapshot?.meta.index ?? 0;
      if (first.index > lastOnDisk + 1) throw new Error(`gap on disk: ${first.index} after ${lastOnDisk}`);
      disk.entries = disk.entries.filter((e) => e.index < first.index).concat(ready.entriesToPersist);
    }
    if (ready.hardState !== null) disk.hardState = ready.hardState;
  }

  private handleReady(member: Member, ready: Ready): void {
    this.persist(member.disk, ready);
    if (ready.snapshotToInstall !== null) {
      member.applied = JSON.parse(text(ready.snapshotToInstall.data)) as string[];
      member.installedSnapshots++;
    }
    for (const e of ready.committedEntries) applyEntry(member, e);
    member.readStates.push(...ready.readStates);
    if (ready.proposal !== null) member.proposals.push(ready.proposal);
    this.queue.push(...ready.messages);
  }

  /** Election Safety, Log Matching and State Machine Safety (Raft Figure 3), checked after each step. */
  private checkInvariants(): void {
    for (const [id, m] of this.members) {
      if (m.state.role !== 'leader') continue;
      const known = this.leadersByTerm.get(m.state.term);
      if (known !== undefined && known !== id) throw new Error(`two leaders in term ${m.state.term}: ${known}, ${id}`);
      this.leadersByTerm.set(m.state.term, id);
    }
    const applied = [...this.members.values()].map((m) => m.applied);
    const longest = applied.reduce((a, b) => (b.length > a.length ? b : a), []);
    for (const list of applied) {
      list.forEach((v, i) => {
        if (longest[i] !== v) throw new Error(`state machines diverge at ${i}: ${v} vs ${longest[i]}`);
      });
    }
  }
}

function applyEntry(member: Member, e: Entry): void {
  if (e.data.byteLength > 0) member.applied.push(text(e.data));
}

function link(a: MemberId, b: MemberId): string {
  return `${a}->${b}`;
}

/** Entries for a restored log: terms[i] is the term of index i + 1. */
export function entriesWithTerms(terms: readonly number[]): Entry[] {
  return terms.map((term, i) => ({ index: i + 1, term, data: bytes(`e${i + 1}t${term}`) }));
}

/** A snapshot of the toy state machine. */
export function snapshotOf(member: Member): Uint8Array {
  return bytes(JSON.stringify(member.applied));
}
