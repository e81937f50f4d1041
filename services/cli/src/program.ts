// The command line: commander definitions that turn flags into checked options and call the
// command modules. Each action sets the exit code; main.ts exits with it.

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Component } from './component.js';
import { probeNats } from './cluster-client.js';
import { runDetached, type SelfCommand } from './detach.js';
import { DEFAULT_DOWN_GRACE_MS, runDown } from './down.js';
import { CliError, OptionError } from './errors.js';
import { runInspect } from './inspect.js';
import { runKv, type KvCommand } from './kv.js';
import {
  DEFAULT_CLUSTER,
  DEFAULT_DETACH_TIMEOUT_MS,
  DEFAULT_NODES,
  DEFAULT_SCHEDULERS,
  DEFAULT_STORE_MEMBERS,
  parseClusterName,
  parseDurationMs,
  parseHollowNodes,
  parseNatsUrls,
  parseNodes,
  parsePort,
  parseSchedulers,
  parseStoreMembers,
  resolveDataDir,
  type UpOptions,
} from './options.js';
import { runStatus } from './status.js';
import { runUp } from './up.js';

export interface ProgramEnv {
  readonly version: string;
  readonly home: string;
  readonly cwd: string;
  readonly self: SelfCommand;
  readonly components: readonly Component[];
  readonly out: NodeJS.WriteStream;
  readonly err: NodeJS.WriteStream;
}

/** Commander calls parsers with (value, previous); ours throw OptionError, which commander must see as invalid input. */
function parser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (err) {
      if (err instanceof OptionError) throw new InvalidArgumentError(err.message);
      throw err;
    }
  };
}

interface ClusterFlags {
  cluster: string;
  dataDir?: string;
}

function clusterOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-c, --cluster <name>', 'cluster name').default(DEFAULT_CLUSTER).argParser(parser(parseClusterName)))
    .option('--data-dir <dir>', 'data directory (default: ~/.skiff/<cluster>)');
}

export function buildProgram(env: ProgramEnv, setExitCode: (code: number) => void): Command {
  const dataDirOf = (flags: ClusterFlags): string => resolveDataDir(flags.cluster, env.home, env.cwd, flags.dataDir);
  const defaultDataDirOf = (cluster: string): string => resolveDataDir(cluster, env.home, env.cwd);
  const program = new Command('skiff')
    .description('Skiff: a Kubernetes control plane of XState actors over NATS')
    .version(env.version)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => env.out.write(s), writeErr: (s) => env.err.write(s) });

  clusterOptions(program.command('up').description('start a local cluster: a managed nats-server and every Skiff service'))
    .addOption(new Option('-n, --nodes <count>', 'number of nodes').default(DEFAULT_NODES).argParser(parser(parseNodes)))
    .addOption(new Option('--hollow-nodes <count>', 'extra hollow nodes: kubelets with simulated containers (hollow-node-1..M)').default(0).argParser(parser(parseHollowNodes)))
    .addOption(new Option('--nats <urls>', 'use these NATS servers (comma-separated) instead of starting one').argParser(parser(parseNatsUrls)))
    .addOption(new Option('--nats-port <port>', 'client port of the managed nats-server (default: a free one)').argParser(parser(parsePort)))
    .addOption(new Option('--store-members <count>', 'store members: 1, 3 or 5').default(DEFAULT_STORE_MEMBERS).argParser(parser(parseStoreMembers)))
    .addOption(new Option('--schedulers <count>', 'scheduler instances: 1 leads, the others stand by').default(DEFAULT_SCHEDULERS).argParser(parser(parseSchedulers)))
    .addOption(new Option('--api-port <port>', 'HTTPS port of the API server (default: a free one)').argParser(parser(parsePort)))
    .option('-d, --detach', 'run in the background; return once the cluster is ready')
    .addOption(
      new Option('--timeout <duration>', 'with --detach: how long to wait for ready (60, 60s, 2m)')
        .default(DEFAULT_DETACH_TIMEOUT_MS, '60s')
        .argParser(parser(parseDurationMs)),
    )
    .action(async (flags: ClusterFlags & { nodes: number; hollowNodes: number; nats?: string[]; natsPort?: number; storeMembers: number; schedulers: number; apiPort?: number; detach?: boolean; timeout: number }) => {
      if (flags.nats !== undefined && flags.natsPort !== undefined) {
        throw new OptionError('--nats and --nats-port exclude each other: --nats-port is for the nats-server skiff starts');
      }
      const opts: UpOptions = {
        cluster: flags.cluster,
        nodes: flags.nodes,
        dataDir: dataDirOf(flags),
        natsUrls: flags.nats,
        natsPort: flags.natsPort,
        storeMembers: flags.storeMembers,
        schedulers: flags.schedulers,
        ...(flags.apiPort === undefined ? {} : { apiPort: flags.apiPort }),
        ...(flags.hollowNodes > 0 ? { hollowNodes: flags.hollowNodes } : {}),
      };
      const defaultDataDir = defaultDataDirOf(flags.cluster);
      if (flags.detach === true) {
        setExitCode(await runDetached(opts, { self: env.self, timeoutMs: flags.timeout, defaultDataDir, out: env.out }));
        return;
      }
      setExitCode(await runUp(opts, { components: env.components, version: env.version, defaultDataDir, probeNats, out: env.out }));
    });

  clusterOptions(program.command('down').description('stop a cluster started with `skiff up`'))
    .addOption(
      new Option('--timeout <duration>', 'how long the cluster gets to stop before SIGKILL')
        .default(DEFAULT_DOWN_GRACE_MS, '30s')
        .argParser(parser(parseDurationMs)),
    )
    .action(async (flags: ClusterFlags & { timeout: number }) => {
      setExitCode(await runDown({ cluster: flags.cluster, dataDir: dataDirOf(flags), graceMs: flags.timeout }, env.out));
    });

  clusterOptions(program.command('status').description('whether the cluster runs, and the services NATS finds')).action(
    async (flags: ClusterFlags) => {
      setExitCode(await runStatus({ cluster: flags.cluster, dataDir: dataDirOf(flags) }, env.out));
    },
  );

  clusterOptions(program.command('inspect').description('every actor of the cluster: its machine and current state'))
    .option('-w, --watch', 'then print transitions as they happen, until Ctrl-C')
    .option('--json', 'JSON output (with machine definitions; NDJSON events with --watch)')
    .action(async (flags: ClusterFlags & { watch?: boolean; json?: boolean }) => {
      const ref = { cluster: flags.cluster, dataDir: dataDirOf(flags) };
      setExitCode(await runInspect(ref, { watch: flags.watch === true, json: flags.json === true }, { out: env.out, err: env.err }));
    });

  addKvCommands(program, dataDirOf, env, setExitCode);

  return program;
}

