// `skiff inspect`: every actor of every service of the cluster (broadcast describe), as a table
// or JSON; `--watch` then prints inspection events as they come until Ctrl-C or the cluster
// stops. Events are subscribed before the describe goes out, so nothing between the two is lost.

import { decode, type Subscription } from '@skiff/bus';
import { connectCluster, describeAll, subscribeInspection } from './cluster-client.js';
import { DESCRIBE_HEADERS, describeRows, formatInspectionEvent } from './inspect-view.js';
import { isRunning } from './process.js';
import { requireRunning, type ClusterRef } from './status.js';
import { renderTable } from './table.js';

export interface InspectOptions {
  readonly watch: boolean;
  readonly json: boolean;
}

export interface InspectIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

const CLUSTER_PROBE_MS = 1_000;

export async function runInspect(ref: ClusterRef, opts: InspectOptions, io: InspectIo): Promise<number> {
  const state = requireRunning(ref);
  const bus = await connectCluster(state.natsUrls);
  let clusterGone = false;
  try {
    const events = opts.watch ? subscribeInspection(bus, state.cluster) : undefined;
    const { services, problems } = await describeAll(bus, state.cluster, { withDefinitions: opts.json });
    if (opts.json) {
      io.out.write(`${JSON.stringify({ cluster: state.cluster, services, problems }, null, 2)}\n`);
    } else {
      io.out.write(`${renderTable(DESCRIBE_HEADERS, describeRows(services))}\n`);
      for (const p of problems) io.err.write(`warning: ${p}\n`);
    }
    if (events === undefined) {
      if (services.length === 0) io.err.write(`no service of cluster ${state.cluster} answered the describe request\n`);
      return services.length === 0 ? 1 : 0;
    }
    if (!opts.json) io.out.write('\nwatching transitions (Ctrl-C to stop)...\n');
    const ended = await printEvents(events, opts.json, io, () => isRunning({ pid: state.pid, startTicks: state.startTicks }));
    clusterGone = ended === 'cluster-stopped';
    return 0;
  } finally {
    // With the cluster gone its managed nats-server is gone too: a drain would only wait for the
    // reconnect timeout. The process exits right after, which closes the socket.
    if (!clusterGone) await bus.close();
  }
}

/** Prints events until Ctrl-C, or until `alive()` says the cluster process is gone. */
async function printEvents(sub: Subscription, json: boolean, io: InspectIo, alive: () => boolean): Promise<'interrupted' | 'cluster-stopped'> {
  let ended: 'interrupted' | 'cluster-stopped' = 'interrupted';
  const stop = (): void => sub.unsubscribe();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const probe = setInterval(() => {
    if (alive()) return;
    io.err.write('the cluster stopped\n');
    ended = 'cluster-stopped';
    stop();
  }, CLUSTER_PROBE_MS);
  try {
    for await (const msg of sub) {
      let env: Record<string, unknown>;
      try {
        env = decode(msg.data);
      } catch (err) {
        io.err.write(`warning: unreadable event on ${msg.subject}: ${(err as Error).message}\n`);
        continue;
      }
      if (json) {
        io.out.write(`${JSON.stringify({ subject: msg.subject, ...env })}\n`);
        continue;
      }
      for (const line of formatInspectionEvent(env) ?? []) io.out.write(`${line}\n`);
    }
    return ended;
  } finally {
    clearInterval(probe);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
