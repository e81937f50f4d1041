// `skiff status`: whether the cluster runs (cluster.json plus a live pid), its NATS servers and
// uptime, and the services the NATS service framework finds. Exit 0 when it runs and answers,
// 1 otherwise, so scripts can test it.

import { discoverServices, connectCluster } from './cluster-client.js';
import { dataDirExists } from './data-dir.js';
import { ClusterNotRunningError, UnknownClusterError } from './errors.js';
import { isRunning } from './process.js';
import { readClusterState } from './state-file.js';
import { renderStatus, type StoreMemberHealth } from './status-view.js';
import { storeHealth } from './status-store.js';

export interface ClusterRef {
  readonly cluster: string;
  readonly dataDir: string;
}

/** The state of a running cluster, or the error a command that needs one reports. */
export function requireRunning(ref: ClusterRef): NonNullable<ReturnType<typeof readClusterState>> {
  if (!dataDirExists(ref.dataDir)) throw new UnknownClusterError(ref.cluster, ref.dataDir);
  const state = readClusterState(ref.dataDir);
  if (state === undefined || !isRunning({ pid: state.pid, startTicks: state.startTicks })) {
    throw new ClusterNotRunningError(ref.cluster);
  }
  return state;
}

export async function runStatus(ref: ClusterRef, out: NodeJS.WritableStream): Promise<number> {
  const state = requireRunning(ref);
  let services: Awaited<ReturnType<typeof discoverServices>> | string;
  let store: StoreMemberHealth[] = [];
  let exitCode = 0;
  try {
    const bus = await connectCluster(state.natsUrls);
    try {
      services = await discoverServices(bus, state.cluster);
      store = await storeHealth(bus, state.cluster, services);
    } finally {
      await bus.close();
    }
  } catch (err) {
    services = (err as Error).message;
    exitCode = 1;
  }
  out.write(renderStatus(state, ref.dataDir, Date.now(), services, store));
  return exitCode;
}
