// Faults while the workload runs, drawn from the run's Random at random moments of simulated time:
// partitions (random splits with clients on either side, or the leader cut off from everyone),
// message drops, delays and duplicates, power losses of members (unsynced log bytes lost or torn),
// of the whole cluster at once, graceful stops, restarts, leadership transfers. A profile weighs the kinds; `stop()` ends them and
// `heal()` lifts every network fault.

import type { MemoryNetwork } from '@skiff/bus';
import type { Random, SimulationClock, TimerId } from '@skiff/core';
import type { SimCluster } from './sim-cluster.js';
import type { SimTrace } from './sim-trace.js';

export type FaultKind =
  | 'partition'
  | 'isolateLeader'
  | 'heal'
  | 'drop'
  | 'delay'
  | 'duplicate'
  | 'calm'
  | 'crash'
  | 'powerLoss'
  | 'stop'
  | 'restart'
  | 'transfer';

export interface FaultProfile {
  readonly name: string;
  /** Time between two faults, drawn uniformly. */
  readonly intervalMs: { readonly min: number; readonly max: number };
  readonly weights: Readonly<Partial<Record<FaultKind, number>>>;
  readonly dropMax: number;
  readonly duplicateMax: number;
  readonly delayMaxMs: number;
}

const NETWORK_WEIGHTS = { partition: 3, isolateLeader: 2, heal: 4, drop: 2, delay: 2, duplicate: 2, calm: 2, transfer: 1 } as const;

export const FAULT_PROFILES = {
  none: { name: 'none', intervalMs: { min: 1_000, max: 1_000 }, weights: {}, dropMax: 0, duplicateMax: 0, delayMaxMs: 0 },
  network: { name: 'network', intervalMs: { min: 100, max: 600 }, weights: NETWORK_WEIGHTS, dropMax: 0.2, duplicateMax: 0.1, delayMaxMs: 150 },
  crash: { name: 'crash', intervalMs: { min: 150, max: 700 }, weights: { crash: 3, powerLoss: 0.5, stop: 1, restart: 4, heal: 1, transfer: 1 }, dropMax: 0, duplicateMax: 0, delayMaxMs: 0 },
  chaos: { name: 'chaos', intervalMs: { min: 100, max: 500 }, weights: { ...NETWORK_WEIGHTS, crash: 2, stop: 1, restart: 3 }, dropMax: 0.2, duplicateMax: 0.1, delayMaxMs: 150 },
} as const satisfies Record<string, FaultProfile>;

export type FaultProfileName = keyof typeof FAULT_PROFILES;

/** The network's latency when no delay fault is on. */
export const BASE_DELAY = { minMs: 0, maxMs: 2 } as const;

export interface FaultDeps {
  readonly network: MemoryNetwork;
  readonly cluster: SimCluster;
  readonly clock: SimulationClock;
  readonly random: Random;
  readonly trace: SimTrace;
  readonly profile: FaultProfile;
  /** Endpoint names of the clients (partitions put each on a random side). */
  readonly clients: readonly string[];
  /** Members that may be down at once. */
  readonly downMax: number;
  /** A restart failed: the run fails with it. */
  readonly onError: (err: unknown) => void;
}

export class FaultInjector {
  private timer: TimerId | undefined;
  readonly counts: Partial<Record<FaultKind, number>> = {};

  constructor(private readonly d: FaultDeps) {}

  start(): void {
    if (Object.keys(this.d.profile.weights).length > 0) this.schedule();
  }

  stop(): void {
    if (this.timer !== undefined) this.d.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Every network fault lifted; latency back to the base. */
  heal(): void {
    this.d.network.clearFaults();
    this.d.network.delay(BASE_DELAY);
    this.d.trace.note('fault', 'heal everything');
  }

  private schedule(): void {
    const { min, max } = this.d.profile.intervalMs;
    this.timer = this.d.clock.setTimeout(() => {
      this.inject(this.pickKind());
      this.schedule();
    }, this.d.random.int(min, max));
  }

  private pickKind(): FaultKind {
    const entries = Object.entries(this.d.profile.weights) as [FaultKind, number][];
    let roll = this.d.random.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [kind, weight] of entries) {
      roll -= weight;
      if (roll < 0) return kind;
    }
    return entries.at(-1)![0];
  }

