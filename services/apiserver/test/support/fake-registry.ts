// A small registry for the HTTP front's tests: pods (with status, binding, eviction in policy/v1),
// namespaces (cluster scope, status subresource) and deployments (apps/v1 with autoscaling/v1
// Scale), shaped as @skiff/api describes resources.

import type { ApiObject, Registry, ResourceMeta, TableColumn } from '../../src/http/registry.js';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function nameOf(obj: ApiObject): string {
  return String(obj.metadata?.['name'] ?? '');
}

function age(obj: ApiObject, nowMs: number): string {
  const created = Date.parse(String(obj.metadata?.['creationTimestamp'] ?? ''));
  return Number.isFinite(created) ? `${Math.max(0, Math.floor((nowMs - created) / 1000))}s` : '<unknown>';
}

const nameColumn: TableColumn = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 };
const ageColumn: TableColumn = { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp', priority: 0 };

export const pods: ResourceMeta = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  listKind: 'PodList',
  resource: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  verbs: ALL_VERBS,
  subresources: [
    { name: 'status', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    { name: 'binding', kind: 'Binding', verbs: ['create'] },
    { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
    { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
  ],
  tableColumns: [
    nameColumn,
    { name: 'Status', type: 'string', format: '', description: 'Phase', priority: 0 },
    ageColumn,
    { name: 'Node', type: 'string', format: '', description: 'Node', priority: 1 },
  ],
  tableRow: ((obj: ApiObject, nowMs: number) => {
    const status = (obj['status'] ?? {}) as { phase?: string };
    const spec = (obj['spec'] ?? {}) as { nodeName?: string };
    if (obj.metadata?.['name'] === 'explode') throw new Error('a printer bug');
    return [nameOf(obj), status.phase ?? 'Pending', age(obj, nowMs), spec.nodeName ?? '<none>'];
  }) as ResourceMeta['tableRow'],
};

export const namespaces: ResourceMeta = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  resource: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  categories: [],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [{ name: 'status', kind: 'Namespace', verbs: ['get', 'patch', 'update'] }],
  tableColumns: [nameColumn, ageColumn],
  tableRow: ((obj: ApiObject, nowMs: number) => [nameOf(obj), age(obj, nowMs)]) as ResourceMeta['tableRow'],
};

export const deployments: ResourceMeta = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  listKind: 'DeploymentList',
  resource: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  verbs: ALL_VERBS,
  subresources: [
    { name: 'status', kind: 'Deployment', verbs: ['get', 'patch', 'update'] },
    { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
  ],
  tableColumns: [nameColumn, ageColumn],
  tableRow: ((obj: ApiObject, nowMs: number) => [nameOf(obj), age(obj, nowMs)]) as ResourceMeta['tableRow'],
};

export const fakeRegistry: Registry = {
  resources: [pods, namespaces, deployments],
  openApiV3Document(group, version) {
    const kinds = this.resources.filter((r) => r.group === group && r.version === version).map((r) => r.kind);
    return {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: 'v1.32.4' },
      components: { schemas: Object.fromEntries(kinds.map((k) => [k, { type: 'object', 'x-kubernetes-group-version-kind': [{ group, version, kind: k }] }])) },
    };
  },
};
