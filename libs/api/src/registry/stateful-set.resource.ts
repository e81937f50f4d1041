// apps/v1 statefulsets: defaults, the table kubectl prints, and the resource.
import { ageSince } from '../age.js';
import { defaultPodSpec } from '../defaults/pod.defaults.js';
import { ageCol, col, containerCells, nameCol, wide } from '../printers/columns.js';
import { StatefulSet } from '../schema/stateful-set.schema.js';
import { makeStrategy } from '../strategy/strategy.js';
import type { TableColumn } from '../types.js';
import { validateStatefulSet } from '../validation/stateful-set.validation.js';
import { defineResource, scaleSub, statusSub } from './define-resource.js';

/** SetDefaults_StatefulSet (apps/v1), without the alpha maxUnavailable default. */
export function defaultStatefulSet(sts: StatefulSet): void {
  const spec = sts.spec;
  if (spec === undefined) return;
  spec.podManagementPolicy ??= 'OrderedReady';
  const strategy = (spec.updateStrategy ??= {});
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') (strategy.rollingUpdate ??= {}).partition ??= 0;
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  retention.whenDeleted ??= 'Retain';
  retention.whenScaled ??= 'Retain';
  const labels = spec.template?.metadata?.labels;
  if (labels !== undefined && (sts.metadata.labels === undefined || Object.keys(sts.metadata.labels).length === 0)) sts.metadata.labels = { ...labels };
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  defaultPodSpec(spec.template?.spec);
}

const columns: TableColumn[] = [
  nameCol,
  col('Ready', 'string', 'Number of the pod with ready state'),
  ageCol,
  wide('Containers', 'Names of each container in the template.'),
  wide('Images', 'Images referenced by each container in the template.'),
];

function row(sts: StatefulSet, nowMs: number): unknown[] {
  const [names, images] = containerCells(sts.spec?.template?.spec?.containers);
  return [sts.metadata.name ?? '', `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 0}`, ageSince(sts.metadata.creationTimestamp, nowMs), names, images];
}

export const statefulSetResource = defineResource<StatefulSet>({
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  resource: 'statefulsets',
  namespaced: true,
  schema: StatefulSet,
  shortNames: ['sts'],
  categories: ['all'],
  subresources: [scaleSub, statusSub('StatefulSet')],
  defaults: defaultStatefulSet,
  validate: validateStatefulSet,
  strategy: makeStrategy({ hasStatus: true, initialStatus: () => ({ replicas: 0, availableReplicas: 0 }), generationFields: ['spec'], statusKeepsMetadata: ['labels'] }),
  columns,
  row,
});
