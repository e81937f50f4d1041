// core/v1 Pod: spec (volumes, scheduling constraints) and status.
import { Type, type Static } from '@sinclair/typebox';
import { Container } from './container.schema.js';
import { atomicList, Bool, define, doc, Enum, Int32, Int64, mergeList, Opt, RawJSON, Str, StringList, StringMap, Time } from './helpers.js';
import { LabelSelector, LocalObjectReference, metadataField, ObjectMeta, ObjectReference, typeMetaFields } from './meta.schema.js';

const CORE = 'io.k8s.api.core.v1';

const KeyToPath = define(`${CORE}.KeyToPath`, Type.Object({ key: Str(), path: Str(), mode: Opt(Int32()) }));

export const Volume = define(
  `${CORE}.Volume`,
  Type.Object(
    {
      name: Str("name of the volume. Must be a DNS_LABEL and unique within the pod."),
      emptyDir: Opt(define(`${CORE}.EmptyDirVolumeSource`, Type.Object({ medium: Opt(Str()), sizeLimit: Opt(Type.Union([Type.String(), Type.Number()])) }, { description: 'Represents an empty directory for a pod.' }))),
      hostPath: Opt(define(`${CORE}.HostPathVolumeSource`, Type.Object({ path: Str('path of the directory on the host.'), type: Opt(Str('type for HostPath Volume. Defaults to ""', { default: '' })) }))),
      configMap: Opt(define(`${CORE}.ConfigMapVolumeSource`, Type.Object({ name: Opt(Str()), items: Opt(Type.Array(KeyToPath)), defaultMode: Opt(Int32('mode bits used to set permissions on created files by default. Defaults to 0644.', { default: 420 })), optional: Opt(Bool()) }))),
      secret: Opt(define(`${CORE}.SecretVolumeSource`, Type.Object({ secretName: Opt(Str()), items: Opt(Type.Array(KeyToPath)), defaultMode: Opt(Int32('mode bits used to set permissions on created files by default. Defaults to 0644.', { default: 420 })), optional: Opt(Bool()) }))),
      persistentVolumeClaim: Opt(define(`${CORE}.PersistentVolumeClaimVolumeSource`, Type.Object({ claimName: Str(), readOnly: Opt(Bool()) }))),
      projected: Opt(define(`${CORE}.ProjectedVolumeSource`, Type.Object({ sources: Opt(Type.Array(RawJSON)), defaultMode: Opt(Int32('', { default: 420 })) }))),
      downwardAPI: Opt(define(`${CORE}.DownwardAPIVolumeSource`, Type.Object({ items: Opt(Type.Array(RawJSON)), defaultMode: Opt(Int32('', { default: 420 })) }))),
      nfs: Opt(RawJSON),
      csi: Opt(RawJSON),
      ephemeral: Opt(RawJSON),
      image: Opt(RawJSON),
    },
    { description: 'Volume represents a named volume in a pod that may be accessed by any container in the pod.' },
  ),
);
export type Volume = Static<typeof Volume>;

export const NodeSelectorRequirement = define(
  `${CORE}.NodeSelectorRequirement`,
  Type.Object(
    {
      key: Str('The label key that the selector applies to.'),
      operator: Str("Represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists, DoesNotExist. Gt, and Lt."),
      values: Opt(StringList()),
    },
    { description: 'A node selector requirement is a selector that contains values, a key, and an operator that relates the key and values.' },
  ),
);

export const NodeSelectorTerm = define(
  `${CORE}.NodeSelectorTerm`,
  Type.Object(
    {
      matchExpressions: Opt(Type.Array(NodeSelectorRequirement, { description: "A list of node selector requirements by node's labels." })),
      matchFields: Opt(Type.Array(NodeSelectorRequirement, { description: "A list of node selector requirements by node's fields." })),
    },
    { description: 'A null or empty node selector term matches no objects. The requirements of them are ANDed.', 'x-kubernetes-map-type': 'atomic' },
  ),
);
export type NodeSelectorTerm = Static<typeof NodeSelectorTerm>;

