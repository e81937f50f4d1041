// The reflector's pure rules (client-go tools/cache/reflector.go, adapted to Skiff's watch stream):
// what a stream message means for the watch, which resourceVersion to resume from, how long
// silence may last. reflector.machine.ts calls these; nothing here does I/O or reads a clock.
//
// Guarantees the informer builds on (as client-go documents them):
// - the local store converges to the server's state at some resourceVersion, never skipping one:
//   every message carries a `seq` (1 = opened), and any jump means something was lost, so the
//   reflector relists instead of going on with a hole;
// - a watch that is too old (ERROR 410 Expired/Gone), broken, silent for longer than the stall
//   timeout (heartbeats stop), or answered with another ERROR ends in a relist after a back-off;
// - a watch the server ended cleanly (timeoutSeconds, shutdown) resumes from the last
//   resourceVersion seen (events and bookmarks move it), with no relist.

import type { BackoffPolicy } from './backoff.js';
import { errorFromWatchStatus, isResourceExpired } from './api-errors.js';
import type { KubeObject, WatchEvent } from './types.js';

/** Which objects one reflector mirrors. */
export interface ListWatchScope {
  /** Only this namespace; all when absent. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  /** e.g. `spec.nodeName=node-1` (what a kubelet watches). */
  readonly fieldSelector?: string;
}

/** Where a reflector puts what it learns: the informer's store. */
export interface ReflectorSink {
  /** The complete state at `resourceVersion` (after a list). */
  replace(items: readonly KubeObject[], resourceVersion: string): void;
  /** One ADDED, MODIFIED or DELETED event. */
  apply(event: WatchEvent): void;
}

/** Why a watch stopped. */
export type WatchEnd = 'expired' | 'gap' | 'stalled' | 'broken' | 'error' | 'ended';

export interface ReflectorTunables {
  /** `limit` of each list page (client-go's pager default: 500). */
  readonly pageSize: number;
  /** Heartbeat period asked of the server. */
  readonly heartbeatMs: number;
  /** Silence that ends a watch; default stallFactor x the heartbeat period the server granted. */
  readonly stallTimeoutMs: number | undefined;
  readonly stallFactor: number;
  /** client-go's reflector: 800 ms doubling to 30 s. */
  readonly backoff: BackoffPolicy;
  /** Consecutive failures start over after this much quiet (client-go: 2 minutes). */
  readonly backoffResetMs: number;
  /**
   * Each watch asks the server to end it after timeoutSeconds drawn in [1, 2] x this (client-go's
   * minWatchTimeout, 5 minutes), so long-lived watches rotate and spread over apiserver replicas;
   * the reflector then resumes from its resourceVersion. 0: no timeout.
   */
  readonly minWatchTimeoutMs: number;
}

export const DEFAULT_REFLECTOR_TUNABLES: ReflectorTunables = {
  pageSize: 500,
  heartbeatMs: 5_000,
  stallTimeoutMs: undefined,
  stallFactor: 3,
  backoff: { initialMs: 800, maxMs: 30_000, factor: 2 },
  backoffResetMs: 120_000,
  minWatchTimeoutMs: 300_000,
};

export type SeqCheck = 'next' | 'gap' | 'duplicate';

/** Is `seq` the message we expect, one after a loss, or one we already had (a redelivery)? */
export function checkSeq(expectedSeq: number, seq: number): SeqCheck {
  if (seq === expectedSeq) return 'next';
  return seq > expectedSeq ? 'gap' : 'duplicate';
}

export type EventVerdict = 'apply' | 'bookmark' | 'expired' | 'error';

export function classifyEvent(event: WatchEvent): EventVerdict {
  switch (event.type) {
    case 'BOOKMARK':
      return 'bookmark';
    case 'ERROR':
      return isResourceExpired(errorFromWatchStatus(event.object)) ? 'expired' : 'error';
    default:
      return 'apply';
  }
}

/** The resourceVersion to resume from after `event` (unchanged when it names none). */
export function resourceVersionAfter(current: string, event: WatchEvent): string {
  const rv = event.object.metadata.resourceVersion;
  return typeof rv === 'string' && rv !== '' ? rv : current;
}

/** How long a watch may stay silent: explicit, else stallFactor heartbeats. */
export function stallTimeoutMs(tunables: ReflectorTunables, heartbeatMs: number): number {
  return tunables.stallTimeoutMs ?? tunables.stallFactor * heartbeatMs;
}

/** The `timeoutSeconds` of the next watch (undefined: none); `draw` is in [0, 1). */
export function watchTimeoutSeconds(tunables: ReflectorTunables, draw: number): number | undefined {
  if (tunables.minWatchTimeoutMs <= 0) return undefined;
  return Math.max(1, Math.floor((tunables.minWatchTimeoutMs / 1_000) * (1 + draw)));
}

/** A clean end resumes the watch; every other end needs a relist (the store may have a hole). */
export function needsRelist(end: WatchEnd): boolean {
  return end !== 'ended';
}

export function resolveTunables(partial: Partial<ReflectorTunables> | undefined): ReflectorTunables {
  const t = { ...DEFAULT_REFLECTOR_TUNABLES, ...partial };
  if (!(Number.isInteger(t.pageSize) && t.pageSize >= 1)) throw new RangeError(`pageSize must be an integer >= 1, got ${t.pageSize}`);
  if (!(t.heartbeatMs > 0 && t.stallFactor > 1)) throw new RangeError('heartbeatMs must be > 0 and stallFactor > 1');
  if (t.stallTimeoutMs !== undefined && !(t.stallTimeoutMs > 0)) throw new RangeError('stallTimeoutMs must be > 0');
  if (!(t.minWatchTimeoutMs >= 0)) throw new RangeError('minWatchTimeoutMs must be >= 0');
  return t;
}
