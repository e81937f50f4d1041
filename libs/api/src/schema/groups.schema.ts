// Kinds of the smaller groups: scheduling, coordination, rbac, autoscaling/v2, policy, discovery,
// authorization, authentication and batch.
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { atomicList, Bool, define, doc, Enum, Int32, Int64, IntOrString, mergeList, MicroTime, Opt, Quantity, RawJSON, Str, StringList, StringMap, Time } from './helpers.js';
import { Condition, DeleteOptions, LabelSelector, metadataField, ObjectReference, typeMetaFields } from './meta.schema.js';
import { PodTemplateSpec } from './pod.schema.js';

const kind = <P extends TProperties>(id: string, description: string, fields: P) =>
  define(id, Type.Object({ ...typeMetaFields, metadata: metadataField, ...fields }, { description }));

export const PriorityClass = kind('io.k8s.api.scheduling.v1.PriorityClass', 'PriorityClass defines mapping from a priority class name to the priority integer value.', {
  value: Int32('value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.'),
  globalDefault: Opt(Bool('globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.')),
  description: Opt(Str('description is an arbitrary string that usually provides guidelines on when this priority class should be used.')),
  preemptionPolicy: Opt(Enum(['Never', 'PreemptLowerPriority'], 'preemptionPolicy is the Policy for preempting pods with lower priority. Defaults to PreemptLowerPriority if unset.', { default: 'PreemptLowerPriority' })),
});
export type PriorityClass = Static<typeof PriorityClass>;

export const Lease = kind('io.k8s.api.coordination.v1.Lease', 'Lease defines a lease concept.', {
  spec: Opt(
    define(
      'io.k8s.api.coordination.v1.LeaseSpec',
      Type.Object({
        holderIdentity: Opt(Str('holderIdentity contains the identity of the holder of a current lease.')),
        leaseDurationSeconds: Opt(Int32('leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it.')),
        acquireTime: Opt(doc(MicroTime, 'acquireTime is a time when the current lease was acquired.')),
        renewTime: Opt(doc(MicroTime, 'renewTime is a time when the current holder of a lease has last updated the lease.')),
        leaseTransitions: Opt(Int32('leaseTransitions is the number of transitions of a lease between holders.')),
        strategy: Opt(Str()),
        preferredHolder: Opt(Str()),
      }),
    ),
  ),
});
export type Lease = Static<typeof Lease>;

