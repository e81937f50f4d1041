// `node --import tsx services/store/src/main.ts --name a --members a,b,c --data-dir DIR --nats URL`:
// one store member as a process. Only wiring: parse, open the log (a corrupt log stops here with
// exit code 2 and the file and byte offset), connect NATS, host the member, stop on signals.

import { join } from 'node:path';
import { createLogger, onShutdownSignals, RealClock, startServiceHost, systemRandom } from '@skiff/actors';
import { NatsBus } from '@skiff/bus';
import { SnapshotCorruptError, Wal, WalCorruptError, type WalOpenResult } from '@skiff/wal';
import { storeProgram, type StoreArgs } from './args.js';
import { createStoreMember } from './member.js';

export const STORE_VERSION = '0.1.0';
export const EXIT_CORRUPT_LOG = 2;

async function run(args: StoreArgs): Promise<void> {
  const logger = createLogger({ component: 'store', instance: args.name });
  const dir = join(args.dataDir, args.name);
  let opened: WalOpenResult<Wal>;
  try {
    opened = await Wal.open(dir, { fsync: args.fsync });
  } catch (err) {
    if (err instanceof WalCorruptError || err instanceof SnapshotCorruptError) {
      // WalCorruptError's message names the file and the byte offset; SnapshotCorruptError's the files.
      process.stderr.write(`store ${args.name}: refusing to start: ${err.message}\n`);
      logger.fatal({ err }, 'corrupt log: not serving');
      process.exit(EXIT_CORRUPT_LOG);
    }
    throw err;
  }
  const { wal, state, warnings } = opened;
  for (const w of warnings) logger.warn({ warning: w }, `log recovery: ${w.type}`);
  logger.info({ dir, entries: state.entries.length, snapshot: state.snapshotMeta, hardState: state.hardState }, 'log recovered');

  const clock = new RealClock();
  const bus = await NatsBus.connect({ servers: args.natsUrls, name: `store-${args.name}`, onStatus: (s) => logger.debug({ status: s }, 'nats') });
  const host = await startServiceHost({
    bus,
    cluster: args.cluster,
    service: 'store',
    instance: args.name,
    version: STORE_VERSION,
    description: 'Skiff store member: Raft + MVCC + write-ahead log',
    clock,
    logger,
    metadata: { members: args.members.join(',') },
  });
  const maxPayloadBytes = bus.connection.info?.max_payload;
  const member = createStoreMember({
    name: args.name,
    members: args.members,
    cluster: args.cluster,
    bus,
    wal,
    recovered: state,
    clock,
    random: systemRandom(),
    logger: logger.child({ member: args.name }),
    host,
    onFatal: () => {
      // The log can no longer be trusted (a failed fsync): restart and recover from the disk.
      logger.flush();
      process.exit(1);
    },
    options: {
      ...(args.snapshotEveryEntries === undefined ? {} : { snapshotEveryEntries: args.snapshotEveryEntries }),
      ...(args.maxValueBytes === undefined ? {} : { maxValueBytes: args.maxValueBytes }),
      ...(maxPayloadBytes === undefined ? {} : { maxPayloadBytes }),
    },
  });
  await member.start();
  host.setReady(true);
  onShutdownSignals(
    {
      stop: async () => {
        await member.stop();
        await host.stop();
        await wal.close();
      },
    },
    { logger },
  );
}

const program = storeProgram((args) => {
  run(args).catch((err: unknown) => {
    process.stderr.write(`store: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
});
program.parse(process.argv);
