// core/v1 replicationcontrollers: defaults, the table kubectl prints, and the resource.
import { ageSince } from '../age.js';
import { defaultPodSpec } from '../defaults/pod.defaults.js';
import { ageCol, col, containerCells, nameCol, wide } from '../printers/columns.js';
import { ReplicationController } from '../schema/replication-controller.schema.js';
import { makeStrategy } from '../strategy/strategy.js';
import type { TableColumn } from '../types.js';
import { formatLabels } from '../validation/label-selector.validation.js';
import { validateReplicationController } from '../validation/replication-controller.validation.js';
import { defineResource, scaleSub, statusSub } from './define-resource.js';

/** SetDefaults_ReplicationController: selector and labels from the template's labels; one replica. */
export function defaultReplicationController(rc: ReplicationController): void {
  const spec = rc.spec;
  if (spec === undefined) return;
  const labels = spec.template?.metadata?.labels;
  if (labels !== undefined && Object.keys(labels).length > 0) {
    if (spec.selector === undefined || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    if (rc.metadata.labels === undefined || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = { ...labels };
  }
  spec.replicas ??= 1;
  defaultPodSpec(spec.template?.spec);
}

const columns: TableColumn[] = [
  nameCol,
  col('Desired', 'integer', 'Replicas is the number of desired replicas.'),
  col('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
  col('Ready', 'integer', 'The number of ready replicas for this replication controller.'),
  ageCol,
  wide('Containers', 'Names of each container in the template.'),
  wide('Images', 'Images referenced by each container in the template.'),
  wide('Selector', 'Selector is a label query over pods that should match the Replicas count.'),
];

function row(rc: ReplicationController, nowMs: number): unknown[] {
  const [names, images] = containerCells(rc.spec?.template?.spec?.containers);
  const selector = rc.spec?.selector;
  return [rc.metadata.name ?? '', rc.spec?.replicas ?? 0, rc.status?.replicas ?? 0, rc.status?.readyReplicas ?? 0, ageSince(rc.metadata.creationTimestamp, nowMs), names, images, selector === undefined ? '<none>' : formatLabels(selector)];
}

export const replicationControllerResource = defineResource<ReplicationController>({
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  resource: 'replicationcontrollers',
  namespaced: true,
  schema: ReplicationController,
  shortNames: ['rc'],
  categories: ['all'],
  subresources: [scaleSub, statusSub('ReplicationController')],
  defaults: defaultReplicationController,
  validate: validateReplicationController,
  strategy: makeStrategy({ hasStatus: true, initialStatus: () => ({ replicas: 0 }), generationFields: ['spec'], statusKeepsMetadata: ['labels'] }),
  columns,
  row,
});