const RBAC = 'io.k8s.api.rbac.v1';
export const PolicyRule = define(
  `${RBAC}.PolicyRule`,
  Type.Object({
    verbs: atomicList(Type.String(), "Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule. '*' represents all verbs."),
    apiGroups: Opt(atomicList(Type.String(), 'APIGroups is the name of the APIGroup that contains the resources.')),
    resources: Opt(atomicList(Type.String(), "Resources is a list of resources this rule applies to. '*' represents all resources.")),
    resourceNames: Opt(atomicList(Type.String())),
    nonResourceURLs: Opt(atomicList(Type.String())),
  }),
);
export type PolicyRule = Static<typeof PolicyRule>;
export const Subject = define(
  `${RBAC}.Subject`,
  Type.Object({
    kind: Str('Kind of object being referenced. Values defined by this API group are "User", "Group", and "ServiceAccount".'),
    apiGroup: Opt(Str()),
    name: Str('Name of the object being referenced.'),
    namespace: Opt(Str()),
  }, { 'x-kubernetes-map-type': 'atomic' }),
);
export type Subject = Static<typeof Subject>;
export const RoleRef = define(
  `${RBAC}.RoleRef`,
  Type.Object({ apiGroup: Str('APIGroup is the group for the resource being referenced'), kind: Str('Kind is the type of resource being referenced'), name: Str('Name is the name of resource being referenced') }, { 'x-kubernetes-map-type': 'atomic' }),
);
export const Role = kind(`${RBAC}.Role`, 'Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.', {
  rules: Opt(atomicList(PolicyRule, 'Rules holds all the PolicyRules for this Role')),
});
export const ClusterRole = kind(`${RBAC}.ClusterRole`, 'ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.', {
  rules: Opt(atomicList(PolicyRule, 'Rules holds all the PolicyRules for this ClusterRole')),
  aggregationRule: Opt(Type.Object({ clusterRoleSelectors: Opt(atomicList(LabelSelector)) })),
});
const bindingFields = {
  subjects: Opt(atomicList(Subject, 'Subjects holds references to the objects the role applies to.')),
  roleRef: doc(RoleRef, 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. This field is immutable.'),
};
export const RoleBinding = kind(`${RBAC}.RoleBinding`, 'RoleBinding references a role, but does not contain it.', bindingFields);
export const ClusterRoleBinding = kind(`${RBAC}.ClusterRoleBinding`, 'ClusterRoleBinding references a ClusterRole, but not contain it.', bindingFields);
export type Role = Static<typeof Role>;
export type RoleBinding = Static<typeof RoleBinding>;

const AS2 = 'io.k8s.api.autoscaling.v2';
const MetricTarget = define(`${AS2}.MetricTarget`, Type.Object({ type: Str('type represents whether the metric type is Utilization, Value, or AverageValue'), value: Opt(Quantity), averageValue: Opt(Quantity), averageUtilization: Opt(Int32()) }));
const MetricValueStatus = define(`${AS2}.MetricValueStatus`, Type.Object({ value: Opt(Quantity), averageValue: Opt(Quantity), averageUtilization: Opt(Int32()) }));
const MetricIdentifier = define(`${AS2}.MetricIdentifier`, Type.Object({ name: Str(), selector: Opt(LabelSelector) }));
const CrossVersionObjectReference = define(`${AS2}.CrossVersionObjectReference`, Type.Object({ kind: Str('kind is the kind of the referent'), name: Str('name is the name of the referent'), apiVersion: Opt(Str('apiVersion is the API version of the referent')) }));
export const MetricSpec = define(
  `${AS2}.MetricSpec`,
  Type.Object({
    type: Str('type is the type of metric source. It should be one of "ContainerResource", "External", "Object", "Pods" or "Resource".'),
    resource: Opt(Type.Object({ name: Str(), target: MetricTarget })),
    containerResource: Opt(Type.Object({ name: Str(), container: Str(), target: MetricTarget })),
    pods: Opt(Type.Object({ metric: MetricIdentifier, target: MetricTarget })),
    object: Opt(Type.Object({ describedObject: CrossVersionObjectReference, metric: MetricIdentifier, target: MetricTarget })),
    external: Opt(Type.Object({ metric: MetricIdentifier, target: MetricTarget })),
  }),
);
export type MetricSpec = Static<typeof MetricSpec>;
export const MetricStatus = define(
  `${AS2}.MetricStatus`,
  Type.Object({
    type: Str(),
    resource: Opt(Type.Object({ name: Str(), current: MetricValueStatus })),
    containerResource: Opt(Type.Object({ name: Str(), container: Str(), current: MetricValueStatus })),
    pods: Opt(Type.Object({ metric: MetricIdentifier, current: MetricValueStatus })),
    object: Opt(Type.Object({ describedObject: CrossVersionObjectReference, metric: MetricIdentifier, current: MetricValueStatus })),
    external: Opt(Type.Object({ metric: MetricIdentifier, current: MetricValueStatus })),
  }),
);
export type MetricStatus = Static<typeof MetricStatus>;
const HPAScalingRules = define(
  `${AS2}.HPAScalingRules`,
  Type.Object({
    stabilizationWindowSeconds: Opt(Int32()),
    selectPolicy: Opt(Str()),
    policies: Opt(atomicList(Type.Object({ type: Str(), value: Int32(), periodSeconds: Int32() }))),
    tolerance: Opt(Quantity),
  }),
);
export const HorizontalPodAutoscaler = kind(`${AS2}.HorizontalPodAutoscaler`, 'HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler, which automatically manages the replica count of any resource implementing the scale subresource based on the metrics specified.', {
  spec: Opt(
    define(
      `${AS2}.HorizontalPodAutoscalerSpec`,
      Type.Object({
        scaleTargetRef: doc(CrossVersionObjectReference, 'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.'),
        minReplicas: Opt(Int32('minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down. It defaults to 1 pod.', { default: 1 })),
        maxReplicas: Int32('maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.'),
        metrics: Opt(atomicList(MetricSpec, 'metrics contains the specifications for which to use to calculate the desired replica count. If not set, the default metric will be set to 80% average CPU utilization.')),
        behavior: Opt(Type.Object({ scaleUp: Opt(HPAScalingRules), scaleDown: Opt(HPAScalingRules) })),
      }),
    ),
  ),
  status: Opt(
    define(
      `${AS2}.HorizontalPodAutoscalerStatus`,
      Type.Object({
        observedGeneration: Opt(Int64()),
        lastScaleTime: Opt(Time),
        currentReplicas: Opt(Int32('currentReplicas is current number of replicas of pods managed by this autoscaler.')),
        desiredReplicas: Int32('desiredReplicas is the desired number of replicas of pods managed by this autoscaler.'),
        currentMetrics: Opt(atomicList(MetricStatus)),
        conditions: Opt(mergeList(RawJSON, 'type')),
      }),
    ),
  ),
});
export type HorizontalPodAutoscaler = Static<typeof HorizontalPodAutoscaler>;

export const PodDisruptionBudget = kind('io.k8s.api.policy.v1.PodDisruptionBudget', 'PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods', {
  spec: Opt(
    define(
      'io.k8s.api.policy.v1.PodDisruptionBudgetSpec',
      Type.Object({
        minAvailable: Opt(doc(IntOrString, 'An eviction is allowed if at least "minAvailable" pods selected by "selector" will still be available after the eviction.')),
        maxUnavailable: Opt(doc(IntOrString, 'An eviction is allowed if at most "maxUnavailable" pods selected by "selector" are unavailable after the eviction.')),
        selector: Opt(doc(LabelSelector, 'Label query over pods whose evictions are managed by the disruption budget.', { 'x-kubernetes-patch-strategy': 'replace' })),
        unhealthyPodEvictionPolicy: Opt(Str()),
      }),
    ),
  ),
  status: Opt(
    define(
      'io.k8s.api.policy.v1.PodDisruptionBudgetStatus',
      Type.Object({
        observedGeneration: Opt(Int64()),
        disruptedPods: Opt(Type.Record(Type.String(), Time)),
        disruptionsAllowed: Int32('Number of pod disruptions that are currently allowed.'),
        currentHealthy: Int32('current number of healthy pods'),
        desiredHealthy: Int32('minimum desired number of healthy pods'),
        expectedPods: Int32('total number of pods counted by this disruption budget'),
        conditions: Opt(mergeList(Condition, 'type')),
      }),
    ),
  ),
});
export type PodDisruptionBudget = Static<typeof PodDisruptionBudget>;

export const Eviction = kind('io.k8s.api.policy.v1.Eviction', 'Eviction evicts a pod from its node subject to certain policies and safety constraints. This is a subresource of Pod.', {
  deleteOptions: Opt(doc(DeleteOptions, 'DeleteOptions may be provided')),
});

const DISC = 'io.k8s.api.discovery.v1';
export const EndpointSlice = kind(`${DISC}.EndpointSlice`, 'EndpointSlice represents a subset of the endpoints that implement a service.', {
  addressType: Str('addressType specifies the type of address carried by this EndpointSlice: IPv4, IPv6 or FQDN. This field is immutable after creation.'),
  endpoints: atomicList(
    define(
      `${DISC}.Endpoint`,
      Type.Object({
        addresses: atomicList(Type.String(), 'addresses of this endpoint.'),
        conditions: Opt(Type.Object({ ready: Opt(Bool()), serving: Opt(Bool()), terminating: Opt(Bool()) })),
        hostname: Opt(Str()),
        targetRef: Opt(ObjectReference),
        nodeName: Opt(Str()),
        zone: Opt(Str()),
        hints: Opt(RawJSON),
      }),
    ),
    'endpoints is a list of unique endpoints in this slice.',
  ),
  ports: Opt(atomicList(define(`${DISC}.EndpointPort`, Type.Object({ name: Opt(Str('', { default: '' })), protocol: Opt(Str('', { default: 'TCP' })), port: Opt(Int32()), appProtocol: Opt(Str()) })), 'ports specifies the list of network ports exposed by each endpoint in this slice.')),
});
export type EndpointSlice = Static<typeof EndpointSlice>;

const AUTHZ = 'io.k8s.api.authorization.v1';
const ResourceAttributes = define(`${AUTHZ}.ResourceAttributes`, Type.Object({ namespace: Opt(Str()), verb: Opt(Str()), group: Opt(Str()), version: Opt(Str()), resource: Opt(Str()), subresource: Opt(Str()), name: Opt(Str()), fieldSelector: Opt(RawJSON), labelSelector: Opt(RawJSON) }));
const NonResourceAttributes = define(`${AUTHZ}.NonResourceAttributes`, Type.Object({ path: Opt(Str()), verb: Opt(Str()) }));
const SubjectAccessReviewStatus = define(`${AUTHZ}.SubjectAccessReviewStatus`, Type.Object({ allowed: Bool('Allowed is required. True if the action would be allowed, false otherwise.'), denied: Opt(Bool()), reason: Opt(Str()), evaluationError: Opt(Str()) }));
export const SelfSubjectAccessReview = kind(`${AUTHZ}.SelfSubjectAccessReview`, 'SelfSubjectAccessReview checks whether or the current user can perform an action.', {
  spec: define(`${AUTHZ}.SelfSubjectAccessReviewSpec`, Type.Object({ resourceAttributes: Opt(ResourceAttributes), nonResourceAttributes: Opt(NonResourceAttributes) })),
  status: Opt(SubjectAccessReviewStatus),
});
export const SubjectAccessReview = kind(`${AUTHZ}.SubjectAccessReview`, 'SubjectAccessReview checks whether or not a user or group can perform an action.', {
  spec: define(`${AUTHZ}.SubjectAccessReviewSpec`, Type.Object({ resourceAttributes: Opt(ResourceAttributes), nonResourceAttributes: Opt(NonResourceAttributes), user: Opt(Str()), groups: Opt(atomicList(Type.String())), extra: Opt(Type.Record(Type.String(), StringList())), uid: Opt(Str()) })),
  status: Opt(SubjectAccessReviewStatus),
});

const AUTHN = 'io.k8s.api.authentication.v1';
const UserInfo = define(`${AUTHN}.UserInfo`, Type.Object({ username: Opt(Str()), uid: Opt(Str()), groups: Opt(atomicList(Type.String())), extra: Opt(Type.Record(Type.String(), StringList())) }));
export const TokenReview = kind(`${AUTHN}.TokenReview`, 'TokenReview attempts to authenticate a token to a known user.', {
  spec: define(`${AUTHN}.TokenReviewSpec`, Type.Object({ token: Opt(Str('Token is the opaque bearer token.')), audiences: Opt(atomicList(Type.String())) })),
  status: Opt(define(`${AUTHN}.TokenReviewStatus`, Type.Object({ authenticated: Opt(Bool()), user: Opt(UserInfo), audiences: Opt(atomicList(Type.String())), error: Opt(Str()) }))),
});
export const SelfSubjectReview = kind(`${AUTHN}.SelfSubjectReview`, 'SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request.', {
  status: Opt(define(`${AUTHN}.SelfSubjectReviewStatus`, Type.Object({ userInfo: Opt(UserInfo) }))),
});
export const TokenRequest = kind(`${AUTHN}.TokenRequest`, 'TokenRequest requests a token for a given service account.', {
  spec: define(`${AUTHN}.TokenRequestSpec`, Type.Object({
    audiences: atomicList(Type.String(), 'Audiences are the intendend audiences of the token.'),
    expirationSeconds: Opt(Int64('ExpirationSeconds is the requested duration of validity of the request.', { default: 3600 })),
    boundObjectRef: Opt(Type.Object({ kind: Opt(Str()), apiVersion: Opt(Str()), name: Opt(Str()), uid: Opt(Str()) })),
  })),
  status: Opt(define(`${AUTHN}.TokenRequestStatus`, Type.Object({ token: Str('Token is the opaque bearer token.'), expirationTimestamp: doc(Time, 'ExpirationTimestamp is the time of expiration of the returned token.') }))),
});

const BATCH = 'io.k8s.api.batch.v1';
export const Job = kind(`${BATCH}.Job`, 'Job represents the configuration of a single job.', {
  spec: Opt(
    define(
      `${BATCH}.JobSpec`,
      Type.Object({
        parallelism: Opt(Int32('Specifies the maximum desired number of pods the job should run at any given time.')),
        completions: Opt(Int32('Specifies the desired number of successfully finished pods the job should be run with.')),
        activeDeadlineSeconds: Opt(Int64()),
        backoffLimit: Opt(Int32('Specifies the number of retries before marking this job failed. Defaults to 6', { default: 6 })),
        backoffLimitPerIndex: Opt(Int32()),
        maxFailedIndexes: Opt(Int32()),
        podFailurePolicy: Opt(RawJSON),
        successPolicy: Opt(RawJSON),
        selector: Opt(doc(LabelSelector, 'A label query over pods that should match the pod count. Normally, the system sets this field for you.')),
        manualSelector: Opt(Bool()),
        template: doc(PodTemplateSpec, 'Describes the pod that will be created when executing a job. The only allowed template.spec.restartPolicy values are "Never" or "OnFailure".'),
        ttlSecondsAfterFinished: Opt(Int32()),
        completionMode: Opt(Str('', { default: 'NonIndexed' })),
        suspend: Opt(Bool('', { default: false })),
        podReplacementPolicy: Opt(Str()),
        managedBy: Opt(Str()),
      }),
    ),
  ),
  status: Opt(
    define(
      `${BATCH}.JobStatus`,
      Type.Object({
        conditions: Opt(atomicList(RawJSON)),
        startTime: Opt(Time),
        completionTime: Opt(Time),
        active: Opt(Int32()),
        succeeded: Opt(Int32('The number of pods which reached phase Succeeded.')),
        failed: Opt(Int32()),
        terminating: Opt(Int32()),
        completedIndexes: Opt(Str()),
        failedIndexes: Opt(Str()),
        uncountedTerminatedPods: Opt(RawJSON),
        ready: Opt(Int32()),
      }),
    ),
  ),
});
export type Job = Static<typeof Job>;

export { Int64, StringMap };
