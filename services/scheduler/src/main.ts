// `node --import tsx services/scheduler/src/main.ts --nats URLS [--cluster local]
//  [--scheduler-name default-scheduler] [--instance NAME] [--leader-elect-lease-duration 15s]
//  [--leader-elect-renew-deadline 10s] [--leader-elect-retry-period 2s]`
// One scheduler replica as a process. Only wiring: parse, start (start.ts), stop on signals.
// Run several with the same --scheduler-name: they elect one leader on a Lease in kube-system
// (kube-scheduler for default-scheduler, else the scheduler name: leaseNameFor).

import { hostname } from 'node:os';
import { Command } from 'commander';
import { createLogger, onShutdownSignals } from '@skiff/actors';
import { RealClock } from '@skiff/core';
import { leaderElectionTimings, type LeaderElectFlags } from './flags.js';
import { DEFAULT_SCHEDULER_NAME } from './pod-rules.js';
import { startSchedulerProcess } from './start.js';

export const SCHEDULER_VERSION = '0.1.0';

interface Flags extends LeaderElectFlags {
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
  .option('--leader-elect-lease-duration <duration>', 'how long a standby waits after the last renewal before taking the Lease (default 15s)')
  .option('--leader-elect-renew-deadline <duration>', 'how long the leader tries to renew before it steps down (default 10s)')
  .option('--leader-elect-retry-period <duration>', 'wait between attempts to acquire or renew (default 2s)')
  .action(async (flags: Flags) => {
    const leaderElection = leaderElectionTimings(flags);
    const logger = createLogger({ component: 'scheduler', instance: flags.instance });
    const running = await startSchedulerProcess({
      natsUrls: flags.nats.split(',').map((s) => s.trim()).filter((s) => s !== ''),
      cluster: flags.cluster,
      schedulerName: flags.schedulerName,
      instance: flags.instance,
      version: SCHEDULER_VERSION,
      clock: new RealClock(),
      logger,
      leaderElection,
    });
    logger.info({ schedulerName: flags.schedulerName }, 'started; waiting for leadership');
    onShutdownSignals(running, { logger });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`scheduler: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
