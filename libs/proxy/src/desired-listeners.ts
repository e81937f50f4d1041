// The proxy's rules, computed from informer state: for each port of each Service, a listener on the
// ClusterIP (kube-proxy's "service port"), and for NodePort/LoadBalancer services one on every local
// node address at the NodePort, each with the endpoints of that port. Pure: the same caches give the
// same listeners, in the same order.
//
// Kubernetes rules followed (pkg/proxy/servicechangetracker.go, endpointschangetracker.go):
// - headless (clusterIP None), ExternalName and not-yet-allocated services get no listener;
// - a ServicePort is matched to endpoint ports by name and protocol (the Endpoints controller
//   already resolved named targetPorts to numbers);
// - EndpointSlices (label kubernetes.io/service-name) are the source when a service has any;
//   otherwise its Endpoints object is; an endpoint's nil `ready` condition means ready;
// - with no ready endpoint, serving-and-terminating ones take traffic (KEP-1669);
// - sessionAffinity ClientIP with timeoutSeconds defaulting to 10800 (core/v1 defaults);
// - externalTrafficPolicy Local (NodePort) and internalTrafficPolicy Local (ClusterIP) keep only
//   this node's endpoints, when the caller names the node.
// Two services claiming one ip:port/protocol (the allocators prevent it): the first by
// namespace/name keeps it.

import type { EndpointSlice, Endpoints, Service, ServicePort } from '@skiff/api';
import {
  ListenerKind,
  Protocol,
  endpointKey,
  listenerKey,
  type Listener,
  type ProxyEndpoint,
  type ServicePortRef,
  type SessionAffinity,
} from './listener.js';

/** core/v1 SessionAffinityConfig: ClientIPConfig.timeoutSeconds default (3 hours). */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10_800;
/** discovery/v1 well-known label naming a slice's service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export type EndpointsSource = Endpoints | EndpointSlice;

export interface DesiredListenersOptions {
  /** This node's name; enables the `Local` traffic policies. */
  readonly nodeName?: string;
}

interface Candidate extends ProxyEndpoint {
  /** Slice condition `serving` (defaults to `ready`). */
  readonly serving: boolean;
  readonly terminating: boolean;
}

export function desiredListeners(
  services: readonly Service[],
  endpoints: readonly EndpointsSource[],
  nodeAddresses: readonly string[],
  options: DesiredListenersOptions = {},
): Listener[] {
  const index = indexEndpoints(endpoints);
  const byKey = new Map<string, Listener>();
  for (const service of [...services].sort(compareServices)) {
    for (const listener of serviceListeners(service, index, nodeAddresses, options)) {
      if (!byKey.has(listener.key)) byKey.set(listener.key, listener);
    }
  }
  return [...byKey.values()].sort((a, b) => compareStrings(a.key, b.key));
}

/** Ready endpoint addresses of each headless service (`ns/name` -> IPs), for DNS: any port counts. */
export function desiredHeadlessAddresses(services: readonly Service[], endpoints: readonly EndpointsSource[]): Map<string, string[]> {
  const index = indexEndpoints(endpoints);
  const out = new Map<string, string[]>();
  for (const service of services) {
    if (service.spec?.clusterIP !== 'None' || service.metadata.name === undefined) continue;
    const key = `${service.metadata.namespace ?? 'default'}/${service.metadata.name}`;
    const slices = index.slices.get(key);
    const ips =
      slices !== undefined
        ? slices.flatMap((s) => s.endpoints.filter((e) => e.conditions?.ready ?? true).flatMap((e) => e.addresses.slice(0, 1)))
        : (index.endpoints.get(key)?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip));
    out.set(key, [...new Set(ips)].sort(compareStrings));
  }
  return out;
}

function serviceListeners(service: Service, index: EndpointsIndex, nodeAddresses: readonly string[], options: DesiredListenersOptions): Listener[] {
  const spec = service.spec;
  const namespace = service.metadata.namespace ?? 'default';
  const name = service.metadata.name;
  if (spec === undefined || name === undefined) return [];
  const type = spec.type ?? 'ClusterIP';
  const clusterIPs = clusterIPsOf(spec.clusterIP, spec.clusterIPs);
  if (type === 'ExternalName' || clusterIPs.length === 0) return [];
  const affinity = affinityOf(spec);
  const out: Listener[] = [];
  for (const port of spec.ports ?? []) {
    const protocol = port.protocol ?? Protocol.TCP;
    const ref: ServicePortRef = { namespace, name, portName: port.name ?? '' };
    const all = endpointsFor(index, namespace, name, port);
    const local = (policy: string | undefined) => (policy === 'Local' && options.nodeName !== undefined ? all.filter((e) => e.nodeName === options.nodeName) : all);
    const base = { protocol, service: ref, affinity };
    const clusterEndpoints = usable(local(spec.internalTrafficPolicy));
    for (const ip of clusterIPs) {
      out.push({ ...base, key: listenerKey(ip, port.port, protocol), ip, port: port.port, kind: ListenerKind.ClusterIP, endpoints: clusterEndpoints });
    }
    if ((type === 'NodePort' || type === 'LoadBalancer') && port.nodePort !== undefined && port.nodePort > 0) {
      const nodeEndpoints = usable(local(spec.externalTrafficPolicy));
      for (const ip of nodeAddresses) {
        out.push({ ...base, key: listenerKey(ip, port.nodePort, protocol), ip, port: port.nodePort, kind: ListenerKind.NodePort, endpoints: nodeEndpoints });
      }
    }
  }
  return out;
}

