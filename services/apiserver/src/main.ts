// `node --import tsx services/apiserver/src/main.ts --data-dir DIR --nats URLS [--cluster local]
//  [--bind 127.0.0.1] [--port 6443] [--insecure-http] [--tls-san NAME]... [--store-members a,b,c]`
// One API server as a process. Only wiring: parse, start (start.ts), write the admin kubeconfig to
// <data-dir>/kubeconfig, stop on signals.
//
// --insecure-http serves plain HTTP: kubectl sends no credentials over it, so every request acts
// as the cluster admin. Use it only on loopback, for debugging.

import { hostname } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { createLogger, onShutdownSignals } from '@skiff/actors';
import { DEFAULT_BIND, DEFAULT_PORT } from './server.js';
import { DEFAULT_SERVICE_CLUSTER_IP_RANGE, startClusterApiServer } from './start.js';

export const APISERVER_VERSION = '0.1.0';

interface Flags {
  dataDir: string;
  nats: string;
  cluster: string;
  bind: string;
  port: number;
  insecureHttp?: boolean;
  tlsSan: string[];
  storeMembers?: string;
  serviceClusterIpRange: string;
  instance: string;
}

function port(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('use a port from 0 (a free one) to 65535');
  return n;
}

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

const program = new Command('apiserver')
  .description('Skiff API server: Kubernetes REST over HTTPS and the same API over NATS')
  .requiredOption('--data-dir <dir>', 'keeps pki/ (CA, serving certificate, admin token) and the admin kubeconfig')
  .requiredOption('--nats <urls>', 'NATS servers, comma-separated')
  .option('--cluster <name>', 'cluster name (NATS subjects skiff.<cluster>.*)', 'local')
  .option('--bind <address>', 'address to listen on', DEFAULT_BIND)
  .option('--port <port>', 'port to listen on (0: a free one)', port, DEFAULT_PORT)
  .option('--insecure-http', 'plain HTTP instead of HTTPS (every request acts as the admin)')
  .option('--tls-san <name>', 'another name or address for the serving certificate (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
  .option('--service-cluster-ip-range <cidr>', 'ClusterIPs are allocated here (loopback, so the proxy binds them without root)', DEFAULT_SERVICE_CLUSTER_IP_RANGE)
  .option('--store-members <names>', 'store member names, comma-separated (default: asked from the leader)')
  .option('--instance <name>', 'this replica\'s name', hostname().split('.')[0]?.replace(/[^A-Za-z0-9_-]/g, '-') || 'apiserver')
  .action(async (flags: Flags) => {
    const logger = createLogger({ component: 'apiserver', instance: flags.instance });
    const members = flags.storeMembers === undefined ? undefined : list(flags.storeMembers);
    const running = await startClusterApiServer({
      natsUrls: list(flags.nats),
      cluster: flags.cluster,
      instance: flags.instance,
      version: APISERVER_VERSION,
      dataDir: flags.dataDir,
      bind: flags.bind,
      port: flags.port,
      insecureHttp: flags.insecureHttp === true,
      extraSans: flags.tlsSan,
      logger,
      processMetrics: true,
      serviceClusterIpRange: flags.serviceClusterIpRange,
      ...(members === undefined ? {} : { storeMembers: members }),
    });
    logger.info({ url: running.server.url, kubeconfig: running.kubeconfigPath }, 'serving');
    onShutdownSignals(running, { logger });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`apiserver: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
