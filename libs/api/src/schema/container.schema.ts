// core/v1 Container and what it is made of: env, ports, resources, probes, lifecycle.
import { Type, type Static } from '@sinclair/typebox';
import { Bool, define, doc, Enum, Int32, Int64, IntOrString, mergeList, Opt, RawJSON, ResourceList, Str, StringList } from './helpers.js';
import { LocalObjectReference } from './meta.schema.js';

const CORE = 'io.k8s.api.core.v1';

export const ObjectFieldSelector = define(
  `${CORE}.ObjectFieldSelector`,
  Type.Object(
    {
      apiVersion: Opt(Str('Version of the schema the FieldPath is written in terms of, defaults to "v1".', { default: 'v1' })),
      fieldPath: Str('Path of the field to select in the specified API version.'),
    },
    { description: 'ObjectFieldSelector selects an APIVersioned field of an object.', 'x-kubernetes-map-type': 'atomic' },
  ),
);

export const ResourceFieldSelector = define(
  `${CORE}.ResourceFieldSelector`,
  Type.Object({ containerName: Opt(Str()), resource: Str('Required: resource to select'), divisor: Opt(RawJSON) }),
);

const KeySelector = (id: string, what: string) =>
  define(
    `${CORE}.${id}`,
    Type.Object(
      {
        name: Opt(Str(`Name of the ${what}.`)),
        key: Str(`The key of the ${what} to select from.`),
        optional: Opt(Bool(`Specify whether the ${what} or its key must be defined`)),
      },
      { 'x-kubernetes-map-type': 'atomic' },
    ),
  );

export const EnvVarSource = define(
  `${CORE}.EnvVarSource`,
  Type.Object(
    {
      fieldRef: Opt(ObjectFieldSelector),
      resourceFieldRef: Opt(ResourceFieldSelector),
      configMapKeyRef: Opt(KeySelector('ConfigMapKeySelector', 'ConfigMap')),
      secretKeyRef: Opt(KeySelector('SecretKeySelector', 'secret')),
    },
    { description: "EnvVarSource represents a source for the value of an EnvVar." },
  ),
);

export const EnvVar = define(
  `${CORE}.EnvVar`,
  Type.Object(
    {
      name: Str('Name of the environment variable.'),
      value: Opt(Str('Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container.')),
      valueFrom: Opt(doc(EnvVarSource, "Source for the environment variable's value. Cannot be used if value is not empty.")),
    },
    { description: 'EnvVar represents an environment variable present in a Container.' },
  ),
);
export type EnvVar = Static<typeof EnvVar>;

export const EnvFromSource = define(
  `${CORE}.EnvFromSource`,
  Type.Object(
    {
      prefix: Opt(Str('An optional identifier to prepend to each key in the ConfigMap.')),
      configMapRef: Opt(Type.Object({ name: Opt(Str()), optional: Opt(Bool()) })),
      secretRef: Opt(Type.Object({ name: Opt(Str()), optional: Opt(Bool()) })),
    },
    { description: 'EnvFromSource represents the source of a set of ConfigMaps or Secrets' },
  ),
);

export const ContainerPort = define(
  `${CORE}.ContainerPort`,
  Type.Object(
    {
      name: Opt(Str('If specified, this must be an IANA_SVC_NAME and unique within the pod.')),
      containerPort: Int32("Number of port to expose on the pod's IP address. This must be a valid port number, 0 < x < 65536."),
      hostPort: Opt(Int32('Number of port to expose on the host.')),
      hostIP: Opt(Str('What host IP to bind the external port to.')),
      protocol: Opt(Enum(['SCTP', 'TCP', 'UDP'], 'Protocol for port. Must be UDP, TCP, or SCTP. Defaults to "TCP".', { default: 'TCP' })),
    },
    { description: 'ContainerPort represents a network port in a single container.' },
  ),
);
export type ContainerPort = Static<typeof ContainerPort>;

