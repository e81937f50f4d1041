// autoscaling/v1 HorizontalPodAutoscaler: served by conversion to the stored autoscaling/v2 object
// (kubectl 1.32's `kubectl autoscale` posts v1). Listed after v2, which stays the preferred version.
import { hpaV1ToV2, hpaV2ToV1 } from '../conversion/autoscaling-v1.conversion.js';
import * as printers from '../printers/kinds.printer.js';
import { HorizontalPodAutoscalerV1 } from '../schema/autoscaling-v1.schema.js';
import type { HorizontalPodAutoscaler } from '../schema/groups.schema.js';
import type { KubeObject } from '../types.js';
import { defineResource, statusSub } from './define-resource.js';

export const hpaV1Resource = defineResource<KubeObject>({
  group: 'autoscaling',
  version: 'v1',
  kind: 'HorizontalPodAutoscaler',
  resource: 'horizontalpodautoscalers',
  namespaced: true,
  schema: HorizontalPodAutoscalerV1,
  shortNames: ['hpa'],
  categories: ['all'],
  subresources: [statusSub('HorizontalPodAutoscaler')],
  conversion: { storageVersion: 'v2', toStorage: hpaV1ToV2, fromStorage: hpaV2ToV1 },
  columns: printers.hpaColumns,
  row: (obj, nowMs) => printers.hpaRow(hpaV1ToV2(obj) as unknown as HorizontalPodAutoscaler, nowMs),
});
