// apps/v1 kinds and autoscaling/v1 Scale (the scale subresource's body).
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { define, doc, Enum, Int32, Int64, IntOrString, mergeList, Opt, RawJSON, Str, StringMap, Time } from './helpers.js';
import { LabelSelector, metadataField, typeMetaFields } from './meta.schema.js';
import { PodTemplateSpec } from './pod.schema.js';

const APPS = 'io.k8s.api.apps.v1';

const kind = <P extends TProperties>(group: string, name: string, description: string, fields: P) =>
  define(`${group}.${name}`, Type.Object({ ...typeMetaFields, metadata: metadataField, ...fields }, { description }));

const AppsCondition = (name: string) =>
  define(
    `${APPS}.${name}`,
    Type.Object({
      type: Str('Type of condition.'),
      status: Str('Status of the condition, one of True, False, Unknown.'),
      lastUpdateTime: Opt(Time),
      lastTransitionTime: Opt(Time),
      reason: Opt(Str()),
      message: Opt(Str()),
    }),
  );

const selectorField = doc(LabelSelector, "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.");
const templateField = doc(PodTemplateSpec, 'Template describes the pods that will be created.');

export const DeploymentStrategy = define(
  `${APPS}.DeploymentStrategy`,
  Type.Object(
    {
      type: Opt(Enum(['Recreate', 'RollingUpdate'], 'Type of deployment. Can be "Recreate" or "RollingUpdate". Default is RollingUpdate.', { default: 'RollingUpdate' })),
      rollingUpdate: Opt(
        define(
          `${APPS}.RollingUpdateDeployment`,
          Type.Object({
            maxUnavailable: Opt(doc(IntOrString, 'The maximum number of pods that can be unavailable during the update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%). Defaults to 25%.')),
            maxSurge: Opt(doc(IntOrString, 'The maximum number of pods that can be scheduled above the desired number of pods. Defaults to 25%.')),
          }),
        ),
      ),
    },
    { description: 'DeploymentStrategy describes how to replace existing pods with new ones.', default: {} },
  ),
);

export const Deployment = kind(APPS, 'Deployment', 'Deployment enables declarative updates for Pods and ReplicaSets.', {
  spec: Opt(
    define(
      `${APPS}.DeploymentSpec`,
      Type.Object({
        replicas: Opt(Int32('Number of desired pods. Defaults to 1.', { default: 1 })),
        selector: selectorField,
        template: templateField,
        strategy: Opt(doc(DeploymentStrategy, 'The deployment strategy to use to replace existing pods with new ones.', { 'x-kubernetes-patch-strategy': 'retainKeys', default: {} })),
        minReadySeconds: Opt(Int32('Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0.')),
        revisionHistoryLimit: Opt(Int32('The number of old ReplicaSets to retain to allow rollback. Defaults to 10.', { default: 10 })),
        paused: Opt(Type.Boolean({ description: 'Indicates that the deployment is paused.' })),
        progressDeadlineSeconds: Opt(Int32('The maximum time in seconds for a deployment to make progress before it is considered to be failed. Defaults to 600s.', { default: 600 })),
      }, { description: 'DeploymentSpec is the specification of the desired behavior of the Deployment.' }),
    ),
  ),
  status: Opt(
    define(
      `${APPS}.DeploymentStatus`,
      Type.Object({
        observedGeneration: Opt(Int64('The generation observed by the deployment controller.')),
        replicas: Opt(Int32('Total number of non-terminated pods targeted by this deployment (their labels match the selector).')),
        updatedReplicas: Opt(Int32('Total number of non-terminated pods targeted by this deployment that have the desired template spec.')),
        readyReplicas: Opt(Int32('readyReplicas is the number of pods targeted by this Deployment with a Ready Condition.')),
        availableReplicas: Opt(Int32('Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.')),
        unavailableReplicas: Opt(Int32()),
        terminatingReplicas: Opt(Int32()),
        conditions: Opt(mergeList(AppsCondition('DeploymentCondition'), 'type', "Represents the latest available observations of a deployment's current state.")),
        collisionCount: Opt(Int32()),
      }, { description: 'DeploymentStatus is the most recently observed status of the Deployment.' }),
    ),
  ),
});
export type Deployment = Static<typeof Deployment>;

