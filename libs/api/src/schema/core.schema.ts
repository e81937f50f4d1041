// core/v1 kinds other than Pod.
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { atomicList, Bool, define, doc, Enum, Int32, IntOrString, mergeList, MicroTime, Opt, RawJSON, ResourceList, setList, Str, StringList, StringMap, Time } from './helpers.js';
import { LocalObjectReference, metadataField, ObjectReference, typeMetaFields } from './meta.schema.js';

const CORE = 'io.k8s.api.core.v1';

const kind = <P extends TProperties>(name: string, description: string, fields: P) =>
  define(`${CORE}.${name}`, Type.Object({ ...typeMetaFields, metadata: metadataField, ...fields }, { description }));

export const Namespace = kind('Namespace', 'Namespace provides a scope for Names. Use of multiple namespaces is optional.', {
  spec: Opt(define(`${CORE}.NamespaceSpec`, Type.Object({ finalizers: Opt(atomicList(Type.String(), 'Finalizers is an opaque list of values that must be empty to permanently remove object from storage.')) }, { description: 'NamespaceSpec describes the attributes on a Namespace.' }))),
  status: Opt(define(`${CORE}.NamespaceStatus`, Type.Object({ phase: Opt(Str('Phase is the current lifecycle phase of the namespace: Active or Terminating.')), conditions: Opt(mergeList(RawJSON, 'type')) }, { description: 'NamespaceStatus is information about the current status of a Namespace.' }))),
});
export type Namespace = Static<typeof Namespace>;

export const Taint = define(
  `${CORE}.Taint`,
  Type.Object(
    {
      key: Str('Required. The taint key to be applied to a node.'),
      value: Opt(Str('The taint value corresponding to the taint key.')),
      effect: Str('Required. The effect of the taint on pods that do not tolerate the taint. Valid effects are NoSchedule, PreferNoSchedule and NoExecute.'),
      timeAdded: Opt(doc(Time, 'TimeAdded represents the time at which the taint was added. It is only written for NoExecute taints.')),
    },
    { description: 'The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint.' },
  ),
);
export type Taint = Static<typeof Taint>;

export const NodeCondition = define(
  `${CORE}.NodeCondition`,
  Type.Object({
    type: Str('Type of node condition.'),
    status: Str('Status of the condition, one of True, False, Unknown.'),
    lastHeartbeatTime: Opt(Time),
    lastTransitionTime: Opt(Time),
    reason: Opt(Str()),
    message: Opt(Str()),
  }),
);

export const NodeAddress = define(`${CORE}.NodeAddress`, Type.Object({ type: Str('Node address type, one of Hostname, ExternalIP or InternalIP.'), address: Str('The node address.') }));

export const NodeSystemInfo = define(
  `${CORE}.NodeSystemInfo`,
  Type.Object({
    machineID: Opt(Str()),
    systemUUID: Opt(Str()),
    bootID: Opt(Str()),
    kernelVersion: Opt(Str('Kernel Version reported by the node from \'uname -r\'.')),
    osImage: Opt(Str('OS Image reported by the node from /etc/os-release.')),
    containerRuntimeVersion: Opt(Str('ContainerRuntime Version reported by the node through runtime remote API.')),
    kubeletVersion: Opt(Str('Kubelet Version reported by the node.')),
    kubeProxyVersion: Opt(Str()),
    operatingSystem: Opt(Str()),
    architecture: Opt(Str()),
  }),
);

export const Node = kind('Node', 'Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).', {
  spec: Opt(
    define(
      `${CORE}.NodeSpec`,
      Type.Object(
        {
          podCIDR: Opt(Str('PodCIDR represents the pod IP range assigned to the node.')),
          podCIDRs: Opt(setList(Type.String(), 'podCIDRs represents the IP ranges assigned to the node for usage by Pods on that node.')),
          providerID: Opt(Str('ID of the node assigned by the cloud provider.')),
          unschedulable: Opt(Bool('Unschedulable controls node schedulability of new pods. By default, node is schedulable.')),
          taints: Opt(atomicList(Taint, "If specified, the node's taints.")),
          configSource: Opt(RawJSON),
          externalID: Opt(Str()),
        },
        { description: 'NodeSpec describes the attributes that a node is created with.' },
      ),
    ),
  ),
  status: Opt(
    define(
      `${CORE}.NodeStatus`,
      Type.Object(
        {
          capacity: Opt(doc(ResourceList, 'Capacity represents the total resources of a node.')),
          allocatable: Opt(doc(ResourceList, 'Allocatable represents the resources of a node that are available for scheduling. Defaults to Capacity.')),
          phase: Opt(Str()),
          conditions: Opt(mergeList(NodeCondition, 'type', 'Conditions is an array of current observed node conditions.')),
          addresses: Opt(mergeList(NodeAddress, 'type', 'List of addresses reachable to the node.')),
          daemonEndpoints: Opt(Type.Object({ kubeletEndpoint: Opt(Type.Object({ Port: Int32() })) }, { description: 'Endpoints of daemons running on the Node.' })),
          nodeInfo: Opt(doc(NodeSystemInfo, 'Set of ids/uuids to uniquely identify the node.')),
          images: Opt(atomicList(Type.Object({ names: Opt(StringList()), sizeBytes: Opt(Type.Integer()) }), 'List of container images on this node')),
          volumesInUse: Opt(StringList()),
          volumesAttached: Opt(Type.Array(RawJSON)),
          config: Opt(RawJSON),
          runtimeHandlers: Opt(Type.Array(RawJSON)),
          features: Opt(RawJSON),
        },
        { description: 'NodeStatus is information about the current status of a node.' },
      ),
    ),
  ),
});
export type Node = Static<typeof Node>;