export const NodeSelector = define(
  `${CORE}.NodeSelector`,
  Type.Object(
    { nodeSelectorTerms: Type.Array(NodeSelectorTerm, { description: 'Required. A list of node selector terms. The terms are ORed.' }) },
    { description: 'A node selector represents the union of the results of one or more label queries over a set of nodes.', 'x-kubernetes-map-type': 'atomic' },
  ),
);

export const PreferredSchedulingTerm = define(
  `${CORE}.PreferredSchedulingTerm`,
  Type.Object({ weight: Int32('Weight associated with matching the corresponding nodeSelectorTerm, in the range 1-100.'), preference: NodeSelectorTerm }),
);

export const NodeAffinity = define(
  `${CORE}.NodeAffinity`,
  Type.Object(
    {
      requiredDuringSchedulingIgnoredDuringExecution: Opt(doc(NodeSelector, 'If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node.')),
      preferredDuringSchedulingIgnoredDuringExecution: Opt(atomicList(PreferredSchedulingTerm, 'The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field.')),
    },
    { description: 'Node affinity is a group of node affinity scheduling rules.' },
  ),
);

export const PodAffinityTerm = define(
  `${CORE}.PodAffinityTerm`,
  Type.Object(
    {
      labelSelector: Opt(doc(LabelSelector, 'A label query over a set of resources, in this case pods.')),
      namespaces: Opt(StringList('namespaces specifies a static list of namespace names that the term applies to.')),
      namespaceSelector: Opt(LabelSelector),
      topologyKey: Str('This pod should be co-located (affinity) or not co-located (anti-affinity) with the pods matching the labelSelector in the specified namespaces, where co-located is defined as running on a node whose value of the label with key topologyKey matches that of any node on which any of the selected pods is running.'),
      matchLabelKeys: Opt(StringList()),
      mismatchLabelKeys: Opt(StringList()),
    },
    { description: 'Defines a set of pods (namely those matching the labelSelector relative to the given namespace(s)) that this pod should be co-located (affinity) or not co-located (anti-affinity) with.' },
  ),
);
export type PodAffinityTerm = Static<typeof PodAffinityTerm>;

export const WeightedPodAffinityTerm = define(
  `${CORE}.WeightedPodAffinityTerm`,
  Type.Object({ weight: Int32('weight associated with matching the corresponding podAffinityTerm, in the range 1-100.'), podAffinityTerm: PodAffinityTerm }),
);

const podAffinityFields = {
  requiredDuringSchedulingIgnoredDuringExecution: Opt(atomicList(PodAffinityTerm)),
  preferredDuringSchedulingIgnoredDuringExecution: Opt(atomicList(WeightedPodAffinityTerm)),
};
export const PodAffinity = define(`${CORE}.PodAffinity`, Type.Object(podAffinityFields, { description: 'Pod affinity is a group of inter pod affinity scheduling rules.' }));
export const PodAntiAffinity = define(`${CORE}.PodAntiAffinity`, Type.Object(podAffinityFields, { description: 'Pod anti affinity is a group of inter pod anti affinity scheduling rules.' }));

export const Affinity = define(
  `${CORE}.Affinity`,
  Type.Object(
    {
      nodeAffinity: Opt(doc(NodeAffinity, 'Describes node affinity scheduling rules for the pod.')),
      podAffinity: Opt(doc(PodAffinity, 'Describes pod affinity scheduling rules (e.g. co-locate this pod in the same node, zone, etc. as some other pod(s)).')),
      podAntiAffinity: Opt(doc(PodAntiAffinity, 'Describes pod anti-affinity scheduling rules (e.g. avoid putting this pod in the same node, zone, etc. as some other pod(s)).')),
    },
    { description: 'Affinity is a group of affinity scheduling rules.' },
  ),
);
export type Affinity = Static<typeof Affinity>;

