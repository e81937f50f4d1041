// A cluster of nats-server processes whose routes are all up before it is handed out: for
// integration tests (through @skiff/testing) and for running a local NATS cluster.

import { freePort, monitorGet, startNatsServer, type NatsServerProcess } from './nats-server.js';

export interface NatsClusterOptions {
  clusterName?: string;
  host?: string;
  /** Bound on waiting for the full mesh of routes. */
  routesTimeoutMs?: number;
}

export interface NatsCluster {
  readonly servers: readonly NatsServerProcess[];
  /** Client URLs in server order. */
  readonly urls: readonly string[];
  /** Stops every server and removes their temp dirs. */
  stop(): Promise<void>;
  /** SIGKILLs server i (a crash). */
  kill(i: number): Promise<void>;
  /** Starts server i again on its ports and waits until its routes are back. */
  restart(i: number): Promise<void>;
  /** Waits until every running server has a route to every other running server. */
  waitForRoutes(): Promise<void>;
}

export async function startNatsCluster(size = 3, opts: NatsClusterOptions = {}): Promise<NatsCluster> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`cluster size must be a positive integer, got ${size}`);
  const host = opts.host ?? '127.0.0.1';
  const clusterName = opts.clusterName ?? 'skiff-test';
  const routesTimeoutMs = opts.routesTimeoutMs ?? 15_000;
  const clusterPorts: number[] = [];
  for (let i = 0; i < size; i++) clusterPorts.push(await freePort(host));
  const routeOf = (port: number): string => `nats://${host}:${port}`;
  const started = await Promise.allSettled(
    clusterPorts.map((clusterPort, i) =>
      startNatsServer({
        host,
        name: `${clusterName}-${i}`,
        clusterName,
        clusterPort,
        routes: clusterPorts.filter((p) => p !== clusterPort).map(routeOf),
      }),
    ),
  );
  const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(servers.map((s) => s.dispose()));
    throw failed.reason;
  }
  const serverAt = (i: number): NatsServerProcess => {
    const s = servers[i];
    if (s === undefined) throw new RangeError(`no server ${i} in a cluster of ${size}`);
    return s;
  };
  const cluster: NatsCluster = {
    servers,
    urls: servers.map((s) => s.url),
    stop: async () => {
      await Promise.all(servers.map((s) => s.dispose()));
    },
    kill: (i) => serverAt(i).kill(),
    restart: async (i) => {
      await serverAt(i).restart();
      await cluster.waitForRoutes();
    },
    waitForRoutes: () => waitForRoutes(servers, routesTimeoutMs),
  };
  try {
    await cluster.waitForRoutes();
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

interface Routez {
  readonly routes?: readonly { readonly remote_id?: string }[];
}
interface Varz {
  readonly server_id?: string;
}

/** Polls `/routez` until each running server sees every other running server's id. */
async function waitForRoutes(servers: readonly NatsServerProcess[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = servers.filter((s) => s.running);
    if (await meshComplete(running)) return;
    if (Date.now() > deadline) {
      throw new Error(`nats cluster routes not up after ${timeoutMs} ms:\n${running.map((s) => s.output()).join('\n---\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function meshComplete(running: readonly NatsServerProcess[]): Promise<boolean> {
  try {
    const ids = await Promise.all(running.map(async (s) => ((await monitorGet(s.monitorUrl, '/varz')) as Varz).server_id));
    const routes = await Promise.all(running.map(async (s) => ((await monitorGet(s.monitorUrl, '/routez')) as Routez).routes ?? []));
    return running.every((_, i) => {
      const seen = new Set(routes[i]!.map((r) => r.remote_id));
      return ids.every((id, j) => j === i || seen.has(id));
    });
  } catch {
    return false;
  }
}
