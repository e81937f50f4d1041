// core/v1 ReplicationController validation (pkg/apis/core/validation ValidateReplicationController):
// the ReplicaSet's rules over a selector that is a label map, which must not be empty.
import { FieldPath, required, type FieldError } from '../field-error.js';
import type { ReplicationController } from '../schema/replication-controller.schema.js';
import { validateReplicaSetTemplate } from './apps.validation.js';
import { validateNonnegative } from './common.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.validation.js';

export function validateReplicationController(rc: ReplicationController, old?: ReplicationController): FieldError[] {
  const errs = old === undefined ? validateObjectMeta(rc.metadata, true) : validateObjectMetaUpdate(rc.metadata, old.metadata);
  const spec = rc.spec;
  const path = FieldPath.root('spec');
  errs.push(...validateNonnegative(spec?.replicas, path.child('replicas')));
  errs.push(...validateNonnegative(spec?.minReadySeconds, path.child('minReadySeconds')));
  const selector = spec?.selector ?? {};
  if (Object.keys(selector).length === 0) errs.push(required(path.child('selector')));
  else errs.push(...validateLabels(selector, path.child('selector')));
  if (spec?.template === undefined) errs.push(required(path.child('template')));
  else if (Object.keys(selector).length > 0) errs.push(...validateReplicaSetTemplate({ matchLabels: selector }, spec.template, path.child('template'), 'ReplicationController'));
  return errs;
}