export const Toleration = define(
  `${CORE}.Toleration`,
  Type.Object(
    {
      key: Opt(Str('Key is the taint key that the toleration applies to. Empty means match all taint keys.')),
      operator: Opt(Str("Operator represents a key's relationship to the value. Valid operators are Exists and Equal. Defaults to Equal.")),
      value: Opt(Str('Value is the taint value the toleration matches to.')),
      effect: Opt(Str('Effect indicates the taint effect to match. Empty means match all taint effects. When specified, allowed values are NoSchedule, PreferNoSchedule and NoExecute.')),
      tolerationSeconds: Opt(Int64('TolerationSeconds represents the period of time the toleration (which must be of effect NoExecute, otherwise this field is ignored) tolerates the taint.')),
    },
    { description: 'The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect> using the matching operator <operator>.' },
  ),
);
export type Toleration = Static<typeof Toleration>;

export const TopologySpreadConstraint = define(
  `${CORE}.TopologySpreadConstraint`,
  Type.Object(
    {
      maxSkew: Int32('MaxSkew describes the degree to which pods may be unevenly distributed.'),
      topologyKey: Str('TopologyKey is the key of node labels.'),
      whenUnsatisfiable: Str('WhenUnsatisfiable indicates how to deal with a pod if it doesn\'t satisfy the spread constraint: DoNotSchedule or ScheduleAnyway.'),
      labelSelector: Opt(LabelSelector),
      minDomains: Opt(Int32()),
      nodeAffinityPolicy: Opt(Str()),
      nodeTaintsPolicy: Opt(Str()),
      matchLabelKeys: Opt(atomicList(Type.String())),
    },
    { description: 'TopologySpreadConstraint specifies how to spread matching pods among the given topology.' },
  ),
);
export type TopologySpreadConstraint = Static<typeof TopologySpreadConstraint>;

