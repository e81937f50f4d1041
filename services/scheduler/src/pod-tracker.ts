// Adapter: one podSchedulingMachine (from @skiff/scheduler) per pending pod, hosted on the service
// host as `pod-<namespace>-<name>` so `skiff inspect` shows where each pod's scheduling stands. The
// machine is a view: the queue and cache decide, the loop reports here. A bound or deleted pod's
// actor reaches a final state and leaves the host. At most `limit` pods are tracked at a time so
// that a flood of pending pods does not flood inspection.

import type { ServiceHost } from '@skiff/actors';
import { podSchedulingMachine, type Pod, type PodSchedulingEvent } from '@skiff/scheduler';
import type { Actor } from 'xstate';

export interface PodTrackerOptions {
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly maxInUnschedulableMs?: number;
  /** Pods tracked at once. Default 500. */
  readonly limit?: number;
}

type Report = Exclude<PodSchedulingEvent, { type: 'backoffExpired' } | { type: 'unschedulableTimeout' }>;

export class PodTracker {
  private readonly actors = new Map<string, Actor<typeof podSchedulingMachine>>();
  private readonly limit: number;

  constructor(
    private readonly host: ServiceHost,
    private readonly opts: PodTrackerOptions = {},
  ) {
    this.limit = opts.limit ?? 500;
  }

  /** A pending pod entered the queue. */
  track(pod: Pod): void {
    const id = actorId(pod);
    if (this.actors.has(id) || this.actors.size >= this.limit) return;
    const { limit: _limit, ...input } = this.opts;
    try {
      this.actors.set(id, this.host.spawn(podSchedulingMachine, { id, input: { podKey: id, ...input } }));
    } catch {
      // The host is stopping, or a previous actor of this pod has not ended yet: no view, no harm.
    }
  }

  /** The loop popped the pod: an unschedulable view first sees the event that moved it. */
  attempt(pod: Pod, nowMs: number): void {
    const actor = this.actors.get(actorId(pod));
    if (actor === undefined) return;
    if (actor.getSnapshot().matches('unschedulable')) actor.send({ type: 'clusterEvent', nowMs });
    actor.send({ type: 'attempt' });
  }

  report(pod: Pod, ...events: readonly Report[]): void {
    const actor = this.actors.get(actorId(pod));
    if (actor === undefined) return;
    for (const event of events) actor.send(event);
    if (actor.getSnapshot().status === 'done') this.actors.delete(actorId(pod));
  }

  /** The pod was bound (by anyone) or deleted, or is no longer ours. */
  end(pod: Pod, how: 'bound' | 'deleted'): void {
    const actor = this.actors.get(actorId(pod));
    if (actor === undefined) return;
    if (how === 'bound' && actor.getSnapshot().matches('binding')) actor.send({ type: 'bound' });
    else actor.send({ type: 'deleted' });
    this.actors.delete(actorId(pod));
  }

  /** The view's state of a pod, if tracked (tests, debugging). */
  stateOf(pod: Pod): unknown {
    return this.actors.get(actorId(pod))?.getSnapshot().value;
  }
}

export function actorId(pod: Pod): string {
  return `pod-${pod.metadata?.namespace ?? 'default'}-${pod.metadata?.name ?? ''}`;
}
