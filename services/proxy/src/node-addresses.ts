// Pure: the local node addresses of a one-machine cluster, from Node objects (status.addresses of
// type InternalIP), deduplicated and sorted so that a re-list gives the same rules.

import type { KubeObject } from '@skiff/client';

interface NodeAddress {
  readonly type?: string;
  readonly address?: string;
}

export function nodeInternalIps(nodes: readonly KubeObject[]): string[] {
  const ips = new Set<string>();
  for (const node of nodes) {
    const addresses = (node['status'] as { addresses?: readonly NodeAddress[] } | undefined)?.addresses ?? [];
    for (const a of addresses) if (a.type === 'InternalIP' && typeof a.address === 'string' && a.address !== '') ips.add(a.address);
  }
  return [...ips].sort();
}
