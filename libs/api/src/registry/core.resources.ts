// core/v1 resources.
import { defaultLimitRange, defaultNamespace, defaultNode, defaultSecret, defaultService } from '../defaults/kind.defaults.js';
import { defaultPodSpec } from '../defaults/pod.defaults.js';
import * as printers from '../printers/kinds.printer.js';
import { podColumns, podRow } from '../printers/pod.printer.js';
import type { ConfigMap, Endpoints, Event, LimitRange, Namespace, Node, ResourceQuota, Secret, Service, ServiceAccount } from '../schema/core.schema.js';
import * as core from '../schema/core.schema.js';
import { Binding, Pod } from '../schema/pod.schema.js';
import { podQOSClass } from '../strategy/qos.js';
import { makeStrategy } from '../strategy/strategy.js';
import type { KubeObject } from '../types.js';
import * as v from '../validation/core.validation.js';
import { validatePod, validatePodStatusUpdate, validatePodUpdate } from '../validation/pod.validation.js';
import { validateService } from '../validation/service.validation.js';
import { defineResource, statusSub } from './define-resource.js';
import * as fs from './field-selectors.js';
import { replicationControllerResource } from './replication-controller.resource.js';
import { persistentVolumeClaimResource, persistentVolumeResource } from './storage.resource.js';
import { normalizeClusterIPs, patchAllocatedServiceValues } from './service.strategy.js';

const core1 = { group: '', version: 'v1' } as const;
const connect = ['create', 'get'];

