// The proxy as a component of a local cluster: one kube-proxy for the whole machine, in this
// process, after the API server. It serves every local node address (the Nodes' InternalIPs,
// 127.0.1.1..N) for NodePorts and every ClusterIP (127.96.0.0/16, loopback: no root needed).
// Ready once its Service and Endpoints informers have synced and the first rules are applied.

import { startProxyProcess, type ProxyProcess } from '@skiff/kube-proxy';
import { clusterDnsAddress, DNS_PORT } from './cluster-dns.js';
import type { Component, ComponentContext, ComponentHandle } from './component.js';

export const PROXY = 'proxy';
/** The informers must list Services, Endpoints and Nodes within this time. */
export const PROXY_READY_TIMEOUT_MS = 30_000;

export const proxyComponent: Component = {
  name: PROXY,
  title: 'Proxy',
  start: startProxyComponent,
};

async function startProxyComponent(ctx: ComponentContext): Promise<ComponentHandle> {
  const log = ctx.logger.child({ proxy: 'proxy-1' });
  const dnsIP = clusterDnsAddress(ctx.cluster);
  const running: ProxyProcess = await startProxyProcess({
    natsUrls: ctx.natsUrls,
    cluster: ctx.cluster,
    instance: 'proxy-1',
    version: ctx.version,
    clock: ctx.clock,
    logger: Object.assign(log, { loggerFor: (actorId: string) => log.child({ actorId }) }),
    ...(dnsIP === undefined ? {} : { dns: { ip: dnsIP, port: DNS_PORT } }),
  });
  const synced = running.proxy.whenSynced().then((ok) => {
    if (!ok) throw new Error('the proxy stopped before its informers synced');
  });
  return {
    ready: withDeadline(synced, PROXY_READY_TIMEOUT_MS, 'the proxy informers did not sync'),
    summary: () => ({
      lines: [
        `proxy       ${running.proxy.proxier.listeners().length} listeners, ClusterIPs in 127.96.0.0/16, NodePorts on ${running.proxy.nodeAddresses().join(', ') || 'no node yet'}`,
        `DNS         ${dnsIP === undefined ? 'off (port 53 needs root): pods use the host resolver' : `${dnsIP}:${DNS_PORT}, <service>.<namespace>.svc.cluster.local`}`,
      ],
      next: [],
    }),
    stop: () => running.stop(),
  };
}

function withDeadline<T>(work: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