export const ReplicaSet = kind(APPS, 'ReplicaSet', 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.', {
  spec: Opt(
    define(
      `${APPS}.ReplicaSetSpec`,
      Type.Object({
        replicas: Opt(Int32('Replicas is the number of desired pods. Defaults to 1.', { default: 1 })),
        minReadySeconds: Opt(Int32()),
        selector: doc(LabelSelector, 'Selector is a label query over pods that should match the replica count.'),
        template: Opt(doc(PodTemplateSpec, 'Template is the object that describes the pod that will be created if insufficient replicas are detected.')),
      }, { description: 'ReplicaSetSpec is the specification of a ReplicaSet.' }),
    ),
  ),
  status: Opt(
    define(
      `${APPS}.ReplicaSetStatus`,
      Type.Object({
        replicas: Int32('Replicas is the most recently observed number of non-terminating pods.'),
        fullyLabeledReplicas: Opt(Int32()),
        readyReplicas: Opt(Int32('The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.')),
        availableReplicas: Opt(Int32()),
        terminatingReplicas: Opt(Int32()),
        observedGeneration: Opt(Int64()),
        conditions: Opt(mergeList(AppsCondition('ReplicaSetCondition'), 'type')),
      }),
    ),
  ),
});
export type ReplicaSet = Static<typeof ReplicaSet>;

export const DaemonSetUpdateStrategy = define(
  `${APPS}.DaemonSetUpdateStrategy`,
  Type.Object(
    {
      type: Opt(Enum(['OnDelete', 'RollingUpdate'], 'Type of daemon set update. Can be "RollingUpdate" or "OnDelete". Default is RollingUpdate.', { default: 'RollingUpdate' })),
      rollingUpdate: Opt(define(`${APPS}.RollingUpdateDaemonSet`, Type.Object({ maxUnavailable: Opt(IntOrString), maxSurge: Opt(IntOrString) }))),
    },
    { default: {} },
  ),
);

export const DaemonSet = kind(APPS, 'DaemonSet', 'DaemonSet represents the configuration of a daemon set.', {
  spec: Opt(
    define(
      `${APPS}.DaemonSetSpec`,
      Type.Object({
        selector: doc(LabelSelector, "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels."),
        template: doc(PodTemplateSpec, 'An object that describes the pod that will be created. The DaemonSet will create exactly one copy of this pod on every node that matches the template\'s node selector (or on every node if no node selector is specified).'),
        updateStrategy: Opt(doc(DaemonSetUpdateStrategy, 'An update strategy to replace existing DaemonSet pods with new pods.', { default: {} })),
        minReadySeconds: Opt(Int32()),
        revisionHistoryLimit: Opt(Int32('The number of old history to retain to allow rollback. Defaults to 10.', { default: 10 })),
      }),
    ),
  ),
  status: Opt(
    define(
      `${APPS}.DaemonSetStatus`,
      Type.Object({
        currentNumberScheduled: Int32('The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
        numberMisscheduled: Int32(),
        desiredNumberScheduled: Int32('The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).'),
        numberReady: Int32(),
        observedGeneration: Opt(Int64()),
        updatedNumberScheduled: Opt(Int32()),
        numberAvailable: Opt(Int32()),
        numberUnavailable: Opt(Int32()),
        collisionCount: Opt(Int32()),
        conditions: Opt(mergeList(AppsCondition('DaemonSetCondition'), 'type')),
      }),
    ),
  ),
});
export type DaemonSet = Static<typeof DaemonSet>;

export const ControllerRevision = kind(APPS, 'ControllerRevision', 'ControllerRevision implements an immutable snapshot of state data.', {
  data: Opt(doc(RawJSON, 'Data is the serialized representation of the state.')),
  revision: Int64('Revision indicates the revision of the state represented by Data.'),
});
export type ControllerRevision = Static<typeof ControllerRevision>;

export const Scale = kind('io.k8s.api.autoscaling.v1', 'Scale', 'Scale represents a scaling request for a resource.', {
  spec: Opt(define('io.k8s.api.autoscaling.v1.ScaleSpec', Type.Object({ replicas: Opt(Int32('replicas is the desired number of instances for the scaled object.')) }))),
  status: Opt(define('io.k8s.api.autoscaling.v1.ScaleStatus', Type.Object({ replicas: Int32('replicas is the actual number of observed instances of the scaled object.'), selector: Opt(Str('selector is the label query over pods that should match the replicas count.')) }))),
});
export type Scale = Static<typeof Scale>;

export { StringMap };
