// The store members of one simulation: each has its own MemoryDisk (which outlives its crashes), a
// MemoryWal behind a RecordingWal, its own endpoint on the MemoryNetwork and a Random forked from the
// run's. crash() is a power loss (halt, unsynced bytes lost or torn, the endpoint's subscriptions
// gone); restart() reopens the log from the disk and starts a new member with the same name.

import { silentLogger } from '@skiff/actors';
import type { MemoryBus, MemoryNetwork } from '@skiff/bus';
import type { Random, SimulationClock } from '@skiff/core';
import { createStoreMember, type StoreMember, type StoreMemberOptions } from '@skiff/store';
import { MemoryDisk, MemoryWal, type MemoryWalOptions } from '@skiff/wal';
import { RecordedLog, RecordingWal } from './recorded-log.js';
import { InvariantError, type CheckedNode, type Invariants } from './sim-invariants.js';
import type { SimTrace } from './sim-trace.js';

export const SIM_CLUSTER = 'sim';

export interface SimClusterDeps {
  readonly names: readonly string[];
  readonly network: MemoryNetwork;
  readonly clock: SimulationClock;
  readonly random: Random;
  readonly invariants: Invariants;
  readonly trace: SimTrace;
  readonly memberOptions: StoreMemberOptions;
  readonly walOptions: MemoryWalOptions;
  readonly fsyncLatencyMs: number;
  /**
   * A member reported a fatal error (its log failed): a bug in the simulation's eyes. `afterHalt`:
   * the simulation had already halted that incarnation (crash, stop), which promised silence.
   */
  readonly onFatal: (name: string, err: unknown, afterHalt: boolean) => void;
}

interface SimNode extends CheckedNode {
  readonly wal: MemoryWal;
  readonly bus: MemoryBus;
  /** The simulation halted this incarnation (crash, stop, end of run). */
  halted: boolean;
}

interface Slot {
  readonly name: string;
  readonly disk: MemoryDisk;
  /** 'starting': the log is being reopened; 'stopping': a graceful stop is under way. */
  state: 'down' | 'starting' | 'up' | 'stopping';
  node: SimNode | null;
  incarnation: number;
}

export class SimCluster {
  private readonly slots = new Map<string, Slot>();
  crashes = 0;
  stops = 0;
  restarts = 0;
  /** Over every incarnation that has ended (see retire). */
  snapshotsTaken = 0;
  snapshotsInstalled = 0;

  constructor(private readonly deps: SimClusterDeps) {
    for (const name of deps.names) {
      const disk = new MemoryDisk({ clock: deps.clock, fsyncLatencyMs: deps.fsyncLatencyMs });
      this.slots.set(name, { name, disk, state: 'down', node: null, incarnation: 0 });
    }
  }

  get names(): readonly string[] {
    return this.deps.names;
  }

  /** Members that run now, in name order. */
  get nodes(): CheckedNode[] {
    const nodes: CheckedNode[] = [];
    for (const slot of this.slots.values()) if (slot.node !== null) nodes.push(slot.node);
    return nodes;
  }

  get running(): StoreMember[] {
    return this.nodes.map((n) => n.member);
  }

  /** Members neither running nor starting. */
  get down(): string[] {
    return [...this.slots.values()].filter((s) => s.state === 'down').map((s) => s.name);
  }

  /** Members running and not stopping: what a crash or a stop may hit. */
  get up(): string[] {
    return [...this.slots.values()].filter((s) => s.state === 'up').map((s) => s.name);
  }

  get allUp(): boolean {
    return [...this.slots.values()].every((s) => s.state === 'up');
  }

  /** The running leader of the highest term, if any member claims it. */
  leader(): StoreMember | undefined {
    let best: StoreMember | undefined;
    for (const m of this.running) if (m.role === 'leader' && (best === undefined || m.term > best.term)) best = m;
    return best;
  }

