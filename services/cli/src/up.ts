// `skiff up` in the foreground: NATS first, then every component of the registry in order, each
// awaited until ready, with a listr2 task list as progress. Once ready it writes cluster.json and
// waits for a stop request (SIGINT, SIGTERM, or a component failing), then stops components in
// reverse order, then NATS, and removes cluster.json. Logs go to `<data-dir>/skiff.log`.

import { openSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Listr, type ListrTask } from 'listr2';
import { pino } from 'pino';
import { createLogger, RealClock, type Logger, type ServiceLogger } from '@skiff/actors';
import {
  NatsServerNotFoundError,
  PortInUseError,
  startNatsServer,
  type NatsServerProcess,
} from '@skiff/bus';
import { ClusterEvents } from './cluster-events.js';
import type { Component, ComponentContext, ComponentHandle } from './component.js';
import { acquireStartLock, LOG_FILE, prepareDataDir } from './data-dir.js';
import { CliError, StartError } from './errors.js';
import { instanceName, type UpOptions } from './options.js';
import { processRef } from './process.js';
import { Shutdown } from './shutdown.js';
import { removeClusterState, writeClusterState, type ClusterState } from './state-file.js';
import { renderSummary } from './summary.js';

export const COMPONENT_STOP_TIMEOUT_MS = 15_000;
export const NATS_READY_TIMEOUT_MS = 15_000;

export interface UpDeps {
  readonly components: readonly Component[];
  readonly version: string;
  /** `~/.skiff/<cluster>` for this cluster: the summary leaves out `--data-dir` when it matches. */
  readonly defaultDataDir: string;
  /** Checks that external NATS servers answer (`--nats`); throws a CliError when they do not. */
  readonly probeNats: (urls: readonly string[]) => Promise<void>;
  readonly out: NodeJS.WriteStream;
}

interface Started {
  readonly component: Component;
  readonly handle: ComponentHandle;
}

/** Runs the cluster until it is asked to stop; resolves with the exit code. */
export async function runUp(opts: UpOptions, deps: UpDeps): Promise<number> {
  prepareDataDir(opts.dataDir);
  const logFile = join(opts.dataDir, LOG_FILE);
  // An fd opened here makes the stream ready at once: a start that fails within milliseconds
  // still flushes its last lines (sonic-boom refuses flushSync before an async open completes).
  const destination = pino.destination({ dest: openSync(logFile, 'a'), sync: false });
  const logger = fileLogger(destination);
  const lock = acquireStartLock(opts.dataDir, opts.cluster);
  const shutdown = new Shutdown();
  const removeHooks = installProcessHooks(shutdown, logger);
  const run = new ClusterRun(opts, deps, logger, shutdown);
  logger.info({ cluster: opts.cluster, dataDir: opts.dataDir, pid: process.pid }, 'starting cluster');
  try {
    await run.start();
    const state = run.state();
    writeClusterState(opts.dataDir, state);
    logger.info({ state }, 'cluster ready');
    deps.out.write(`\n${renderSummary(summaryFacts(state, opts, deps, logFile))}\n`);
    const { reason, exitCode } = await shutdown.requested;
    logger.info({ reason }, 'stopping cluster');
    deps.out.write(`\nStopping cluster ${opts.cluster} (${reason})...\n`);
    return exitCode;
  } catch (err) {
    logger.error({ err }, 'cluster start failed');
    throw err;
  } finally {
    await run.stop();
    removeClusterState(opts.dataDir, process.pid);
    lock.release();
    logger.info('cluster stopped');
    removeHooks();
    destination.flushSync();
  }
}

function fileLogger(destination: ReturnType<typeof pino.destination>): Logger {
  try {
    return createLogger({ component: 'skiff', instance: instanceName(hostname()), destination });
  } catch (err) {
    // The one way this fails is a bad SKIFF_LOG_LEVEL (LogLevelError says which values work).
    throw new CliError((err as Error).message);
  }
}

