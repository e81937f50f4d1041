// Resources of the smaller groups, in the order Kubernetes lists its groups.
import { defaultHorizontalPodAutoscaler, defaultJob, defaultRoleBinding } from '../defaults/kind.defaults.js';
import * as printers from '../printers/kinds.printer.js';
import { Scale } from '../schema/apps.schema.js';
import { validateScale } from '../validation/apps.validation.js';
import * as g from '../schema/groups.schema.js';
import type { EndpointSlice, HorizontalPodAutoscaler, Job, Lease, PodDisruptionBudget, PriorityClass, Role, RoleBinding } from '../schema/groups.schema.js';
import { makeStrategy } from '../strategy/strategy.js';
import type { KubeObject } from '../types.js';
import * as v from '../validation/groups.validation.js';
import { hpaV1Resource } from './autoscaling-v1.resources.js';
import { defineResource, statusSub } from './define-resource.js';
import { jobFieldSelectors } from './field-selectors.js';
import { generateJobSelector } from './job.strategy.js';
import { cronJobResource } from '../batch/cronjob.js';

const createOnly = ['create'];

export const authenticationResources = [
  defineResource<KubeObject>({ group: 'authentication.k8s.io', version: 'v1', kind: 'TokenReview', resource: 'tokenreviews', namespaced: false, schema: g.TokenReview, verbs: createOnly }),
  defineResource<KubeObject>({ group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', resource: 'selfsubjectreviews', namespaced: false, schema: g.SelfSubjectReview, verbs: createOnly }),
];

export const authorizationResources = [
  defineResource<KubeObject>({ group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', resource: 'selfsubjectaccessreviews', namespaced: false, schema: g.SelfSubjectAccessReview, verbs: createOnly, validate: (o) => v.validateAccessReview(o, true) }),
  defineResource<KubeObject>({ group: 'authorization.k8s.io', version: 'v1', kind: 'SubjectAccessReview', resource: 'subjectaccessreviews', namespaced: false, schema: g.SubjectAccessReview, verbs: createOnly, validate: (o) => v.validateAccessReview(o, false) }),
];

export const autoscalingResources = [
  defineResource<HorizontalPodAutoscaler>({
    group: 'autoscaling',
    version: 'v2',
    kind: 'HorizontalPodAutoscaler',
    resource: 'horizontalpodautoscalers',
    namespaced: true,
    schema: g.HorizontalPodAutoscaler,
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: [statusSub('HorizontalPodAutoscaler')],
    defaults: defaultHorizontalPodAutoscaler,
    validate: v.validateHorizontalPodAutoscaler,
    strategy: makeStrategy({ hasStatus: true, initialStatus: () => ({ desiredReplicas: 0 }) }),
    columns: printers.hpaColumns,
    row: printers.hpaRow,
  }),
  hpaV1Resource,
];

export const batchResources = [
  defineResource<Job>({
    group: 'batch',
    version: 'v1',
    kind: 'Job',
    resource: 'jobs',
    namespaced: true,
    schema: g.Job,
    categories: ['all'],
    subresources: [statusSub('Job')],
    defaults: defaultJob,
    // Kubernetes generates the selector while validating a new Job, once its uid exists.
    validate: (job, old) => {
      if (old === undefined) generateJobSelector(job);
      return v.validateJob(job, old);
    },
    strategy: makeStrategy({ hasStatus: true, initialStatus: () => ({}), generationFields: ['spec'], create: (obj) => generateJobSelector(obj as unknown as Job) }),
    fieldSelectors: jobFieldSelectors,
    columns: printers.jobColumns,
    row: printers.jobRow,
  }),
  cronJobResource,
];

export const policyResources = [
  defineResource<PodDisruptionBudget>({
    group: 'policy',
    version: 'v1',
    kind: 'PodDisruptionBudget',
    resource: 'poddisruptionbudgets',
    namespaced: true,
    schema: g.PodDisruptionBudget,
    shortNames: ['pdb'],
    subresources: [statusSub('PodDisruptionBudget')],
    validate: v.validatePodDisruptionBudget,
    strategy: makeStrategy({ hasStatus: true, initialStatus: () => ({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }), generationFields: ['spec'] }),
    columns: printers.pdbColumns,
    row: printers.pdbRow,
  }),
];

const rbac1 = { group: 'rbac.authorization.k8s.io', version: 'v1' } as const;
export const rbacResources = [
  defineResource<RoleBinding>({ ...rbac1, kind: 'ClusterRoleBinding', resource: 'clusterrolebindings', namespaced: false, schema: g.ClusterRoleBinding, defaults: defaultRoleBinding, validate: (o, old) => v.validateRoleBinding(o, false, old), columns: printers.roleBindingColumns, row: printers.roleBindingRow }),
  defineResource<Role>({ ...rbac1, kind: 'ClusterRole', resource: 'clusterroles', namespaced: false, schema: g.ClusterRole, validate: (o, old) => v.validateRole(o, false, old) }),
  defineResource<RoleBinding>({ ...rbac1, kind: 'RoleBinding', resource: 'rolebindings', namespaced: true, schema: g.RoleBinding, defaults: defaultRoleBinding, validate: (o, old) => v.validateRoleBinding(o, true, old), columns: printers.roleBindingColumns, row: printers.roleBindingRow }),
  defineResource<Role>({ ...rbac1, kind: 'Role', resource: 'roles', namespaced: true, schema: g.Role, validate: (o, old) => v.validateRole(o, true, old) }),
];

export const schedulingResources = [
  defineResource<PriorityClass>({ group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass', resource: 'priorityclasses', namespaced: false, schema: g.PriorityClass, shortNames: ['pc'], validate: v.validatePriorityClass, columns: printers.priorityClassColumns, row: printers.priorityClassRow }),
];

export const coordinationResources = [
  defineResource<Lease>({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', resource: 'leases', namespaced: true, schema: g.Lease, validate: v.validateLease, columns: printers.leaseColumns, row: printers.leaseRow }),
];

export const discoveryResources = [
  defineResource<EndpointSlice>({
    group: 'discovery.k8s.io',
    version: 'v1',
    kind: 'EndpointSlice',
    resource: 'endpointslices',
    namespaced: true,
    schema: g.EndpointSlice,
    validate: v.validateEndpointSlice,
    strategy: makeStrategy({ hasStatus: false, generationFields: 'all' }),
    columns: printers.endpointSliceColumns,
    row: printers.endpointSliceRow,
  }),
];

/** Kinds that only travel as subresource bodies: pods/eviction, deployments/scale, serviceaccounts/token. */
export const subresourceBodies = [
  defineResource<KubeObject>({ group: 'policy', version: 'v1', kind: 'Eviction', resource: 'pods/eviction', namespaced: true, schema: g.Eviction, verbs: createOnly }),
  defineResource<KubeObject>({ group: 'autoscaling', version: 'v1', kind: 'Scale', resource: 'scale', namespaced: true, schema: Scale, verbs: ['get', 'patch', 'update'], validate: (o) => validateScale(o as never) }),
  defineResource<KubeObject>({ group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', resource: 'serviceaccounts/token', namespaced: true, schema: g.TokenRequest, verbs: createOnly, validate: v.validateTokenRequest }),
];
