// Adapter: `kubelet.<node>.stats`, the kubelet's stats summary over NATS (what the apiserver's
// metrics.k8s.io asks each node for, as metrics-server scrapes kubelets). The summary comes from the
// node's StatsProvider: the host's /proc for the process runtime, synthetic usage from requests for
// a hollow node (HollowStatsProvider, whose load a test may change).
import type { Pod } from '@skiff/api';
import type { ServiceHost } from '@skiff/actors';
import { guardOf, type Endpoint, type Envelope } from '@skiff/bus';
import type { Clock } from '@skiff/core';
import type { ContainerRuntime, KubeletStatsReply, KubeletStatsRequest, StatsProvider } from '@skiff/kubelet';
import { HollowStatsProvider } from '@skiff/runtime';

type StatsRequest = Envelope & KubeletStatsRequest;

export const isStatsRequest = guardOf<StatsRequest>('kubelet.stats', {});

export interface StatsEndpointOptions {
  readonly nodeName: string;
  /** The node's provider; absent (hollow runtime): synthetic usage from the pods' requests. */
  readonly stats: StatsProvider | undefined;
  readonly cri: ContainerRuntime;
  readonly pods: () => readonly Pod[];
  readonly clock: Pick<Clock, 'now'>;
}

export async function serveStats(host: ServiceHost, opts: StatsEndpointOptions): Promise<Endpoint> {
  const stats = opts.stats ?? new HollowStatsProvider({ cri: opts.cri, pods: opts.pods, clock: opts.clock });
  return host.addEndpoint<StatsRequest>(
    'stats',
    host.subjects.kubelet(opts.nodeName, 'stats'),
    async (): Promise<KubeletStatsReply> => {
      const summary = await stats.summary();
      return { type: 'kubelet.stats.summary', nodeName: opts.nodeName, summary: { ...summary, node: { ...summary.node, nodeName: opts.nodeName } } };
    },
    { guard: isStatsRequest },
  );
}
