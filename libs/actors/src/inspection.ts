// Adapter: XState inspection published on the bus (DESIGN.md §4). `createInspector` returns the
// `inspect` callback handed to `createActor`, and answers `describe` from its actor registry.
//
// Bounds, so that inspection never slows or floods the service it watches:
// - the callback only records (a reference to the latest snapshot, a small transition record);
//   summarising and encoding happen later, in a clock timer, off the actor's call stack;
// - per actor, at most one flush per `snapshotIntervalMs`: a burst of N transitions becomes one
//   snapshot (the latest) and one batch of at most `transitionsPerFlushMax` transitions (the rest
//   are counted as `dropped`);
// - contexts are summarised under SummaryLimits; publish failures are counted, never thrown.

import {
  encode,
  guardOf,
  type Bus,
  type Envelope,
} from '@skiff/bus';
import type { AnyActorRef, InspectionEvent, StateValue } from 'xstate';
import { ActorRegistry, publicId, type ActorDescription } from './actor-registry.js';
import type { Clock, TimerId } from '@skiff/core';
import type { Logger } from './logger.js';
import { DEFAULT_SUMMARY_LIMITS, summariseValue, type Summary, type SummaryLimits } from './value-summary.js';

export const DEFAULT_SNAPSHOT_INTERVAL_MS = 100;
export const DEFAULT_TRANSITIONS_PER_FLUSH_MAX = 64;

/** Who publishes: every inspection message names its service and instance. */
interface Origin {
  readonly service: string;
  readonly instance: string;
}

/** A machine actor started (published once, before its first snapshot). */
export interface ActorRegisteredMessage extends Origin {
  readonly type: 'inspect.actor';
  readonly actorId: string;
  readonly sessionId: string;
  readonly parentSessionId?: string;
  readonly machineId: string;
  readonly atMs: number;
}

export interface SnapshotMessage extends Origin {
  readonly type: 'inspect.snapshot';
  readonly actorId: string;
  readonly sessionId: string;
  readonly state: StateValue | null;
  /** `active`, `done`, `error` or `stopped`: anything but `active` is the actor's last snapshot. */
  readonly status: string;
  readonly context: Summary;
  readonly error?: string;
  readonly atMs: number;
}

/** One taken transition: `source` and `targets` are state node ids (`light.green`). */
export interface TransitionRecord {
  readonly eventType: string;
  readonly source: string;
  readonly targets: string[];
  readonly atMs: number;
}

export interface TransitionsMessage extends Origin {
  readonly type: 'inspect.transitions';
  readonly actorId: string;
  readonly sessionId: string;
  readonly transitions: TransitionRecord[];
  /** Transitions of this flush window left out by the bound. */
  readonly dropped: number;
}

export type InspectionMessage = ActorRegisteredMessage | SnapshotMessage | TransitionsMessage;

export interface DescribeRequest extends Envelope {
  readonly type: 'inspect.describe';
  readonly withDefinitions?: boolean;
}

export interface DescribeReply extends Origin {
  readonly type: 'inspect.described';
  readonly actors: ActorDescription[];
}

export const isDescribeRequest = guardOf<DescribeRequest>('inspect.describe', { withDefinitions: 'boolean?' });

export interface InspectorOptions {
  readonly bus: Bus;
  /** Where events go: `subjects(cluster).inspectEvents(service, instance)`. */
  readonly subject: string;
  readonly service: string;
  readonly instance: string;
  readonly clock: Clock;
  readonly logger?: Logger;
  readonly snapshotIntervalMs?: number;
  readonly transitionsPerFlushMax?: number;
  readonly summaryLimits?: SummaryLimits;
}

export interface InspectorStats {
  readonly published: number;
  readonly publishFailures: number;
  readonly droppedTransitions: number;
  readonly actors: number;
}