export const ResourceRequirements = define(
  `${CORE}.ResourceRequirements`,
  Type.Object(
    {
      limits: Opt(doc(ResourceList, 'Limits describes the maximum amount of compute resources allowed.')),
      requests: Opt(doc(ResourceList, 'Requests describes the minimum amount of compute resources required. If Requests is omitted for a container, it defaults to Limits if that is explicitly specified.')),
      claims: Opt(mergeList(Type.Object({ name: Str(), request: Opt(Str()) }), 'name')),
    },
    { description: 'ResourceRequirements describes the compute resource requirements.' },
  ),
);
export type ResourceRequirements = Static<typeof ResourceRequirements>;

export const VolumeMount = define(
  `${CORE}.VolumeMount`,
  Type.Object(
    {
      name: Str('This must match the Name of a Volume.'),
      mountPath: Str("Path within the container at which the volume should be mounted.  Must not contain ':'."),
      subPath: Opt(Str("Path within the volume from which the container's volume should be mounted.")),
      readOnly: Opt(Bool('Mounted read-only if true, read-write otherwise (false or unspecified).')),
      mountPropagation: Opt(Str()),
      subPathExpr: Opt(Str()),
      recursiveReadOnly: Opt(Str()),
    },
    { description: 'VolumeMount describes a mounting of a Volume within a container.' },
  ),
);
export type VolumeMount = Static<typeof VolumeMount>;

export const ExecAction = define(
  `${CORE}.ExecAction`,
  Type.Object({ command: Opt(StringList('Command is the command line to execute inside the container.')) }, { description: 'ExecAction describes a "run in container" action.' }),
);

export const HTTPGetAction = define(
  `${CORE}.HTTPGetAction`,
  Type.Object(
    {
      path: Opt(Str('Path to access on the HTTP server.', { default: '/' })),
      port: doc(IntOrString, 'Name or number of the port to access on the container.'),
      host: Opt(Str('Host name to connect to, defaults to the pod IP.')),
      scheme: Opt(Enum(['HTTP', 'HTTPS'], 'Scheme to use for connecting to the host. Defaults to HTTP.', { default: 'HTTP' })),
      httpHeaders: Opt(Type.Array(Type.Object({ name: Str(), value: Str() }), { description: 'Custom headers to set in the request.' })),
    },
    { description: 'HTTPGetAction describes an action based on HTTP Get requests.' },
  ),
);

export const TCPSocketAction = define(
  `${CORE}.TCPSocketAction`,
  Type.Object(
    { port: doc(IntOrString, 'Number or name of the port to access on the container.'), host: Opt(Str()) },
    { description: 'TCPSocketAction describes an action based on opening a socket' },
  ),
);

export const GRPCAction = define(`${CORE}.GRPCAction`, Type.Object({ port: Int32(), service: Opt(Str()) }));

export const Probe = define(
  `${CORE}.Probe`,
  Type.Object(
    {
      exec: Opt(ExecAction),
      httpGet: Opt(HTTPGetAction),
      tcpSocket: Opt(TCPSocketAction),
      grpc: Opt(GRPCAction),
      initialDelaySeconds: Opt(Int32('Number of seconds after the container has started before liveness probes are initiated.')),
      timeoutSeconds: Opt(Int32('Number of seconds after which the probe times out. Defaults to 1 second. Minimum value is 1.', { default: 1 })),
      periodSeconds: Opt(Int32('How often (in seconds) to perform the probe. Default to 10 seconds. Minimum value is 1.', { default: 10 })),
      successThreshold: Opt(Int32('Minimum consecutive successes for the probe to be considered successful after having failed. Defaults to 1. Must be 1 for liveness and startup.', { default: 1 })),
      failureThreshold: Opt(Int32('Minimum consecutive failures for the probe to be considered failed after having succeeded. Defaults to 3. Minimum value is 1.', { default: 3 })),
      terminationGracePeriodSeconds: Opt(Int64()),
    },
    { description: 'Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic.' },
  ),
);
export type Probe = Static<typeof Probe>;

export const LifecycleHandler = define(
  `${CORE}.LifecycleHandler`,
  Type.Object(
    { exec: Opt(ExecAction), httpGet: Opt(HTTPGetAction), tcpSocket: Opt(TCPSocketAction), sleep: Opt(Type.Object({ seconds: Int64() })) },
    { description: 'LifecycleHandler defines a specific action that should be taken in a lifecycle hook.' },
  ),
);
export type LifecycleHandler = Static<typeof LifecycleHandler>;

