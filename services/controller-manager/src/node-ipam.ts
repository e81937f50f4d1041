// Node IPAM (pkg/controller/nodeipam, range allocator) as pure functions: each Node without
// spec.podCIDR gets the lowest free /<nodeMaskSize> of --cluster-cidr. The default cluster CIDR,
// 127.128.0.0/9, sits inside 127.0.0.0/8 and clear of the Service range (127.96.0.0/16), the node
// addresses (127.0.1.0/24) and the runtime's 127.42.0.0/16; /24 per node gives 32,768 nodes.

export const DEFAULT_CLUSTER_CIDR = '127.128.0.0/9';
export const DEFAULT_NODE_CIDR_MASK_SIZE = 24;

export class CidrError extends Error {
  override readonly name = 'CidrError';
}

export interface ClusterCidr {
  /** The network address as an unsigned 32-bit number. */
  readonly base: number;
  readonly prefix: number;
  readonly nodeMaskSize: number;
}

function parseIPv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) throw new CidrError(`invalid IPv4 address ${JSON.stringify(text)}`);
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export function parseClusterCidr(cidr: string, nodeMaskSize = DEFAULT_NODE_CIDR_MASK_SIZE): ClusterCidr {
  const [ip, bits, extra] = cidr.split('/');
  const prefix = Number(bits);
  if (ip === undefined || bits === undefined || extra !== undefined || !/^\d{1,2}$/.test(bits) || prefix > 32) throw new CidrError(`invalid CIDR ${JSON.stringify(cidr)}`);
  if (!(Number.isInteger(nodeMaskSize) && nodeMaskSize >= prefix && nodeMaskSize <= 32)) throw new CidrError(`node CIDR mask size ${nodeMaskSize} must be in [${prefix}, 32]`);
  const addr = parseIPv4(ip);
  const size = 2 ** (32 - prefix);
  return { base: addr - (addr % size), prefix, nodeMaskSize };
}

/** Number of node CIDRs in the cluster CIDR. */
export function nodeCidrCount(c: ClusterCidr): number {
  return 2 ** (c.nodeMaskSize - c.prefix);
}

export function nodeCidrAt(c: ClusterCidr, index: number): string {
  return `${formatIPv4(c.base + index * 2 ** (32 - c.nodeMaskSize))}/${c.nodeMaskSize}`;
}

/** The index of a node CIDR of this cluster CIDR, or undefined when it is not one. */
export function nodeCidrIndex(c: ClusterCidr, cidr: string): number | undefined {
  const [ip, bits] = cidr.split('/');
  if (ip === undefined || Number(bits) !== c.nodeMaskSize) return undefined;
  let addr: number;
  try {
    addr = parseIPv4(ip);
  } catch {
    return undefined;
  }
  const step = 2 ** (32 - c.nodeMaskSize);
  const offset = addr - c.base;
  if (offset < 0 || offset % step !== 0 || offset / step >= nodeCidrCount(c)) return undefined;
  return offset / step;
}

/** The lowest node CIDR not in `taken`, or undefined when the range is full. */
export function nextFreeNodeCidr(c: ClusterCidr, taken: ReadonlySet<string>): string | undefined {
  const used = new Set<number>();
  for (const cidr of taken) {
    const i = nodeCidrIndex(c, cidr);
    if (i !== undefined) used.add(i);
  }
  const count = nodeCidrCount(c);
  for (let i = 0; i < count; i++) if (!used.has(i)) return nodeCidrAt(c, i);
  return undefined;
}