export const ServicePort = define(
  `${CORE}.ServicePort`,
  Type.Object(
    {
      name: Opt(Str('The name of this port within the service. This must be a DNS_LABEL. All ports within a ServiceSpec must have unique names.')),
      protocol: Opt(Enum(['SCTP', 'TCP', 'UDP'], 'The IP protocol for this port. Supports "TCP", "UDP", and "SCTP". Default is TCP.', { default: 'TCP' })),
      appProtocol: Opt(Str()),
      port: Int32('The port that will be exposed by this service.'),
      targetPort: Opt(doc(IntOrString, 'Number or name of the port to access on the pods targeted by the service. If this is not specified, the value of the \'port\' field is used.')),
      nodePort: Opt(Int32('The port on each node on which this service is exposed when type is NodePort or LoadBalancer.')),
    },
    { description: "ServicePort contains information on service's port." },
  ),
);
export type ServicePort = Static<typeof ServicePort>;

export const ServiceSpec = define(
  `${CORE}.ServiceSpec`,
  Type.Object(
    {
      ports: Opt(mergeList(ServicePort, 'port', 'The list of ports that are exposed by this service.', ['port', 'protocol'])),
      selector: Opt(StringMap('Route service traffic to pods with label keys and values matching this selector.')),
      clusterIP: Opt(Str('clusterIP is the IP address of the service and is usually assigned randomly. Cannot be changed once set. "None" makes a headless service.')),
      clusterIPs: Opt(atomicList(Type.String(), 'ClusterIPs is a list of IP addresses assigned to this service.')),
      type: Opt(Enum(['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'], 'type determines how the Service is exposed. Defaults to ClusterIP.', { default: 'ClusterIP' })),
      externalIPs: Opt(atomicList(Type.String())),
      sessionAffinity: Opt(Enum(['ClientIP', 'None'], 'Supports "ClientIP" and "None". Used to maintain session affinity. Defaults to None.', { default: 'None' })),
      loadBalancerIP: Opt(Str()),
      loadBalancerSourceRanges: Opt(atomicList(Type.String())),
      externalName: Opt(Str('externalName is the external reference that discovery mechanisms will return as an alias for this service (e.g. a DNS CNAME record).')),
      externalTrafficPolicy: Opt(Enum(['Cluster', 'Local'], "externalTrafficPolicy describes how nodes distribute service traffic they receive on one of the Service's \"externally-facing\" addresses.")),
      healthCheckNodePort: Opt(Int32()),
      publishNotReadyAddresses: Opt(Bool()),
      sessionAffinityConfig: Opt(Type.Object({ clientIP: Opt(Type.Object({ timeoutSeconds: Opt(Int32()) })) }, { description: 'sessionAffinityConfig contains the configurations of session affinity.' })),
      ipFamilies: Opt(atomicList(Type.String())),
      ipFamilyPolicy: Opt(Str()),
      allocateLoadBalancerNodePorts: Opt(Bool()),
      loadBalancerClass: Opt(Str()),
      internalTrafficPolicy: Opt(Enum(['Cluster', 'Local'])),
      trafficDistribution: Opt(Str()),
    },
    { description: 'ServiceSpec describes the attributes that a user creates on a service.' },
  ),
);
export type ServiceSpec = Static<typeof ServiceSpec>;

export const LoadBalancerStatus = define(
  `${CORE}.LoadBalancerStatus`,
  Type.Object({ ingress: Opt(atomicList(Type.Object({ ip: Opt(Str()), hostname: Opt(Str()), ipMode: Opt(Str()), ports: Opt(Type.Array(RawJSON)) }))) }),
);

export const Service = kind('Service', 'Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.', {
  spec: Opt(doc(ServiceSpec, 'Spec defines the behavior of a service.')),
  status: Opt(define(`${CORE}.ServiceStatus`, Type.Object({ loadBalancer: Opt(LoadBalancerStatus), conditions: Opt(Type.Array(RawJSON)) }, { description: 'ServiceStatus represents the current status of a service.' }))),
});
export type Service = Static<typeof Service>;

