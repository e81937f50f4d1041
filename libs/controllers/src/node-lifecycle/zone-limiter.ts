// Per-zone NoExecute tainting rate (node_lifecycle_controller.go handleDisruption,
// ComputeZoneState, setLimiterInZone; flowcontrol token bucket with burst 1). A zone where most
// nodes are down is evicted from slowly (or not at all in a small cluster); when every zone is
// down the controller assumes its own network is the problem and stops evicting (master
// disruption mode), removing the NoExecute taints it placed.
export const ZoneStates = { Initial: 'Initial', Normal: 'Normal', PartialDisruption: 'PartialDisruption', FullDisruption: 'FullDisruption' } as const;
export type ZoneState = (typeof ZoneStates)[keyof typeof ZoneStates];

export interface ZoneLimiter {
  readonly state: ZoneState;
  readonly qps: number;
  readonly tokens: number;
  readonly lastMs: number;
}

export interface EvictionRates {
  /** --node-eviction-rate: NoExecute taints per second per healthy zone. */
  readonly evictionRate: number;
  /** --secondary-node-eviction-rate: in a partially disrupted large zone. */
  readonly secondaryEvictionRate: number;
  /** --large-cluster-size-threshold: zones up to this size stop evicting when partially disrupted. */
  readonly largeClusterThreshold: number;
  /** --unhealthy-zone-threshold: fraction of not-ready nodes that makes a zone partially disrupted. */
  readonly unhealthyZoneThreshold: number;
}

export const zoneLabels = { region: 'topology.kubernetes.io/region', zone: 'topology.kubernetes.io/zone' } as const;

/** GetZoneKey: "" without topology labels, else region and zone joined by ":\0:". */
export function zoneKey(labels: Readonly<Record<string, string>> | undefined): string {
  const region = labels?.[zoneLabels.region] ?? labels?.['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = labels?.[zoneLabels.zone] ?? labels?.['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\x00:${zone}`;
}

/** ComputeZoneState from the Ready statuses of a zone's nodes (undefined: no Ready condition). */
export function computeZoneState(readyStatuses: readonly (string | undefined)[], rates: EvictionRates): ZoneState {
  const ready = readyStatuses.filter((s) => s === 'True').length;
  const notReady = readyStatuses.length - ready;
  if (ready === 0 && notReady > 0) return ZoneStates.FullDisruption;
  if (notReady > 2 && notReady / (notReady + ready) >= rates.unhealthyZoneThreshold) return ZoneStates.PartialDisruption;
  return ZoneStates.Normal;
}

/** setLimiterInZone: the rate for a state (full disruption of one zone keeps the normal rate). */
export function qpsFor(state: ZoneState, zoneSize: number, rates: EvictionRates): number {
  if (state === ZoneStates.PartialDisruption) return zoneSize > rates.largeClusterThreshold ? rates.secondaryEvictionRate : 0;
  return rates.evictionRate;
}

export function newLimiter(qps: number, nowMs: number, state: ZoneState = ZoneStates.Initial): ZoneLimiter {
  return { state, qps, tokens: 1, lastMs: nowMs };
}

/** TryAccept of a token bucket with burst 1; a rate of 0 never accepts. */
export function tryAccept(limiter: ZoneLimiter, nowMs: number): { accepted: boolean; limiter: ZoneLimiter } {
  if (limiter.qps <= 0) return { accepted: false, limiter: { ...limiter, lastMs: nowMs } };
  const tokens = Math.min(1, limiter.tokens + ((nowMs - limiter.lastMs) / 1000) * limiter.qps);
  if (tokens >= 1) return { accepted: true, limiter: { ...limiter, tokens: tokens - 1, lastMs: nowMs } };
  return { accepted: false, limiter: { ...limiter, tokens, lastMs: nowMs } };
}
