// core/v1 ReplicationController: the ReplicaSet's predecessor, still served by Kubernetes, with
// an equality-based selector (a plain label map) instead of a LabelSelector.
import { Type, type Static } from '@sinclair/typebox';
import { define, doc, Int32, Int64, mergeList, Opt, Str, StringMap, Time } from './helpers.js';
import { metadataField, typeMetaFields } from './meta.schema.js';
import { PodTemplateSpec } from './pod.schema.js';

const CORE = 'io.k8s.api.core.v1';

const ReplicationControllerCondition = define(
  `${CORE}.ReplicationControllerCondition`,
  Type.Object({ type: Str('Type of replication controller condition.'), status: Str('Status of the condition, one of True, False, Unknown.'), lastTransitionTime: Opt(Time), reason: Opt(Str()), message: Opt(Str()) }),
);

export const ReplicationController = define(
  `${CORE}.ReplicationController`,
  Type.Object(
    {
      ...typeMetaFields,
      metadata: metadataField,
      spec: Opt(
        define(
          `${CORE}.ReplicationControllerSpec`,
          Type.Object(
            {
              replicas: Opt(Int32('Replicas is the number of desired replicas. Defaults to 1.', { default: 1 })),
              minReadySeconds: Opt(Int32()),
              selector: Opt(StringMap('Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template.')),
              template: Opt(doc(PodTemplateSpec, 'Template is the object that describes the pod that will be created if insufficient replicas are detected.')),
            },
            { description: 'ReplicationControllerSpec is the specification of a replication controller.' },
          ),
        ),
      ),
      status: Opt(
        define(
          `${CORE}.ReplicationControllerStatus`,
          Type.Object({
            replicas: Int32('Replicas is the most recently observed number of replicas.'),
            fullyLabeledReplicas: Opt(Int32()),
            readyReplicas: Opt(Int32()),
            availableReplicas: Opt(Int32()),
            observedGeneration: Opt(Int64()),
            conditions: Opt(mergeList(ReplicationControllerCondition, 'type')),
          }),
        ),
      ),
    },
    { description: 'ReplicationController represents the configuration of a replication controller.' },
  ),
);
export type ReplicationController = Static<typeof ReplicationController>;
