// ClusterIP and NodePort allocation for Services (Kubernetes' service REST allocators). Each
// address or port in use is a key outside /registry/ (so the watch caches never see them):
//   /skiff/ranges/serviceips/<ip>      /skiff/ranges/nodeports/<port>
// created with create-if-absent, which makes an allocation atomic across apiserver replicas
// (Kubernetes 1.33 does the same with IPAddress objects). A Service being created gets a free
// address at random (injected Random) unless it asks for one, which must be free (422 otherwise);
// headless (clusterIP None) and ExternalName Services get none. Deleting the Service releases them.
// A crash between the two writes leaks an address; Kubernetes runs a repair loop for that, we do
// not yet.

import type { KubeObject } from '@skiff/api';
import type { CoreContext } from './context.js';
import { fail } from './errors.js';
import { recordAt } from './meta.js';
import { guard } from './object-store.js';
import { invalid } from './status.js';

export const SERVICE_IP_PREFIX = '/skiff/ranges/serviceips/';
export const NODE_PORT_PREFIX = '/skiff/ranges/nodeports/';
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

export interface Cidr {
  readonly base: number;
  readonly size: number;
}

export function parseCidr(cidr: string): Cidr {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (m === null) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits < 1 || bits > 30) throw new Error(`not a usable IPv4 CIDR: ${cidr}`);
  const size = 2 ** (32 - bits);
  const addr = (((octets[0] as number) << 24) | ((octets[1] as number) << 16) | ((octets[2] as number) << 8) | (octets[3] as number)) >>> 0;
  return { base: addr - (addr % size), size };
}

export function ipString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The first usable address (network + 1): the `kubernetes` Service's ClusterIP. */
export function firstServiceIp(cidr: string): string {
  return ipString(parseCidr(cidr).base + 1);
}

export function ipInRange(cidr: Cidr, ip: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (m === null) return false;
  const n = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  return n > cidr.base && n < cidr.base + cidr.size - 1;
}

const encoder = new TextEncoder();

function isServiceWithAddress(spec: Record<string, unknown>): boolean {
  return spec['type'] !== 'ExternalName' && spec['clusterIP'] !== 'None';
}

function needsNodePorts(spec: Record<string, unknown>): boolean {
  return spec['type'] === 'NodePort' || spec['type'] === 'LoadBalancer';
}

/** Allocates spec.clusterIP(s) and node ports of a Service about to be stored; returns a release for a failed create. */
export async function allocateServiceAddresses(ctx: CoreContext, svc: KubeObject): Promise<() => Promise<void>> {
  const spec = recordAt(svc, 'spec');
  const owner = `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
  const taken: string[] = [];
  try {
    if (isServiceWithAddress(spec)) {
      const ip = await allocateIp(ctx, spec, owner, svc.metadata.name ?? '');
      taken.push(SERVICE_IP_PREFIX + ip);
      svc['spec'] = { ...recordAt(svc, 'spec'), clusterIP: ip, clusterIPs: [ip], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' };
    } else if (spec['clusterIP'] === 'None') {
      svc['spec'] = { ...recordAt(svc, 'spec'), clusterIPs: ['None'] };
    }
    if (needsNodePorts(spec)) {
      const ports = Array.isArray(spec['ports']) ? (spec['ports'] as Record<string, unknown>[]) : [];
      const out: Record<string, unknown>[] = [];
      for (const [i, p] of ports.entries()) {
        const port = await allocateNodePort(ctx, p['nodePort'], owner, svc.metadata.name ?? '', i);
        taken.push(NODE_PORT_PREFIX + port);
        out.push({ ...p, nodePort: port });
      }
      svc['spec'] = { ...recordAt(svc, 'spec'), ports: out };
    }
  } catch (err) {
    await releaseKeys(ctx, taken);
    throw err;
  }
  return () => releaseKeys(ctx, taken);
}

/**
 * Kubernetes' dropTypeDependentFields: a Service leaving NodePort/LoadBalancer loses the node
 * ports and externalTrafficPolicy it had (unless the update itself set them), before validation.
 */
export function dropTypeDependentFields(svc: KubeObject, old: KubeObject): void {
  const spec = recordAt(svc, 'spec');
  const oldSpec = recordAt(old, 'spec');
  if (needsNodePorts(spec) || !needsNodePorts(oldSpec)) return;
  const oldPorts = new Set((Array.isArray(oldSpec['ports']) ? (oldSpec['ports'] as Record<string, unknown>[]) : []).map((p) => p['nodePort']));
  const ports = Array.isArray(spec['ports']) ? (spec['ports'] as Record<string, unknown>[]) : [];
  const next: Record<string, unknown> = {
    ...spec,
    ports: ports.map((p) => {
      if (!oldPorts.has(p['nodePort'])) return p;
      const { nodePort: _dropped, ...rest } = p;
      return rest;
    }),
  };
  if (next['externalTrafficPolicy'] === oldSpec['externalTrafficPolicy']) delete next['externalTrafficPolicy'];
  svc['spec'] = next;
}

/**
 * Node ports for an updated Service (a type change to NodePort, ports added or removed): ports the
 * old object held are kept (matched by port and protocol when the update leaves nodePort out, as
 * kubectl's patches do), new ones are reserved, and a type without node ports drops them. Returns
 * the node ports to release once the update is stored. `reservedHere` carries what earlier attempts
 * of the same optimistic update reserved, so a retry neither refuses nor leaks them.
 */
export async function updateServiceNodePorts(ctx: CoreContext, svc: KubeObject, old: KubeObject, reservedHere: Set<number>): Promise<() => Promise<void>> {
  const spec = recordAt(svc, 'spec');
  const owner = `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
  const ports = Array.isArray(spec['ports']) ? (spec['ports'] as Record<string, unknown>[]) : [];
  const oldPorts = Array.isArray(recordAt(old, 'spec')['ports']) ? (recordAt(old, 'spec')['ports'] as Record<string, unknown>[]) : [];
  const held = new Set(oldPorts.map((p) => p['nodePort']).filter((n): n is number => typeof n === 'number'));
  const out: Record<string, unknown>[] = [];
  for (const [i, p] of ports.entries()) {
    if (!needsNodePorts(spec)) {
      const { nodePort: _dropped, ...rest } = p;
      out.push(rest);
      continue;
    }
    const previous = oldPorts.find((o) => o['port'] === p['port'] && (o['protocol'] ?? 'TCP') === (p['protocol'] ?? 'TCP'))?.['nodePort'];
    const asked = typeof p['nodePort'] === 'number' && p['nodePort'] !== 0 ? p['nodePort'] : previous;
    const mine = typeof asked === 'number' && (held.has(asked) || reservedHere.has(asked));
    const port = mine ? (asked as number) : await allocateNodePort(ctx, asked, owner, svc.metadata.name ?? '', i);
    if (!held.has(port)) reservedHere.add(port);
    out.push({ ...p, nodePort: port });
  }
  svc['spec'] = { ...spec, ports: out };
  const kept = new Set(out.map((p) => p['nodePort']));
  const dropped = [...held].filter((n) => !kept.has(n)).map((n) => NODE_PORT_PREFIX + String(n));
  return () => releaseKeys(ctx, dropped);
}

