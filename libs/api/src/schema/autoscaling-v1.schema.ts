// autoscaling/v1 HorizontalPodAutoscaler: the CPU-only API `kubectl autoscale` (1.32) still posts.
// Served by conversion to and from the stored autoscaling/v2 object (conversion/autoscaling-v1.conversion.ts).
import { Type, type Static } from '@sinclair/typebox';
import { define, doc, Int32, Int64, Opt, Str, Time } from './helpers.js';
import { metadataField, typeMetaFields } from './meta.schema.js';

const AS1 = 'io.k8s.api.autoscaling.v1';

const CrossVersionObjectReference = define(`${AS1}.CrossVersionObjectReference`, Type.Object({ kind: Str('kind is the kind of the referent'), name: Str('name is the name of the referent'), apiVersion: Opt(Str('apiVersion is the API version of the referent')) }));

export const HorizontalPodAutoscalerV1 = define(
  `${AS1}.HorizontalPodAutoscaler`,
  Type.Object(
    {
      ...typeMetaFields,
      metadata: metadataField,
      spec: Opt(
        define(
          `${AS1}.HorizontalPodAutoscalerSpec`,
          Type.Object({
            scaleTargetRef: doc(CrossVersionObjectReference, 'reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.'),
            minReplicas: Opt(Int32('minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down. It defaults to 1 pod.')),
            maxReplicas: Int32('maxReplicas is the upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.'),
            targetCPUUtilizationPercentage: Opt(Int32('targetCPUUtilizationPercentage is the target average CPU utilization (represented as a percentage of requested CPU) over all the pods; if not specified the default autoscaling policy will be used.')),
          }),
        ),
      ),
      status: Opt(
        define(
          `${AS1}.HorizontalPodAutoscalerStatus`,
          Type.Object({
            observedGeneration: Opt(Int64('observedGeneration is the most recent generation observed by this autoscaler.')),
            lastScaleTime: Opt(Time),
            currentReplicas: Int32('currentReplicas is the current number of replicas of pods managed by this autoscaler.'),
            desiredReplicas: Int32('desiredReplicas is the desired number of replicas of pods managed by this autoscaler.'),
            currentCPUUtilizationPercentage: Opt(Int32('currentCPUUtilizationPercentage is the current average CPU utilization over all pods, represented as a percentage of requested CPU.')),
          }),
        ),
      ),
    },
    { description: 'configuration of a horizontal pod autoscaler.' },
  ),
);
export type HorizontalPodAutoscalerV1 = Static<typeof HorizontalPodAutoscalerV1>;
