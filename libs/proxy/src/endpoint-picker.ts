// Chooses the endpoint for a new connection to one listener. Pure: time comes in as `nowMs`.
//
// - Round-robin over the ready endpoints (kube-proxy's userspace LoadBalancerRR).
// - sessionAffinity ClientIP: a client IP keeps its endpoint while it comes back within
//   timeoutSeconds of its last connection (iptables `recent --rcheck --seconds`, `--set` on use);
//   the table is bounded (least recently used entries go first).
// - An endpoint that refused a connection is skipped for `failedBackoffMs`, unless every candidate
//   is marked failed (then the marks are ignored: better a retry than a certain rejection).
// - `tried` lets a retrying connection exclude the endpoints it already attempted.

import { endpointKey, type ProxyEndpoint, type SessionAffinity } from './listener.js';

export interface PickerTunables {
  /** How long an endpoint that refused is skipped. */
  readonly failedBackoffMs: number;
  /** Bound on the ClientIP affinity table. */
  readonly affinityEntriesMax: number;
}

export const DEFAULT_PICKER_TUNABLES: PickerTunables = { failedBackoffMs: 3_000, affinityEntriesMax: 65_536 };

interface AffinityEntry {
  readonly endpoint: string;
  readonly lastUsedMs: number;
}

export class EndpointPicker {
  private ready: ProxyEndpoint[] = [];
  private affinity: SessionAffinity = { type: 'None' };
  private next = 0;
  /** client IP -> endpoint key; Map order is least recently used first. */
  private readonly affinityTable = new Map<string, AffinityEntry>();
  /** endpoint key -> skip until (ms). */
  private readonly failedUntil = new Map<string, number>();
  private readonly tunables: PickerTunables;

  constructor(endpoints: readonly ProxyEndpoint[], affinity: SessionAffinity, tunables: Partial<PickerTunables> = {}) {
    this.tunables = { ...DEFAULT_PICKER_TUNABLES, ...tunables };
    this.update(endpoints, affinity);
  }

  /** New endpoint set: affinities to endpoints no longer ready are forgotten, the round-robin position kept. */
  update(endpoints: readonly ProxyEndpoint[], affinity: SessionAffinity): void {
    this.ready = endpoints.filter((e) => e.ready);
    const keys = new Set(this.ready.map(endpointKey));
    if (affinity.type === 'None') this.affinityTable.clear();
    for (const [client, entry] of this.affinityTable) if (!keys.has(entry.endpoint)) this.affinityTable.delete(client);
    for (const key of this.failedUntil.keys()) if (!keys.has(key)) this.failedUntil.delete(key);
    this.affinity = affinity;
    this.next = this.ready.length === 0 ? 0 : this.next % this.ready.length;
  }

  get readyCount(): number {
    return this.ready.length;
  }

  get affinityEntries(): number {
    return this.affinityTable.size;
  }

  /** The endpoint for a new connection from `clientIp`, or undefined when none is left to try. */
  pick(clientIp: string, nowMs: number, tried: ReadonlySet<string> = new Set()): ProxyEndpoint | undefined {
    const sticky = this.stickyEndpoint(clientIp, nowMs, tried);
    if (sticky !== undefined) return this.remember(clientIp, sticky, nowMs);
    const chosen = this.roundRobin(nowMs, tried);
    return chosen === undefined ? undefined : this.remember(clientIp, chosen, nowMs);
  }

  markFailed(endpoint: Pick<ProxyEndpoint, 'ip' | 'port'>, nowMs: number): void {
    this.failedUntil.set(endpointKey(endpoint), nowMs + this.tunables.failedBackoffMs);
  }

  markSucceeded(endpoint: Pick<ProxyEndpoint, 'ip' | 'port'>): void {
    this.failedUntil.delete(endpointKey(endpoint));
  }

  isFailed(endpoint: Pick<ProxyEndpoint, 'ip' | 'port'>, nowMs: number): boolean {
    return (this.failedUntil.get(endpointKey(endpoint)) ?? -Infinity) > nowMs;
  }

  /** Drops expired affinity entries (oldest first, so it stops at the first live one). */
  sweep(nowMs: number): void {
    if (this.affinity.type !== 'ClientIP') return;
    const ttlMs = this.affinity.timeoutSeconds * 1000;
    for (const [client, entry] of this.affinityTable) {
      if (nowMs - entry.lastUsedMs < ttlMs) break;
      this.affinityTable.delete(client);
    }
  }

  private stickyEndpoint(clientIp: string, nowMs: number, tried: ReadonlySet<string>): ProxyEndpoint | undefined {
    if (this.affinity.type !== 'ClientIP') return undefined;
    const entry = this.affinityTable.get(clientIp);
    if (entry === undefined) return undefined;
    const expired = nowMs - entry.lastUsedMs >= this.affinity.timeoutSeconds * 1000;
    const endpoint = this.ready.find((e) => endpointKey(e) === entry.endpoint);
    if (expired || endpoint === undefined || tried.has(entry.endpoint) || this.isFailed(endpoint, nowMs)) return undefined;
    return endpoint;
  }

  private roundRobin(nowMs: number, tried: ReadonlySet<string>): ProxyEndpoint | undefined {
    const n = this.ready.length;
    const untried = (e: ProxyEndpoint) => !tried.has(endpointKey(e));
    const healthy = (e: ProxyEndpoint) => untried(e) && !this.isFailed(e, nowMs);
    const pass = this.ready.some(healthy) ? healthy : untried;
    for (let i = 0; i < n; i++) {
      const index = (this.next + i) % n;
      const endpoint = this.ready[index]!;
      if (!pass(endpoint)) continue;
      this.next = (index + 1) % n;
      return endpoint;
    }
    return undefined;
  }

  private remember(clientIp: string, endpoint: ProxyEndpoint, nowMs: number): ProxyEndpoint {
    if (this.affinity.type !== 'ClientIP') return endpoint;
    this.affinityTable.delete(clientIp);
    this.affinityTable.set(clientIp, { endpoint: endpointKey(endpoint), lastUsedMs: nowMs });
    if (this.affinityTable.size > this.tunables.affinityEntriesMax) {
      const oldest = this.affinityTable.keys().next();
      if (oldest.done !== true) this.affinityTable.delete(oldest.value);
    }
    return endpoint;
  }
}
