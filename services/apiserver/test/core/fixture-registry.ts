// A small registry of the kinds the core tests use, with just enough defaulting, validation and
// strategy to exercise the core's pipeline. The real one is @skiff/api's; tests of behaviour that
// depends on its exact rules run against it (registry.test.ts).

import type { FieldError, KubeObject, ResourceInfo, SubresourceInfo } from '@skiff/api';

type Partialish = Partial<ResourceInfo> & Pick<ResourceInfo, 'group' | 'version' | 'kind' | 'resource' | 'namespaced'>;

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function rec(obj: unknown, key: string): Record<string, unknown> {
  const v = (obj as Record<string, unknown>)[key];
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

function info(p: Partialish): ResourceInfo {
  return {
    listKind: `${p.kind}List`,
    singular: p.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    subresources: [],
    schema: {} as ResourceInfo['schema'],
    defaults: () => undefined,
    validate: () => [],
    prepareForCreate: (obj) => {
      if ('status' in obj) obj['status'] = {};
    },
    prepareForUpdate: (obj, old, sub) => {
      if (sub === 'status') obj['spec'] = old['spec'];
      else obj['status'] = old['status'];
    },
    fieldSelectors: {},
    tableColumns: [],
    tableRow: () => [],
    ...p,
  };
}

const status: SubresourceInfo = { name: 'status', kind: '', verbs: ['get', 'patch', 'update'] };
const scale: SubresourceInfo = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };

function required(field: string): FieldError {
  return { type: 'Required', field, message: 'Required value' };
}

export const pods = info({
  group: '',
  version: 'v1',
  kind: 'Pod',
  resource: 'pods',
  namespaced: true,
  subresources: [
    status,
    { name: 'binding', kind: 'Binding', verbs: ['create'] },
    { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
    { name: 'log', kind: 'Pod', verbs: ['get'] },
  ],
  defaults: (obj) => {
    const spec = rec(obj, 'spec');
    spec['restartPolicy'] ??= 'Always';
    spec['terminationGracePeriodSeconds'] ??= 30;
    obj['spec'] = spec;
  },
  validate: (obj) => {
    const containers = rec(obj, 'spec')['containers'];
    if (!Array.isArray(containers) || containers.length === 0) return [required('spec.containers')];
    return containers.flatMap((c: Record<string, unknown>, i) => (typeof c['image'] === 'string' && c['image'] !== '' ? [] : [required(`spec.containers[${i}].image`)]));
  },
  prepareForCreate: (obj) => {
    obj['status'] = { phase: 'Pending' };
  },
  fieldSelectors: {
    'spec.nodeName': (o) => (rec(o, 'spec')['nodeName'] as string | undefined) ?? '',
    'status.phase': (o) => (rec(o, 'status')['phase'] as string | undefined) ?? '',
  },
});

export const services = info({ group: '', version: 'v1', kind: 'Service', resource: 'services', namespaced: true, subresources: [status] });
export const configmaps = info({ group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespaced: true, prepareForCreate: () => undefined, prepareForUpdate: () => undefined });
export const serviceaccounts = info({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  resource: 'serviceaccounts',
  namespaced: true,
  subresources: [{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }],
  prepareForCreate: () => undefined,
  prepareForUpdate: () => undefined,
});
export const namespaces = info({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  resource: 'namespaces',
  namespaced: false,
  subresources: [status],
  prepareForCreate: (obj) => {
    obj['spec'] = { finalizers: ['kubernetes'] };
    obj['status'] = { phase: 'Active' };
  },
});
export const deployments = info({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  resource: 'deployments',
  namespaced: true,
  subresources: [status, scale],
  defaults: (obj) => {
    const spec = rec(obj, 'spec');
    spec['replicas'] ??= 1;
    obj['spec'] = spec;
  },
  validate: (obj) => (rec(obj, 'spec')['selector'] === undefined ? [required('spec.selector')] : []),
});
export const replicasets = info({ group: 'apps', version: 'v1', kind: 'ReplicaSet', resource: 'replicasets', namespaced: true, subresources: [status, scale] });
export const priorityclasses = info({
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  resource: 'priorityclasses',
  namespaced: false,
  prepareForCreate: () => undefined,
  prepareForUpdate: () => undefined,
});
export const pdbs = info({ group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', resource: 'poddisruptionbudgets', namespaced: true, subresources: [status] });
export const ssar = info({ group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', resource: 'selfsubjectaccessreviews', namespaced: false, verbs: ['create'] });
export const tokenreviews = info({ group: 'authentication.k8s.io', version: 'v1', kind: 'TokenReview', resource: 'tokenreviews', namespaced: false, verbs: ['create'] });
export const selfsubjectreviews = info({ group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', resource: 'selfsubjectreviews', namespaced: false, verbs: ['create'] });

export const fixtureResources: readonly ResourceInfo[] = [pods, services, configmaps, serviceaccounts, namespaces, deployments, replicasets, priorityclasses, pdbs, ssar, tokenreviews, selfsubjectreviews];

export type { KubeObject };
