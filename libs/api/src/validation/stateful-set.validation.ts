// apps/v1 StatefulSet validation (pkg/apis/apps/validation ValidateStatefulSet,
// ValidateStatefulSetUpdate): the ReplicaSet's template rules, the policies' allowed values, and
// a spec that is immutable except for the fields Kubernetes lists in its error message.
import { FieldPath, forbidden, goIntOrString, invalid, notSupported, required, type FieldError } from '../field-error.js';
import type { StatefulSet } from '../schema/stateful-set.schema.js';
import { validateImmutableSelector, validateTemplateMatchesSelector } from './apps.validation.js';
import { deepEqual, validateNonnegative, validateNotMoreThan100Percent, validatePositiveIntOrPercent } from './common.js';
import { goLabelSelector, selectorIsEmpty, validateLabelSelector } from './label-selector.validation.js';
import { validateAnnotations, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.validation.js';

type Spec = NonNullable<StatefulSet['spec']>;

/** The spec fields an update may change (ValidateStatefulSetUpdate). */
const MUTABLE_FIELDS = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'] as const;

function validatePolicy(spec: Spec | undefined, path: FieldPath): FieldError[] {
  const policy = spec?.podManagementPolicy;
  if (policy === undefined) return [required(path, '')];
  return policy === 'OrderedReady' || policy === 'Parallel' ? [] : [invalid(path, policy, "must be 'OrderedReady' or 'Parallel'")];
}

function validateUpdateStrategy(spec: Spec | undefined, path: FieldPath): FieldError[] {
  const s = spec?.updateStrategy ?? {};
  const tp = path.child('type');
  if (s.type === 'OnDelete') return s.rollingUpdate === undefined ? [] : [invalid(path.child('rollingUpdate'), s.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'")];
  if (s.type === 'RollingUpdate') {
    const ru = s.rollingUpdate;
    if (ru === undefined) return [];
    const rp = path.child('rollingUpdate');
    const errs = validateNonnegative(ru.partition, rp.child('partition'));
    if (ru.maxUnavailable !== undefined) {
      const mp = rp.child('maxUnavailable');
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, mp), ...validateNotMoreThan100Percent(ru.maxUnavailable, mp));
      if (ru.maxUnavailable === 0 || ru.maxUnavailable === '0%') errs.push(invalid(mp, ru.maxUnavailable, 'must be greater than 0', goIntOrString(ru.maxUnavailable)));
    }
    return errs;
  }
  if (s.type === undefined) return [required(tp, '')];
  return [invalid(tp, s.type, "must be 'RollingUpdate' or 'OnDelete'")];
}

function validateRetention(spec: Spec | undefined, path: FieldPath): FieldError[] {
  const p = spec?.persistentVolumeClaimRetentionPolicy;
  if (p === undefined) return [];
  const errs: FieldError[] = [];
  for (const field of ['whenDeleted', 'whenScaled'] as const) {
    const v = p[field];
    if (v !== undefined && v !== 'Retain' && v !== 'Delete') errs.push(invalid(path.child(field), v, "must be 'Retain' or 'Delete'"));
  }
  return errs;
}

function validateSpec(spec: Spec | undefined, path: FieldPath): FieldError[] {
  const errs = [...validatePolicy(spec, path.child('podManagementPolicy')), ...validateUpdateStrategy(spec, path.child('updateStrategy')), ...validateRetention(spec, path.child('persistentVolumeClaimRetentionPolicy'))];
  errs.push(...validateNonnegative(spec?.replicas, path.child('replicas')));
  errs.push(...validateNonnegative(spec?.minReadySeconds, path.child('minReadySeconds')));
  errs.push(...validateNonnegative(spec?.ordinals?.start, path.child('ordinals', 'start')));
  errs.push(...validateNonnegative(spec?.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  const selector = spec?.selector;
  const sp = path.child('selector');
  if (selector === undefined) errs.push(required(sp));
  else {
    errs.push(...validateLabelSelector(selector, sp));
    if (selectorIsEmpty(selector)) errs.push(invalid(sp, selector, 'empty selector is invalid for statefulset', goLabelSelector(selector)));
  }
  errs.push(...validateTemplate(spec, path.child('template')));
  return errs;
}

/**
 * ValidatePodTemplateSpecForStatefulSet: Kubernetes checks the template's labels and annotations
 * but not its pod spec, whose volume mounts name claim templates that only the pods will have.
 */
function validateTemplate(spec: Spec | undefined, path: FieldPath): FieldError[] {
  const template = spec?.template;
  if (template === undefined) return [required(path)];
  const errs = [...validateTemplateMatchesSelector(spec?.selector, template, path), ...validateLabels(template.metadata?.labels, path.child('labels')), ...validateAnnotations(template.metadata?.annotations, path.child('annotations'))];
  const policy = template.spec?.restartPolicy;
  if (policy !== undefined && policy !== 'Always') errs.push(notSupported(path.child('spec', 'restartPolicy'), policy, ['Always']));
  const deadline = template.spec?.activeDeadlineSeconds;
  if (deadline !== undefined) errs.push(invalid(path.child('spec', 'activeDeadlineSeconds'), deadline, 'activeDeadlineSeconds in StatefulSet is not Supported'));
  return errs;
}

export function validateStatefulSet(sts: StatefulSet, old?: StatefulSet): FieldError[] {
  const errs = old === undefined ? validateObjectMeta(sts.metadata, true) : validateObjectMetaUpdate(sts.metadata, old.metadata);
  const path = FieldPath.root('spec');
  errs.push(...validateSpec(sts.spec, path));
  if (old === undefined) return errs;
  errs.push(...validateImmutableSelector(sts.spec?.selector, old.spec?.selector, path.child('selector')));
  const frozen = (s: Spec | undefined): Record<string, unknown> => {
    const copy: Record<string, unknown> = { ...(s ?? {}) };
    for (const f of MUTABLE_FIELDS) delete copy[f];
    delete copy['selector']; // reported on its own above
    return copy;
  };
  if (!deepEqual(frozen(sts.spec), frozen(old.spec))) {
    errs.push(forbidden(path, "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
  }
  return errs;
}
