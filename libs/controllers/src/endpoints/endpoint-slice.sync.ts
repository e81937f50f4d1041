// EndpointSlice controller, simplified (pkg/controller/endpointslice): the same pods as the
// Endpoints controller, terminating ones included with their conditions (ready, serving,
// terminating), as IPv4 slices of at most 100 endpoints, one group of slices per distinct port
// set, owned by the Service. A Service selecting nothing keeps one empty placeholder slice.
// Differences from Kubernetes: slices are refilled in address order (no churn minimisation),
// no topology hints, no zone.
import type { EndpointSlice, Pod, Service } from '@skiff/api';
import type { Random } from '@skiff/core';
import { generateName } from '@skiff/apimachinery';
import { Resources, type Action, type SyncResult } from '../actions.js';
import { splitKey, type ListerView } from '../lister.js';
import { newControllerRef } from '../util/controller-ref.js';
import { deepEqual } from '../util/equal.js';
import { isPodReady } from '../util/pod.js';
import { matchesSelector, selectorFromMap } from '../util/selector.js';
import { findPort, podIPv4, shouldPodBeInEndpoints, shouldSetHostname } from './pod-endpoints.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const ENDPOINT_SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
/** --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

export interface EndpointSliceListers {
  readonly services: ListerView<Service>;
  readonly pods: ListerView<Pod>;
  readonly endpointSlices: ListerView<EndpointSlice>;
}

type SliceEndpoint = EndpointSlice['endpoints'][number];
type SlicePort = NonNullable<EndpointSlice['ports']>[number];

function desiredEndpoints(service: Service, pods: readonly Pod[]): Map<string, { ports: SlicePort[]; endpoints: SliceEndpoint[] }> {
  const groups = new Map<string, { ports: SlicePort[]; endpoints: SliceEndpoint[] }>();
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ip = podIPv4(pod);
    if (ip === undefined) continue;
    const ports: SlicePort[] = [];
    for (const sp of service.spec?.ports ?? []) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      ports.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol === undefined ? {} : { appProtocol: sp.appProtocol }) });
    }
    const terminating = pod.metadata.deletionTimestamp !== undefined;
    const serving = isPodReady(pod);
    const endpoint: SliceEndpoint = {
      addresses: [ip],
      conditions: { ready: publishNotReady || (serving && !terminating), serving, terminating },
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', ...(pod.metadata.uid === undefined ? {} : { uid: pod.metadata.uid }) },
    };
    if ((pod.spec?.nodeName ?? '') !== '') endpoint.nodeName = pod.spec!.nodeName!;
    if (shouldSetHostname(pod, service)) endpoint.hostname = pod.spec!.hostname!;
    const k = JSON.stringify(ports);
    const g = groups.get(k) ?? { ports, endpoints: [] };
    g.endpoints.push(endpoint);
    groups.set(k, g);
  }
  for (const g of groups.values()) g.endpoints.sort((a, b) => (a.addresses[0]! < b.addresses[0]! ? -1 : 1));
  return groups;
}

function sliceLabels(service: Service): Record<string, string> {
  return { ...(service.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: service.metadata.name ?? '', [MANAGED_BY_LABEL]: ENDPOINT_SLICE_CONTROLLER };
}

export function syncEndpointSlices(key: string, listers: EndpointSliceListers, ctx: { random: Pick<Random, 'int'> }): SyncResult {
  const { namespace, name } = splitKey(key);
  const service = listers.services.get(name, namespace);
  // Deleted Services lose their slices through the garbage collector (ownerReferences).
  if (service === undefined || service.spec?.type === 'ExternalName' || service.spec?.selector === undefined) return { actions: [] };
  const existing = listers.endpointSlices
    .namespace(namespace)
    .list()
    .filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === name && s.metadata.labels?.[MANAGED_BY_LABEL] === ENDPOINT_SLICE_CONTROLLER)
    .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const selector = selectorFromMap(service.spec.selector);
  const groups = desiredEndpoints(service, listers.pods.namespace(namespace).list().filter((p) => matchesSelector(selector, p.metadata.labels)));
  const desired: { ports: SlicePort[]; endpoints: SliceEndpoint[] }[] = [];
  for (const g of groups.values()) {
    for (let i = 0; i < g.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) desired.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
  }
  if (desired.length === 0) desired.push({ ports: [], endpoints: [] }); // the placeholder
  const labels = sliceLabels(service);
  const unused = [...existing];
  const actions: Action[] = [];
  for (const want of desired) {
    const i = unused.findIndex((s) => deepEqual(s.ports ?? [], want.ports));
    const slice = i >= 0 ? unused.splice(i, 1)[0]! : undefined;
    if (slice !== undefined) {
      if (deepEqual(slice.endpoints, want.endpoints) && deepEqual(slice.metadata.labels ?? {}, labels)) continue;
      actions.push({ type: 'update', resource: Resources.endpointSlices, object: { ...slice, metadata: { ...slice.metadata, labels }, endpoints: want.endpoints, ports: want.ports } });
      continue;
    }
    const object: EndpointSlice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: generateName(`${name}-`, ctx.random), generateName: `${name}-`, namespace, labels, ownerReferences: [newControllerRef(service, Resources.services)] },
      addressType: 'IPv4',
      endpoints: want.endpoints,
      ports: want.ports,
    };
    actions.push({ type: 'create', resource: Resources.endpointSlices, namespace, object });
  }
  for (const s of unused) actions.push({ type: 'delete', resource: Resources.endpointSlices, namespace, name: s.metadata.name ?? '', ...(s.metadata.uid === undefined ? {} : { preconditions: { uid: s.metadata.uid } }) });
  return { actions };
}
