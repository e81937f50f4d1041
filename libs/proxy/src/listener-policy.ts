// Timing rules of one listener. Pure.
// A port that cannot be bound (EADDRINUSE while an old socket lingers, EADDRNOTAVAIL before the
// address is configured) is retried with exponential back-off up to a ceiling, never given up on:
// the service still exists, and kube-proxy keeps retrying its rules too. A drain waits for the
// established connections up to drainTimeoutMs, then cuts them.

export interface ListenerTunables {
  readonly openBackoffInitialMs: number;
  readonly openBackoffMaxMs: number;
  readonly drainTimeoutMs: number;
}

export const DEFAULT_LISTENER_TUNABLES: ListenerTunables = {
  openBackoffInitialMs: 500,
  openBackoffMaxMs: 30_000,
  drainTimeoutMs: 30_000,
};

export interface OpenError {
  /** The errno name (EADDRINUSE, EADDRNOTAVAIL, EACCES) or 'UNKNOWN'. */
  readonly code: string;
  readonly message: string;
}

/** Delay before the next bind attempt after `failures` consecutive failures (>= 1). */
export function openBackoffMs(failures: number, tunables: ListenerTunables): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(tunables.openBackoffInitialMs * 2 ** exponent, tunables.openBackoffMaxMs);
}

export function resolveListenerTunables(partial: Partial<ListenerTunables> | undefined): ListenerTunables {
  return { ...DEFAULT_LISTENER_TUNABLES, ...partial };
}
