// MemoryNetwork: a simulated NATS server shared by MemoryBus endpoints in one process, for
// deterministic simulation (DESIGN.md §3, §8.3; FoundationDB/TigerBeetle style).
//
// Routing follows NATS core: `*`/`>` patterns, one member per queue group, no responders when
// nothing matches. Each (publisher, subscription) pair is a FIFO link, as one NATS connection is
// (messages from one publisher reach one subscriber in order); which link delivers next is chosen
// by the seeded Random, so one seed gives one delivery order. Faults (drop, delay, duplicate,
// partition, crash) draw from the same Random and delays run on the injected Clock.
//
// Modes: 'auto' delivers everything ready in a microtask after each publish (simple tests);
// 'manual' delivers only when the caller steps (`deliverOne`, `deliverAll`), e.g. between
// SimulationClock steps.

import type { Clock, Random } from '@skiff/core';
import type { Headers } from './bus.js';
import { MemoryBus, MemoryMsg, type NetworkPort, type SubEntry } from './memory-bus.js';
import { subjectMatches, subjectToken } from './subjects.js';

export type DeliveryMode = 'auto' | 'manual';

/** One message on its way from a publisher endpoint to one subscription. */
export interface DeliveryInfo {
  readonly seq: number;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly reply: string | undefined;
  readonly headers: Headers | undefined;
  readonly data: Uint8Array;
}

export type NetworkEvent =
  | { readonly type: 'deliver'; readonly delivery: DeliveryInfo }
  | { readonly type: 'drop'; readonly delivery: DeliveryInfo; readonly reason: DropReason }
  | { readonly type: 'duplicate'; readonly delivery: DeliveryInfo };

export type DropReason = 'fault' | 'partition' | 'unsubscribed' | 'slow-consumer' | 'overflow';

export type DropRule = number | ((delivery: DeliveryInfo) => boolean);

export interface DelayRange {
  readonly minMs: number;
  readonly maxMs: number;
}

export interface MemoryNetworkOptions {
  readonly random: Random;
  readonly clock: Clock;
  readonly mode?: DeliveryMode;
  /** Messages a subscription may hold unconsumed before new ones are dropped (NATS slow consumer). */
  readonly subscriptionPendingMax?: number;
  /** Messages in flight in the whole network before new ones are dropped. */
  readonly inFlightMax?: number;
  /** Observes every delivery, drop and duplicate (traces, determinism checks). */
  readonly onEvent?: (event: NetworkEvent) => void;
}

export interface NetworkStats {
  published: number;
  delivered: number;
  dropped: number;
  duplicated: number;
}

interface Delivery {
  readonly info: DeliveryInfo;
  readonly sub: SubEntry;
  readonly readyAt: number;
}

const DELIVER_ALL_MAX = 1_000_000;

export class MemoryNetwork implements NetworkPort {
  readonly clock: Clock;
  readonly mode: DeliveryMode;
  readonly subscriptionPendingMax: number;
  readonly stats: NetworkStats = { published: 0, delivered: 0, dropped: 0, duplicated: 0 };
  private readonly random: Random;
  private readonly inFlightMax: number;
  private readonly onEvent: ((event: NetworkEvent) => void) | undefined;
  private readonly endpoints = new Map<string, MemoryBus>();
  private readonly exact = new Map<string, Set<SubEntry>>();
  private readonly wildcard = new Set<SubEntry>();
  /** Non-empty FIFO links, keyed `<endpoint id>><subscription id>`. */
  private readonly links = new Map<string, Delivery[]>();
  private inFlight = 0;
  private seq = 0;
  private subSeq = 0;
  private endpointSeq = 0;
  private drainScheduled = false;
  private dropRule: DropRule = 0;
  private duplicateP = 0;
  private delayRange: DelayRange | undefined;
  private readonly partitions: (readonly [ReadonlySet<string>, ReadonlySet<string>])[] = [];

  constructor(opts: MemoryNetworkOptions) {
    this.random = opts.random;
    this.clock = opts.clock;
    this.mode = opts.mode ?? 'auto';
    this.subscriptionPendingMax = opts.subscriptionPendingMax ?? 65_536;
    this.inFlightMax = opts.inFlightMax ?? 1_000_000;
    this.onEvent = opts.onEvent;
  }

  /** A new endpoint (one simulated connection). Names are unique among live endpoints. */
  connect(name: string): MemoryBus {
    subjectToken(name, 'endpoint name');
    if (this.endpoints.has(name)) throw new Error(`endpoint ${name} is already connected`);
    const bus = new MemoryBus(this, name, ++this.endpointSeq);
    this.endpoints.set(name, bus);
    return bus;
  }