function clusterIPsOf(clusterIP: string | undefined, clusterIPs: readonly string[] | undefined): string[] {
  const ips = clusterIPs !== undefined && clusterIPs.length > 0 ? clusterIPs : clusterIP === undefined ? [] : [clusterIP];
  return ips.filter((ip) => ip !== '' && ip !== 'None');
}

function affinityOf(spec: NonNullable<Service['spec']>): SessionAffinity {
  if (spec.sessionAffinity !== 'ClientIP') return { type: 'None' };
  const timeoutSeconds = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS;
  return { type: 'ClientIP', timeoutSeconds };
}

/** Ready endpoints; with none, the serving-and-terminating ones count as ready (KEP-1669). */
function usable(candidates: readonly Candidate[]): ProxyEndpoint[] {
  const fallback = !candidates.some((c) => c.ready);
  return candidates.map((c) => {
    const ready = c.ready || (fallback && c.serving && c.terminating);
    return { ip: c.ip, port: c.port, ready, ...(c.nodeName === undefined ? {} : { nodeName: c.nodeName }) };
  });
}

// --- endpoints, indexed by service -------------------------------------------------------------

interface EndpointsIndex {
  readonly endpoints: ReadonlyMap<string, Endpoints>;
  readonly slices: ReadonlyMap<string, EndpointSlice[]>;
}

function indexEndpoints(sources: readonly EndpointsSource[]): EndpointsIndex {
  const endpoints = new Map<string, Endpoints>();
  const slices = new Map<string, EndpointSlice[]>();
  for (const source of sources) {
    const namespace = source.metadata.namespace ?? 'default';
    if (isSlice(source)) {
      const service = source.metadata.labels?.[SERVICE_NAME_LABEL];
      if (service === undefined || source.addressType === 'FQDN') continue;
      const key = `${namespace}/${service}`;
      slices.set(key, [...(slices.get(key) ?? []), source]);
    } else if (source.metadata.name !== undefined) {
      endpoints.set(`${namespace}/${source.metadata.name}`, source);
    }
  }
  return { endpoints, slices };
}

function isSlice(source: EndpointsSource): source is EndpointSlice {
  return 'addressType' in source && typeof source.addressType === 'string';
}

function endpointsFor(index: EndpointsIndex, namespace: string, name: string, port: ServicePort): Candidate[] {
  const key = `${namespace}/${name}`;
  const slices = index.slices.get(key);
  const found = slices !== undefined ? slices.flatMap((s) => fromSlice(s, port)) : fromEndpoints(index.endpoints.get(key), port);
  return dedupe(found);
}

const samePort = (servicePort: ServicePort, name: string | undefined, protocol: string | undefined): boolean =>
  (name ?? '') === (servicePort.name ?? '') && (protocol ?? Protocol.TCP) === (servicePort.protocol ?? Protocol.TCP);

function fromEndpoints(endpoints: Endpoints | undefined, servicePort: ServicePort): Candidate[] {
  const out: Candidate[] = [];
  for (const subset of endpoints?.subsets ?? []) {
    const port = subset.ports?.find((p) => samePort(servicePort, p.name, p.protocol));
    if (port === undefined) continue;
    for (const a of subset.addresses ?? []) out.push(candidate(a.ip, port.port, true, true, false, a.nodeName));
    for (const a of subset.notReadyAddresses ?? []) out.push(candidate(a.ip, port.port, false, false, false, a.nodeName));
  }
  return out;
}

function fromSlice(slice: EndpointSlice, servicePort: ServicePort): Candidate[] {
  const port = slice.ports?.find((p) => samePort(servicePort, p.name, p.protocol));
  if (port?.port === undefined) return [];
  const out: Candidate[] = [];
  for (const endpoint of slice.endpoints) {
    // discovery/v1: addresses are fungible; kube-proxy uses the first.
    const ip = endpoint.addresses[0];
    if (ip === undefined) continue;
    const ready = endpoint.conditions?.ready ?? true;
    const serving = endpoint.conditions?.serving ?? ready;
    const terminating = endpoint.conditions?.terminating ?? false;
    out.push(candidate(ip, port.port, ready, serving, terminating, endpoint.nodeName));
  }
  return out;
}

function candidate(ip: string, port: number, ready: boolean, serving: boolean, terminating: boolean, nodeName: string | undefined): Candidate {
  return { ip, port, ready, serving, terminating, ...(nodeName === undefined ? {} : { nodeName }) };
}

/** One entry per ip:port (subsets and slices may repeat one); a ready copy wins. Sorted. */
function dedupe(candidates: readonly Candidate[]): Candidate[] {
  const byKey = new Map<string, Candidate>();
  for (const c of candidates) {
    const key = endpointKey(c);
    const seen = byKey.get(key);
    if (seen === undefined || (!seen.ready && c.ready)) byKey.set(key, c);
  }
  return [...byKey.values()].sort((a, b) => compareStrings(a.ip, b.ip) || a.port - b.port);
}

function compareServices(a: Service, b: Service): number {
  return compareStrings(a.metadata.namespace ?? 'default', b.metadata.namespace ?? 'default') || compareStrings(a.metadata.name ?? '', b.metadata.name ?? '');
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