  async start(name: string): Promise<StoreMember> {
    const slot = this.slot(name);
    if (slot.state !== 'down') throw new Error(`member ${name} is ${slot.state}`);
    slot.state = 'starting';
    const d = this.deps;
    const { wal, state, warnings } = await MemoryWal.open(slot.disk, d.walOptions);
    for (const w of warnings) d.trace.note('recovery', `${name} ${w.type}`);
    const lastIndex = state.entries.at(-1)?.index ?? state.snapshotMeta?.index ?? 0;
    if (state.hardState.commit > lastIndex) {
      // Durability (Raft Figure 2): what was committed was durable first. Checked here because the
      // Raft core refuses such a state by throwing inside its actor, where nobody can catch it.
      throw new InvariantError(`${name} recovered a log ending at ${lastIndex} with commit ${state.hardState.commit}: acknowledged entries were lost`);
    }
    const incarnation = ++slot.incarnation;
    const log = RecordedLog.fromState(state);
    // The node exists before the member so the recording WAL can name it in a violation.
    const bus = slot.incarnation === 1 ? d.network.connect(name) : d.network.restart(name);
    const node = { name, member: null as unknown as StoreMember, log, verifiedUpTo: state.snapshotMeta?.index ?? 0, wal, bus, halted: false };
    const recording = new RecordingWal(wal, log, { beforeAppend: (entries) => d.invariants.beforeAppend(node, entries) });
    const member = createStoreMember({
      name,
      members: d.names,
      cluster: SIM_CLUSTER,
      bus,
      wal: recording,
      recovered: state,
      clock: d.clock,
      random: d.random.fork(),
      logger: silentLogger('store', `${name}.${incarnation}`),
      onFatal: (err) => d.onFatal(name, err, node.halted),
      options: d.memberOptions,
    });
    node.member = member;
    member.onRoleChange((soft) => {
      d.invariants.observeRole(name, soft);
      d.trace.note('role', `${name} ${soft.role} term ${soft.term} leader ${soft.leaderId ?? '-'}`);
    });
    slot.node = node;
    slot.state = 'up';
    await member.start();
    d.trace.note('start', `${name} incarnation ${incarnation}: term ${state.hardState.term}, commit ${state.hardState.commit}, ${state.entries.length} entries after snapshot ${state.snapshotMeta?.index ?? 0}`);
    return member;
  }

  /** A power loss: nothing more runs, unsynced bytes are lost or torn (drawn from `random`). */
  crash(name: string, random: Random): void {
    const slot = this.slot(name);
    const node = slot.node;
    if (slot.state !== 'up' || node === null) throw new Error(`member ${name} is not running`);
    node.halted = true;
    node.member.halt();
    this.retire(node.member);
    node.wal.crash({ loseUnsynced: true, random });
    this.deps.network.crash(name);
    slot.node = null;
    slot.state = 'down';
    this.crashes++;
    this.deps.trace.note('crash', `${name} incarnation ${slot.incarnation} (applied ${node.member.appliedIndex})`);
  }

  /** A graceful stop (a leader hands over first); the log and the endpoint are closed after it. */
  async stop(name: string): Promise<void> {
    const slot = this.slot(name);
    const node = slot.node;
    if (slot.state !== 'up' || node === null) throw new Error(`member ${name} is not running`);
    slot.state = 'stopping';
    this.deps.trace.note('stop', `${name} incarnation ${slot.incarnation} stopping`);
    await node.member.stop();
    node.halted = true;
    this.retire(node.member);
    await node.wal.close();
    await node.bus.close();
    slot.node = null;
    slot.state = 'down';
    this.stops++;
    this.deps.trace.note('stop', `${name} incarnation ${slot.incarnation} stopped (applied ${node.member.appliedIndex})`);
  }

  async restart(name: string): Promise<StoreMember> {
    this.restarts++;
    return this.start(name);
  }

  /** Ends the run: every member halts (no hand-over), logs are abandoned. */
  haltAll(): void {
    for (const slot of this.slots.values()) {
      if (slot.node !== null) {
        slot.node.halted = true;
        slot.node.member.halt();
        this.retire(slot.node.member);
      }
      slot.node = null;
      slot.state = 'down';
    }
  }

  private retire(member: StoreMember): void {
    this.snapshotsTaken += member.stats.snapshotsTaken;
    this.snapshotsInstalled += member.stats.snapshotsInstalled;
  }

  private slot(name: string): Slot {
    const slot = this.slots.get(name);
    if (slot === undefined) throw new Error(`no member ${name}`);
    return slot;
  }
}
