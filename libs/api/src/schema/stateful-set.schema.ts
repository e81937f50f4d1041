// apps/v1 StatefulSet: pods with stable identities (<set>-<ordinal>), stable storage from
// volumeClaimTemplates, ordered or parallel management and ordered rolling updates.
import { Type, type Static } from '@sinclair/typebox';
import { define, doc, Enum, Int32, Int64, IntOrString, mergeList, Opt, Str, Time } from './helpers.js';
import { LabelSelector, metadataField, typeMetaFields } from './meta.schema.js';
import { PodTemplateSpec } from './pod.schema.js';
import { PersistentVolumeClaim } from './storage.schema.js';

const APPS = 'io.k8s.api.apps.v1';

export const StatefulSetUpdateStrategy = define(
  `${APPS}.StatefulSetUpdateStrategy`,
  Type.Object(
    {
      type: Opt(Enum(['OnDelete', 'RollingUpdate'], 'Type indicates the type of the StatefulSetUpdateStrategy. Default is RollingUpdate.', { default: 'RollingUpdate' })),
      rollingUpdate: Opt(
        define(
          `${APPS}.RollingUpdateStatefulSetStrategy`,
          Type.Object({
            partition: Opt(Int32('Partition indicates the ordinal at which the StatefulSet should be partitioned for updates. Default value is 0.')),
            maxUnavailable: Opt(doc(IntOrString, 'The maximum number of pods that can be unavailable during the update.')),
          }),
        ),
      ),
    },
    { description: 'StatefulSetUpdateStrategy indicates the strategy that the StatefulSet controller will use to perform updates.', default: {} },
  ),
);

const RetentionPolicy = define(
  `${APPS}.StatefulSetPersistentVolumeClaimRetentionPolicy`,
  Type.Object({
    whenDeleted: Opt(Enum(['Retain', 'Delete'], 'What happens to PVCs created from StatefulSet VolumeClaimTemplates when the StatefulSet is deleted.')),
    whenScaled: Opt(Enum(['Retain', 'Delete'], 'What happens to PVCs created from StatefulSet VolumeClaimTemplates when the StatefulSet is scaled down.')),
  }),
);

export const StatefulSet = define(
  `${APPS}.StatefulSet`,
  Type.Object(
    {
      ...typeMetaFields,
      metadata: metadataField,
      spec: Opt(
        define(
          `${APPS}.StatefulSetSpec`,
          Type.Object(
            {
              replicas: Opt(Int32('replicas is the desired number of replicas of the given Template. Defaults to 1.', { default: 1 })),
              selector: doc(LabelSelector, "selector is a label query over pods that should match the replica count. It must match the pod template's labels."),
              template: doc(PodTemplateSpec, 'template is the object that describes the pod that will be created if insufficient replicas are detected.'),
              volumeClaimTemplates: Opt(Type.Array(PersistentVolumeClaim, { description: 'volumeClaimTemplates is a list of claims that pods are allowed to reference.', 'x-kubernetes-list-type': 'atomic' })),
              serviceName: Opt(Str('serviceName is the name of the service that governs this StatefulSet.')),
              podManagementPolicy: Opt(Enum(['OrderedReady', 'Parallel'], 'podManagementPolicy controls how pods are created during initial scale up, when replacing pods on nodes, or when scaling down.', { default: 'OrderedReady' })),
              updateStrategy: Opt(doc(StatefulSetUpdateStrategy, 'updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template.', { default: {} })),
              revisionHistoryLimit: Opt(Int32("revisionHistoryLimit is the maximum number of revisions that will be maintained in the StatefulSet's revision history. Defaults to 10.", { default: 10 })),
              minReadySeconds: Opt(Int32('Minimum number of seconds for which a newly created pod should be ready without any of its container crashing for it to be considered available. Defaults to 0.')),
              persistentVolumeClaimRetentionPolicy: Opt(doc(RetentionPolicy, 'persistentVolumeClaimRetentionPolicy describes the lifecycle of persistent volume claims created from volumeClaimTemplates.')),
              ordinals: Opt(define(`${APPS}.StatefulSetOrdinals`, Type.Object({ start: Opt(Int32('start is the number representing the first replica\'s index.')) }))),
            },
            { description: 'A StatefulSetSpec is the specification of a StatefulSet.' },
          ),
        ),
      ),
      status: Opt(
        define(
          `${APPS}.StatefulSetStatus`,
          Type.Object(
            {
              observedGeneration: Opt(Int64("observedGeneration is the most recent generation observed for this StatefulSet.")),
              replicas: Int32('replicas is the number of Pods created by the StatefulSet controller.'),
              readyReplicas: Opt(Int32('readyReplicas is the number of pods created for this StatefulSet with a Ready Condition.')),
              currentReplicas: Opt(Int32('currentReplicas is the number of Pods created by the StatefulSet controller from the StatefulSet version indicated by currentRevision.')),
              updatedReplicas: Opt(Int32('updatedReplicas is the number of Pods created by the StatefulSet controller from the StatefulSet version indicated by updateRevision.')),
              availableReplicas: Opt(Int32('Total number of available pods (ready for at least minReadySeconds) targeted by this statefulset.')),
              currentRevision: Opt(Str('currentRevision, if not empty, indicates the version of the StatefulSet used to generate Pods in the sequence [0,currentReplicas).')),
              updateRevision: Opt(Str('updateRevision, if not empty, indicates the version of the StatefulSet used to generate Pods in the sequence [replicas-updatedReplicas,replicas)')),
              collisionCount: Opt(Int32('collisionCount is the count of hash collisions for the StatefulSet.')),
              conditions: Opt(
                mergeList(
                  define(`${APPS}.StatefulSetCondition`, Type.Object({ type: Str(), status: Str(), lastTransitionTime: Opt(Time), reason: Opt(Str()), message: Opt(Str()) })),
                  'type',
                  "Represents the latest available observations of a statefulset's current state.",
                ),
              ),
            },
            { description: 'StatefulSetStatus represents the current state of a StatefulSet.' },
          ),
        ),
      ),
    },
    { description: 'StatefulSet represents a set of pods with consistent identities.' },
  ),
);
export type StatefulSet = Static<typeof StatefulSet>;
