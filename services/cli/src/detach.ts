// `skiff up --detach`: runs the same `skiff up` in the foreground as a detached child (its own
// session and process group, stdout and stderr appended to `<data-dir>/skiff.log`), and returns
// once that child wrote cluster.json with its own pid AND the cluster answers a describe over
// NATS. If the child exits first, or the wait runs out, the end of its log says why (exit 1).

import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { connectCluster, describeAll } from './cluster-client.js';
import { LOG_FILE, prepareDataDir, runningClusterPid } from './data-dir.js';
import { CliError, ClusterRunningError } from './errors.js';
import { lastLines, readTail } from './log-tail.js';
import { foregroundUpArgs, type UpOptions } from './options.js';
import { sleep, terminate } from './process.js';
import { readClusterState, type ClusterState } from './state-file.js';
import { renderSummary } from './summary.js';

const POLL_MS = 100;
const LOG_LINES = 15;

export interface SelfCommand {
  /** `process.execPath` */
  readonly execPath: string;
  /** What precedes the subcommand: node flags (`--import tsx`) and the entry script. */
  readonly args: readonly string[];
}

export interface DetachDeps {
  readonly self: SelfCommand;
  readonly timeoutMs: number;
  readonly defaultDataDir: string;
  readonly out: NodeJS.WritableStream;
}

export class DetachedStartError extends CliError {
  override readonly name = 'DetachedStartError';
}

export async function runDetached(opts: UpOptions, deps: DetachDeps): Promise<number> {
  prepareDataDir(opts.dataDir);
  const running = runningClusterPid(opts.dataDir);
  if (running !== undefined) throw new ClusterRunningError(opts.cluster, running);
  const logFile = join(opts.dataDir, LOG_FILE);
  const child = spawnChild(opts, deps.self, logFile);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig ?? 'unknown')));
  let exit: number | string | undefined;
  void exited.then((e) => (exit = e));
  const pid = child.pid!;
  deps.out.write(`Starting cluster ${opts.cluster} in the background (pid ${pid}, log ${logFile})...\n`);
  // Ctrl-C while waiting abandons the start: take the child down rather than leave it half-started.
  const onSignal = (): void => void terminate({ pid, startTicks: undefined }, 10_000).then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    const state = await waitUntilReady(opts, pid, deps.timeoutMs, () => exit);
    child.unref();
    deps.out.write(
      `${renderSummary({
        cluster: state.cluster,
        pid: state.pid,
        natsUrls: state.natsUrls,
        managedNatsPid: state.managedNats?.pid,
        dataDir: opts.dataDir,
        defaultDataDir: deps.defaultDataDir,
        logFile,
        components: state.components,
        foreground: false,
        componentLines: state.summaryLines ?? [],
        componentNext: state.summaryNext ?? [],
      })}\n`,
    );
    return 0;
  } catch (err) {
    if (exit === undefined) await terminate({ pid, startTicks: undefined }, 10_000);
    const tail = lastLines(readTail(logFile), LOG_LINES);
    const why = exit === undefined ? (err as Error).message : `the cluster process exited (${exit}) before it was ready`;
    throw new DetachedStartError(`${why}; last lines of ${logFile}:\n  ${tail.join('\n  ')}`);
  } finally {
    process.off('SIGINT', onSignal);
  }
}

function spawnChild(opts: UpOptions, self: SelfCommand, logFile: string): ReturnType<typeof spawn> {
  const fd = openSync(logFile, 'a');
  try {
    return spawn(self.execPath, [...self.args, ...foregroundUpArgs(opts)], {
      detached: true,
      stdio: ['ignore', fd, fd],
      cwd: process.cwd(),
      env: process.env,
    });
  } finally {
    closeSync(fd);
  }
}

/** Polls for cluster.json naming `pid`, then for a describe answer; bounded by `timeoutMs`. */
async function waitUntilReady(opts: UpOptions, pid: number, timeoutMs: number, exitOf: () => number | string | undefined): Promise<ClusterState> {
  const deadline = Date.now() + timeoutMs;
  const rounds = Math.ceil(timeoutMs / POLL_MS);
  for (let i = 0; i < rounds && Date.now() < deadline; i++) {
    if (exitOf() !== undefined) throw new Error('exited');
    const state = readStateQuietly(opts.dataDir);
    if (state?.pid === pid && (await answers(state, deadline))) return state;
    await sleep(POLL_MS);
  }
  throw new Error(`the cluster was not ready within ${Math.round(timeoutMs / 1000)} s (raise --timeout?)`);
}

function readStateQuietly(dataDir: string): ClusterState | undefined {
  try {
    return readClusterState(dataDir);
  } catch {
    return undefined;
  }
}

/** The cluster answers when at least one service replies to the broadcast describe. */
async function answers(state: ClusterState, deadline: number): Promise<boolean> {
  try {
    const bus = await connectCluster(state.natsUrls, Math.max(100, Math.min(5_000, deadline - Date.now())));
    try {
      const { services } = await describeAll(bus, state.cluster, { maxMs: Math.max(100, Math.min(3_000, deadline - Date.now())) });
      return services.length > 0;
    } finally {
      await bus.close();
    }
  } catch {
    return false;
  }
}
