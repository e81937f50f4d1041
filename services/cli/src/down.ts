// `skiff down`: stops the cluster process named by cluster.json (SIGTERM, then SIGKILL to its
// process group after a grace period), makes sure the managed nats-server is gone too, and
// removes the state file. A cluster that is not running is not an error: the goal state holds.

import { dataDirExists, runningClusterPid } from './data-dir.js';
import { UnknownClusterError } from './errors.js';
import { isRunning, terminate } from './process.js';
import { readClusterState, removeClusterState } from './state-file.js';

export const DEFAULT_DOWN_GRACE_MS = 30_000;
const NATS_GRACE_MS = 5_000;

export interface DownOptions {
  readonly cluster: string;
  readonly dataDir: string;
  /** How long the cluster gets to stop by itself before SIGKILL. */
  readonly graceMs: number;
}

export async function runDown(opts: DownOptions, out: NodeJS.WritableStream): Promise<number> {
  if (!dataDirExists(opts.dataDir)) throw new UnknownClusterError(opts.cluster, opts.dataDir);
  const state = readClusterState(opts.dataDir);
  if (state === undefined) {
    // No state file: the cluster may still be starting (it holds the start lock).
    const starting = runningClusterPid(opts.dataDir);
    if (starting === undefined) {
      out.write(`cluster ${opts.cluster} is not running\n`);
      return 0;
    }
    const how = await terminate({ pid: starting, startTicks: undefined }, opts.graceMs);
    out.write(`cluster ${opts.cluster} stopped while starting (pid ${starting}, ${how})\n`);
    return how === 'survived' ? 1 : 0;
  }
  const how = await terminate({ pid: state.pid, startTicks: state.startTicks }, opts.graceMs);
  // A cluster killed with SIGKILL (or a foreground one that did not lead its process group)
  // cannot stop its nats-server: do it here.
  let natsNote = '';
  if (state.managedNats !== undefined && isRunning(state.managedNats)) {
    const natsHow = await terminate(state.managedNats, NATS_GRACE_MS);
    natsNote = `, nats-server pid ${state.managedNats.pid} ${natsHow}`;
  }
  if (how !== 'survived') removeClusterState(opts.dataDir, state.pid);
  if (how === 'not-running') {
    out.write(`cluster ${opts.cluster} is not running (removed the stale state of pid ${state.pid}${natsNote})\n`);
    return 0;
  }
  if (how === 'survived') {
    out.write(`cluster ${opts.cluster}: pid ${state.pid} survived SIGKILL; check it with \`ps -p ${state.pid}\`\n`);
    return 1;
  }
  out.write(`cluster ${opts.cluster} stopped (pid ${state.pid} ${how}${natsNote})\n`);
  return 0;
}
