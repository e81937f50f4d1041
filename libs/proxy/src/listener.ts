// What the proxy listens on: one Listener per (address, port, protocol), the unit the proxier opens,
// reconfigures and drains. Pure data and pure helpers only (no I/O).

/** Protocols a ServicePort may carry (core/v1 ServicePort.protocol). */
export const Protocol = { TCP: 'TCP', UDP: 'UDP', SCTP: 'SCTP' } as const;
export type Protocol = (typeof Protocol)[keyof typeof Protocol];

/** Where a listener comes from: the ClusterIP of a Service, or a node address at the NodePort. */
export const ListenerKind = { ClusterIP: 'ClusterIP', NodePort: 'NodePort' } as const;
export type ListenerKind = (typeof ListenerKind)[keyof typeof ListenerKind];

/** kube-proxy's ServicePortName: the service and the name of one of its ports. */
export interface ServicePortRef {
  readonly namespace: string;
  readonly name: string;
  /** ServicePort.name; '' for the single unnamed port. */
  readonly portName: string;
}

/** One backend of a service port. Named targetPorts are resolved by the Endpoints controller: numbers only. */
export interface ProxyEndpoint {
  readonly ip: string;
  readonly port: number;
  readonly ready: boolean;
  readonly nodeName?: string;
}

export type SessionAffinity =
  | { readonly type: 'None' }
  | { readonly type: 'ClientIP'; readonly timeoutSeconds: number };

export interface Listener {
  /** `ip:port/protocol` (the IP in brackets when it is IPv6). */
  readonly key: string;
  readonly ip: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly kind: ListenerKind;
  readonly service: ServicePortRef;
  /** Ready and not-ready endpoints, sorted by ip then port; only ready ones get new connections. */
  readonly endpoints: readonly ProxyEndpoint[];
  readonly affinity: SessionAffinity;
}

export function listenerKey(ip: string, port: number, protocol: Protocol): string {
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return `${host}:${port}/${protocol}`;
}

export function endpointKey(endpoint: Pick<ProxyEndpoint, 'ip' | 'port'>): string {
  const host = endpoint.ip.includes(':') ? `[${endpoint.ip}]` : endpoint.ip;
  return `${host}:${endpoint.port}`;
}

export function servicePortString(ref: ServicePortRef): string {
  return ref.portName === '' ? `${ref.namespace}/${ref.name}` : `${ref.namespace}/${ref.name}:${ref.portName}`;
}

/** Everything but the key is configuration; two listeners with equal configuration need no update. */
export function sameListenerConfig(a: Listener, b: Listener): boolean {
  return (
    a.ip === b.ip &&
    a.port === b.port &&
    a.protocol === b.protocol &&
    a.kind === b.kind &&
    sameServicePort(a.service, b.service) &&
    sameAffinity(a.affinity, b.affinity) &&
    sameEndpoints(a.endpoints, b.endpoints)
  );
}

function sameServicePort(a: ServicePortRef, b: ServicePortRef): boolean {
  return a.namespace === b.namespace && a.name === b.name && a.portName === b.portName;
}

function sameAffinity(a: SessionAffinity, b: SessionAffinity): boolean {
  if (a.type === 'None' || b.type === 'None') return a.type === b.type;
  return a.timeoutSeconds === b.timeoutSeconds;
}

function sameEndpoints(a: readonly ProxyEndpoint[], b: readonly ProxyEndpoint[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((e, i) => {
    const o = b[i]!;
    return e.ip === o.ip && e.port === o.port && e.ready === o.ready && e.nodeName === o.nodeName;
  });
}
