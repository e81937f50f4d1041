// The API server as a component of a local cluster: in this process, after the store, serving
// HTTPS on loopback (a free port unless `--api-port`) and the API over NATS, with the admin
// kubeconfig written to `<data-dir>/kubeconfig`. Ready once `/readyz` answers ok over TLS with
// the cluster CA, i.e. as kubectl will see it.

import { DEFAULT_SERVICE_CLUSTER_IP_RANGE, startClusterApiServer, waitForReadyz, type ClusterApiServer } from '@skiff/apiserver';
import type { Component, ComponentContext, ComponentHandle } from './component.js';
import { DEFAULT_STORE_MEMBERS } from './options.js';
import { storeMemberNames } from './store.component.js';
import { shellQuote } from './summary.js';

export const APISERVER = 'apiserver';
/** The core must reach the store and prime its caches within this time. */
export const APISERVER_READY_TIMEOUT_MS = 60_000;

export const apiServerComponent: Component = {
  name: APISERVER,
  title: 'API',
  start: startApiServerComponent,
};

async function startApiServerComponent(ctx: ComponentContext): Promise<ComponentHandle> {
  const running: ClusterApiServer = await startClusterApiServer({
    natsUrls: ctx.natsUrls,
    cluster: ctx.cluster,
    instance: ctx.instance,
    version: ctx.version,
    dataDir: ctx.dataDir,
    port: ctx.options.apiPort ?? 0,
    storeMembers: storeMemberNames(ctx.options.storeMembers ?? DEFAULT_STORE_MEMBERS),
    clock: ctx.clock,
    logger: ctx.logger,
    processMetrics: true,
    serviceClusterIpRange: DEFAULT_SERVICE_CLUSTER_IP_RANGE,
  });
  const { server, kubeconfigPath } = running;
  const ready = server.ready.then(() =>
    waitForReadyz({ url: server.url, caCertPem: server.pki.ca.certPem, token: server.pki.adminToken, timeoutMs: APISERVER_READY_TIMEOUT_MS }),
  );
  return {
    ready: withDeadline(ready, APISERVER_READY_TIMEOUT_MS, 'the API server did not become ready'),
    summary: () => ({
      lines: [`API         ${server.url}`, ...(kubeconfigPath === undefined ? [] : [`kubeconfig  ${kubeconfigPath}`])],
      next: kubeconfigPath === undefined ? [] : [`export KUBECONFIG=${shellQuote(kubeconfigPath)}`, 'kubectl get nodes'],
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
