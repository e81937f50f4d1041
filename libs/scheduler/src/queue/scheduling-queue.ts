/*
 * The scheduling queue (pkg/scheduler/backend/queue/scheduling_queue.go): three places a pending
 * pod can wait, and the moves between them, timed by an injected clock.
 *
 *    add ──> activeQ ──pop──> (in flight: one cycle) ──failure──> unschedulablePods
 *              ^  ^                      │                             │ cluster event its
 *              │  │                      │ error, or a move request    │ rejecting plugins care
 *              │  │                      │ arrived during the cycle    │ about / 5 min leftover
 *              │  │                      v                             v
 *              │  └──── backoff over ── backoffQ <──── still backing off ┘
 *              └────────────────────────────────────── backoff over ────┘
 *
 * Invariants:
 * - a pod key is in at most one of activeQ, backoffQ, unschedulablePods;
 * - activeQ pops the highest priority first, then the oldest pod (creationTimestamp), then the
 *   one queued first;
 * - backoff after the n-th attempt is initialBackoffMs * 2^(n-1), capped at maxBackoffMs (1 s
 *   doubling to 10 s), counted from the moment the pod failed;
 * - a move request that happens while a pod is in flight sends it to backoffQ rather than to
 *   unschedulablePods, so the event that could have made it fit is not lost (moveRequestCycle).
 */
import type { Clock, TimerId } from '@skiff/core';
import type { ClusterEventType } from '../framework/interfaces.js';
import { podInfoOf, podKey, type PodInfo } from '../pod-info.js';
import type { Pod } from '../types.js';
import { KeyedHeap } from './heap.js';

export interface QueuedPodInfo {
  readonly podInfo: PodInfo;
  /** When the pod last entered the queue (or failed), by the injected clock. */
  timestampMs: number;
  /** Scheduling attempts so far (incremented by pop). */
  attempts: number;
  initialAttemptMs: number | undefined;
  /** Plugins that rejected the pod in its last attempt; empty after an error. */
  unschedulablePlugins: ReadonlySet<string>;
  readonly seq: number;
}

export interface SchedulingQueueOptions {
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** podMaxInUnschedulablePodsDuration: retry a pod that no event moved after this long. Default 5 min. */
  readonly maxInUnschedulableMs?: number;
  /** Plugins interested in an event; pods rejected only by other plugins stay put. Default: all move. */
  readonly pluginsForEvent?: (event: ClusterEventType) => ReadonlySet<string>;
  /** Called whenever activeQ gains a pod (wake the scheduling loop). */
  readonly onActive?: () => void;
}

export type QueueName = 'activeQ' | 'backoffQ' | 'unschedulablePods';

/** PrioritySort's Less, with creation time as the issue asks and queue order last. */
export function activeQLess(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
  if (a.podInfo.priority !== b.podInfo.priority) return a.podInfo.priority > b.podInfo.priority;
  if (a.podInfo.creationMs !== b.podInfo.creationMs) return a.podInfo.creationMs < b.podInfo.creationMs;
  if (a.timestampMs !== b.timestampMs) return a.timestampMs < b.timestampMs;
  return a.seq < b.seq;
}

/** calculateBackoffDuration. */
export function backoffDurationMs(attempts: number, initialMs: number, maxMs: number): number {
  let duration = initialMs;
  for (let i = 1; i < attempts; i++) {
    duration *= 2;
    if (duration > maxMs) return maxMs;
  }
  return Math.min(duration, maxMs);
}