function podInitialStatus(obj: KubeObject): unknown {
  const pod = obj as unknown as Pod;
  const status: Record<string, unknown> = { phase: 'Pending', qosClass: podQOSClass(pod) };
  if ((pod.spec?.schedulingGates ?? []).length > 0) {
    status.conditions = [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' }];
  }
  return status;
}

/** v1 keeps podIP/podIPs and hostIP/hostIPs in step (the first of the list is the single field). */
function syncPodIPs(pod: Pod): void {
  defaultPodSpec(pod.spec);
  const st = pod.status;
  if (st === undefined) return;
  if (st.podIP && (st.podIPs ?? []).length === 0) st.podIPs = [{ ip: st.podIP }];
  if (!st.podIP && st.podIPs?.[0] !== undefined) st.podIP = st.podIPs[0].ip;
  if (st.hostIP && (st.hostIPs ?? []).length === 0) st.hostIPs = [{ ip: st.hostIP }];
  if (!st.hostIP && st.hostIPs?.[0] !== undefined) st.hostIP = st.hostIPs[0].ip;
}

export const coreResources = [
  defineResource<Namespace>({
    ...core1,
    kind: 'Namespace',
    resource: 'namespaces',
    namespaced: false,
    schema: core.Namespace,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [statusSub('Namespace')],
    defaults: defaultNamespace,
    validate: v.validateNamespace,
    strategy: makeStrategy({
      hasStatus: true,
      initialStatus: () => ({ phase: 'Active' }),
      create: (obj) => {
        // A new namespace always carries the "kubernetes" finalizer, which namespace deletion removes.
        const ns = obj as unknown as Namespace;
        const finalizers = ns.spec?.finalizers ?? [];
        ns.spec = { ...(ns.spec ?? {}), finalizers: finalizers.includes('kubernetes') ? finalizers : [...finalizers, 'kubernetes'] };
      },
      update: (obj, old) => {
        const spec = (obj.spec ?? {}) as Record<string, unknown>;
        const oldFinalizers = (old.spec as Namespace['spec'])?.finalizers;
        if (oldFinalizers === undefined) delete spec.finalizers;
        else spec.finalizers = oldFinalizers;
        obj.spec = spec;
      },
    }),
    fieldSelectors: fs.namespaceFieldSelectors,
    columns: printers.namespaceColumns,
    row: printers.namespaceRow,
  }),
  defineResource<Node>({
    ...core1,
    kind: 'Node',
    resource: 'nodes',
    namespaced: false,
    schema: core.Node,
    shortNames: ['no'],
    subresources: [statusSub('Node'), { name: 'proxy', kind: 'Node', verbs: ['get'] }],
    defaults: defaultNode,
    validate: v.validateNode,
    // Kubelets register nodes with their status: create keeps it.
    strategy: makeStrategy({ hasStatus: true }),
    fieldSelectors: fs.nodeFieldSelectors,
    columns: printers.nodeColumns,
    row: printers.nodeRow,
  }),
  defineResource<Pod>({
    ...core1,
    kind: 'Pod',
    resource: 'pods',
    namespaced: true,
    schema: Pod,
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      { name: 'attach', kind: 'PodAttachOptions', verbs: connect },
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      { name: 'exec', kind: 'PodExecOptions', verbs: connect },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: connect },
      statusSub('Pod'),
    ],
    defaults: syncPodIPs,
    validate: (pod, old) => (old === undefined ? validatePod(pod) : [...validatePodUpdate(pod, old), ...validatePodStatusUpdate(pod, old)]),
    strategy: makeStrategy({ hasStatus: true, initialStatus: podInitialStatus, statusKeepsMetadata: ['ownerReferences'] }),
    fieldSelectors: fs.podFieldSelectors,
    columns: podColumns,
    row: podRow,
  }),
  defineResource<KubeObject>({ ...core1, kind: 'Binding', resource: 'bindings', namespaced: true, schema: Binding, verbs: ['create'], validate: v.validateBinding }),
  defineResource<Service>({
    ...core1,
    kind: 'Service',
    resource: 'services',
    namespaced: true,
    schema: core.Service,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: [statusSub('Service')],
    defaults: defaultService,
    validate: validateService,
    strategy: makeStrategy({
      hasStatus: true,
      initialStatus: () => ({ loadBalancer: {} }),
      create: (obj) => normalizeClusterIPs(obj as unknown as Service, undefined),
      update: (obj, old) => {
        patchAllocatedServiceValues(obj as unknown as Service, old as unknown as Service);
        normalizeClusterIPs(obj as unknown as Service, old as unknown as Service);
      },
    }),
    columns: printers.serviceColumns,
    row: printers.serviceRow,
  }),
  defineResource<Endpoints>({ ...core1, kind: 'Endpoints', resource: 'endpoints', namespaced: true, schema: core.Endpoints, shortNames: ['ep'], validate: v.validateEndpoints, columns: printers.endpointsColumns, row: printers.endpointsRow }),
  defineResource<ConfigMap>({ ...core1, kind: 'ConfigMap', resource: 'configmaps', namespaced: true, schema: core.ConfigMap, shortNames: ['cm'], validate: v.validateConfigMap, columns: printers.configMapColumns, row: printers.configMapRow }),
  defineResource<Secret>({
    ...core1,
    kind: 'Secret',
    resource: 'secrets',
    namespaced: true,
    schema: core.Secret,
    defaults: defaultSecret,
    validate: v.validateSecret,
    fieldSelectors: fs.secretFieldSelectors,
    columns: printers.secretColumns,
    row: printers.secretRow,
  }),
  defineResource<ServiceAccount>({
    ...core1,
    kind: 'ServiceAccount',
    resource: 'serviceaccounts',
    namespaced: true,
    schema: core.ServiceAccount,
    shortNames: ['sa'],
    subresources: [{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }],
    validate: v.validateServiceAccount,
    columns: printers.serviceAccountColumns,
    row: printers.serviceAccountRow,
  }),
  defineResource<Event>({
    ...core1,
    kind: 'Event',
    resource: 'events',
    namespaced: true,
    schema: core.Event,
    shortNames: ['ev'],
    validate: v.validateEvent,
    fieldSelectors: fs.eventFieldSelectors,
    columns: printers.eventColumns,
    row: printers.eventRow,
  }),
  defineResource<LimitRange>({ ...core1, kind: 'LimitRange', resource: 'limitranges', namespaced: true, schema: core.LimitRange, shortNames: ['limits'], defaults: defaultLimitRange, validate: v.validateLimitRange }),
  defineResource<ResourceQuota>({
    ...core1,
    kind: 'ResourceQuota',
    resource: 'resourcequotas',
    namespaced: true,
    schema: core.ResourceQuota,
    shortNames: ['quota'],
    subresources: [statusSub('ResourceQuota')],
    validate: v.validateResourceQuota,
    strategy: makeStrategy({ hasStatus: true, initialStatus: () => ({}) }),
    columns: printers.resourceQuotaColumns,
    row: printers.resourceQuotaRow,
  }),
  replicationControllerResource,
  persistentVolumeResource,
  persistentVolumeClaimResource,
];
