// `skiff up --hollow-nodes M`: M hollow kubelets (hollow-node-1..M, simulated containers) in this
// process beside the real nodes, on one shared NATS connection (startHollowNodes). Part of the
// kubelet component, so "Nodes Ready" means every node, real and hollow.

import { systemRandom } from '@skiff/core';
import { startHollowNodes, type HollowNodes } from '@skiff/kubelet-service';
import type { ComponentContext } from './component.js';

/** Readiness deadline: a minute, plus 200 ms a node (registration, IPAM, first status on 2 shared cores). */
export function hollowReadyTimeoutMs(count: number): number {
  return 60_000 + 200 * count;
}

/** Starts the hollow nodes `--hollow-nodes` asks for; undefined when none. */
export async function startLocalHollowNodes(ctx: ComponentContext): Promise<HollowNodes | undefined> {
  const count = ctx.options.hollowNodes ?? 0;
  if (count === 0) return undefined;
  const log = ctx.logger.child({ hollow: true });
  return startHollowNodes({
    natsUrls: ctx.natsUrls,
    cluster: ctx.cluster,
    count,
    clock: ctx.clock,
    random: systemRandom(),
    version: ctx.version,
    logger: Object.assign(log, { loggerFor: (actorId: string) => log.child({ actorId }) }),
  });
}

export function hollowSummary(hollow: HollowNodes): string {
  const n = hollow.names.length;
  return `hollow      ${n} hollow node${n === 1 ? '' : 's'} (${hollow.names[0]}..${hollow.names[n - 1]}), simulated containers`;
}