/** Frees what a deleted Service held. */
export async function releaseServiceAddresses(ctx: CoreContext, svc: KubeObject): Promise<void> {
  const spec = recordAt(svc, 'spec');
  const keys: string[] = [];
  const ips = Array.isArray(spec['clusterIPs']) ? spec['clusterIPs'] : [spec['clusterIP']];
  for (const ip of ips) if (typeof ip === 'string' && ip !== '' && ip !== 'None') keys.push(SERVICE_IP_PREFIX + ip);
  for (const p of Array.isArray(spec['ports']) ? (spec['ports'] as Record<string, unknown>[]) : []) {
    if (typeof p['nodePort'] === 'number') keys.push(NODE_PORT_PREFIX + String(p['nodePort']));
  }
  await releaseKeys(ctx, keys);
}

async function releaseKeys(ctx: CoreContext, keys: readonly string[]): Promise<void> {
  for (const k of keys) await guard(ctx.storage.delete(k));
}

async function allocateIp(ctx: CoreContext, spec: Record<string, unknown>, owner: string, name: string): Promise<string> {
  const cidr = parseCidr(ctx.tunables.serviceClusterIpRange);
  const asked = spec['clusterIP'];
  if (typeof asked === 'string' && asked !== '') {
    if (!ipInRange(cidr, asked)) refuseIp(name, asked, `provided IP is not in the valid range. The range of valid IPs is ${ctx.tunables.serviceClusterIpRange}`);
    if (!(await reserve(ctx, SERVICE_IP_PREFIX + asked, owner))) refuseIp(name, asked, 'provided IP is already allocated');
    return asked;
  }
  const usable = cidr.size - 2;
  const start = ctx.random.int(0, usable - 1);
  // Linear probing from a random start; bounded by the range size.
  for (let i = 0; i < usable; i++) {
    const ip = ipString(cidr.base + 1 + ((start + i) % usable));
    // Reserve the first address for the `kubernetes` Service.
    if (ip === firstServiceIp(ctx.tunables.serviceClusterIpRange) && name !== 'kubernetes') continue;
    if (await reserve(ctx, SERVICE_IP_PREFIX + ip, owner)) return ip;
  }
  return refuseIp(name, '', 'range is full');
}

async function allocateNodePort(ctx: CoreContext, asked: unknown, owner: string, name: string, index: number): Promise<number> {
  const { min, max } = NODE_PORT_RANGE;
  if (typeof asked === 'number' && asked !== 0) {
    const field = `spec.ports[${index}].nodePort`;
    if (asked < min || asked > max) fail(invalid('Service', '', name, [{ type: 'Invalid', field, value: asked, message: `Invalid value: ${asked}: provided port is not in the valid range. The range of valid ports is ${min}-${max}` }]));
    if (!(await reserve(ctx, NODE_PORT_PREFIX + String(asked), owner))) fail(invalid('Service', '', name, [{ type: 'Invalid', field, value: asked, message: `Invalid value: ${asked}: provided port is already allocated` }]));
    return asked;
  }
  const size = max - min + 1;
  const start = ctx.random.int(0, size - 1);
  for (let i = 0; i < size; i++) {
    const port = min + ((start + i) % size);
    if (await reserve(ctx, NODE_PORT_PREFIX + String(port), owner)) return port;
  }
  return fail(invalid('Service', '', name, [{ type: 'Invalid', field: `spec.ports[${index}].nodePort`, value: 0, message: 'Invalid value: 0: range is full' }]));
}

async function reserve(ctx: CoreContext, key: string, owner: string): Promise<boolean> {
  return (await guard(ctx.storage.create(key, encoder.encode(owner)))).ok;
}

function refuseIp(name: string, ip: string, why: string): never {
  return fail(invalid('Service', '', name, [{ type: 'Invalid', field: 'spec.clusterIPs', value: [ip], message: `Invalid value: ["${ip}"]: failed to allocate IP ${ip}: ${why}` }]));
}
