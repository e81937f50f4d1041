// `node --import tsx services/controller-manager/src/main.ts --nats URLS [--cluster local]
//  [--instance NAME] [--node-monitor-grace-period 40s] [--controllers *]
//  [--cluster-cidr 127.128.0.0/9] [--node-cidr-mask-size 24] [--horizontal-pod-autoscaler-sync-period 15s]
//  [--horizontal-pod-autoscaler-downscale-stabilization 5m0s] [--horizontal-pod-autoscaler-tolerance 0.1]`
// One controller-manager replica as a process. Only wiring: parse, start (start.ts), stop on
// signals. Several replicas elect one leader on Lease kube-system/kube-controller-manager.

import { hostname } from 'node:os';
import { Command } from 'commander';
import { createLogger, onShutdownSignals } from '@skiff/actors';
import { RealClock } from '@skiff/core';
import { parseGoDurationMs as parseDurationMs } from '@skiff/apimachinery';
import { DEFAULT_CLUSTER_CIDR, DEFAULT_NODE_CIDR_MASK_SIZE } from './node-ipam.js';
import { startControllerManagerProcess } from './start.js';

export const CONTROLLER_MANAGER_VERSION = '0.1.0';

interface Flags {
  nats: string;
  cluster: string;
  instance: string;
  nodeMonitorGracePeriod: string;
  controllers: string;
  clusterCidr: string;
  nodeCidrMaskSize: string;
  horizontalPodAutoscalerSyncPeriod: string;
  horizontalPodAutoscalerDownscaleStabilization: string;
  horizontalPodAutoscalerTolerance: string;
  localPathVolumesDir?: string;
}

const program = new Command('controller-manager')
  .description('Skiff kube-controller-manager: runs the controllers that drive objects to their spec')
  .requiredOption('--nats <urls>', 'NATS servers, comma-separated')
  .option('--cluster <name>', 'cluster name (NATS subjects skiff.<cluster>.*)', 'local')
  .option('--instance <name>', "this replica's name (the Lease holderIdentity)", hostname().split('.')[0]?.replace(/[^A-Za-z0-9_-]/g, '-') || 'controller-manager')
  .option('--node-monitor-grace-period <duration>', 'a node whose Lease is older than this is marked Unknown', '40s')
  .option('--cluster-cidr <cidr>', 'pod range node CIDRs are allocated from', DEFAULT_CLUSTER_CIDR)
  .option('--node-cidr-mask-size <bits>', 'prefix length of each node CIDR', String(DEFAULT_NODE_CIDR_MASK_SIZE))
  .option('--horizontal-pod-autoscaler-sync-period <duration>', 'how often each HorizontalPodAutoscaler is synced', '15s')
  .option('--horizontal-pod-autoscaler-downscale-stabilization <duration>', 'how far back scale-down recommendations are considered (when an HPA sets no window)', '5m')
  .option('--horizontal-pod-autoscaler-tolerance <ratio>', 'usage/target ratios within 1 +- this do not scale', '0.1')
  .option('--local-path-volumes-dir <dir>', 'where the local-path provisioner makes volume folders (default ~/.skiff/<cluster>/volumes)')
  .option('--controllers <names>', 'comma-separated controllers; * for all, -name to disable one', '*')
  .action(async (flags: Flags) => {
    const logger = createLogger({ component: 'controller-manager', instance: flags.instance });
    const running = await startControllerManagerProcess({
      natsUrls: flags.nats.split(',').map((s) => s.trim()).filter((s) => s !== ''),
      cluster: flags.cluster,
      instance: flags.instance,
      version: CONTROLLER_MANAGER_VERSION,
      clock: new RealClock(),
      logger,
      nodeMonitorGracePeriodMs: parseDurationMs(flags.nodeMonitorGracePeriod),
      clusterCidr: flags.clusterCidr,
      nodeCidrMaskSize: Number(flags.nodeCidrMaskSize),
      horizontalPodAutoscaler: {
        syncPeriodMs: parseDurationMs(flags.horizontalPodAutoscalerSyncPeriod),
        downscaleStabilizationMs: parseDurationMs(flags.horizontalPodAutoscalerDownscaleStabilization),
        tolerance: Number(flags.horizontalPodAutoscalerTolerance),
      },
      ...(flags.localPathVolumesDir === undefined ? {} : { persistentVolume: { volumesDir: flags.localPathVolumesDir } }),
      controllers: flags.controllers.split(',').map((s) => s.trim()).filter((s) => s !== ''),
    });
    logger.info({ controllers: running.manager.enabled }, 'started; waiting for leadership');
    onShutdownSignals(running, { logger });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`controller-manager: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
