// Adapter: the proxy as its own NATS connection and service host (service `proxy`, so `skiff
// inspect` shows its listener machines and informers), running startKubeProxy.

import { startNatsServiceHost, type ServiceLogger } from '@skiff/actors';
import { systemRandom, type Clock, type Random } from '@skiff/core';
import { startKubeProxy, type KubeProxy } from './proxy.js';

export const PROXY_SERVICE = 'proxy';

export interface ProxyProcessOptions {
  readonly natsUrls: readonly string[];
  readonly cluster: string;
  readonly instance: string;
  readonly version: string;
  readonly clock: Clock;
  readonly logger?: ServiceLogger;
  readonly random?: Random;
  readonly nodeIps?: readonly string[];
  readonly dns?: { readonly ip: string; readonly port: number };
}

export interface ProxyProcess {
  readonly proxy: KubeProxy;
  stop(): Promise<void>;
}

export async function startProxyProcess(opts: ProxyProcessOptions): Promise<ProxyProcess> {
  const host = await startNatsServiceHost(opts.natsUrls, {
    cluster: opts.cluster,
    service: PROXY_SERVICE,
    instance: opts.instance,
    version: opts.version,
    description: 'Skiff kube-proxy: forwards ClusterIP and NodePort traffic to ready endpoints',
    clock: opts.clock,
    ...(opts.logger === undefined ? {} : { logger: opts.logger }),
  });
  let proxy: KubeProxy;
  try {
    proxy = await startKubeProxy({
      host,
      cluster: opts.cluster,
      random: opts.random ?? systemRandom(),
      ...(opts.nodeIps === undefined ? {} : { nodeIps: opts.nodeIps }),
      ...(opts.dns === undefined ? {} : { dns: opts.dns }),
    });
  } catch (err) {
    await host.stop();
    throw err;
  }
  void proxy.whenSynced().then((ok) => host.setReady(ok));
  let stopping: Promise<void> | undefined;
  return {
    proxy,
    stop: () =>
      (stopping ??= (async () => {
        host.setReady(false);
        await proxy.stop();
        await host.stop();
      })()),
  };
}

/** Parses `ip:port` (IPv4). */
export function parseHostPort(value: string): { ip: string; port: number } {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(value);
  const port = Number(m?.[2]);
  if (m?.[1] === undefined || !Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`not an ip:port: ${value}`);
  return { ip: m[1], port };
}
