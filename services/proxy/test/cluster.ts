// Integration harness: the shared control plane (a real nats-server, one store member, the real
// API server with ClusterIPs in 127.96.0.0/16, an API client; `@skiff/apiserver/testing`) and the
// proxy process under test.

import { DEFAULT_SERVICE_CLUSTER_IP_RANGE } from '@skiff/apiserver';
import { startControlPlane, type ControlPlane } from '@skiff/apiserver/testing';
import { startProxyProcess, type ProxyProcess } from '../src/start.js';

export { eventually } from '@skiff/apiserver/testing';

export const CLUSTER = 'proxytest';

export interface TestCluster extends ControlPlane {
  startProxy(nodeIps: readonly string[], dns?: { ip: string; port: number }): Promise<ProxyProcess>;
}

export async function startTestCluster(): Promise<TestCluster> {
  const plane = await startControlPlane({ cluster: CLUSTER, name: 'proxy', serviceClusterIpRange: DEFAULT_SERVICE_CLUSTER_IP_RANGE });
  return {
    ...plane,
    async startProxy(nodeIps, dns) {
      const p = await startProxyProcess({ natsUrls: [plane.natsUrl], cluster: CLUSTER, instance: 'proxy-1', version: '0.1.0', clock: plane.clock, logger: plane.child({ part: 'proxy' }), nodeIps, ...(dns === undefined ? {} : { dns }) });
      plane.adopt(p);
      return p;
    },
  };
}