export const EndpointAddress = define(
  `${CORE}.EndpointAddress`,
  Type.Object({ ip: Str('The IP of this endpoint.'), hostname: Opt(Str()), nodeName: Opt(Str()), targetRef: Opt(ObjectReference) }, { 'x-kubernetes-map-type': 'atomic' }),
);
export const EndpointPort = define(
  `${CORE}.EndpointPort`,
  Type.Object({ name: Opt(Str()), port: Int32('The port number of the endpoint.'), protocol: Opt(Str('', { default: 'TCP' })), appProtocol: Opt(Str()) }, { 'x-kubernetes-map-type': 'atomic' }),
);
export const EndpointSubset = define(
  `${CORE}.EndpointSubset`,
  Type.Object({
    addresses: Opt(atomicList(EndpointAddress, 'IP addresses which offer the related ports that are marked as ready.')),
    notReadyAddresses: Opt(atomicList(EndpointAddress, 'IP addresses which offer the related ports but are not currently marked as ready.')),
    ports: Opt(atomicList(EndpointPort, 'Port numbers available on the related IP addresses.')),
  }),
);
export const Endpoints = kind('Endpoints', 'Endpoints is a collection of endpoints that implement the actual service.', {
  subsets: Opt(atomicList(EndpointSubset, 'The set of all endpoints is the union of all subsets.')),
});
export type Endpoints = Static<typeof Endpoints>;

export const ConfigMap = kind('ConfigMap', 'ConfigMap holds configuration data for pods to consume.', {
  data: Opt(StringMap('Data contains the configuration data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'.')),
  binaryData: Opt(Type.Record(Type.String(), Type.String({ format: 'byte' }), { description: 'BinaryData contains the binary data.' })),
  immutable: Opt(Bool('Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified).')),
});
export type ConfigMap = Static<typeof ConfigMap>;

export const Secret = kind('Secret', 'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.', {
  data: Opt(Type.Record(Type.String(), Type.String({ format: 'byte' }), { description: 'Data contains the secret data. The serialized form of the secret data is a base64 encoded string.' })),
  stringData: Opt(StringMap('stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience. All keys and values are merged into the data field on write, overwriting any existing values.')),
  type: Opt(Str('Used to facilitate programmatic handling of secret data.', { default: 'Opaque' })),
  immutable: Opt(Bool()),
});
export type Secret = Static<typeof Secret>;

export const ServiceAccount = kind('ServiceAccount', 'ServiceAccount binds together: a name, understood by users, and perhaps by peripheral systems, for an identity, a principal that can be authenticated and authorized, and a set of secrets.', {
  secrets: Opt(mergeList(ObjectReference, 'name', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.')),
  imagePullSecrets: Opt(atomicList(LocalObjectReference)),
  automountServiceAccountToken: Opt(Bool()),
});
export type ServiceAccount = Static<typeof ServiceAccount>;

export const Event = kind('Event', 'Event is a report of an event somewhere in the cluster.', {
  involvedObject: doc(ObjectReference, 'The object that this event is about.'),
  reason: Opt(Str('This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.')),
  message: Opt(Str('A human-readable description of the status of this operation.')),
  source: Opt(define(`${CORE}.EventSource`, Type.Object({ component: Opt(Str('Component from which the event is generated.')), host: Opt(Str('Node name on which the event is generated.')) }))),
  firstTimestamp: Opt(doc(Time, 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)')),
  lastTimestamp: Opt(doc(Time, 'The time at which the most recent occurrence of this event was recorded.')),
  count: Opt(Int32('The number of times this event has occurred.')),
  type: Opt(Str('Type of this event (Normal, Warning), new types could be added in the future')),
  eventTime: Opt(MicroTime),
  series: Opt(Type.Object({ count: Opt(Int32()), lastObservedTime: Opt(MicroTime) })),
  action: Opt(Str()),
  related: Opt(ObjectReference),
  reportingComponent: Opt(Str()),
  reportingInstance: Opt(Str()),
});
export type Event = Static<typeof Event>;

export const LimitRangeItem = define(
  `${CORE}.LimitRangeItem`,
  Type.Object({
    type: Str('Type of resource that this limit applies to: Pod, Container or PersistentVolumeClaim.'),
    max: Opt(ResourceList),
    min: Opt(ResourceList),
    default: Opt(ResourceList),
    defaultRequest: Opt(ResourceList),
    maxLimitRequestRatio: Opt(ResourceList),
  }),
);
export type LimitRangeItem = Static<typeof LimitRangeItem>;

export const LimitRange = kind('LimitRange', 'LimitRange sets resource usage limits for each kind of resource in a Namespace.', {
  spec: Opt(define(`${CORE}.LimitRangeSpec`, Type.Object({ limits: atomicList(LimitRangeItem, 'Limits is the list of LimitRangeItem objects that are enforced.') }))),
});
export type LimitRange = Static<typeof LimitRange>;

export const ResourceQuota = kind('ResourceQuota', 'ResourceQuota sets aggregate quota restrictions enforced per namespace', {
  spec: Opt(define(`${CORE}.ResourceQuotaSpec`, Type.Object({ hard: Opt(doc(ResourceList, 'hard is the set of desired hard limits for each named resource.')), scopes: Opt(atomicList(Type.String())), scopeSelector: Opt(RawJSON) }))),
  status: Opt(define(`${CORE}.ResourceQuotaStatus`, Type.Object({ hard: Opt(ResourceList), used: Opt(ResourceList) }))),
});
export type ResourceQuota = Static<typeof ResourceQuota>;
