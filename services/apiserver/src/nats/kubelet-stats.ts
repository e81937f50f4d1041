// The kubelets' stats summaries for metrics.k8s.io: `skiff.<cluster>.kubelet.<node>.stats` over
// NATS (services/kubelet/src/stats-endpoint.ts), asked for on demand, as metrics-server scrapes
// kubelets. Every node is asked at once, each with its own timeout, so a dead kubelet delays an
// answer by at most that timeout and leaves only its own node and pods out. Answers (and failures)
// are kept for `cacheTtlMs`, and concurrent requests for one node share one NATS request, so
// `kubectl top` and the HPA polling together cost one request per node per period.
import { decode, encode, type Bus } from '@skiff/bus';
import type { Clock } from '@skiff/core';
import type { NodeStatsSummary } from '@skiff/kubelet';
import type { KubeletStatsSource } from '../core/metrics/metrics-api.js';

export const KUBELET_STATS_TIMEOUT_MS = 2_000;
export const KUBELET_STATS_CACHE_TTL_MS = 2_000;

export interface KubeletStatsOptions {
  readonly timeoutMs?: number;
  readonly cacheTtlMs?: number;
  readonly onError?: (node: string, err: unknown) => void;
}

interface Entry {
  readonly atMs: number;
  readonly value: Promise<NodeStatsSummary | undefined>;
}

/** The summary of a `kubelet.stats.summary` reply, or undefined for anything else. */
export function summaryOfReply(env: Record<string, unknown>): NodeStatsSummary | undefined {
  if (env['type'] !== 'kubelet.stats.summary') return undefined;
  const summary = env['summary'] as { node?: unknown; pods?: unknown } | undefined;
  if (typeof summary !== 'object' || summary === null || typeof summary.node !== 'object' || summary.node === null || !Array.isArray(summary.pods)) return undefined;
  return summary as NodeStatsSummary;
}

export function kubeletStats(bus: Bus, cluster: string, clock: Pick<Clock, 'now'>, opts: KubeletStatsOptions = {}): KubeletStatsSource {
  const timeoutMs = opts.timeoutMs ?? KUBELET_STATS_TIMEOUT_MS;
  const ttlMs = opts.cacheTtlMs ?? KUBELET_STATS_CACHE_TTL_MS;
  const cache = new Map<string, Entry>();

  const fetch = async (node: string): Promise<NodeStatsSummary | undefined> => {
    try {
      const msg = await bus.request(`skiff.${cluster}.kubelet.${node}.stats`, encode({ type: 'kubelet.stats' }), { timeoutMs });
      const summary = summaryOfReply(decode(msg.data));
      if (summary === undefined) opts.onError?.(node, new Error('the kubelet answered something that is not a stats summary'));
      return summary;
    } catch (err) {
      opts.onError?.(node, err);
      return undefined;
    }
  };

  const cached = (node: string): Promise<NodeStatsSummary | undefined> => {
    const now = clock.now();
    const hit = cache.get(node);
    if (hit !== undefined && now - hit.atMs < ttlMs) return hit.value;
    const value = fetch(node);
    cache.set(node, { atMs: now, value });
    return value;
  };

  return {
    async summaries(nodeNames) {
      const now = clock.now();
      // Bounded by the nodes asked about: entries of nodes gone quiet are dropped.
      for (const [node, e] of cache) if (now - e.atMs >= ttlMs) cache.delete(node);
      const out = new Map<string, NodeStatsSummary>();
      const answers = await Promise.all(nodeNames.map(async (n) => [n, await cached(n)] as const));
      for (const [node, s] of answers) if (s !== undefined) out.set(node, s);
      return out;
    },
  };
}
