// k8s.io/api/apps/v1, batch/v1 and autoscaling/v1 generated.proto: Deployment, Job, CronJob and
// HorizontalPodAutoscaler (what `kubectl create deployment|job|cronjob` and `kubectl autoscale` send).
import type { MessageTable } from '../schema.js';

export const appsV1 = {
  'apps.Deployment': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['spec', 'msg:apps.DeploymentSpec'],
    3: ['status', 'msg:apps.DeploymentStatus'],
  },
  'apps.DeploymentSpec': {
    1: ['replicas', 'int32', 'keepZero'],
    2: ['selector', 'msg:meta.LabelSelector'],
    3: ['template', 'msg:core.PodTemplateSpec'],
    4: ['strategy', 'msg:apps.DeploymentStrategy'],
    5: ['minReadySeconds', 'int32'],
    6: ['revisionHistoryLimit', 'int32', 'keepZero'],
    7: ['paused', 'bool'],
    9: ['progressDeadlineSeconds', 'int32', 'keepZero'],
  },
  'apps.DeploymentStrategy': {
    1: ['type', 'string'],
    2: ['rollingUpdate', 'msg:apps.RollingUpdateDeployment'],
  },
  // Both are *IntOrString: an explicit 0 is meaningful (maxUnavailable: 0 with a surge).
  'apps.RollingUpdateDeployment': {
    1: ['maxUnavailable', 'intOrString', 'keepZero'],
    2: ['maxSurge', 'intOrString', 'keepZero'],
  },
  'apps.DeploymentStatus': {
    1: ['observedGeneration', 'int64'],
    2: ['replicas', 'int32'],
    3: ['updatedReplicas', 'int32'],
    7: ['readyReplicas', 'int32'],
    4: ['availableReplicas', 'int32'],
    5: ['unavailableReplicas', 'int32'],
    6: ['conditions', 'msg:apps.DeploymentCondition', 'repeated'],
    8: ['collisionCount', 'int32', 'keepZero'],
  },
  'apps.DeploymentCondition': {
    1: ['type', 'string', 'keepZero'],
    2: ['status', 'string', 'keepZero'],
    6: ['lastUpdateTime', 'time'],
    7: ['lastTransitionTime', 'time'],
    4: ['reason', 'string'],
    5: ['message', 'string'],
  },
} as const satisfies MessageTable;

export const batchV1 = {
  'batch.Job': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['spec', 'msg:batch.JobSpec'],
    3: ['status', 'msg:batch.JobStatus'],
  },
  // Every JobSpec scalar is a Go pointer.
  'batch.JobSpec': {
    1: ['parallelism', 'int32', 'keepZero'],
    2: ['completions', 'int32', 'keepZero'],
    3: ['activeDeadlineSeconds', 'int64', 'keepZero'],
    11: ['podFailurePolicy', 'msg:batch.PodFailurePolicy'],
    7: ['backoffLimit', 'int32', 'keepZero'],
    4: ['selector', 'msg:meta.LabelSelector'],
    5: ['manualSelector', 'bool', 'keepZero'],
    6: ['template', 'msg:core.PodTemplateSpec'],
    8: ['ttlSecondsAfterFinished', 'int32', 'keepZero'],
    9: ['completionMode', 'string', 'keepZero'],
    10: ['suspend', 'bool', 'keepZero'],
  },
  'batch.PodFailurePolicy': { 1: ['rules', 'msg:batch.PodFailurePolicyRule', 'repeated'] },
  'batch.PodFailurePolicyRule': {
    1: ['action', 'string', 'keepZero'],
    2: ['onExitCodes', 'msg:batch.PodFailurePolicyOnExitCodesRequirement'],
    3: ['onPodConditions', 'msg:batch.PodFailurePolicyOnPodConditionsPattern', 'repeated'],
  },
  'batch.PodFailurePolicyOnExitCodesRequirement': {
    1: ['containerName', 'string', 'keepZero'],
    2: ['operator', 'string', 'keepZero'],
    3: ['values', 'int32', 'repeated'],
  },
  'batch.PodFailurePolicyOnPodConditionsPattern': {
    1: ['type', 'string', 'keepZero'],
    2: ['status', 'string', 'keepZero'],
  },
  'batch.JobStatus': {
    1: ['conditions', 'msg:batch.JobCondition', 'repeated'],
    2: ['startTime', 'time'],
    3: ['completionTime', 'time'],
    4: ['active', 'int32'],
    5: ['succeeded', 'int32'],
    6: ['failed', 'int32'],
    7: ['completedIndexes', 'string'],
    8: ['uncountedTerminatedPods', 'msg:batch.UncountedTerminatedPods'],
    9: ['ready', 'int32', 'keepZero'],
  },
  'batch.JobCondition': {
    1: ['type', 'string', 'keepZero'],
    2: ['status', 'string', 'keepZero'],
    3: ['lastProbeTime', 'time'],
    4: ['lastTransitionTime', 'time'],
    5: ['reason', 'string'],
    6: ['message', 'string'],
  },
  'batch.UncountedTerminatedPods': {
    1: ['succeeded', 'string', 'repeated'],
    2: ['failed', 'string', 'repeated'],
  },
  'batch.CronJob': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['spec', 'msg:batch.CronJobSpec'],
    3: ['status', 'msg:batch.CronJobStatus'],
  },
  'batch.CronJobSpec': {
    1: ['schedule', 'string', 'keepZero'],
    8: ['timeZone', 'string', 'keepZero'],
    2: ['startingDeadlineSeconds', 'int64', 'keepZero'],
    3: ['concurrencyPolicy', 'string'],
    4: ['suspend', 'bool', 'keepZero'],
    5: ['jobTemplate', 'msg:batch.JobTemplateSpec'],
    6: ['successfulJobsHistoryLimit', 'int32', 'keepZero'],
    7: ['failedJobsHistoryLimit', 'int32', 'keepZero'],
  },
  'batch.JobTemplateSpec': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['spec', 'msg:batch.JobSpec'],
  },
  'batch.CronJobStatus': {
    1: ['active', 'msg:core.ObjectReference', 'repeated'],
    4: ['lastScheduleTime', 'time'],
    5: ['lastSuccessfulTime', 'time'],
  },
} as const satisfies MessageTable;

export const autoscalingV1 = {
  'autoscaling.HorizontalPodAutoscaler': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['spec', 'msg:autoscaling.HorizontalPodAutoscalerSpec'],
    3: ['status', 'msg:autoscaling.HorizontalPodAutoscalerStatus'],
  },
  'autoscaling.HorizontalPodAutoscalerSpec': {
    1: ['scaleTargetRef', 'msg:autoscaling.CrossVersionObjectReference'],
    2: ['minReplicas', 'int32', 'keepZero'],
    3: ['maxReplicas', 'int32', 'keepZero'],
    4: ['targetCPUUtilizationPercentage', 'int32', 'keepZero'],
  },
  'autoscaling.CrossVersionObjectReference': {
    1: ['kind', 'string', 'keepZero'],
    2: ['name', 'string', 'keepZero'],
    3: ['apiVersion', 'string'],
  },
  'autoscaling.HorizontalPodAutoscalerStatus': {
    1: ['observedGeneration', 'int64', 'keepZero'],
    2: ['lastScaleTime', 'time'],
    3: ['currentReplicas', 'int32', 'keepZero'],
    4: ['desiredReplicas', 'int32', 'keepZero'],
    5: ['currentCPUUtilizationPercentage', 'int32', 'keepZero'],
  },
} as const satisfies MessageTable;
