// How each built-in kind's lists and objects merge: the patchStrategy / patchMergeKey struct tags
// of k8s.io/api (strategic merge patch) and the +listType / +listMapKey / +structType markers
// (server-side apply), as one schema tree per kind. Anything not described is "untyped": objects
// merge field by field, lists are replaced whole (atomic), which is also how Kubernetes treats
// fields without tags.
//
// Checked against k8s.io/api/core/v1 types.go:
//   - NodeSpec.taints has no patch strategy (the `patchMergeKey:"key"` tag sits on Taint.Key, where
//     it has no effect), so strategic merge replaces the whole list; kubectl taint relies on it by
//     sending the full list, and `null` to remove the last taint. Server-side apply: atomic.
//   - PodSpec.tolerations: no strategy, replaced whole.
//   - ObjectMeta.finalizers: merge as a set; ownerReferences: merge by uid.
import type { JsonPrimitive } from './json-value.js';
import type { GroupKind } from './status.js';

/** The schema of one field. `undefined` wherever nothing is known. */
export type TypeSchema = ObjectSchema | ListSchema;

export interface ObjectSchema {
  readonly type: 'object';
  /** Known fields; others are untyped. */
  readonly fields: Readonly<Record<string, TypeSchema>>;
  /** +structType=atomic (server-side apply owns it as one value, e.g. a LabelSelector). */
  readonly atomic?: boolean;
}

export type ListSchema =
  /** Replaced whole (no patch strategy / +listType=atomic). */
  | { readonly type: 'list'; readonly list: 'atomic' }
  /** Primitives merged as a set (patchStrategy=merge on []string / +listType=set). */
  | { readonly type: 'list'; readonly list: 'set' }
  /** Objects merged by key (patchStrategy=merge,patchMergeKey / +listType=map,+listMapKey). */
  | MapListSchema;

export interface MapListSchema {
  readonly type: 'list';
  readonly list: 'map';
  /** Server-side apply keys (+listMapKey), e.g. containerPort and protocol. */
  readonly keys: readonly string[];
  /** Strategic merge patch key (patchMergeKey), e.g. containerPort. */
  readonly mergeKey: string;
  /** Defaults of key fields an item may omit (a container port's protocol is TCP). */
  readonly keyDefaults: Readonly<Record<string, JsonPrimitive>>;
  readonly items?: ObjectSchema;
}

function object(fields: Record<string, TypeSchema> = {}, atomic = false): ObjectSchema {
  return atomic ? { type: 'object', fields, atomic } : { type: 'object', fields };
}

const atomicList: ListSchema = { type: 'list', list: 'atomic' };
const setList: ListSchema = { type: 'list', list: 'set' };
const atomicObject = object({}, true);

function mapList(keys: readonly string[], items?: ObjectSchema, keyDefaults: Record<string, JsonPrimitive> = {}, mergeKey?: string): MapListSchema {
  const base = { type: 'list', list: 'map', keys, mergeKey: mergeKey ?? keys[0] ?? '', keyDefaults } as const;
  return items === undefined ? base : { ...base, items };
}

const conditions = mapList(['type']);
const labelSelector = object({ matchLabels: object(), matchExpressions: atomicList }, true);

const objectMeta = object({
  labels: object(),
  annotations: object(),
  finalizers: setList,
  ownerReferences: mapList(['uid'], atomicObject),
  managedFields: atomicList,
});

const container = object({
  ports: mapList(['containerPort', 'protocol'], undefined, { protocol: 'TCP' }, 'containerPort'),
  env: mapList(['name']),
  volumeMounts: mapList(['mountPath']),
  volumeDevices: mapList(['devicePath']),
  resources: object({ limits: object(), requests: object(), claims: mapList(['name']) }),
});

const podSpec = object({
  volumes: mapList(['name']),
  initContainers: mapList(['name'], container),
  containers: mapList(['name'], container),
  ephemeralContainers: mapList(['name'], container),
  imagePullSecrets: mapList(['name'], atomicObject),
  hostAliases: mapList(['ip']),
  topologySpreadConstraints: mapList(['topologyKey', 'whenUnsatisfiable'], object({ labelSelector }), {}, 'topologyKey'),
  resourceClaims: mapList(['name']),
  schedulingGates: mapList(['name']),
  nodeSelector: object(),
  overhead: object(),
  affinity: object({
    nodeAffinity: object({ requiredDuringSchedulingIgnoredDuringExecution: atomicObject }),
    podAffinity: object({ requiredDuringSchedulingIgnoredDuringExecution: atomicList }),
    podAntiAffinity: object({ requiredDuringSchedulingIgnoredDuringExecution: atomicList }),
  }),
  // tolerations, readinessGates, dnsConfig lists: untyped, i.e. replaced whole.
});

const podStatus = object({
  conditions,
  podIPs: mapList(['ip']),
  hostIPs: mapList(['ip']),
  resourceClaimStatuses: mapList(['name']),
});

const podTemplateSpec = object({ metadata: objectMeta, spec: podSpec });

function kind(fields: Record<string, TypeSchema>): ObjectSchema {
  return object({ metadata: objectMeta, ...fields });
}

const jobSpec = object({ selector: labelSelector, template: podTemplateSpec });

