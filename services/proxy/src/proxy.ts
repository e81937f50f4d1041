// Adapter: kube-proxy for Skiff. Informers on Services and Endpoints (and Nodes, for the local node
// addresses when none are given) feed the pure desiredListeners(); every change re-syncs the
// Proxier, which applies the diff (open / update / drain). Listener machines are spawned on the
// service host so `skiff inspect` shows them. An optional DNS responder answers cluster names.

import type { ServiceHost } from '@skiff/actors';
import type { Endpoints, Service } from '@skiff/api';
import { createApiClient, createSharedInformerFactory, Resources, type KubeObject, type SharedInformerFactory } from '@skiff/client';
import type { Random } from '@skiff/core';
import { createProxyMetrics, DnsResponder, Proxier, serviceDnsRecords, type ProxyMetrics } from '@skiff/proxy';
import { nodeInternalIps } from './node-addresses.js';

export interface KubeProxyOptions {
  readonly host: ServiceHost;
  readonly cluster: string;
  readonly random: Random;
  /** Local node addresses; default: every Node's InternalIP (one proxy serving the whole machine). */
  readonly nodeIps?: readonly string[];
  /** `ip:port` of the optional DNS responder. */
  readonly dns?: { readonly ip: string; readonly port: number };
  readonly metrics?: ProxyMetrics;
}

export interface KubeProxy {
  readonly proxier: Proxier;
  readonly metrics: ProxyMetrics;
  readonly dns: DnsResponder | undefined;
  /** Node addresses in use by the last sync. */
  nodeAddresses(): readonly string[];
  whenSynced(): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startKubeProxy(opts: KubeProxyOptions): Promise<KubeProxy> {
  const { host } = opts;
  const log = host.logger;
  const client = createApiClient({ bus: host.bus, cluster: opts.cluster, clock: host.clock, random: opts.random, fieldManager: 'kube-proxy' });
  const factory: SharedInformerFactory = createSharedInformerFactory({
    client,
    clock: host.clock,
    random: opts.random,
    inspect: host.inspector.inspect,
    onError: (r, what, err) => log.warn({ err, resource: r.resource, what }, 'informer error'),
  });
  const metrics = opts.metrics ?? createProxyMetrics();
  const proxier = new Proxier({ spawn: (m, o) => host.spawn(m, o), clock: host.clock, metrics, logger: log });
  const services = factory.informerFor<KubeObject>(Resources.services);
  const endpoints = factory.informerFor<KubeObject>(Resources.endpoints);
  const nodes = opts.nodeIps === undefined ? factory.informerFor<KubeObject>(Resources.nodes) : undefined;
  const dns = opts.dns === undefined ? undefined : new DnsResponder(opts.dns);
  let addresses: readonly string[] = opts.nodeIps ?? [];
  let stopped = false;
  const sync = (): void => {
    if (stopped || !services.hasSynced() || !endpoints.hasSynced()) return;
    const svcs = services.lister.list() as unknown as Service[];
    const eps = endpoints.lister.list() as unknown as Endpoints[];
    if (nodes !== undefined) addresses = nodeInternalIps(nodes.lister.list());
    proxier.syncFrom(svcs, eps, addresses);
    dns?.setRecords(serviceDnsRecords(svcs, eps));
  };
  const handler = { onAdd: sync, onUpdate: sync, onDelete: sync };
  for (const informer of [services, endpoints, ...(nodes === undefined ? [] : [nodes])]) informer.addEventHandler(handler);
  if (dns !== undefined) await dns.listen();
  factory.start();
  const whenSynced = async (): Promise<boolean> => {
    const ok = await factory.waitForCacheSync();
    sync();
    return ok;
  };
  void whenSynced();
  let stopping: Promise<void> | undefined;
  return {
    proxier,
    metrics,
    dns,
    nodeAddresses: () => addresses,
    whenSynced,
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        factory.stop();
        await proxier.stop();
        dns?.close();
      })()),
  };
}