  /** Live endpoint names, in connection order. */
  get endpointNames(): string[] {
    return [...this.endpoints.keys()];
  }

  // ---- delivery -------------------------------------------------------------------------------

  /** Messages waiting in the network (ready or delayed). */
  get pendingCount(): number {
    return this.inFlight;
  }

  /** The earliest time a delayed message becomes deliverable, if any is waiting. */
  nextReadyAt(): number | undefined {
    let earliest: number | undefined;
    for (const queue of this.links.values()) {
      const at = queue[0]!.readyAt;
      if (earliest === undefined || at < earliest) earliest = at;
    }
    return earliest;
  }

  /** Delivers one ready message, chosen by the PRNG among the links' heads; false when none is ready. */
  deliverOne(): boolean {
    const now = this.clock.now();
    const ready: string[] = [];
    for (const [key, queue] of this.links) if (queue[0]!.readyAt <= now) ready.push(key);
    if (ready.length === 0) return false;
    const key = this.random.pick(ready);
    const queue = this.links.get(key)!;
    const delivery = queue.shift()!;
    if (queue.length === 0) this.links.delete(key);
    this.inFlight--;
    this.deliver(delivery);
    return true;
  }

  /** Delivers ready messages (those they cause included) until none is ready; returns how many. */
  deliverAll(maxSteps = DELIVER_ALL_MAX): number {
    let n = 0;
    while (n < maxSteps && this.deliverOne()) n++;
    return n;
  }

  // ---- faults ---------------------------------------------------------------------------------

  /** Drops each message with probability p, or when the predicate says so. 0 turns it off. */
  drop(rule: DropRule): void {
    if (typeof rule === 'number') assertProbability(rule, 'drop');
    this.dropRule = rule;
  }

  /** Duplicates each message with probability p (the copy follows the original on its link). */
  duplicate(p: number): void {
    assertProbability(p, 'duplicate');
    this.duplicateP = p;
  }

  /** Delays each message by a uniform whole number of ms in [minMs, maxMs]; undefined turns it off. */
  delay(range: DelayRange | undefined): void {
    const valid = range === undefined || (Number.isInteger(range.minMs) && range.minMs >= 0 && range.maxMs >= range.minMs);
    if (!valid) {
      throw new RangeError(`delay range must be integers with 0 <= minMs <= maxMs, got ${JSON.stringify(range)}`);
    }
    this.delayRange = range;
  }

  /** Messages between a member of `a` and a member of `b` are lost, both ways, in flight included. */
  partition(a: readonly string[], b: readonly string[]): void {
    this.partitions.push([new Set(a), new Set(b)]);
  }

  /** Cuts one endpoint off from every other endpoint known now. */
  isolate(name: string): void {
    this.partition([name], this.endpointNames.filter((n) => n !== name));
  }

  heal(): void {
    this.partitions.length = 0;
  }

  clearFaults(): void {
    this.heal();
    this.dropRule = 0;
    this.duplicateP = 0;
    this.delayRange = undefined;
  }

  /** The endpoint's process dies: its subscriptions vanish with what they had queued. */
  crash(name: string): void {
    const bus = this.endpoints.get(name);
    if (bus === undefined) throw new Error(`no live endpoint ${name}`);
    bus.crash();
  }

  /** A new incarnation of a crashed (or closed) endpoint. */
  restart(name: string): MemoryBus {
    return this.connect(name);
  }

  isPartitioned(x: string, y: string): boolean {
    if (x === y) return false;
    return this.partitions.some(([a, b]) => (a.has(x) && b.has(y)) || (b.has(x) && a.has(y)));
  }

  // ---- NetworkPort (used by MemoryBus) --------------------------------------------------------

  nextSubId(): number {
    return ++this.subSeq;
  }

  route(from: MemoryBus, subject: string, data: Uint8Array, headers: Headers | undefined, reply: string | undefined): number {
    const matches = this.match(subject);
    if (matches.length === 0) return 0;
    this.stats.published++;
    const groups = new Map<string, SubEntry[]>();
    for (const sub of matches) {
      if (sub.queue === undefined) this.enqueue(from, sub, subject, data, headers, reply);
      else groups.set(sub.queue, [...(groups.get(sub.queue) ?? []), sub]);
    }
    for (const members of groups.values()) {
      // Like a NATS server, pick among members the publisher can reach when there are any.
      const reachable = members.filter((m) => !this.isPartitioned(from.name, m.endpoint.name));
      this.enqueue(from, this.random.pick(reachable.length > 0 ? reachable : members), subject, data, headers, reply);
    }
    return matches.length;
  }

