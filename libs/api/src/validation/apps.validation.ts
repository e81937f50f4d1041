// apps/v1 validation: Deployment, ReplicaSet, DaemonSet, ControllerRevision (pkg/apis/apps/validation).
import { FieldPath, forbidden, goIntOrString, goStringMap, invalid, notSupported, required, type FieldError } from '../field-error.js';
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, Scale } from '../schema/apps.schema.js';
import type { LabelSelector } from '../schema/meta.schema.js';
import type { PodTemplateSpec } from '../schema/pod.schema.js';
import { deepEqual, validateNonnegative, validateNotMoreThan100Percent } from './common.js';
import { goLabelSelector, selectorIsEmpty, selectorMatches, validateLabelSelector } from './label-selector.validation.js';
import { validateAnnotations, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.validation.js';
import { isPercent } from './names.js';
import { validatePodSpec } from './pod.validation.js';

/** ValidatePodTemplateSpec: labels and annotations of the template, then its pod spec. */
export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, path: FieldPath): FieldError[] {
  const t = template ?? {};
  return [
    ...validateLabels(t.metadata?.labels, path.child('labels')),
    ...validateAnnotations(t.metadata?.annotations, path.child('annotations')),
    ...validatePodSpec(t.spec, path.child('spec')),
  ];
}

export function validateTemplateMatchesSelector(selector: LabelSelector | undefined, template: PodTemplateSpec | undefined, path: FieldPath): FieldError[] {
  if (selectorIsEmpty(selector)) return [];
  const labels = template?.metadata?.labels;
  return selectorMatches(selector, labels) ? [] : [invalid(path.child('metadata', 'labels'), labels ?? {}, '`selector` does not match template `labels`', goStringMap(labels))];
}

/** ValidatePodTemplateSpecForReplicaSet, shared by Deployments and ReplicaSets. */
export function validateReplicaSetTemplate(selector: LabelSelector | undefined, template: PodTemplateSpec | undefined, path: FieldPath, owner: string): FieldError[] {
  if (template === undefined) return [required(path)];
  const errs = [...validateTemplateMatchesSelector(selector, template, path), ...validatePodTemplateSpec(template, path)];
  const policy = template.spec?.restartPolicy;
  if (policy !== undefined && policy !== 'Always') errs.push(notSupported(path.child('spec', 'restartPolicy'), policy, ['Always']));
  const deadline = template.spec?.activeDeadlineSeconds;
  if (deadline !== undefined) errs.push(invalid(path.child('spec', 'activeDeadlineSeconds'), deadline, `activeDeadlineSeconds in ${owner} is not Supported`));
  return errs;
}

function validateSelector(selector: LabelSelector | undefined, path: FieldPath, what: string): FieldError[] {
  if (selector === undefined) return [required(path)];
  const errs = validateLabelSelector(selector, path);
  if (selectorIsEmpty(selector)) errs.push(invalid(path, selector, `empty selector is invalid for ${what}`, goLabelSelector(selector)));
  return errs;
}

function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && isPercent(v).length === 0) return Number(v.slice(0, -1));
  return 0;
}

function validatePositiveIntOrPercent(value: unknown, path: FieldPath): FieldError[] {
  if (typeof value === 'string') return isPercent(value).map((msg) => invalid(path, value, msg, goIntOrString(value)));
  return validateNonnegative(typeof value === 'number' ? value : undefined, path);
}

