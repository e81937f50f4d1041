// Pod IPs for the process runtime: each sandbox gets its own loopback address from a range inside
// 127.0.0.0/8 (Linux routes the whole block to `lo`, so any of them can be bound without setup).
// Several kubelets on one machine get disjoint ranges. Pure: the allocator is an in-memory set.

export class PodIPRangeError extends Error {
  override readonly name = 'PodIPRangeError';
}

function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export interface IPRange {
  readonly first: number;
  readonly last: number;
}

/** Host addresses of a CIDR inside 127.0.0.0/8 (network and broadcast addresses excluded). */
export function parseLoopbackCIDR(cidr: string): IPRange {
  const [ip = '', bitsText = ''] = cidr.split('/');
  const base = ipToInt(ip);
  const bits = Number(bitsText);
  if (base === undefined || !/^\d+$/.test(bitsText) || bits < 8 || bits > 30) {
    throw new PodIPRangeError(`invalid pod CIDR ${JSON.stringify(cidr)}: want a.b.c.d/n with 8 <= n <= 30`);
  }
  if (Math.floor(base / 2 ** 24) !== 127) throw new PodIPRangeError(`pod CIDR ${cidr} is outside 127.0.0.0/8`);
  const size = 2 ** (32 - bits);
  const network = base - (base % size);
  return { first: network + 1, last: network + size - 2 };
}

export class PodIPAllocator {
  private readonly range: IPRange;
  private readonly used = new Set<number>();
  private cursor: number;

  constructor(cidr: string) {
    this.range = parseLoopbackCIDR(cidr);
    this.cursor = this.range.first;
  }

  /** The next free address, searching round-robin so a released address is not reused at once. */
  allocate(): string {
    const size = this.range.last - this.range.first + 1;
    for (let i = 0; i < size; i++) {
      const candidate = this.range.first + ((this.cursor - this.range.first + i) % size);
      if (this.used.has(candidate)) continue;
      this.used.add(candidate);
      this.cursor = candidate + 1 > this.range.last ? this.range.first : candidate + 1;
      return intToIp(candidate);
    }
    throw new PodIPRangeError(`no free pod IP left in ${intToIp(this.range.first)}-${intToIp(this.range.last)}`);
  }

  release(ip: string): void {
    const n = ipToInt(ip);
    if (n !== undefined) this.used.delete(n);
  }

  get allocatedCount(): number {
    return this.used.size;
  }
}
