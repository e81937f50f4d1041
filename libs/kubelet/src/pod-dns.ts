// The /etc/hosts and /etc/resolv.conf a pod's containers see (pkg/kubelet/network/dns and
// kubelet_pods.go managedHostsFileContent): cluster DNS first for dnsPolicy ClusterFirst (the
// default), the host's files for Default and host-network pods, dnsConfig alone for None. Pure:
// the kubelet writes them into the pod's folder and the runtime mounts them.
import type { Pod } from '@skiff/api';
import type { Mount } from './cri.js';
import type { VolumeFile, VolumeSetup } from './volumes.js';

export interface ClusterDnsConfig {
  /** --cluster-dns: nameserver IPs; empty means pods use the host's resolver. */
  readonly clusterDNS: readonly string[];
  /** --cluster-domain. */
  readonly clusterDomain: string;
}

/** glibc reads at most 3 nameservers (MAXNS) and Kubernetes caps search domains at 32. */
const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;
const CLUSTER_NDOTS = '5';

type DnsOption = { readonly name: string; readonly value?: string };

function dnsConfigOf(pod: Pod): { nameservers: string[]; searches: string[]; options: DnsOption[] } {
  const c = (pod.spec as { dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: DnsOption[] } } | undefined)?.dnsConfig;
  return { nameservers: c?.nameservers ?? [], searches: c?.searches ?? [], options: c?.options ?? [] };
}

/** The policy that applies: host-network pods use the host's resolver unless ClusterFirstWithHostNet. */
function effectivePolicy(pod: Pod, cfg: ClusterDnsConfig): 'cluster' | 'host' | 'none' {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'None') return 'none';
  if (policy === 'Default') return 'host';
  if (pod.spec?.hostNetwork === true && policy !== 'ClusterFirstWithHostNet') return 'host';
  return cfg.clusterDNS.length > 0 ? 'cluster' : 'host';
}

/** resolv.conf for the pod, or undefined when it keeps the host's. */
export function podResolvConf(pod: Pod, cfg: ClusterDnsConfig): string | undefined {
  const policy = effectivePolicy(pod, cfg);
  if (policy === 'host') return undefined;
  const extra = dnsConfigOf(pod);
  const ns = pod.metadata.namespace ?? 'default';
  const base = policy === 'cluster' ? { nameservers: [...cfg.clusterDNS], searches: [`${ns}.svc.${cfg.clusterDomain}`, `svc.${cfg.clusterDomain}`, cfg.clusterDomain], options: [{ name: 'ndots', value: CLUSTER_NDOTS }] } : { nameservers: [], searches: [], options: [] };
  const nameservers = [...new Set([...base.nameservers, ...extra.nameservers])].slice(0, MAX_NAMESERVERS);
  const searches = [...new Set([...base.searches, ...extra.searches])].slice(0, MAX_SEARCHES);
  // A pod's option replaces the cluster default of the same name (ndots).
  const options = new Map<string, DnsOption>();
  for (const o of [...base.options, ...extra.options]) options.set(o.name, o);
  const lines = [
    ...(searches.length > 0 ? [`search ${searches.join(' ')}`] : []),
    ...nameservers.map((n) => `nameserver ${n}`),
    ...(options.size > 0 ? [`options ${[...options.values()].map((o) => (o.value === undefined ? o.name : `${o.name}:${o.value}`)).join(' ')}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** The kubelet-managed /etc/hosts, or undefined for a host-network pod (it sees the host's). */
export function podHostsFile(pod: Pod, podIP: string, clusterDomain: string): string | undefined {
  if (pod.spec?.hostNetwork === true) return undefined;
  const hostname = (pod.spec?.hostname ?? pod.metadata.name ?? '').slice(0, 63);
  const subdomain = pod.spec?.subdomain;
  const self = subdomain === undefined || subdomain === '' ? `${podIP}\t${hostname}` : `${podIP}\t${hostname}.${subdomain}.${pod.metadata.namespace ?? 'default'}.svc.${clusterDomain}\t${hostname}`;
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    self,
  ];
  const aliases = (pod.spec as { hostAliases?: { ip?: string; hostnames?: string[] }[] } | undefined)?.hostAliases ?? [];
  if (aliases.length > 0) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of aliases) lines.push(`${a.ip ?? ''}\t${(a.hostnames ?? []).join('\t')}`);
  }
  return `${lines.join('\n')}\n`;
}

const HOSTS = 'hosts';
const RESOLV = 'resolv.conf';

/** The folder of the pod's DNS files, written once its IP is known. */
export function podDnsFiles(pod: Pod, podDir: string, podIP: string, cfg: ClusterDnsConfig): VolumeSetup | undefined {
  const files: VolumeFile[] = [];
  const hosts = podHostsFile(pod, podIP, cfg.clusterDomain);
  if (hosts !== undefined) files.push({ path: HOSTS, content: hosts, mode: 0o644 });
  const resolv = podResolvConf(pod, cfg);
  if (resolv !== undefined) files.push({ path: RESOLV, content: resolv, mode: 0o644 });
  return files.length === 0 ? undefined : { type: 'projected', name: 'kubelet-etc', hostPath: `${podDir}/etc`, files };
}

/** Mounts of those files over /etc/hosts and /etc/resolv.conf, as the kubelet adds to every container. */
export function podDnsMounts(setup: VolumeSetup | undefined): Mount[] {
  if (setup === undefined || !('files' in setup)) return [];
  return setup.files.map((f) => ({ containerPath: `/etc/${f.path}`, hostPath: `${setup.hostPath}/${f.path}`, readonly: false }));
}
