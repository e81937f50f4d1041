// k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto (field numbers) and types.go (json tags).
import type { MessageTable } from '../schema.js';

export const metaV1 = {
  'meta.ObjectMeta': {
    1: ['name', 'string'],
    2: ['generateName', 'string'],
    3: ['namespace', 'string'],
    4: ['selfLink', 'string'],
    5: ['uid', 'string'],
    6: ['resourceVersion', 'string'],
    7: ['generation', 'int64'],
    8: ['creationTimestamp', 'time'],
    9: ['deletionTimestamp', 'time'],
    10: ['deletionGracePeriodSeconds', 'int64', 'keepZero'],
    11: ['labels', 'map:string'],
    12: ['annotations', 'map:string'],
    13: ['ownerReferences', 'msg:meta.OwnerReference', 'repeated'],
    14: ['finalizers', 'string', 'repeated'],
    17: ['managedFields', 'msg:meta.ManagedFieldsEntry', 'repeated'],
  },
  'meta.OwnerReference': {
    5: ['apiVersion', 'string', 'keepZero'],
    1: ['kind', 'string', 'keepZero'],
    3: ['name', 'string', 'keepZero'],
    4: ['uid', 'string', 'keepZero'],
    6: ['controller', 'bool', 'keepZero'],
    7: ['blockOwnerDeletion', 'bool', 'keepZero'],
  },
  'meta.ManagedFieldsEntry': {
    1: ['manager', 'string'],
    2: ['operation', 'string'],
    3: ['apiVersion', 'string'],
    4: ['time', 'time'],
    6: ['fieldsType', 'string'],
    7: ['fieldsV1', 'fieldsV1'],
    8: ['subresource', 'string'],
  },
  'meta.LabelSelector': {
    1: ['matchLabels', 'map:string'],
    2: ['matchExpressions', 'msg:meta.LabelSelectorRequirement', 'repeated'],
  },
  'meta.LabelSelectorRequirement': {
    1: ['key', 'string', 'keepZero'],
    2: ['operator', 'string', 'keepZero'],
    3: ['values', 'string', 'repeated'],
  },
  'meta.DeleteOptions': {
    1: ['gracePeriodSeconds', 'int64', 'keepZero'],
    2: ['preconditions', 'msg:meta.Preconditions'],
    3: ['orphanDependents', 'bool', 'keepZero'],
    4: ['propagationPolicy', 'string', 'keepZero'],
    5: ['dryRun', 'string', 'repeated'],
  },
  'meta.Preconditions': {
    1: ['uid', 'string', 'keepZero'],
    2: ['resourceVersion', 'string', 'keepZero'],
  },
  'meta.Condition': {
    1: ['type', 'string', 'keepZero'],
    2: ['status', 'string', 'keepZero'],
    3: ['observedGeneration', 'int64'],
    4: ['lastTransitionTime', 'time'],
    5: ['reason', 'string', 'keepZero'],
    6: ['message', 'string', 'keepZero'],
  },
} as const satisfies MessageTable;
