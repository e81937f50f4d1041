// What every handler of the REST core shares: storage, the watch caches, the registry, the
// admission chain, the injected clock and randomness, and the tunables.

import type { Clock, Random } from '@skiff/core';
import type { AdmissionPlugin } from './admission/admission.js';
import type { ObjectStore } from './object-store.js';
import type { Registry } from './registry.js';
import type { Storage } from './storage.js';
import type { WatchCacheHub } from './watch-cache-hub.js';

/** The subset of pino the core uses. */
export interface CoreLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: CoreLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export interface CoreTunables {
  /** Service ClusterIP range; the `kubernetes` service takes its first address. */
  readonly serviceClusterIpRange: string;
  /** Period of BOOKMARK events on watches that allow them (Kubernetes: about a minute). */
  readonly bookmarkIntervalMs: number;
  /** How long a read waits for the watch cache to reach a requested resourceVersion. */
  readonly freshnessTimeoutMs: number;
  /** Events a watcher may fall behind before its watch is closed. */
  readonly watchQueueMax: number;
  /** HMAC-SHA256 key of service account tokens. */
  readonly tokenSigningKey: Uint8Array;
  readonly tokenIssuer: string;
  /** Writes retried on a CAS conflict before answering 409. */
  readonly updateAttemptsMax: number;
  /** Pause between passes of the inline namespace cleanup while objects remain. */
  readonly namespaceCleanupIntervalMs: number;
}

export interface CoreContext {
  readonly storage: Storage;
  readonly hub: WatchCacheHub;
  readonly objects: ObjectStore;
  readonly registry: Registry;
  readonly admission: readonly AdmissionPlugin[];
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: CoreLogger;
  readonly tunables: CoreTunables;
  /** Work started in the background (namespace deletion); stop() waits for it. */
  background(what: string, work: () => Promise<void>): void;
  /** Waits `ms` on the injected clock; resolves false at once when the core is stopping. */
  sleep(ms: number): Promise<boolean>;
  readonly stopping: boolean;
}
