// The store process' command line (commander), checked into StoreArgs. Pure apart from commander:
// no file system, no environment.

import { Command, InvalidArgumentError, Option } from 'commander';
import { subjectToken } from '@skiff/bus';

export interface StoreArgs {
  readonly name: string;
  readonly members: readonly string[];
  readonly dataDir: string;
  readonly natsUrls: readonly string[];
  readonly cluster: string;
  readonly snapshotEveryEntries: number | undefined;
  readonly maxValueBytes: number | undefined;
  readonly fsync: boolean;
}

function token(what: string): (value: string) => string {
  return (value) => {
    try {
      return subjectToken(value, what);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

function memberList(value: string): string[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new InvalidArgumentError('give at least one member name');
  if (new Set(names).size !== names.length) throw new InvalidArgumentError(`member names must be distinct: ${value}`);
  return names.map(token('member name'));
}

function urlList(value: string): string[] {
  const urls = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (urls.length === 0) throw new InvalidArgumentError('give at least one NATS URL');
  return urls;
}

function positiveInt(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number >= 1, got ${JSON.stringify(value)}`);
  return n;
}

export function storeProgram(onArgs: (args: StoreArgs) => void): Command {
  const program: Command = new Command('store')
    .description('one Skiff store member: Raft + MVCC + write-ahead log, served over NATS')
    .requiredOption('--name <name>', 'this member', token('member name'))
    .requiredOption('--members <names>', 'every member, comma-separated (this one included)', memberList)
    .requiredOption('--data-dir <dir>', 'the log lives in <dir>/<name>')
    .addOption(new Option('--nats <urls>', 'NATS servers, comma-separated').default(['nats://127.0.0.1:4222'], 'nats://127.0.0.1:4222').argParser(urlList))
    .addOption(new Option('--cluster <name>', 'cluster name (subjects skiff.<cluster>.*)').default('local').argParser(token('cluster name')))
    .option('--snapshot-every <entries>', 'snapshot after this many applied entries (default 10000)', positiveInt)
    .option('--max-value-bytes <bytes>', 'largest value a put may carry (default 1.5 MiB)', positiveInt)
    .option('--no-fsync', 'do not fdatasync the log (tests only: loses acknowledged writes on power loss)')
    .action((flags: { name: string; members: string[]; dataDir: string; nats: string[]; cluster: string; snapshotEvery?: number; maxValueBytes?: number; fsync: boolean }) => {
      if (!flags.members.includes(flags.name)) program.error(`error: --members ${flags.members.join(',')} must include --name ${flags.name}`);
      onArgs({
        name: flags.name,
        members: flags.members,
        dataDir: flags.dataDir,
        natsUrls: flags.nats,
        cluster: flags.cluster,
        snapshotEveryEntries: flags.snapshotEvery,
        maxValueBytes: flags.maxValueBytes,
        fsync: flags.fsync,
      });
    });
  return program;
}

/** Parses argv (without node and the script); throws commander's errors for bad input. */
export function parseStoreArgs(argv: readonly string[]): StoreArgs {
  let parsed: StoreArgs | undefined;
  const program = storeProgram((a) => (parsed = a)).exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  program.parse([...argv], { from: 'user' });
  if (parsed === undefined) throw new Error('store arguments were not parsed');
  return parsed;
}
