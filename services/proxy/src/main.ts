// `node --import tsx services/proxy/src/main.ts --nats URLS [--cluster local]
//  [--node-ips 127.0.1.1,...] [--dns-address 127.53.0.1:53] [--instance NAME]`
// kube-proxy as a process. Only wiring: parse, start (start.ts), stop on signals.
// Without --node-ips it serves every Node's InternalIP (one proxy for a one-machine cluster).

import { hostname } from 'node:os';
import { Command } from 'commander';
import { createLogger, onShutdownSignals } from '@skiff/actors';
import { RealClock } from '@skiff/core';
import { parseHostPort, startProxyProcess } from './start.js';

export const PROXY_VERSION = '0.1.0';

interface Flags {
  nats: string;
  cluster: string;
  nodeIps?: string;
  dnsAddress?: string;
  instance: string;
}

const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');

const program = new Command('proxy')
  .description('Skiff kube-proxy: forwards ClusterIP and NodePort traffic to ready endpoints')
  .requiredOption('--nats <urls>', 'NATS servers, comma-separated')
  .option('--cluster <name>', 'cluster name (NATS subjects skiff.<cluster>.*)', 'local')
  .option('--node-ips <ips>', 'local node addresses for NodePorts, comma-separated (default: every Node InternalIP)')
  .option('--dns-address <ip:port>', 'serve cluster DNS (A records) on this UDP address, e.g. 127.53.0.1:53')
  .option('--instance <name>', "this proxy's name", hostname().split('.')[0]?.replace(/[^A-Za-z0-9_-]/g, '-') || 'proxy')
  .action(async (flags: Flags) => {
    const logger = createLogger({ component: 'proxy', instance: flags.instance });
    const running = await startProxyProcess({
      natsUrls: list(flags.nats),
      cluster: flags.cluster,
      instance: flags.instance,
      version: PROXY_VERSION,
      clock: new RealClock(),
      logger,
      ...(flags.nodeIps === undefined ? {} : { nodeIps: list(flags.nodeIps) }),
      ...(flags.dnsAddress === undefined ? {} : { dns: parseHostPort(flags.dnsAddress) }),
    });
    logger.info({ nodeIps: flags.nodeIps ?? 'from Nodes', dns: flags.dnsAddress ?? 'off' }, 'proxy started');
    onShutdownSignals(running, { logger });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`proxy: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
