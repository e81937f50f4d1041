// Small builders for Services, Endpoints and EndpointSlices as the informers hand them over.
import type { EndpointSlice, Endpoints, Service, ServiceSpec } from '@skiff/api';
import type { Listener, ProxyEndpoint, SessionAffinity } from '../src/index.js';
import { listenerKey } from '../src/index.js';

export function service(name: string, spec: ServiceSpec, namespace = 'default'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec };
}

export interface Addr {
  readonly ip: string;
  readonly nodeName?: string;
}

export function endpoints(
  name: string,
  subsets: { ready?: Addr[]; notReady?: Addr[]; ports: { name?: string; port: number; protocol?: string }[] }[],
  namespace = 'default',
): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace },
    subsets: subsets.map((s) => ({
      ...(s.ready === undefined ? {} : { addresses: s.ready.map((a) => ({ ...a })) }),
      ...(s.notReady === undefined ? {} : { notReadyAddresses: s.notReady.map((a) => ({ ...a })) }),
      ports: s.ports.map((p) => ({ ...p })),
    })),
  };
}

export function slice(
  name: string,
  serviceName: string,
  eps: { ip: string; ready?: boolean; serving?: boolean; terminating?: boolean; nodeName?: string }[],
  ports: { name?: string; port: number; protocol?: string }[],
  namespace = 'default',
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace, labels: { 'kubernetes.io/service-name': serviceName } },
    addressType: 'IPv4',
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      conditions: {
        ...(e.ready === undefined ? {} : { ready: e.ready }),
        ...(e.serving === undefined ? {} : { serving: e.serving }),
        ...(e.terminating === undefined ? {} : { terminating: e.terminating }),
      },
      ...(e.nodeName === undefined ? {} : { nodeName: e.nodeName }),
    })),
    ports: ports.map((p) => ({ ...p })),
  };
}

/** A ClusterIP TCP listener with the given endpoints (all ready unless said). */
export function tcpListener(ip: string, port: number, eps: (Pick<ProxyEndpoint, 'ip' | 'port'> & { ready?: boolean })[], affinity: SessionAffinity = { type: 'None' }, name = 'web'): Listener {
  return {
    key: listenerKey(ip, port, 'TCP'),
    ip,
    port,
    protocol: 'TCP',
    kind: 'ClusterIP',
    service: { namespace: 'default', name, portName: '' },
    endpoints: eps.map((e) => ({ ip: e.ip, port: e.port, ready: e.ready ?? true })),
    affinity,
  };
}