function summaryFacts(state: ClusterState, opts: UpOptions, deps: UpDeps, logFile: string): Parameters<typeof renderSummary>[0] {
  return {
    cluster: state.cluster,
    pid: state.pid,
    natsUrls: state.natsUrls,
    managedNatsPid: state.managedNats?.pid,
    dataDir: opts.dataDir,
    defaultDataDir: deps.defaultDataDir,
    logFile,
    components: state.components,
    foreground: deps.out.isTTY === true,
    componentLines: state.summaryLines ?? [],
    componentNext: state.summaryNext ?? [],
  };
}

/**
 * SIGINT/SIGTERM request a clean stop; a second one while stopping exits at once (the nats-server
 * child is killed by its adapter's exit hook). An uncaught error is logged and stops the cluster
 * rather than leaving children behind.
 */
function installProcessHooks(shutdown: Shutdown, logger: Logger): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!shutdown.request(`received ${signal}`)) {
      logger.warn({ signal }, 'second signal while stopping: exiting now');
      process.exit(1);
    }
  };
  const onCrash = (err: unknown): void => {
    logger.fatal({ err }, 'uncaught error');
    shutdown.request(`uncaught error: ${(err as Error)?.message ?? String(err)}`, 1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  };
}

class ClusterRun {
  private nats: NatsServerProcess | undefined;
  private natsUrls: readonly string[] = [];
  private readonly started: Started[] = [];
  private readonly events: ClusterEvents;
  private readonly startedAt = new Date();
  private readonly clock = new RealClock();
  /** The start() in progress, which a stop during startup waits for so that nothing is left running. */
  private inFlight: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly opts: UpOptions,
    private readonly deps: UpDeps,
    private readonly logger: Logger,
    private readonly shutdown: Shutdown,
  ) {
    this.events = new ClusterEvents((err, event) => logger.error({ err, event }, 'cluster event listener failed'));
    // After start, a component that fails takes the cluster down (exit code 1).
    this.events.subscribe((event) => {
      if (event.type === 'component.failed') shutdown.request(`${event.name} failed: ${event.error}`, 1);
    });
  }

  async start(): Promise<void> {
    const tasks: ListrTask[] = [
      { title: 'NATS', task: async (_ctx, task) => (task.title = await this.shutdown.unless(this.startNats())) },
      ...this.deps.components.map(
        (component): ListrTask => ({
          title: component.title,
          task: async () => {
            await this.shutdown.unless(this.startComponent(component));
          },
        }),
      ),
    ];
    const list = new Listr(tasks, {
      concurrent: false,
      exitOnError: true,
      // Signals are ours: listr2's handler would exit(127) with children still running.
      registerSignalListeners: false,
      renderer: 'default',
      fallbackRenderer: 'simple',
      rendererOptions: { showErrorMessage: true },
    });
    await list.run();
  }

  private async startNats(): Promise<string> {
    if (this.opts.natsUrls !== undefined) {
      await this.deps.probeNats(this.opts.natsUrls);
      this.natsUrls = this.opts.natsUrls;
      return `NATS ${this.natsUrls.join(',')} (external)`;
    }
    try {
      this.nats = await startNatsServer({
        host: '127.0.0.1',
        ...(this.opts.natsPort === undefined ? {} : { port: this.opts.natsPort }),
        name: `skiff-${this.opts.cluster}`,
        readyTimeoutMs: NATS_READY_TIMEOUT_MS,
      });
    } catch (err) {
      throw natsStartError(err, this.opts.natsPort);
    }
    this.natsUrls = [this.nats.url];
    this.logger.info({ url: this.nats.url, pid: this.nats.pid }, 'nats-server ready');
    return `NATS ${this.nats.url} (pid ${this.nats.pid})`;
  }

  private async startComponent(component: Component): Promise<void> {
    const log = serviceLogger(this.logger.child({ part: component.name }));
    this.events.emit({ type: 'component.starting', name: component.name });
    try {
      const starting = component.start(this.context(log));
      this.inFlight = starting;
      const handle = await starting;
      this.started.push({ component, handle });
      await handle.ready;
    } catch (err) {
      const message = (err as Error)?.message ?? String(err);
      this.events.emit({ type: 'component.failed', name: component.name, error: message });
      throw new StartError(`${component.name} did not start: ${message} (details in ${join(this.opts.dataDir, LOG_FILE)})`);
    }
    log.info('component ready');
    this.events.emit({ type: 'component.ready', name: component.name });
  }

  private context(logger: ServiceLogger): ComponentContext {
    return {
      cluster: this.opts.cluster,
      dataDir: this.opts.dataDir,
      natsUrls: this.natsUrls,
      options: this.opts,
      logger,
      clock: this.clock,
      components: this.deps.components.map((c) => c.name),
      events: this.events,
      version: this.deps.version,
      instance: instanceName(hostname()),
    };
  }

  state(): ClusterState {
    const self = processRef(process.pid);
    const summaries = this.componentSummaries();
    return {
      v: 1,
      cluster: this.opts.cluster,
      pid: self.pid,
      startTicks: self.startTicks,
      natsUrls: this.natsUrls,
      managedNats: this.nats?.pid === undefined ? undefined : processRef(this.nats.pid),
      startedAt: this.startedAt.toISOString(),
      components: this.started.map((s) => s.component.name),
      nodes: this.opts.nodes,
      version: this.deps.version,
      summaryLines: summaries.componentLines,
      summaryNext: summaries.componentNext,
    };
  }

  /** The summary lines and next commands of every started component, in start order. */
  componentSummaries(): { componentLines: string[]; componentNext: string[] } {
    const componentLines: string[] = [];
    const componentNext: string[] = [];
    for (const { handle } of this.started) {
      const summary = handle.summary?.();
      if (summary === undefined) continue;
      componentLines.push(...summary.lines);
      componentNext.push(...summary.next);
    }
    return { componentLines, componentNext };
  }

  /** Reverse order, each bounded; a component that fails to stop is logged and passed over. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.events.emit({ type: 'stop' });
    if (this.inFlight !== undefined) {
      // Interrupted inside a start(): let it finish (bounded) so that its handle is stopped below.
      await withTimeout(this.inFlight, COMPONENT_STOP_TIMEOUT_MS, 'a component did not finish starting').catch(() => {});
    }
    for (const { component, handle } of [...this.started].reverse()) {
      try {
        await withTimeout(handle.stop(), COMPONENT_STOP_TIMEOUT_MS, `${component.name} did not stop`);
        this.logger.info({ part: component.name }, 'component stopped');
      } catch (err) {
        this.logger.error({ err, part: component.name }, 'component stop failed');
      }
      this.events.emit({ type: 'component.stopped', name: component.name });
    }
    if (this.nats !== undefined) {
      await this.nats.dispose();
      this.logger.info({ output: this.nats.output().split('\n').slice(-20) }, 'nats-server stopped');
    }
  }
}

function natsStartError(err: unknown, pinnedPort: number | undefined): Error {
  if (err instanceof NatsServerNotFoundError) return new CliError(err.message);
  if (err instanceof PortInUseError) {
    const hint = pinnedPort === undefined ? 'try again (a free port was taken meanwhile)' : 'choose another --nats-port or leave it out';
    return new CliError(`${err.message}: ${hint}`);
  }
  const first = ((err as Error)?.message ?? String(err)).split('\n')[0];
  return new StartError(`nats-server did not start: ${first}`);
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A child logger with the `loggerFor(actorId)` a service host expects. */
function serviceLogger(logger: Logger): ServiceLogger {
  return Object.assign(logger, { loggerFor: (actorId: string) => logger.child({ actorId }) });
}
