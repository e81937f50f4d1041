// A whole API server stack in this process for the system tests and the API server benchmark: the
// shared test control plane (`@skiff/apiserver/testing`: a real nats-server, N real store members
// with write-ahead logs on disk, the real API server over NATS with HTTPS and the admin kubeconfig
// it writes: CA data + bearer token). Logs go to a file in the run's directory, removed on stop.

import type { LogLevel } from '@skiff/actors';
import type { ClusterApiServer } from '@skiff/apiserver';
import { startControlPlane } from '@skiff/apiserver/testing';

const CLUSTER = 'apibench';

export interface ApiStack {
  readonly dir: string;
  readonly api: ClusterApiServer;
  readonly url: string;
  readonly kubeconfig: string;
  readonly caCertPem: string;
  readonly token: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

export async function startApiStack(opts: { members?: number; fsync?: boolean; logLevel?: LogLevel } = {}): Promise<ApiStack> {
  const plane = await startControlPlane({ cluster: CLUSTER, name: 'apistack', storeMembers: opts.members ?? 1, fsync: opts.fsync ?? false, logLevel: opts.logLevel ?? 'info' });
  const { api } = plane;
  return {
    dir: plane.dir,
    api,
    url: api.server.url,
    kubeconfig: plane.kubeconfigPath,
    caCertPem: api.server.pki.ca.certPem,
    token: api.server.pki.adminToken,
    logFile: plane.logFile,
    stop: () => plane.stop(),
  };
}
