// Per-key exponential back-off (k8s.io/client-go/util/flowcontrol/backoff.go), as the kubelet uses
// it for crash loops (10 s doubling to 5 min) and image pulls. Pure: the caller passes the time.
//
// - next(key, eventMs): the first call, or one whose event comes more than 2 x max after the last
//   update, starts at the initial duration; later calls double it, up to max. So a container
//   that has run for 10 minutes since its last restart starts again at 10 s.
// - inBackOffSince(key, eventMs): true while now - eventMs < the key's current duration. The
//   event is the container's last exit (finishedAt), so the first restart is immediate, the
//   second waits 10 s, then 20 s, 40 s, ... 300 s.

export interface BackOffEntry {
  readonly backOffMs: number;
  readonly lastUpdateMs: number;
}

export interface BackOffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

export type BackOffState = Readonly<Record<string, BackOffEntry>>;

/** The kubelet's crash-loop back-off: 10 s, doubling, capped at 5 min (kubelet.go backOffPeriod, MaxContainerBackOff). */
export const containerBackOffPolicy: BackOffPolicy = { initialMs: 10_000, maxMs: 300_000 };
/** Image pull back-off (kubelet.go imageBackOffPeriod = 10 s, MaxImageBackOff = 300 s). */
export const imageBackOffPolicy: BackOffPolicy = { initialMs: 10_000, maxMs: 300_000 };

function expired(entry: BackOffEntry, eventMs: number, policy: BackOffPolicy): boolean {
  return eventMs - entry.lastUpdateMs > policy.maxMs * 2;
}

export function nextBackOff(state: BackOffState, key: string, eventMs: number, nowMs: number, policy: BackOffPolicy): BackOffState {
  const entry = state[key];
  const backOffMs = entry === undefined || expired(entry, eventMs, policy) ? policy.initialMs : Math.min(entry.backOffMs * 2, policy.maxMs);
  return { ...state, [key]: { backOffMs, lastUpdateMs: nowMs } };
}

export function inBackOffSince(state: BackOffState, key: string, eventMs: number, nowMs: number, policy: BackOffPolicy): boolean {
  const entry = state[key];
  if (entry === undefined || expired(entry, eventMs, policy)) return false;
  return nowMs - eventMs < entry.backOffMs;
}

/** When the back-off of `key` ends for an event at eventMs (undefined: not backing off). */
export function backOffEndsAtMs(state: BackOffState, key: string, eventMs: number, nowMs: number, policy: BackOffPolicy): number | undefined {
  if (!inBackOffSince(state, key, eventMs, nowMs, policy)) return undefined;
  return eventMs + state[key]!.backOffMs;
}

export function backOffDurationMs(state: BackOffState, key: string): number | undefined {
  return state[key]?.backOffMs;
}

/** Drops entries idle for longer than 2 x max (flowcontrol's GC). */
export function gcBackOff(state: BackOffState, nowMs: number, policy: BackOffPolicy): BackOffState {
  return Object.fromEntries(Object.entries(state).filter(([, e]) => nowMs - e.lastUpdateMs <= policy.maxMs * 2));
}
