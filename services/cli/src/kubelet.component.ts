// The kubelets of a local cluster as one component: `--nodes N` kubelets in this process, after
// the scheduler, each with its own NATS connection and service host (kubelet/node-1 ..
// node-N) so `skiff inspect` shows each one's node agent and pod workers. Node i has the
// InternalIP 127.0.1.i, pod IPs from 127.42.i.0/24 (process runtime: pods are host processes on
// their own loopback IP) and its state under <data-dir>/kubelet/node-i. Ready once every Node
// reports Ready=True through the API. Each kubelet's HTTPS API listens on a free port of its node
// IP (the Node says which), behind the cluster's kubelet token (kubelet-token.ts).

import { join } from 'node:path';
import type { Node } from '@skiff/api';
import { systemRandom } from '@skiff/core';
import { Resources } from '@skiff/client';
import { startKubelet, type Kubelet } from '@skiff/kubelet-service';
import type { Component, ComponentContext, ComponentHandle } from './component.js';
import { CLUSTER_DOMAIN, clusterDnsAddress } from './cluster-dns.js';
import { hollowReadyTimeoutMs, hollowSummary, startLocalHollowNodes } from './hollow-nodes.js';
import { ensureKubeletToken } from './kubelet-token.js';

export const KUBELET = 'kubelet';
/** Registration and the first Ready status of every node. */
export const KUBELET_READY_TIMEOUT_MS = 60_000;

export const kubeletComponent: Component = {
  name: KUBELET,
  title: 'Nodes Ready',
  start: startKubeletComponent,
};

export interface LocalNode {
  readonly name: string;
  readonly nodeIP: string;
  readonly podCIDR: string;
}

/**
 * Node i (from 1) of a local cluster: node-i, 127.0.1.i, 127.42.i.0/24 (past 254 nodes the
 * addresses carry into the next octet: 127.0.2.1, 127.43.0.0/24, ...).
 */
export function localNodes(count: number): LocalNode[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + 1;
    return { name: `node-${i}`, nodeIP: `127.0.${1 + Math.floor(k / 254)}.${(k % 254) + 1}`, podCIDR: `127.${42 + Math.floor(i / 256)}.${i % 256}.0/24` };
  });
}

async function nodeReady(kubelet: Kubelet): Promise<boolean> {
  const node = await kubelet.client.get<Node>(Resources.nodes, kubelet.nodeName).catch(() => undefined);
  return node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

async function allReady(kubelets: readonly Kubelet[], timeoutMs: number): Promise<void> {
  await Promise.all(kubelets.map((k) => k.ready));
  for (let i = 0; i < timeoutMs / 200; i++) {
    const ready = await Promise.all(kubelets.map(nodeReady));
    if (ready.every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not every node became Ready within ${timeoutMs} ms`);
}

/** ClusterFirst pods resolve through the proxy's DNS when this process can serve it (cluster-dns.ts). */
function clusterDns(cluster: string): { clusterDNS?: string[]; clusterDomain: string } {
  const ip = clusterDnsAddress(cluster);
  return ip === undefined ? { clusterDomain: CLUSTER_DOMAIN } : { clusterDNS: [ip], clusterDomain: CLUSTER_DOMAIN };
}

async function startKubeletComponent(ctx: ComponentContext): Promise<ComponentHandle> {
  const running: Kubelet[] = [];
  let hollow: Awaited<ReturnType<typeof startLocalHollowNodes>>;
  const stopAll = async (): Promise<void> => {
    await Promise.all([...running.splice(0).map((k) => k.stop()), hollow?.stop()]);
  };
  const apiToken = ensureKubeletToken(ctx.dataDir);
  try {
    for (const node of localNodes(ctx.options.nodes)) {
      const log = ctx.logger.child({ node: node.name });
      running.push(
        await startKubelet({
          natsUrls: ctx.natsUrls,
          cluster: ctx.cluster,
          nodeName: node.name,
          nodeIP: node.nodeIP,
          podCIDR: node.podCIDR,
          rootDir: join(ctx.dataDir, 'kubelet', node.name),
          port: 0,
          authToken: apiToken.token,
          ...clusterDns(ctx.cluster),
          clock: ctx.clock,
          random: systemRandom(),
          version: ctx.version,
          logger: Object.assign(log, { loggerFor: (actorId: string) => log.child({ actorId }) }),
        }),
      );
    }
    hollow = await startLocalHollowNodes(ctx);
  } catch (err) {
    await stopAll();
    throw err;
  }
  const names = running.map((k) => k.nodeName);
  let stopping: Promise<void> | undefined;
  return {
    ready: Promise.all([allReady(running, KUBELET_READY_TIMEOUT_MS), hollow?.whenReady(hollowReadyTimeoutMs(hollow.names.length))]).then(() => undefined),
    summary: () => ({ lines: [`nodes       ${names.join(', ')}`, `kubelet API ${running.map((k) => k.api.server?.url ?? '').join(', ')} (bearer token in ${apiToken.path})`, ...(hollow === undefined ? [] : [hollowSummary(hollow)])], next: [] }),
    stop: () => (stopping ??= stopAll()),
  };
}
