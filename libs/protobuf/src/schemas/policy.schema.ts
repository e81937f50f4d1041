// k8s.io/api/scheduling/v1 and policy/v1 generated.proto: PriorityClass, PodDisruptionBudget, Eviction.
import type { MessageTable } from '../schema.js';

export const schedulingV1 = {
  'scheduling.PriorityClass': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['value', 'int32', 'keepZero'],
    3: ['globalDefault', 'bool'],
    4: ['description', 'string'],
    5: ['preemptionPolicy', 'string', 'keepZero'],
  },
} as const satisfies MessageTable;

export const policyV1 = {
  'policy.PodDisruptionBudget': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['spec', 'msg:policy.PodDisruptionBudgetSpec'],
    3: ['status', 'msg:policy.PodDisruptionBudgetStatus'],
  },
  // minAvailable and maxUnavailable are *IntOrString: maxUnavailable 0 forbids every eviction.
  'policy.PodDisruptionBudgetSpec': {
    1: ['minAvailable', 'intOrString', 'keepZero'],
    2: ['selector', 'msg:meta.LabelSelector'],
    3: ['maxUnavailable', 'intOrString', 'keepZero'],
    4: ['unhealthyPodEvictionPolicy', 'string', 'keepZero'],
  },
  'policy.PodDisruptionBudgetStatus': {
    1: ['observedGeneration', 'int64'],
    2: ['disruptedPods', 'map:time'],
    3: ['disruptionsAllowed', 'int32', 'keepZero'],
    4: ['currentHealthy', 'int32', 'keepZero'],
    5: ['desiredHealthy', 'int32', 'keepZero'],
    6: ['expectedPods', 'int32', 'keepZero'],
    7: ['conditions', 'msg:meta.Condition', 'repeated'],
  },
  'policy.Eviction': {
    1: ['metadata', 'msg:meta.ObjectMeta'],
    2: ['deleteOptions', 'msg:meta.DeleteOptions'],
  },
} as const satisfies MessageTable;
