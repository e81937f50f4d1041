// The kubelet's command line (`kubelet --node-name N --nats URLS ...`), parsed into KubeletArgs.
// Bad flags are a clear ArgsError, never a half-started kubelet.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { Taint } from '@skiff/api';
import { parseNodeLabels, parseTaints } from './node-object.js';
import type { RuntimeKind } from './kubelet.js';

export interface KubeletArgs {
  readonly nodeName: string;
  readonly natsUrls: readonly string[];
  readonly cluster: string;
  readonly nodeIP: string;
  readonly podCIDR: string;
  readonly rootDir: string;
  readonly podManifestPath?: string;
  readonly staticPodIntervalMs: number;
  readonly registerNode: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly runtime: RuntimeKind;
  /** The HTTPS API's port; 0 picks a free one. */
  readonly port: number;
  readonly authToken?: string;
  readonly manifestUrl?: string;
  readonly httpCheckFrequencyMs: number;
  readonly clusterDNS: readonly string[];
  readonly clusterDomain: string;
}

const wrap =
  <T>(parse: (v: string) => T) =>
  (v: string): T => {
    try {
      return parse(v);
    } catch (e) {
      throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
    }
  };

const bool = (v: string): boolean => {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new InvalidArgumentError('want true or false');
};

const runtimeKind = (v: string): RuntimeKind => {
  if (v === 'process' || v === 'hollow') return v;
  throw new InvalidArgumentError('want process or hollow');
};

const port = (v: string): number => {
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= 0 && n <= 65_535)) throw new InvalidArgumentError('want a port number, 0 to pick a free one');
  return n;
};

const tokenFile = (path: string): string => {
  let token: string;
  try {
    token = readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new InvalidArgumentError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (token === '') throw new InvalidArgumentError(`${path} is empty`);
  return token;
};

const httpUrl = (v: string): string => {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new InvalidArgumentError('want an http(s) URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InvalidArgumentError('want an http(s) URL');
  return v;
};

const positiveMs = (v: string): number => {
  const n = Number(v);
  if (!(Number.isInteger(n) && n > 0)) throw new InvalidArgumentError('want a positive whole number of milliseconds');
  return n;
};

export function kubeletProgram(run: (args: KubeletArgs) => Promise<void>): Command {
  return new Command('kubelet')
    .description('Skiff kubelet: registers a node and runs its pods as host processes')
    .requiredOption('--node-name <name>', 'name of the Node')
    .requiredOption('--nats <urls>', 'comma-separated NATS URLs')
    .option('--cluster <name>', 'cluster name (NATS subject prefix)', 'local')
    .option('--node-ip <ip>', 'InternalIP of the node', '127.0.1.1')
    .option('--pod-cidr <cidr>', 'loopback range of pod IPs', '127.42.1.0/24')
    .option('--root-dir <dir>', 'kubelet state folder', '/tmp/skiff-kubelet')
    .option('--pod-manifest-path <dir>', 'folder of static pod manifests')
    .option('--file-check-frequency-ms <ms>', 'how often static manifests are read', positiveMs, 20_000)
    .option('--register-node <bool>', 'create the Node (false: wait for an existing one)', bool, true)
    .option('--node-labels <k=v,...>', 'extra labels of the Node', wrap(parseNodeLabels), {})
    .option('--register-with-taints <k=v:Effect,...>', 'taints of the Node at registration', wrap(parseTaints), [])
    .option('--runtime <kind>', 'process or hollow', runtimeKind, 'process')
    .option('--port <port>', 'port of the HTTPS API on the node IP (0: a free one)', port, 10_250)
    .option('--auth-token-file <file>', 'bearer token the HTTPS API asks for (all but /healthz)', tokenFile)
    .option('--manifest-url <url>', 'URL polled for static pod manifests (a Pod or a PodList)', httpUrl)
    .option('--http-check-frequency-ms <ms>', 'how often the manifest URL is read', positiveMs, 20_000)
    .option('--cluster-dns <ips>', 'comma-separated nameservers for ClusterFirst pods (none: the host resolver)')
    .option('--cluster-domain <domain>', 'DNS domain of the cluster', 'cluster.local')
    .action(async (o: Record<string, unknown>) => {
      await run({
        nodeName: o['nodeName'] as string,
        natsUrls: (o['nats'] as string).split(',').filter((s) => s !== ''),
        cluster: o['cluster'] as string,
        nodeIP: o['nodeIp'] as string,
        podCIDR: o['podCidr'] as string,
        rootDir: o['rootDir'] as string,
        ...(o['podManifestPath'] !== undefined ? { podManifestPath: o['podManifestPath'] as string } : {}),
        staticPodIntervalMs: o['fileCheckFrequencyMs'] as number,
        registerNode: o['registerNode'] as boolean,
        labels: o['nodeLabels'] as Record<string, string>,
        taints: o['registerWithTaints'] as Taint[],
        runtime: o['runtime'] as RuntimeKind,
        port: o['port'] as number,
        ...(o['authTokenFile'] !== undefined ? { authToken: o['authTokenFile'] as string } : {}),
        ...(o['manifestUrl'] !== undefined ? { manifestUrl: o['manifestUrl'] as string } : {}),
        httpCheckFrequencyMs: o['httpCheckFrequencyMs'] as number,
        clusterDNS: ((o['clusterDns'] as string | undefined) ?? '').split(',').filter((s) => s !== ''),
        clusterDomain: o['clusterDomain'] as string,
      });
    });
}