  addEntry(entry: SubEntry): void {
    if (isWildcard(entry.pattern)) {
      this.wildcard.add(entry);
      return;
    }
    const set = this.exact.get(entry.pattern) ?? new Set<SubEntry>();
    set.add(entry);
    this.exact.set(entry.pattern, set);
  }

  removeEntry(entry: SubEntry): void {
    if (isWildcard(entry.pattern)) {
      this.wildcard.delete(entry);
      return;
    }
    const set = this.exact.get(entry.pattern);
    set?.delete(entry);
    if (set?.size === 0) this.exact.delete(entry.pattern);
  }

  detach(endpoint: MemoryBus): void {
    if (this.endpoints.get(endpoint.name) === endpoint) this.endpoints.delete(endpoint.name);
  }

  // ---- internals ------------------------------------------------------------------------------

  /** Active subscriptions matching `subject`, in subscription order (deterministic). */
  private match(subject: string): SubEntry[] {
    const found: SubEntry[] = [];
    for (const sub of this.exact.get(subject) ?? []) if (sub.active) found.push(sub);
    for (const sub of this.wildcard) if (sub.active && subjectMatches(sub.pattern, subject)) found.push(sub);
    return found.sort((x, y) => x.id - y.id);
  }

  private enqueue(
    from: MemoryBus,
    sub: SubEntry,
    subject: string,
    data: Uint8Array,
    headers: Headers | undefined,
    reply: string | undefined,
  ): void {
    const info: DeliveryInfo = { seq: ++this.seq, from: from.name, to: sub.endpoint.name, subject, reply, headers, data };
    if (this.shouldDrop(info)) return this.dropped(info, 'fault');
    const copies = this.duplicateP > 0 && this.random.chance(this.duplicateP) ? 2 : 1;
    if (copies === 2) {
      this.stats.duplicated++;
      this.onEvent?.({ type: 'duplicate', delivery: info });
    }
    const key = `${from.id}>${sub.id}`;
    const queue = this.links.get(key) ?? [];
    const now = this.clock.now();
    // A link is FIFO: a message never becomes ready before the one queued ahead of it.
    const readyAt = Math.max(now + this.drawDelayMs(), queue.at(-1)?.readyAt ?? now);
    for (let i = 0; i < copies; i++) {
      if (this.inFlight >= this.inFlightMax) return this.dropped(info, 'overflow');
      queue.push({ info, sub, readyAt });
      this.inFlight++;
    }
    this.links.set(key, queue);
    this.wake(readyAt - now);
  }

  private deliver(d: Delivery): void {
    const { info, sub } = d;
    if (this.isPartitioned(info.from, info.to)) return this.dropped(info, 'partition');
    if (!sub.active) return this.dropped(info, 'unsubscribed');
    const msg = new MemoryMsg(sub.endpoint, info.subject, info.data, info.headers, info.reply);
    if (!sub.sink(msg)) return this.dropped(info, 'slow-consumer');
    sub.delivered++;
    this.stats.delivered++;
    this.onEvent?.({ type: 'deliver', delivery: info });
    if (sub.max !== undefined && sub.delivered >= sub.max) sub.endpoint.unsubscribe(sub);
  }

  private shouldDrop(info: DeliveryInfo): boolean {
    const rule = this.dropRule;
    if (typeof rule === 'function') return rule(info);
    return rule > 0 && this.random.chance(rule);
  }

  private drawDelayMs(): number {
    const range = this.delayRange;
    if (range === undefined || range.maxMs === 0) return 0;
    return this.random.int(range.minMs, range.maxMs);
  }

  private dropped(info: DeliveryInfo, reason: DropReason): void {
    this.stats.dropped++;
    this.onEvent?.({ type: 'drop', delivery: info, reason });
  }

  /** Arranges for delivery: a microtask in auto mode, a clock timer when the message is delayed. */
  private wake(inMs: number): void {
    if (inMs > 0) {
      // In manual mode the timer only gives the clock a reason to advance to the ready time.
      this.clock.setTimeout(() => this.scheduleDrain(), inMs);
      return;
    }
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.mode !== 'auto' || this.drainScheduled) return;
    this.drainScheduled = true;
    queueMicrotask(() => {
      this.drainScheduled = false;
      this.deliverAll();
    });
  }
}

function isWildcard(pattern: string): boolean {
  return pattern.split('.').some((token) => token === '*' || token === '>');
}

function assertProbability(p: number, what: string): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${what} probability must be in [0, 1], got ${p}`);
}
