// Endpoints controller (pkg/controller/endpoint/endpoints_controller.go syncService): for a
// Service with a selector, the selected pods' IPs with the ports their service ports resolve to,
// ready ones in `addresses`, others in `notReadyAddresses` (all ready with
// publishNotReadyAddresses), grouped into subsets by identical port sets (RepackSubsets).
import type { Endpoints, Pod, Service } from '@skiff/api';
import { Resources, type Action, type SyncResult } from '../actions.js';
import { splitKey, type ListerView } from '../lister.js';
import { deepEqual } from '../util/equal.js';
import { isPodReady } from '../util/pod.js';
import { matchesSelector, selectorFromMap } from '../util/selector.js';
import { findPort, podIPv4, shouldPodBeInEndpoints, shouldSetHostname } from './pod-endpoints.js';

/** v1.IsHeadlessService. */
export const HEADLESS_SERVICE_LABEL = 'service.kubernetes.io/headless';

export interface EndpointsListers {
  readonly services: ListerView<Service>;
  readonly pods: ListerView<Pod>;
  readonly endpoints: ListerView<Endpoints>;
}

type EndpointSubset = NonNullable<Endpoints['subsets']>[number];
type EndpointAddress = NonNullable<EndpointSubset['addresses']>[number];
type EndpointPort = NonNullable<EndpointSubset['ports']>[number];

export function syncEndpoints(key: string, listers: EndpointsListers): SyncResult {
  const { namespace, name } = splitKey(key);
  const service = listers.services.get(name, namespace);
  const current = listers.endpoints.get(name, namespace);
  if (service === undefined) {
    return { actions: current === undefined ? [] : [{ type: 'delete', resource: Resources.endpoints, namespace, name }] };
  }
  if (service.spec?.type === 'ExternalName' || service.spec?.selector === undefined) return { actions: [] };
  const selector = selectorFromMap(service.spec.selector);
  const pods = listers.pods.namespace(namespace).list().filter((p) => matchesSelector(selector, p.metadata.labels));
  const subsets = repackSubsets(endpointSubsets(service, pods));
  const labels = endpointsLabels(service);
  if (current !== undefined && deepEqual(current.subsets ?? [], subsets) && deepEqual(current.metadata.labels ?? {}, labels)) return { actions: [] };
  const next: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    ...(current ?? {}),
    metadata: { ...(current?.metadata ?? { name, namespace }), labels },
    subsets,
  };
  const action: Action = current === undefined ? { type: 'create', resource: Resources.endpoints, namespace, object: next } : { type: 'update', resource: Resources.endpoints, object: next };
  return { actions: [action] };
}

/** The Service's labels, plus the headless marker when it has no cluster IP. */
function endpointsLabels(service: Service): Record<string, string> {
  const labels = { ...(service.metadata.labels ?? {}) };
  const ip = service.spec?.clusterIP ?? '';
  if (ip === '' || ip === 'None') labels[HEADLESS_SERVICE_LABEL] = '';
  else delete labels[HEADLESS_SERVICE_LABEL];
  return labels;
}

function endpointAddress(pod: Pod, ip: string, service: Service): EndpointAddress {
  const address: EndpointAddress = {
    ip,
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', ...(pod.metadata.uid === undefined ? {} : { uid: pod.metadata.uid }) },
  };
  if ((pod.spec?.nodeName ?? '') !== '') address.nodeName = pod.spec!.nodeName!;
  if (shouldSetHostname(pod, service)) address.hostname = pod.spec!.hostname!;
  return address;
}

/** One single-address subset per pod and port (addEndpointSubset), before repacking. */
export function endpointSubsets(service: Service, pods: readonly Pod[]): EndpointSubset[] {
  const tolerateUnready = service.spec?.publishNotReadyAddresses === true;
  const subsets: EndpointSubset[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const ip = podIPv4(pod);
    if (ip === undefined) continue;
    const address = endpointAddress(pod, ip, service);
    const ready = tolerateUnready || isPodReady(pod);
    const add = (ports: EndpointPort[]): void => {
      subsets.push(ready ? { addresses: [address], ports } : { notReadyAddresses: [address], ports });
    };
    const servicePorts = service.spec?.ports ?? [];
    if (servicePorts.length === 0) {
      if (service.spec?.clusterIP === 'None') add([]);
      continue;
    }
    for (const sp of servicePorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      add([{ ...(sp.name === undefined ? {} : { name: sp.name }), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol === undefined ? {} : { appProtocol: sp.appProtocol }) }]);
    }
  }
  return subsets;
}

const addressKey = (a: EndpointAddress): string => `${a.ip}/${a.targetRef?.uid ?? ''}`;
const portKey = (p: EndpointPort): string => `${p.name ?? ''}/${p.port}/${p.protocol ?? ''}/${p.appProtocol ?? ''}`;
const compareBy = <T>(key: (x: T) => string) => (a: T, b: T): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * RepackSubsets: map each port to the addresses offering it (ready wins over not ready), then
 * group ports by identical address sets; sorted for a stable result.
 */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const NO_PORT = '\u0000none';
  const byPort = new Map<string, { port: EndpointPort | undefined; addrs: Map<string, { addr: EndpointAddress; ready: boolean }> }>();
  for (const s of subsets) {
    const ports: (EndpointPort | undefined)[] = (s.ports ?? []).length === 0 ? [undefined] : s.ports!;
    for (const port of ports) {
      const k = port === undefined ? NO_PORT : portKey(port);
      const entry = byPort.get(k) ?? { port, addrs: new Map() };
      byPort.set(k, entry);
      for (const a of s.addresses ?? []) entry.addrs.set(addressKey(a), { addr: a, ready: true });
      for (const a of s.notReadyAddresses ?? []) if (!entry.addrs.has(addressKey(a))) entry.addrs.set(addressKey(a), { addr: a, ready: false });
    }
  }
  const groups = new Map<string, { addrs: { addr: EndpointAddress; ready: boolean }[]; ports: EndpointPort[] }>();
  for (const { port, addrs } of byPort.values()) {
    const list = [...addrs.values()].sort(compareBy((x) => addressKey(x.addr)));
    const k = list.map((x) => `${addressKey(x.addr)}/${x.ready}`).join(',');
    const g = groups.get(k) ?? { addrs: list, ports: [] };
    if (port !== undefined) g.ports.push(port);
    groups.set(k, g);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready = g.addrs.filter((x) => x.ready).map((x) => x.addr);
    const notReady = g.addrs.filter((x) => !x.ready).map((x) => x.addr);
    const subset: EndpointSubset = {};
    if (ready.length > 0) subset.addresses = ready;
    if (notReady.length > 0) subset.notReadyAddresses = notReady;
    if (g.ports.length > 0) subset.ports = g.ports.sort(compareBy(portKey));
    out.push(subset);
  }
  const first = (s: EndpointSubset): string => addressKey((s.addresses ?? s.notReadyAddresses ?? [])[0] ?? { ip: '' }) + '|' + (s.ports ?? []).map(portKey).join(',');
  return out.sort(compareBy(first));
}