  private inject(kind: FaultKind): void {
    const detail = this.apply(kind);
    if (detail === null) return;
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    this.d.trace.note('fault', `${kind} ${detail}`);
  }

  /** Applies one fault; null when it does not apply now (nobody to restart, ...). */
  private apply(kind: FaultKind): string | null {
    const { network, random, profile } = this.d;
    switch (kind) {
      case 'partition':
        return this.partition();
      case 'isolateLeader': {
        const leader = this.d.cluster.leader();
        if (leader === undefined) return null;
        network.isolate(leader.name);
        return leader.name;
      }
      case 'heal':
        network.heal();
        return '';
      case 'drop': {
        const p = round(random.next() * profile.dropMax);
        network.drop(p);
        return `p=${p}`;
      }
      case 'duplicate': {
        const p = round(random.next() * profile.duplicateMax);
        network.duplicate(p);
        return `p=${p}`;
      }
      case 'delay': {
        const range = { minMs: 0, maxMs: random.int(BASE_DELAY.maxMs, profile.delayMaxMs) };
        network.delay(range);
        return `${range.minMs}..${range.maxMs} ms`;
      }
      case 'calm':
        network.drop(0);
        network.duplicate(0);
        network.delay(BASE_DELAY);
        return '';
      case 'crash':
        return this.crash();
      case 'powerLoss':
        return this.powerLoss();
      case 'stop':
        return this.stopMember();
      case 'restart':
        return this.restart();
      case 'transfer':
        return this.transfer();
    }
  }

  /** Members split in two non-empty sides; each client lands on a random side. */
  private partition(): string | null {
    const { random } = this.d;
    const names = this.d.cluster.names;
    const a: string[] = [];
    const b: string[] = [];
    for (const n of names) (random.chance(0.5) ? a : b).push(n);
    if (a.length === 0) a.push(b.pop()!);
    if (b.length === 0) b.push(a.pop()!);
    for (const c of this.d.clients) (random.chance(0.5) ? a : b).push(c);
    this.d.network.partition(a, b);
    return `${a.join(',')} | ${b.join(',')}`;
  }

  /** A member that may go down now (the leader more often than the others), or null. */
  private victim(): string | null {
    const { cluster, random } = this.d;
    const up = cluster.up;
    if (up.length === 0 || cluster.names.length - up.length >= this.d.downMax) return null;
    const leader = cluster.leader();
    return leader !== undefined && up.includes(leader.name) && random.chance(0.4) ? leader.name : random.pick(up);
  }

  private crash(): string | null {
    const victim = this.victim();
    if (victim !== null) this.d.cluster.crash(victim, this.d.random);
    return victim;
  }

  /** The whole cluster loses power at once (no downMax): every running member, unsynced bytes lost. */
  private powerLoss(): string | null {
    const up = this.d.cluster.up;
    if (up.length === 0) return null;
    for (const name of up) this.d.cluster.crash(name, this.d.random);
    return up.join(',');
  }

  private stopMember(): string | null {
    const victim = this.victim();
    if (victim !== null) this.d.cluster.stop(victim).catch((err: unknown) => this.d.onError(err));
    return victim;
  }

  private restart(): string | null {
    const down = this.d.cluster.down;
    if (down.length === 0) return null;
    const name = this.d.random.pick(down);
    this.d.cluster.restart(name).catch((err: unknown) => this.d.onError(err));
    return name;
  }

  private transfer(): string | null {
    const leader = this.d.cluster.leader();
    if (leader === undefined) return null;
    const to = this.d.random.pick(this.d.cluster.names.filter((n) => n !== leader.name));
    leader.transferLeadership(to);
    return `${leader.name} -> ${to}`;
  }
}

function round(p: number): number {
  return Math.round(p * 1000) / 1000;
}
