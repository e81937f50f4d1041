// @skiff/api: Kubernetes object schemas and the resource registry the apiserver serves
// (contract: /work/notes/api-contract.md). Pure: no I/O, no clock; times come in as arguments.
export type {
  FieldSelectorGetter,
  GroupVersionKind,
  GroupVersionResource,
  KubeObject,
  ResourceInfo,
  SubresourceInfo,
  SubresourceName,
  TableColumn,
} from './types.js';
export {
  causeReason,
  fieldErrorString,
  goQuote,
  goValue,
  invalidStatusMessage,
  FieldPath,
  type FieldError,
  type FieldErrorType,
} from './field-error.js';
export { formatAge, ageSince } from './age.js';
export { compareQuantities, parseQuantityNanos } from './quantity.js';
export { findByKind, findResource, groupVersions, lookupResource, resources, resourcesInCategory, subresourceBodies } from './registry/registry.js';
export { openApiV3Document, openApiV3Index, kubernetesVersion } from './openapi/document.js';
export { openApiV2FromV3, toV2Schema, type OpenApiV2Info } from './openapi/v2.js';
export { validateObjectMeta, validateObjectMetaUpdate, validateLabels, validateAnnotations } from './validation/object-meta.validation.js';
export { formatLabelSelector, formatLabels, selectorMatches, validateLabelSelector } from './validation/label-selector.validation.js';
export { unknownFields, dropNulls, structuralErrors } from './validation/structural.js';
export * as names from './validation/names.js';
export { podQOSClass, type QOSClass } from './strategy/qos.js';
export { generateName } from './generate-name.js';

// Kind schemas (TypeBox) and their static types.
export * from './schema/meta.schema.js';
export * from './schema/container.schema.js';
export * from './schema/pod.schema.js';
export * from './schema/core.schema.js';
export * from './schema/apps.schema.js';
export * from './schema/replication-controller.schema.js';
export * from './schema/storage.schema.js';
export { accessModesString, isDefaultStorageClass, IS_DEFAULT_CLASS_ANNOTATION, LOCAL_PATH_PROVISIONER } from './registry/storage.resource.js';
export * from './schema/stateful-set.schema.js';
export * from './schema/groups.schema.js';
export * from './schema/metrics.schema.js';
export { IntOrString, Quantity, Time, MicroTime, ResourceList, namedSchema } from './schema/helpers.js';
export * from './schema/cronjob.schema.js';
export * from './batch/cron-schedule.js';
export * from './batch/cronjob.js';