export interface Inspector {
  /** The callback for `createActor(machine, { inspect })`. Never throws. */
  readonly inspect: (event: InspectionEvent) => void;
  readonly registry: ActorRegistry;
  /** The answer to a describe request. */
  describe(request?: { readonly withDefinitions?: boolean }): DescribeReply;
  /** Records an actor's failure (XState reports a failed transition to observers only). */
  actorFailed(ref: AnyActorRef, error: unknown): void;
  /** Publishes everything pending now (before a shutdown). */
  flush(): void;
  /** Cancels pending timers; later events are ignored. */
  stop(): void;
  stats(): InspectorStats;
}

interface Pending {
  readonly ref: AnyActorRef;
  registered: boolean;
  snapshot: unknown;
  error: string | undefined;
  transitions: TransitionRecord[];
  dropped: number;
  timer: TimerId | undefined;
  lastFlushAtMs: number;
}

export function createInspector(opts: InspectorOptions): Inspector {
  return new BusInspector(opts);
}

class BusInspector implements Inspector {
  readonly registry = new ActorRegistry();
  private readonly pending = new Map<string, Pending>();
  private readonly intervalMs: number;
  private readonly transitionsMax: number;
  private readonly limits: SummaryLimits;
  private stopped = false;
  private published = 0;
  private publishFailures = 0;
  private droppedTransitions = 0;

  constructor(private readonly opts: InspectorOptions) {
    this.intervalMs = opts.snapshotIntervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS;
    this.transitionsMax = opts.transitionsPerFlushMax ?? DEFAULT_TRANSITIONS_PER_FLUSH_MAX;
    this.limits = opts.summaryLimits ?? DEFAULT_SUMMARY_LIMITS;
  }

  readonly inspect = (event: InspectionEvent): void => {
    if (this.stopped) return;
    try {
      this.record(event);
    } catch (err) {
      // Inspection is a side channel: a bug here must not become the actor's error.
      this.opts.logger?.warn({ err, inspectionEvent: event.type }, 'inspection event not recorded');
    }
  };

  describe(request: { readonly withDefinitions?: boolean } = {}): DescribeReply {
    return {
      type: 'inspect.described',
      service: this.opts.service,
      instance: this.opts.instance,
      actors: this.registry.describe(request.withDefinitions === true),
    };
  }

  actorFailed(ref: AnyActorRef, error: unknown): void {
    const p = this.pending.get(ref.sessionId) ?? this.track(ref);
    if (p === undefined || this.stopped) return;
    p.snapshot = ref.getSnapshot();
    p.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.registry.remove(ref.sessionId);
    this.schedule(ref.sessionId, p);
  }

  flush(): void {
    for (const sessionId of [...this.pending.keys()]) this.flushActor(sessionId);
  }

  stop(): void {
    this.stopped = true;
    for (const p of this.pending.values()) if (p.timer !== undefined) this.opts.clock.clearTimeout(p.timer);
    this.pending.clear();
  }

  stats(): InspectorStats {
    return {
      published: this.published,
      publishFailures: this.publishFailures,
      droppedTransitions: this.droppedTransitions,
      actors: this.registry.size,
    };
  }

  private record(event: InspectionEvent): void {
    const ref = event.actorRef as AnyActorRef;
    switch (event.type) {
      case '@xstate.actor':
        if (this.registry.add(ref)) this.track(ref);
        return;
      case '@xstate.snapshot':
        return this.recordSnapshot(ref, event.snapshot);
      case '@xstate.microstep':
        return this.recordTransitions(ref, event);
      default:
        return;
    }
  }

  private track(ref: AnyActorRef): Pending | undefined {
    if (!this.registry.has(ref.sessionId)) return undefined;
    const p: Pending = {
      ref,
      registered: true,
      snapshot: undefined,
      error: undefined,
      transitions: [],
      dropped: 0,
      timer: undefined,
      lastFlushAtMs: Number.NEGATIVE_INFINITY,
    };
    this.pending.set(ref.sessionId, p);
    this.schedule(ref.sessionId, p);
    return p;
  }