/** Strategies of the built-in kinds, keyed by kindKey(group, kind). */
export const BUILTIN_SCHEMAS: Readonly<Record<string, ObjectSchema>> = {
  Pod: kind({ spec: podSpec, status: podStatus }),
  PodTemplate: kind({ template: podTemplateSpec }),
  ReplicationController: kind({ spec: object({ selector: object(), template: podTemplateSpec }), status: object({ conditions }) }),
  Service: kind({
    spec: object({ ports: mapList(['port', 'protocol'], undefined, { protocol: 'TCP' }, 'port'), selector: object() }),
    status: object({ conditions, loadBalancer: object({ ingress: atomicList }) }),
  }),
  Node: kind({
    spec: object({ podCIDRs: setList }),
    status: object({ conditions, addresses: mapList(['type']), capacity: object(), allocatable: object() }),
  }),
  Namespace: kind({ status: object({ conditions }) }),
  ConfigMap: kind({ data: object(), binaryData: object() }),
  Secret: kind({ data: object(), stringData: object() }),
  ServiceAccount: kind({ secrets: mapList(['name']) }),
  Endpoints: kind({}),
  Event: kind({}),
  PersistentVolume: kind({ spec: object({ capacity: object(), claimRef: atomicObject }) }),
  PersistentVolumeClaim: kind({ spec: object({ selector: labelSelector }), status: object({ conditions, capacity: object() }) }),
  ResourceQuota: kind({ spec: object({ hard: object() }), status: object({ hard: object(), used: object() }) }),
  LimitRange: kind({}),
  Binding: kind({ target: atomicObject }),
  'apps/Deployment': kind({
    spec: object({ selector: labelSelector, template: podTemplateSpec, strategy: object({ rollingUpdate: object() }) }),
    status: object({ conditions }),
  }),
  'apps/ReplicaSet': kind({ spec: object({ selector: labelSelector, template: podTemplateSpec }), status: object({ conditions }) }),
  'apps/DaemonSet': kind({ spec: object({ selector: labelSelector, template: podTemplateSpec }), status: object({ conditions }) }),
  'apps/StatefulSet': kind({ spec: object({ selector: labelSelector, template: podTemplateSpec }), status: object({ conditions }) }),
  'apps/ControllerRevision': kind({}),
  'batch/Job': kind({ spec: jobSpec, status: object({ conditions }) }),
  'batch/CronJob': kind({ spec: object({ jobTemplate: object({ metadata: objectMeta, spec: jobSpec }) }) }),
  'coordination.k8s.io/Lease': kind({}),
  'policy/PodDisruptionBudget': kind({ spec: object({ selector: labelSelector }), status: object({ conditions }) }),
  'policy/Eviction': kind({}),
  'autoscaling/Scale': kind({}),
  'autoscaling/HorizontalPodAutoscaler': kind({ status: object({ conditions }) }),
  'discovery.k8s.io/EndpointSlice': kind({}),
  'scheduling.k8s.io/PriorityClass': kind({}),
  'storage.k8s.io/StorageClass': kind({ allowedTopologies: atomicList }),
  'rbac.authorization.k8s.io/Role': kind({}),
  'rbac.authorization.k8s.io/ClusterRole': kind({ aggregationRule: object({ clusterRoleSelectors: atomicList }) }),
  'rbac.authorization.k8s.io/RoleBinding': kind({ roleRef: atomicObject }),
  'rbac.authorization.k8s.io/ClusterRoleBinding': kind({ roleRef: atomicObject }),
  'networking.k8s.io/Ingress': kind({}),
  'networking.k8s.io/NetworkPolicy': kind({ spec: object({ podSelector: labelSelector }) }),
};

/** What a custom (or unknown) kind gets: only the ObjectMeta strategies. */
export const UNTYPED_OBJECT_SCHEMA: ObjectSchema = kind({});

export type KindKey = string | GroupKind;

/** `Pod` for the core group, `apps/Deployment` otherwise; `core/Pod` and `/Pod` mean `Pod`. */
export function kindKey(key: KindKey): string {
  if (typeof key !== 'string') return key.group === '' || key.group === 'core' ? key.kind : `${key.group}/${key.kind}`;
  const slash = key.lastIndexOf('/');
  if (slash < 0) return key;
  const group = key.slice(0, slash);
  return group === '' || group === 'core' ? key.slice(slash + 1) : key;
}

/** True when Kubernetes would accept a strategic merge patch for the kind (built-ins only; CRDs get 415). */
export function hasStrategicMergeSchema(key: KindKey): boolean {
  return Object.hasOwn(BUILTIN_SCHEMAS, kindKey(key));
}

/** The schema of a kind: its own for built-ins, the ObjectMeta-only one otherwise. */
export function strategyFor(key: KindKey): ObjectSchema {
  const normalized = kindKey(key);
  return Object.hasOwn(BUILTIN_SCHEMAS, normalized) ? (BUILTIN_SCHEMAS[normalized] ?? UNTYPED_OBJECT_SCHEMA) : UNTYPED_OBJECT_SCHEMA;
}

/** The schema of a child field (undefined when untyped). */
export function fieldSchema(schema: TypeSchema | undefined, field: string): TypeSchema | undefined {
  if (schema?.type !== 'object' || !Object.hasOwn(schema.fields, field)) return undefined;
  return schema.fields[field];
}

/** The schema of a list's items (only map lists describe theirs). */
export function itemSchema(schema: TypeSchema | undefined): ObjectSchema | undefined {
  return schema?.type === 'list' && schema.list === 'map' ? schema.items : undefined;
}

/**
 * The list strategy at a field path (`['spec', 'template', 'spec', 'containers', 'ports']`, list
 * items are stepped through implicitly): 'atomic', 'set' or the map-list keys. For inspection.
 */
export function listStrategyAt(key: KindKey, path: readonly string[]): ListSchema {
  let schema: TypeSchema | undefined = strategyFor(key);
  for (const segment of path) {
    const child: TypeSchema | undefined = schema?.type === 'list' ? itemSchema(schema) : schema;
    schema = fieldSchema(child, segment);
  }
  return schema?.type === 'list' ? schema : atomicList;
}
