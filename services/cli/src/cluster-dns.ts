// Cluster DNS of a local cluster: the proxy answers `<svc>.<ns>.svc.cluster.local` on port 53 of a
// loopback address of its own, and the kubelets write that address into ClusterFirst pods'
// resolv.conf. Port 53 needs root, as do the container roots that mount the pods' resolv.conf;
// without root pods keep the host's resolver. The address is derived from the cluster name, so
// two clusters on one machine do not answer for each other.

export const CLUSTER_DOMAIN = 'cluster.local';
export const DNS_PORT = 53;

/** FNV-1a of the cluster name, folded into 127.53.x.y (y never 0 or 255). */
export function clusterDnsIP(cluster: string): string {
  let h = 0x811c9dc5;
  for (const ch of cluster) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `127.53.${(h >>> 8) & 0xff}.${1 + ((h & 0xff) % 254)}`;
}

/** The nameserver pods get, or undefined when this process cannot serve port 53. */
export function clusterDnsAddress(cluster: string, uid: number | undefined = process.getuid?.()): string | undefined {
  return uid === 0 ? clusterDnsIP(cluster) : undefined;
}