/** The exit code for an error that ended a command, after telling the person what happened. */
export function reportError(err: unknown, stderr: NodeJS.WritableStream): number {
  if (err instanceof CommanderError) return err.exitCode; // commander already printed it (or help/version)
  if (err instanceof CliError) {
    stderr.write(`skiff: ${err.message}\n`);
    return err.exitCode;
  }
  stderr.write(`skiff: unexpected error (a bug; please report it): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

/** Resolves on the first SIGINT/SIGTERM: `kv watch` and `kv lease keep-alive` end cleanly on Ctrl-C. */
function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

function addKvCommands(program: Command, dataDirOf: (flags: ClusterFlags) => string, env: ProgramEnv, setExitCode: (code: number) => void): void {
  const kv = program.command('kv').description("the store, etcdctl-style: get, put, del, watch, lease, status, compact");
  const run = async (flags: ClusterFlags, cmd: KvCommand): Promise<void> => {
    setExitCode(await runKv({ cluster: flags.cluster, dataDir: dataDirOf(flags) }, cmd, { out: env.out, interrupted: interrupted() }));
  };
  const revision = parser((v: string) => positiveInt(v, '--rev'));
  clusterOptions(kv.command('get <key>').description('keys and values (linearizable unless --serializable)'))
    .option('--prefix', 'every key starting with <key>')
    .option('--rev <n>', 'read at this revision', revision)
    .option('--limit <n>', 'at most n keys', parser((v: string) => positiveInt(v, '--limit')))
    .option('--keys-only', 'keys without values')
    .option('--count-only', 'only the number of keys')
    .option('--serializable', "one member's applied state (may be stale)")
    .action((key: string, f: ClusterFlags & { prefix?: boolean; rev?: number; limit?: number; keysOnly?: boolean; countOnly?: boolean; serializable?: boolean }) =>
      run(f, { op: 'get', key, prefix: f.prefix === true, keysOnly: f.keysOnly === true, countOnly: f.countOnly === true, serializable: f.serializable === true, ...(f.rev === undefined ? {} : { revision: f.rev }), ...(f.limit === undefined ? {} : { limit: f.limit }) }),
    );
  clusterOptions(kv.command('put <key> <value>').description('write a key'))
    .option('--lease <id>', 'attach to this lease (hex id)')
    .action((key: string, value: string, f: ClusterFlags & { lease?: string }) => run(f, { op: 'put', key, value, ...(f.lease === undefined ? {} : { lease: f.lease }) }));
  clusterOptions(kv.command('del <key>').description('delete a key (or a prefix); prints how many'))
    .option('--prefix', 'every key starting with <key>')
    .action((key: string, f: ClusterFlags & { prefix?: boolean }) => run(f, { op: 'del', key, prefix: f.prefix === true }));
  clusterOptions(kv.command('watch <key>').description('print changes until Ctrl-C'))
    .option('--prefix', 'every key starting with <key>')
    .option('--rev <n>', 'replay history from this revision first', revision)
    .action((key: string, f: ClusterFlags & { prefix?: boolean; rev?: number }) => run(f, { op: 'watch', key, prefix: f.prefix === true, ...(f.rev === undefined ? {} : { revision: f.rev }) }));
  clusterOptions(kv.command('lease <action> [arg]').description('grant <ttl> | revoke <id> | ttl <id> | list | keep-alive <id>')).action(
    (action: string, arg: string | undefined, f: ClusterFlags) => {
      const actions = ['grant', 'revoke', 'ttl', 'list', 'keep-alive'] as const;
      const known = actions.find((a) => a === action);
      if (known === undefined) throw new OptionError(`unknown lease action ${JSON.stringify(action)}: one of ${actions.join(', ')}`);
      return run(f, { op: 'lease', action: known, ...(arg === undefined ? {} : { arg }) });
    },
  );
  clusterOptions(kv.command('status').description("every member's role, term, indexes and revision")).action((f: ClusterFlags) => run(f, { op: 'status' }));
  clusterOptions(kv.command('compact <revision>').description('discard history before a revision')).action((rev: string, f: ClusterFlags) =>
    run(f, { op: 'compact', revision: positiveInt(rev, 'revision') }),
  );
}

function positiveInt(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new OptionError(`${what} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}