export class SchedulingQueue {
  private readonly activeQ = new KeyedHeap<QueuedPodInfo>((q) => q.podInfo.key, activeQLess);
  private readonly backoffQ = new KeyedHeap<QueuedPodInfo>(
    (q) => q.podInfo.key,
    (a, b) => this.backoffExpiryMs(a) < this.backoffExpiryMs(b) || (this.backoffExpiryMs(a) === this.backoffExpiryMs(b) && a.seq < b.seq),
  );
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly inFlight = new Map<string, QueuedPodInfo>();
  /** Node name -> pods nominated to it by preemption (the PodNominator). */
  private readonly nominated = new Map<string, PodInfo[]>();
  private readonly nominatedNodeOf = new Map<string, string>();
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private seq = 0;
  private timers: TimerId[] = [];
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxInUnschedulableMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly options: SchedulingQueueOptions = {},
  ) {
    this.initialBackoffMs = options.initialBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.maxInUnschedulableMs = options.maxInUnschedulableMs ?? 5 * 60_000;
  }

  // ---- informer-driven changes

  /** A new pending pod. */
  add(pod: Pod): void {
    const info = podInfoOf(pod);
    this.removeEverywhere(info.key);
    this.pushActive({ podInfo: info, timestampMs: this.clock.now(), attempts: 0, initialAttemptMs: undefined, unschedulablePlugins: new Set(), seq: this.seq++ });
    this.updateNomination(info);
  }

  /** A pending pod changed: it keeps its place, and an unschedulable pod gets another try. */
  update(pod: Pod): void {
    const info = podInfoOf(pod);
    const key = info.key;
    this.updateNomination(info);
    for (const heap of [this.activeQ, this.backoffQ]) {
      const q = heap.get(key);
      if (q !== undefined) {
        heap.addOrUpdate({ ...q, podInfo: info });
        return;
      }
    }
    const q = this.unschedulable.get(key);
    if (q !== undefined) {
      this.unschedulable.delete(key);
      this.moveToActiveOrBackoff({ ...q, podInfo: info });
      return;
    }
    if (!this.inFlight.has(key)) this.add(pod);
  }

  delete(pod: Pod): void {
    const key = podKey(pod);
    this.removeEverywhere(key);
    this.inFlight.delete(key);
    this.deleteNomination(key);
  }

  // ---- the scheduling loop

  /** The next pod to schedule, or undefined when activeQ is empty (never blocks). */
  pop(): QueuedPodInfo | undefined {
    const q = this.activeQ.pop();
    if (q === undefined) return undefined;
    q.attempts++;
    q.initialAttemptMs ??= this.clock.now();
    this.schedulingCycle++;
    this.inFlight.set(q.podInfo.key, q);
    return q;
  }

  /** The cycle number of the latest pop; pass it back with a failed pod. */
  get currentCycle(): number {
    return this.schedulingCycle;
  }

  /** The pod's cycle ended (bound, or handed back): it is no longer in flight. */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * A cycle failed. Pods rejected by plugins wait in unschedulablePods for a relevant event, unless
   * a move request arrived during their cycle; pods that hit an error go to backoffQ.
   */
  addUnschedulableIfNotPresent(q: QueuedPodInfo, unschedulablePlugins: ReadonlySet<string>, podSchedulingCycle: number): void {
    const key = q.podInfo.key;
    this.inFlight.delete(key);
    if (this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key)) return;
    q.timestampMs = this.clock.now();
    q.unschedulablePlugins = unschedulablePlugins;
    if (unschedulablePlugins.size === 0 || this.moveRequestCycle >= podSchedulingCycle) this.backoffQ.addOrUpdate(q);
    else this.unschedulable.set(key, q);
  }

  /** A cluster event may have made unschedulable pods fit: move those it concerns. */
  moveAllToActiveOrBackoffQueue(event: ClusterEventType): void {
    const interested = this.options.pluginsForEvent?.(event);
    for (const [key, q] of [...this.unschedulable]) {
      if (!podMatchesEvent(q, interested)) continue;
      this.unschedulable.delete(key);
      this.moveToActiveOrBackoff(q);
    }
    this.moveRequestCycle = this.schedulingCycle;
  }

  /** Moves pods whose backoff is over from backoffQ to activeQ (flushBackoffQCompleted). */
  flushBackoffCompleted(): void {
    const now = this.clock.now();
    for (let q = this.backoffQ.peek(); q !== undefined && this.backoffExpiryMs(q) <= now; q = this.backoffQ.peek()) {
      this.backoffQ.pop();
      this.pushActive(q);
    }
  }

  /** Retries pods no event has moved for maxInUnschedulableMs (flushUnschedulablePodsLeftover). */
  flushUnschedulableLeftover(): void {
    const now = this.clock.now();
    for (const [key, q] of [...this.unschedulable]) {
      if (now - q.timestampMs < this.maxInUnschedulableMs) continue;
      this.unschedulable.delete(key);
      this.moveToActiveOrBackoff(q);
    }
  }

  /** Runs the two flushes on the injected clock: backoff every 1 s, leftovers every 30 s. */
  start(): void {
    if (this.timers.length > 0) return;
    const every = (periodMs: number, fn: () => void, slot: number): void => {
      this.timers[slot] = this.clock.setTimeout(() => {
        fn();
        every(periodMs, fn, slot);
      }, periodMs);
    };
    every(1000, () => this.flushBackoffCompleted(), 0);
    every(30_000, () => this.flushUnschedulableLeftover(), 1);
  }

  stop(): void {
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers = [];
  }

  // ---- nominations (PodNominator)

  /** Records that preemption nominated `nodeName` for this pod (or clears it with ''). */
  setNominatedNode(pod: Pod, nodeName: string): void {
    const info = podInfoOf(pod);
    this.deleteNomination(info.key);
    if (nodeName === '') return;
    const list = this.nominated.get(nodeName) ?? [];
    list.push(info);
    this.nominated.set(nodeName, list);
    this.nominatedNodeOf.set(info.key, nodeName);
  }

  /** Node name -> nominated pods: hand this to SchedulerCache.snapshot(). */
  get nominatedPods(): ReadonlyMap<string, readonly PodInfo[]> {
    return this.nominated;
  }

  // ---- inspection

  where(key: string): QueueName | 'inFlight' | undefined {
    if (this.activeQ.has(key)) return 'activeQ';
    if (this.backoffQ.has(key)) return 'backoffQ';
    if (this.unschedulable.has(key)) return 'unschedulablePods';
    return this.inFlight.has(key) ? 'inFlight' : undefined;
  }

  get lengths(): Readonly<Record<QueueName, number>> {
    return { activeQ: this.activeQ.size, backoffQ: this.backoffQ.size, unschedulablePods: this.unschedulable.size };
  }

  backoffExpiryMs(q: QueuedPodInfo): number {
    return q.timestampMs + backoffDurationMs(q.attempts, this.initialBackoffMs, this.maxBackoffMs);
  }

  private moveToActiveOrBackoff(q: QueuedPodInfo): void {
    if (this.backoffExpiryMs(q) > this.clock.now()) this.backoffQ.addOrUpdate(q);
    else this.pushActive(q);
  }

  private pushActive(q: QueuedPodInfo): void {
    this.activeQ.addOrUpdate(q);
    this.options.onActive?.();
  }

  private removeEverywhere(key: string): void {
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.unschedulable.delete(key);
  }

  private updateNomination(info: PodInfo): void {
    if (info.nominatedNodeName !== '') this.setNominatedNode(info.pod, info.nominatedNodeName);
    else this.deleteNomination(info.key);
  }

  private deleteNomination(key: string): void {
    const node = this.nominatedNodeOf.get(key);
    if (node === undefined) return;
    this.nominatedNodeOf.delete(key);
    const list = (this.nominated.get(node) ?? []).filter((p) => p.key !== key);
    if (list.length === 0) this.nominated.delete(node);
    else this.nominated.set(node, list);
  }
}

function podMatchesEvent(q: QueuedPodInfo, interested: ReadonlySet<string> | undefined): boolean {
  if (interested === undefined || q.unschedulablePlugins.size === 0) return true;
  for (const name of q.unschedulablePlugins) if (interested.has(name)) return true;
  return false;
}