  private recordSnapshot(ref: AnyActorRef, snapshot: unknown): void {
    const p = this.pending.get(ref.sessionId);
    if (p === undefined) return;
    p.snapshot = snapshot;
    // The last snapshot of an actor that ended: it leaves the registry now, and the pending entry
    // after this final snapshot is published.
    if (statusOf(snapshot) !== 'active') this.registry.remove(ref.sessionId);
    this.schedule(ref.sessionId, p);
  }

  private recordTransitions(ref: AnyActorRef, event: Extract<InspectionEvent, { type: '@xstate.microstep' }>): void {
    const p = this.pending.get(ref.sessionId);
    if (p === undefined || event._transitions.length === 0) return;
    const atMs = this.opts.clock.now();
    for (const t of event._transitions) {
      if (p.transitions.length >= this.transitionsMax) {
        p.dropped++;
        this.droppedTransitions++;
        continue;
      }
      p.transitions.push({
        eventType: event.event.type,
        source: t.source.id,
        targets: (t.target ?? []).map((s) => s.id),
        atMs,
      });
    }
    this.schedule(ref.sessionId, p);
  }

  private schedule(sessionId: string, p: Pending): void {
    if (p.timer !== undefined) return;
    const delayMs = Math.max(0, p.lastFlushAtMs + this.intervalMs - this.opts.clock.now());
    p.timer = this.opts.clock.setTimeout(() => this.flushActor(sessionId), delayMs);
  }

  private flushActor(sessionId: string): void {
    const p = this.pending.get(sessionId);
    if (p === undefined) return;
    if (p.timer !== undefined) this.opts.clock.clearTimeout(p.timer);
    p.timer = undefined;
    p.lastFlushAtMs = this.opts.clock.now();
    try {
      this.publishPending(p);
    } catch (err) {
      this.opts.logger?.warn({ err, sessionId }, 'inspection flush failed');
    }
    const ended = !this.registry.has(sessionId);
    if (ended) this.pending.delete(sessionId);
  }

  private publishPending(p: Pending): void {
    const actorId = publicId(p.ref);
    const sessionId = p.ref.sessionId;
    const machineId = this.registry.machineIdOf(sessionId);
    if (p.registered && machineId !== undefined) {
      const parentSessionId = (p.ref as { _parent?: AnyActorRef })._parent?.sessionId;
      this.publish({
        type: 'inspect.actor',
        ...this.origin(),
        actorId,
        sessionId,
        ...(parentSessionId === undefined ? {} : { parentSessionId }),
        machineId,
        atMs: this.opts.clock.now(),
      });
    }
    p.registered = false;
    if (p.transitions.length > 0 || p.dropped > 0) {
      this.publish({ type: 'inspect.transitions', ...this.origin(), actorId, sessionId, transitions: p.transitions, dropped: p.dropped });
      p.transitions = [];
      p.dropped = 0;
    }
    if (p.snapshot !== undefined) {
      this.publish(this.snapshotMessage(actorId, sessionId, p.snapshot, p.error));
      p.snapshot = undefined;
    }
  }

  private snapshotMessage(actorId: string, sessionId: string, snapshot: unknown, error: string | undefined): SnapshotMessage {
    const s = snapshot as { value?: StateValue; status?: string; context?: unknown };
    return {
      type: 'inspect.snapshot',
      ...this.origin(),
      actorId,
      sessionId,
      state: s.value ?? null,
      status: s.status ?? 'unknown',
      context: summariseValue(s.context, this.limits),
      ...(error === undefined ? {} : { error }),
      atMs: this.opts.clock.now(),
    };
  }

  private origin(): Origin {
    return { service: this.opts.service, instance: this.opts.instance };
  }

  private publish(message: InspectionMessage): void {
    try {
      this.opts.bus.publish(this.opts.subject, encode(message));
      this.published++;
    } catch (err) {
      this.publishFailures++;
      // The first failure says why; the rest would only repeat it (a closed bus fails every time).
      if (this.publishFailures === 1) this.opts.logger?.warn({ err, subject: this.opts.subject }, 'inspection publish failed');
    }
  }
}

function statusOf(snapshot: unknown): string | undefined {
  return (snapshot as { status?: string } | undefined)?.status;
}
