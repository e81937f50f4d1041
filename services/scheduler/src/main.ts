// `node --import tsx services/scheduler/src/main.ts --nats URLS [--cluster local]
//  [--scheduler-name default-scheduler] [--instance NAME]`
// One scheduler replica as a process. Only wiring: parse, start (start.ts), stop on signals.
// Run several with the same --scheduler-name: they elect one leader on Lease kube-system/<name>.

import { hostname } from 'node:os';
import { Command } from 'commander';
import { createLogger, onShutdownSignals } from '@skiff/actors';
import { RealClock } from '@skiff/core';
import { DEFAULT_SCHEDULER_NAME } from './pod-rules.js';
import { startSchedulerProcess } from './start.js';

export const SCHEDULER_VERSION = '0.1.0';

interface Flags {
  nats: string;
  cluster: string;
  schedulerName: string;
  instance: string;
}

const program = new Command('scheduler')
  .description('Skiff kube-scheduler: watches pending pods and binds them to nodes')
  .requiredOption('--nats <urls>', 'NATS servers, comma-separated')
  .option('--cluster <name>', 'cluster name (NATS subjects skiff.<cluster>.*)', 'local')
  .option('--scheduler-name <name>', 'schedule pods whose spec.schedulerName is this', DEFAULT_SCHEDULER_NAME)
  .option('--instance <name>', "this replica's name (the Lease holderIdentity)", hostname().split('.')[0]?.replace(/[^A-Za-z0-9_-]/g, '-') || 'scheduler')
  .action(async (flags: Flags) => {
    const logger = createLogger({ component: 'scheduler', instance: flags.instance });
    const running = await startSchedulerProcess({
      natsUrls: flags.nats.split(',').map((s) => s.trim()).filter((s) => s !== ''),
      cluster: flags.cluster,
      schedulerName: flags.schedulerName,
      instance: flags.instance,
      version: SCHEDULER_VERSION,
      clock: new RealClock(),
      logger,
    });
    logger.info({ schedulerName: flags.schedulerName }, 'started; waiting for leadership');
    onShutdownSignals(running, { logger });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`scheduler: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
