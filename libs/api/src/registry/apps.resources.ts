// apps/v1 resources.
import { defaultDaemonSet, defaultDeployment, defaultTemplate } from '../defaults/kind.defaults.js';
import * as printers from '../printers/kinds.printer.js';
import * as apps from '../schema/apps.schema.js';
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet } from '../schema/apps.schema.js';
import { makeStrategy } from '../strategy/strategy.js';
import { validateControllerRevision, validateDaemonSet, validateDeployment, validateReplicaSet } from '../validation/apps.validation.js';
import { defineResource, scaleSub, statusSub } from './define-resource.js';
import { replicaSetFieldSelectors } from './field-selectors.js';
import { statefulSetResource } from './stateful-set.resource.js';

const apps1 = { group: 'apps', version: 'v1' } as const;

export const appsResources = [
  defineResource<ControllerRevision>({ ...apps1, kind: 'ControllerRevision', resource: 'controllerrevisions', namespaced: true, schema: apps.ControllerRevision, validate: validateControllerRevision, columns: printers.controllerRevisionColumns, row: printers.controllerRevisionRow }),
  defineResource<DaemonSet>({
    ...apps1,
    kind: 'DaemonSet',
    resource: 'daemonsets',
    namespaced: true,
    schema: apps.DaemonSet,
    shortNames: ['ds'],
    categories: ['all'],
    subresources: [statusSub('DaemonSet')],
    defaults: defaultDaemonSet,
    validate: validateDaemonSet,
    strategy: makeStrategy({
      hasStatus: true,
      initialStatus: () => ({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }),
      generationFields: ['spec'],
      statusKeepsMetadata: ['labels'],
    }),
    columns: printers.daemonSetColumns,
    row: printers.daemonSetRow,
  }),
  defineResource<Deployment>({
    ...apps1,
    kind: 'Deployment',
    resource: 'deployments',
    namespaced: true,
    schema: apps.Deployment,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: [scaleSub, statusSub('Deployment')],
    defaults: defaultDeployment,
    validate: validateDeployment,
    // Annotations bump the generation too: Deployments copy them to their ReplicaSets.
    strategy: makeStrategy({ hasStatus: true, initialStatus: () => ({}), generationFields: ['spec'], annotationsBumpGeneration: true, statusKeepsMetadata: ['labels'] }),
    columns: printers.deploymentColumns,
    row: printers.deploymentRow,
  }),
  defineResource<ReplicaSet>({
    ...apps1,
    kind: 'ReplicaSet',
    resource: 'replicasets',
    namespaced: true,
    schema: apps.ReplicaSet,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: [scaleSub, statusSub('ReplicaSet')],
    defaults: (rs) => defaultTemplate(rs.spec?.template),
    validate: validateReplicaSet,
    strategy: makeStrategy({ hasStatus: true, initialStatus: () => ({ replicas: 0 }), generationFields: ['spec'], statusKeepsMetadata: ['labels'] }),
    fieldSelectors: replicaSetFieldSelectors,
    columns: printers.replicaSetColumns,
    row: printers.replicaSetRow,
  }),
  statefulSetResource,
];