export const Lifecycle = define(
  `${CORE}.Lifecycle`,
  Type.Object(
    {
      postStart: Opt(doc(LifecycleHandler, 'PostStart is called immediately after a container is created.')),
      preStop: Opt(doc(LifecycleHandler, 'PreStop is called immediately before a container is terminated due to an API request or management event.')),
    },
    { description: 'Lifecycle describes actions that the management system should take in response to container lifecycle events.' },
  ),
);

export const SecurityContext = define(
  `${CORE}.SecurityContext`,
  Type.Object(
    {
      privileged: Opt(Bool()),
      runAsUser: Opt(Int64()),
      runAsGroup: Opt(Int64()),
      runAsNonRoot: Opt(Bool()),
      readOnlyRootFilesystem: Opt(Bool()),
      allowPrivilegeEscalation: Opt(Bool()),
      capabilities: Opt(Type.Object({ add: Opt(StringList()), drop: Opt(StringList()) })),
      seccompProfile: Opt(RawJSON),
      seLinuxOptions: Opt(RawJSON),
      procMount: Opt(Str()),
    },
    { description: 'SecurityContext holds security configuration that will be applied to a container.' },
  ),
);

export const Container = define(
  `${CORE}.Container`,
  Type.Object(
    {
      name: Str('Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated.'),
      image: Opt(Str('Container image name.')),
      command: Opt(StringList("Entrypoint array. Not executed within a shell. The container image's ENTRYPOINT is used if this is not provided.")),
      args: Opt(StringList("Arguments to the entrypoint. The container image's CMD is used if this is not provided.")),
      workingDir: Opt(Str("Container's working directory.")),
      ports: Opt(mergeList(ContainerPort, 'containerPort', 'List of ports to expose from the container.', ['containerPort', 'protocol'])),
      envFrom: Opt(Type.Array(EnvFromSource, { description: 'List of sources to populate environment variables in the container.' })),
      env: Opt(mergeList(EnvVar, 'name', 'List of environment variables to set in the container. Cannot be updated.')),
      resources: Opt(doc(ResourceRequirements, 'Compute Resources required by this container.')),
      resizePolicy: Opt(Type.Array(Type.Object({ resourceName: Str(), restartPolicy: Str() }))),
      restartPolicy: Opt(Str('RestartPolicy defines the restart behavior of individual containers in a pod. Only "Always" is allowed, for init containers (sidecars).')),
      volumeMounts: Opt(mergeList(VolumeMount, 'mountPath', "Pod volumes to mount into the container's filesystem.")),
      volumeDevices: Opt(mergeList(Type.Object({ name: Str(), devicePath: Str() }), 'devicePath')),
      livenessProbe: Opt(doc(Probe, 'Periodic probe of container liveness. Container will be restarted if the probe fails.')),
      readinessProbe: Opt(doc(Probe, 'Periodic probe of container service readiness. Container will be removed from service endpoints if the probe fails.')),
      startupProbe: Opt(doc(Probe, 'StartupProbe indicates that the Pod has successfully initialized. If specified, no other probes are executed until this completes successfully.')),
      lifecycle: Opt(doc(Lifecycle, 'Actions that the management system should take in response to container lifecycle events.')),
      terminationMessagePath: Opt(Str("Path at which the file to which the container's termination message will be written is mounted. Defaults to /dev/termination-log.", { default: '/dev/termination-log' })),
      terminationMessagePolicy: Opt(Enum(['File', 'FallbackToLogsOnError'], 'Indicate how the termination message should be populated.', { default: 'File' })),
      imagePullPolicy: Opt(Enum(['Always', 'Never', 'IfNotPresent'], 'Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if :latest tag is specified, or IfNotPresent otherwise.')),
      securityContext: Opt(doc(SecurityContext, 'SecurityContext defines the security options the container should be run with.')),
      stdin: Opt(Bool('Whether this container should allocate a buffer for stdin in the container runtime.')),
      stdinOnce: Opt(Bool()),
      tty: Opt(Bool('Whether this container should allocate a TTY for itself, also requires \'stdin\' to be true.')),
    },
    { description: 'A single application container that you want to run within a pod.' },
  ),
);
export type Container = Static<typeof Container>;

export { LocalObjectReference };
