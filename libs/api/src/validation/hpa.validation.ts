// HorizontalPodAutoscaler metric targets and scaling behavior (pkg/apis/autoscaling/validation):
// a target the controller would divide by (a zero utilization, a non-positive value) or a scaling
// rule outside Kubernetes' bounds never reaches storage.
import { FieldPath, forbidden, invalid, notSupported, required, type FieldError } from '../field-error.js';
import { parseQuantityNanos } from '../quantity.js';
import type { HorizontalPodAutoscaler, MetricSpec } from '../schema/groups.schema.js';

/** MaxStabilizationWindowSeconds and MaxPeriodSeconds. */
export const HPA_STABILIZATION_WINDOW_SECONDS_MAX = 3600;
export const HPA_POLICY_PERIOD_SECONDS_MAX = 1800;

type Target = NonNullable<MetricSpec['resource']>['target'];
type Spec = NonNullable<HorizontalPodAutoscaler['spec']>;
type Rules = NonNullable<NonNullable<Spec['behavior']>['scaleUp']>;

function positive(q: unknown): boolean {
  const nanos = parseQuantityNanos(q);
  return nanos !== undefined && nanos > 0n;
}

function validateTarget(t: Target, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!t.type) errs.push(required(path.child('type'), 'must specify a metric target type'));
  else if (!['Utilization', 'Value', 'AverageValue'].includes(t.type)) errs.push(invalid(path.child('type'), t.type, 'must be either Utilization, Value, or AverageValue'));
  if (t.value !== undefined && !positive(t.value)) errs.push(invalid(path.child('value'), t.value, 'must be positive'));
  if (t.averageValue !== undefined && !positive(t.averageValue)) errs.push(invalid(path.child('averageValue'), t.averageValue, 'must be positive'));
  if (t.averageUtilization !== undefined && t.averageUtilization < 1) errs.push(invalid(path.child('averageUtilization'), t.averageUtilization, 'must be greater than 0'));
  return errs;
}

/** A Resource or ContainerResource source: one of a utilization and a raw value. */
function validateResourceTarget(t: Target, path: FieldPath): FieldError[] {
  const errs = validateTarget(t, path);
  if (t.averageUtilization === undefined && t.averageValue === undefined) errs.push(required(path.child('averageUtilization'), 'must set either a target raw value or a target utilization'));
  if (t.averageUtilization !== undefined && t.averageValue !== undefined) errs.push(forbidden(path.child('averageValue'), 'may not set both a target raw value and a target utilization'));
  return errs;
}

function validateMetricTargets(m: MetricSpec, path: FieldPath): FieldError[] {
  if (m.resource !== undefined) return validateResourceTarget(m.resource.target, path.child('resource', 'target'));
  if (m.containerResource !== undefined) return validateResourceTarget(m.containerResource.target, path.child('containerResource', 'target'));
  const source = m.pods ?? m.object ?? m.external;
  const name = m.pods !== undefined ? 'pods' : m.object !== undefined ? 'object' : 'external';
  return source === undefined ? [] : validateTarget(source.target, path.child(name, 'target'));
}

function validateRules(rules: Rules | undefined, path: FieldPath): FieldError[] {
  if (rules === undefined) return [];
  const errs: FieldError[] = [];
  const window = rules.stabilizationWindowSeconds;
  if (window !== undefined && window < 0) errs.push(invalid(path.child('stabilizationWindowSeconds'), window, 'must be greater than or equal to zero'));
  if (window !== undefined && window > HPA_STABILIZATION_WINDOW_SECONDS_MAX) errs.push(invalid(path.child('stabilizationWindowSeconds'), window, `must be less than or equal to ${HPA_STABILIZATION_WINDOW_SECONDS_MAX}`));
  if (rules.selectPolicy !== undefined && !['Disabled', 'Max', 'Min'].includes(rules.selectPolicy)) errs.push(notSupported(path.child('selectPolicy'), rules.selectPolicy, ['Disabled', 'Max', 'Min']));
  const policies = rules.policies ?? [];
  if (policies.length === 0) errs.push(required(path.child('policies'), 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const pp = path.child('policies').index(i);
    if (p.type !== 'Pods' && p.type !== 'Percent') errs.push(notSupported(pp.child('type'), p.type, ['Percent', 'Pods']));
    if (p.value <= 0) errs.push(invalid(pp.child('value'), p.value, 'must be greater than zero'));
    if (p.periodSeconds <= 0) errs.push(invalid(pp.child('periodSeconds'), p.periodSeconds, 'must be greater than zero'));
    if (p.periodSeconds > HPA_POLICY_PERIOD_SECONDS_MAX) errs.push(invalid(pp.child('periodSeconds'), p.periodSeconds, `must be less than or equal to ${HPA_POLICY_PERIOD_SECONDS_MAX}`));
  });
  return errs;
}

/** Metric targets and behavior of an HPA spec (after defaulting, as the apiserver validates). */
export function validateHpaTargetsAndBehavior(spec: Spec, path: FieldPath): FieldError[] {
  const errs = (spec.metrics ?? []).flatMap((m, i) => validateMetricTargets(m, path.child('metrics').index(i)));
  errs.push(...validateRules(spec.behavior?.scaleUp, path.child('behavior', 'scaleUp')), ...validateRules(spec.behavior?.scaleDown, path.child('behavior', 'scaleDown')));
  return errs;
}
