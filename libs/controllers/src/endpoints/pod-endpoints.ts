// What the Endpoints and EndpointSlice controllers read from a pod
// (pkg/controller/util/endpointslice, pkg/api/v1/pod FindPort).
import type { Pod, Service, ServicePort } from '@skiff/api';
import { isPodTerminal } from '../util/pod.js';

/** ShouldPodBeInEndpoints: has an IP, is not finished, and is not terminating unless those count. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if ((pod.status?.podIP ?? '') === '' && (pod.status?.podIPs ?? []).length === 0) return false;
  return includeTerminating || pod.metadata.deletionTimestamp === undefined;
}

/** The pod's IPv4 address (Skiff services are single-stack IPv4). */
export function podIPv4(pod: Pod): string | undefined {
  const ips = [pod.status?.podIP, ...(pod.status?.podIPs ?? []).map((p) => p.ip)].filter((ip): ip is string => ip !== undefined && ip !== '');
  return ips.find((ip) => !ip.includes(':'));
}

/** ShouldSetHostname: the pod names this service as its subdomain. */
export function shouldSetHostname(pod: Pod, service: Service): boolean {
  return (pod.spec?.hostname ?? '') !== '' && pod.spec?.subdomain === service.metadata.name && service.metadata.namespace === pod.metadata.namespace;
}

/** FindPort: a numeric targetPort as is; a named one from the containers' ports with the same protocol. */
export function findPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  const protocol = port.protocol ?? 'TCP';
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  for (const c of containers) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}
