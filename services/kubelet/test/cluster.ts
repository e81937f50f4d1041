// Integration harness: the shared control plane (a real nats-server, one store member, the real
// API server with a kubeconfig; `@skiff/apiserver/testing`); kubelets are started by the tests.
// Logs go to <dir>/test.log.
import { startControlPlane, type ControlPlane } from '@skiff/apiserver/testing';

export { child, waitFor } from '@skiff/apiserver/testing';

export const CLUSTER = 'kubelet-it';

export type TestCluster = ControlPlane;

export function startTestCluster(): Promise<TestCluster> {
  return startControlPlane({ cluster: CLUSTER, name: 'kubelet-it', logLevel: 'debug' });
}