export const PodSpec = define(
  `${CORE}.PodSpec`,
  Type.Object(
    {
      volumes: Opt(Type.Array(Volume, { description: 'List of volumes that can be mounted by containers belonging to the pod.', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge,retainKeys' })),
      initContainers: Opt(mergeList(Container, 'name', 'List of initialization containers belonging to the pod. Init containers are executed in order prior to containers being started.')),
      containers: mergeList(Container, 'name', 'List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated.'),
      ephemeralContainers: Opt(mergeList(RawJSON, 'name')),
      restartPolicy: Opt(Enum(['Always', 'OnFailure', 'Never'], 'Restart policy for all containers within the pod. One of Always, OnFailure, Never. Default to Always.', { default: 'Always' })),
      terminationGracePeriodSeconds: Opt(Int64('Optional duration in seconds the pod needs to terminate gracefully. Defaults to 30 seconds.', { default: 30 })),
      activeDeadlineSeconds: Opt(Int64('Optional duration in seconds the pod may be active on the node relative to StartTime before the system will actively try to mark it failed and kill associated containers.')),
      dnsPolicy: Opt(Enum(['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'], "Set DNS policy for the pod. Defaults to \"ClusterFirst\".", { default: 'ClusterFirst' })),
      nodeSelector: Opt(StringMap("NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node.")),
      serviceAccountName: Opt(Str('ServiceAccountName is the name of the ServiceAccount to use to run this pod.')),
      serviceAccount: Opt(Str('DeprecatedServiceAccount is a deprecated alias for ServiceAccountName.')),
      automountServiceAccountToken: Opt(Bool()),
      nodeName: Opt(Str('NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.')),
      hostNetwork: Opt(Bool("Host networking requested for this pod. Use the host's network namespace.")),
      hostPID: Opt(Bool()),
      hostIPC: Opt(Bool()),
      shareProcessNamespace: Opt(Bool()),
      securityContext: Opt(Type.Object({ runAsUser: Opt(Int64()), runAsGroup: Opt(Int64()), runAsNonRoot: Opt(Bool()), fsGroup: Opt(Int64()), supplementalGroups: Opt(Type.Array(Int64())), sysctls: Opt(Type.Array(RawJSON)), seccompProfile: Opt(RawJSON) }, { description: 'SecurityContext holds pod-level security attributes and common container settings.', default: {} })),
      imagePullSecrets: Opt(mergeList(LocalObjectReference, 'name')),
      hostname: Opt(Str()),
      subdomain: Opt(Str()),
      affinity: Opt(doc(Affinity, "If specified, the pod's scheduling constraints")),
      schedulerName: Opt(Str('If specified, the pod will be dispatched by specified scheduler. If not specified, the pod will be dispatched by default scheduler.', { default: 'default-scheduler' })),
      tolerations: Opt(atomicList(Toleration, "If specified, the pod's tolerations.")),
      hostAliases: Opt(mergeList(Type.Object({ ip: Str(), hostnames: Opt(StringList()) }), 'ip')),
      priorityClassName: Opt(Str('If specified, indicates the pod\'s priority. "system-node-critical" and "system-cluster-critical" are two special keywords which indicate the highest priorities with the former being the highest priority.')),
      priority: Opt(Int32('The priority value. Various system components use this field to find the priority of the pod. The higher the value, the higher the priority.')),
      preemptionPolicy: Opt(Enum(['PreemptLowerPriority', 'Never'], 'PreemptionPolicy is the Policy for preempting pods with lower priority.')),
      dnsConfig: Opt(RawJSON),
      readinessGates: Opt(atomicList(Type.Object({ conditionType: Str() }), 'If specified, all readiness gates will be evaluated for pod readiness.')),
      runtimeClassName: Opt(Str()),
      enableServiceLinks: Opt(Bool("EnableServiceLinks indicates whether information about services should be injected into pod's environment variables. Defaults to true.", { default: true })),
      overhead: Opt(RawJSON),
      topologySpreadConstraints: Opt(mergeList(TopologySpreadConstraint, 'topologyKey', 'TopologySpreadConstraints describes how a group of pods ought to spread across topology domains.', ['topologyKey', 'whenUnsatisfiable'])),
      setHostnameAsFQDN: Opt(Bool()),
      os: Opt(Type.Object({ name: Str() })),
      schedulingGates: Opt(mergeList(Type.Object({ name: Str() }), 'name')),
      resourceClaims: Opt(mergeList(RawJSON, 'name')),
    },
    { description: 'PodSpec is a description of a pod.' },
  ),
);
export type PodSpec = Static<typeof PodSpec>;

export const PodTemplateSpec = define(
  `${CORE}.PodTemplateSpec`,
  Type.Object(
    {
      metadata: Opt(metadataField),
      spec: Opt(doc(PodSpec, 'Specification of the desired behavior of the pod.')),
    },
    { description: 'PodTemplateSpec describes the data a pod should have when created from a template' },
  ),
);
export type PodTemplateSpec = Static<typeof PodTemplateSpec>;

const ContainerStateTerminated = define(
  `${CORE}.ContainerStateTerminated`,
  Type.Object({
    exitCode: Int32('Exit status from the last termination of the container'),
    signal: Opt(Int32()),
    reason: Opt(Str('(brief) reason from the last termination of the container')),
    message: Opt(Str()),
    startedAt: Opt(Time),
    finishedAt: Opt(Time),
    containerID: Opt(Str()),
  }),
);

export const ContainerState = define(
  `${CORE}.ContainerState`,
  Type.Object(
    {
      waiting: Opt(define(`${CORE}.ContainerStateWaiting`, Type.Object({ reason: Opt(Str('(brief) reason the container is not yet running.')), message: Opt(Str()) }))),
      running: Opt(define(`${CORE}.ContainerStateRunning`, Type.Object({ startedAt: Opt(Time) }))),
      terminated: Opt(ContainerStateTerminated),
    },
    { description: 'ContainerState holds a possible state of container. Only one of its members may be specified.' },
  ),
);

export const ContainerStatus = define(
  `${CORE}.ContainerStatus`,
  Type.Object(
    {
      name: Str('Name is a DNS_LABEL representing the unique name of the container.'),
      state: Opt(doc(ContainerState, "State holds details about the container's current condition.")),
      lastState: Opt(doc(ContainerState, "LastTerminationState holds the last termination state of the container.")),
      ready: Bool('Ready specifies whether the container is currently passing its readiness check.'),
      restartCount: Int32('RestartCount holds the number of times the container has been restarted.'),
      image: Str('Image is the name of container image that the container is running.'),
      imageID: Str("ImageID is the image ID of the container's image."),
      containerID: Opt(Str("ContainerID is the ID of the container in the format '<type>://<container_id>'.")),
      started: Opt(Bool('Started indicates whether the container has finished its postStart lifecycle hook and passed its startup probe.')),
      allocatedResources: Opt(RawJSON),
      resources: Opt(RawJSON),
    },
    { description: 'ContainerStatus contains details for the current status of this container.' },
  ),
);
export type ContainerStatus = Static<typeof ContainerStatus>;

export const PodCondition = define(
  `${CORE}.PodCondition`,
  Type.Object({
    type: Str('Type is the type of the condition.'),
    status: Str('Status is the status of the condition. Can be True, False, Unknown.'),
    lastProbeTime: Opt(Time),
    lastTransitionTime: Opt(Time),
    reason: Opt(Str()),
    message: Opt(Str()),
  }),
);

export const PodStatus = define(
  `${CORE}.PodStatus`,
  Type.Object(
    {
      phase: Opt(Str('The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle: Pending, Running, Succeeded, Failed, Unknown.')),
      conditions: Opt(mergeList(PodCondition, 'type', 'Current service state of pod.')),
      message: Opt(Str('A human readable message indicating details about why the pod is in this condition.')),
      reason: Opt(Str("A brief CamelCase message indicating details about why the pod is in this state. e.g. 'Evicted'")),
      nominatedNodeName: Opt(Str('nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.')),
      hostIP: Opt(Str('hostIP holds the IP address of the host to which the pod is assigned.')),
      hostIPs: Opt(mergeList(Type.Object({ ip: Str() }), 'ip')),
      podIP: Opt(Str('podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.')),
      podIPs: Opt(mergeList(Type.Object({ ip: Str() }), 'ip', 'podIPs holds the IP addresses allocated to the pod.')),
      startTime: Opt(doc(Time, 'RFC 3339 date and time at which the object was acknowledged by the Kubelet.')),
      initContainerStatuses: Opt(atomicList(ContainerStatus)),
      containerStatuses: Opt(atomicList(ContainerStatus, 'The list has one entry per container in the manifest.')),
      ephemeralContainerStatuses: Opt(atomicList(RawJSON)),
      qosClass: Opt(Str('The Quality of Service (QOS) classification assigned to the pod based on resource requirements: Guaranteed, Burstable or BestEffort.')),
      resize: Opt(Str()),
    },
    { description: 'PodStatus represents information about the status of a pod.' },
  ),
);
export type PodStatus = Static<typeof PodStatus>;

export const Pod = define(
  `${CORE}.Pod`,
  Type.Object(
    {
      ...typeMetaFields,
      metadata: metadataField,
      spec: Opt(doc(PodSpec, 'Specification of the desired behavior of the pod.')),
      status: Opt(doc(PodStatus, 'Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only.')),
    },
    { description: 'Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.' },
  ),
);
export type Pod = Static<typeof Pod>;

export const Binding = define(
  `${CORE}.Binding`,
  Type.Object(
    {
      ...typeMetaFields,
      metadata: metadataField,
      target: doc(ObjectReference, 'The target object that you want to bind to the standard object.'),
    },
    { description: 'Binding ties one object to another; for example, a pod is bound to a node by a scheduler.' },
  ),
);

export { ObjectMeta };
