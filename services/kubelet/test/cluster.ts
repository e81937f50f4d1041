// Integration harness: the shared control plane (a real nats-server, one store member, the real
// API server with a kubeconfig; `@skiff/apiserver/testing`); kubelets are started by the tests.
// Logs go to <dir>/test.log.
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '@skiff/apiserver/testing';
import { systemRandom } from '@skiff/core';
import { startKubelet, type Kubelet, type KubeletOptions } from '../src/index.js';

export { child, waitFor } from '@skiff/apiserver/testing';

export const CLUSTER = 'kubelet-it';

export type TestCluster = ControlPlane;

export function startTestCluster(): Promise<TestCluster> {
  return startControlPlane({ cluster: CLUSTER, name: 'kubelet-it', logLevel: 'debug' });
}

/**
 * A kubelet of this cluster, Ready: node IP 127.0.1.<n>, pods in 127.42.<200+n>.0/24, state under
 * <dir>/kubelet/<name>. Each test file takes its own n, so files running side by side never share
 * a pod IP.
 */
export async function startTestKubelet(c: TestCluster, name: string, n: number, extra: Partial<KubeletOptions> = {}): Promise<Kubelet> {
  const k = await startKubelet({
    natsUrls: [c.natsUrl],
    cluster: CLUSTER,
    nodeName: name,
    nodeIP: `127.0.1.${n}`,
    podCIDR: `127.42.${200 + n}.0/24`,
    rootDir: join(c.dir, 'kubelet', name),
    clock: c.clock,
    random: systemRandom(),
    logger: c.child({ part: name }),
    ...extra,
  });
  await k.ready;
  return k;
}