function validateDeploymentStrategy(strategy: NonNullable<Deployment['spec']>['strategy'], path: FieldPath): FieldError[] {
  const s = strategy ?? {};
  if (s.type === 'Recreate') {
    return s.rollingUpdate !== undefined ? [forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
  }
  if (s.type === 'RollingUpdate' || s.type === undefined) {
    const ru = s.rollingUpdate;
    if (ru === undefined) return [required(path.child('rollingUpdate'), 'this should be defaulted and never be nil')];
    const rp = path.child('rollingUpdate');
    const errs = [...validatePositiveIntOrPercent(ru.maxUnavailable, rp.child('maxUnavailable')), ...validatePositiveIntOrPercent(ru.maxSurge, rp.child('maxSurge'))];
    if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
      errs.push(invalid(rp.child('maxUnavailable'), ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0', goIntOrString(ru.maxUnavailable)));
    }
    errs.push(...validateNotMoreThan100Percent(ru.maxUnavailable, rp.child('maxUnavailable')));
    return errs;
  }
  return [notSupported(path, s.type, ['Recreate', 'RollingUpdate'])];
}

export function validateDeployment(d: Deployment, old?: Deployment): FieldError[] {
  const errs = old === undefined ? validateObjectMeta(d.metadata, true) : validateObjectMetaUpdate(d.metadata, old.metadata);
  const spec = d.spec;
  const path = FieldPath.root('spec');
  errs.push(...validateNonnegative(spec?.replicas, path.child('replicas')));
  errs.push(...validateSelector(spec?.selector, path.child('selector'), 'deployment'));
  errs.push(...validateReplicaSetTemplate(spec?.selector, spec?.template, path.child('template'), 'ReplicaSet'));
  errs.push(...validateDeploymentStrategy(spec?.strategy, path.child('strategy')));
  errs.push(...validateNonnegative(spec?.minReadySeconds, path.child('minReadySeconds')));
  errs.push(...validateNonnegative(spec?.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  const pds = spec?.progressDeadlineSeconds;
  if (pds !== undefined) {
    if (pds <= 0) errs.push(invalid(path.child('progressDeadlineSeconds'), pds, 'must be greater than 0'));
    if (pds <= (spec?.minReadySeconds ?? 0)) errs.push(invalid(path.child('progressDeadlineSeconds'), pds, 'must be greater than minReadySeconds'));
  }
  if (old !== undefined) errs.push(...validateImmutableSelector(spec?.selector, old.spec?.selector, path.child('selector')));
  return errs;
}

/** apps/v1 made selectors immutable. */
export function validateImmutableSelector(next: LabelSelector | undefined, prev: LabelSelector | undefined, path: FieldPath): FieldError[] {
  return deepEqual(next, prev) ? [] : [invalid(path, next ?? null, 'field is immutable', goLabelSelector(next))];
}

export function validateReplicaSet(rs: ReplicaSet, old?: ReplicaSet): FieldError[] {
  const errs = old === undefined ? validateObjectMeta(rs.metadata, true) : validateObjectMetaUpdate(rs.metadata, old.metadata);
  const spec = rs.spec;
  const path = FieldPath.root('spec');
  errs.push(...validateNonnegative(spec?.replicas, path.child('replicas')));
  errs.push(...validateNonnegative(spec?.minReadySeconds, path.child('minReadySeconds')));
  // Kubernetes says "deployment" here too.
  errs.push(...validateSelector(spec?.selector, path.child('selector'), 'deployment'));
  errs.push(...validateReplicaSetTemplate(spec?.selector, spec?.template, path.child('template'), 'ReplicaSet'));
  if (old !== undefined) errs.push(...validateImmutableSelector(spec?.selector, old.spec?.selector, path.child('selector')));
  return errs;
}

function validateDaemonSetStrategy(strategy: NonNullable<DaemonSet['spec']>['updateStrategy'], path: FieldPath): FieldError[] {
  const s = strategy ?? {};
  if (s.type === 'OnDelete') return [];
  if (s.type === 'RollingUpdate' || s.type === undefined) {
    const ru = s.rollingUpdate;
    if (ru === undefined) return [required(path.child('rollingUpdate'))];
    const rp = path.child('rollingUpdate');
    const errs = [
      ...validatePositiveIntOrPercent(ru.maxUnavailable, rp.child('maxUnavailable')),
      ...validatePositiveIntOrPercent(ru.maxSurge, rp.child('maxSurge')),
      ...validateNotMoreThan100Percent(ru.maxUnavailable, rp.child('maxUnavailable')),
      ...validateNotMoreThan100Percent(ru.maxSurge, rp.child('maxSurge')),
    ];
    const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
    const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
    if (hasUnavailable && hasSurge) errs.push(invalid(rp.child('maxSurge'), ru.maxSurge, 'may not be set when maxUnavailable is non-zero', goIntOrString(ru.maxSurge)));
    if (!hasUnavailable && !hasSurge) errs.push(required(rp.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
    return errs;
  }
  return [notSupported(path, s.type, ['RollingUpdate', 'OnDelete'])];
}

export function validateDaemonSet(ds: DaemonSet, old?: DaemonSet): FieldError[] {
  const errs = old === undefined ? validateObjectMeta(ds.metadata, true) : validateObjectMetaUpdate(ds.metadata, old.metadata);
  const spec = ds.spec;
  const path = FieldPath.root('spec');
  errs.push(...validateLabelSelector(spec?.selector, path.child('selector')));
  if (spec?.selector === undefined) errs.push(required(path.child('selector')));
  else {
    errs.push(...validateTemplateMatchesSelector(spec.selector, spec.template, path.child('template')));
    if (selectorIsEmpty(spec.selector)) errs.push(invalid(path.child('selector'), spec.selector, 'empty selector is invalid for daemonset', goLabelSelector(spec.selector)));
  }
  const tp = path.child('template');
  errs.push(...validatePodTemplateSpec(spec?.template, tp));
  const policy = spec?.template?.spec?.restartPolicy;
  if (policy !== undefined && policy !== 'Always') errs.push(notSupported(tp.child('spec', 'restartPolicy'), policy, ['Always']));
  const deadline = spec?.template?.spec?.activeDeadlineSeconds;
  if (deadline !== undefined) errs.push(invalid(tp.child('spec', 'activeDeadlineSeconds'), deadline, 'activeDeadlineSeconds in DaemonSet is not Supported'));
  errs.push(...validateNonnegative(spec?.minReadySeconds, path.child('minReadySeconds')));
  errs.push(...validateDaemonSetStrategy(spec?.updateStrategy, path.child('updateStrategy')));
  errs.push(...validateNonnegative(spec?.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  if (old !== undefined) errs.push(...validateImmutableSelector(spec?.selector, old.spec?.selector, path.child('selector')));
  return errs;
}

export function validateControllerRevision(cr: ControllerRevision, old?: ControllerRevision): FieldError[] {
  const errs = old === undefined ? validateObjectMeta(cr.metadata, true) : validateObjectMetaUpdate(cr.metadata, old.metadata);
  errs.push(...validateNonnegative(cr.revision, FieldPath.root('revision')));
  if (old !== undefined && !deepEqual(cr.data, old.data)) errs.push(invalid('data', cr.data ?? null, 'field is immutable', 'runtime.RawExtension{...}'));
  return errs;
}

export function validateScale(scale: Scale): FieldError[] {
  return validateNonnegative(scale.spec?.replicas, FieldPath.root('spec').child('replicas'));
}

