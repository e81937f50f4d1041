// Validation of scheduling, coordination, rbac, autoscaling, policy, discovery, authorization,
// authentication and batch kinds.
import { duplicate, FieldPath, forbidden, goQuote, invalid, notSupported, required, type FieldError } from '../field-error.js';
import type { EndpointSlice, HorizontalPodAutoscaler, Job, Lease, PodDisruptionBudget, PolicyRule, PriorityClass, Role, RoleBinding, Subject } from '../schema/groups.schema.js';
import type { KubeObject } from '../types.js';
import { asRecord, deepEqual, validateDNS1123Label, validateNonnegative, validateNotMoreThan100Percent } from './common.js';
import { validatePodTemplateSpec, validateTemplateMatchesSelector } from './apps.validation.js';
import { goLabelSelector, validateLabelSelector } from './label-selector.validation.js';
import { validateHpaTargetsAndBehavior } from './hpa.validation.js';
import { isPercent, isValidPathSegmentName, isValidPortNum, nameIsDNSSubdomain, nameIsPathSegment } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.validation.js';

const rbacGroup = 'rbac.authorization.k8s.io';
const highestUserDefinablePriority = 1_000_000_000;
export const systemPriorityClasses: Record<string, number> = { 'system-node-critical': 2_000_001_000, 'system-cluster-critical': 2_000_000_000 };

function meta(obj: KubeObject, old: KubeObject | undefined, namespaced: boolean, nameFn = nameIsDNSSubdomain): FieldError[] {
  return old === undefined ? validateObjectMeta(obj.metadata, { namespaced, nameFn }) : validateObjectMetaUpdate(obj.metadata, old.metadata);
}

export function validatePriorityClass(pc: PriorityClass, old?: PriorityClass): FieldError[] {
  const errs = meta(pc, old, false);
  const name = pc.metadata.name ?? '';
  if (name.startsWith('system-')) {
    const known = systemPriorityClasses[name];
    const problem =
      known === undefined ? `${name} is not a known system priority class` : pc.value !== known ? `value of ${name} PriorityClass must be ${known}` : pc.globalDefault === true ? `globalDefault of ${name} PriorityClass must be false` : '';
    if (problem !== '') errs.push(forbidden(FieldPath.root('metadata').child('name'), `priority class names with 'system-' prefix are reserved for system use only. error: ${problem}`));
  } else if (pc.value > highestUserDefinablePriority) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`));
  }
  if (pc.preemptionPolicy !== undefined && !['Never', 'PreemptLowerPriority'].includes(pc.preemptionPolicy)) {
    errs.push(notSupported('preemptionPolicy', pc.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  }
  if (old !== undefined) {
    if (pc.value !== old.value) errs.push(forbidden('value', 'may not be changed in an update.'));
    if (pc.preemptionPolicy !== old.preemptionPolicy) errs.push(invalid('preemptionPolicy', pc.preemptionPolicy ?? null, 'field is immutable'));
  }
  return errs;
}

export function validateLease(lease: Lease, old?: Lease): FieldError[] {
  const errs = meta(lease, old, true);
  const spec = lease.spec ?? {};
  const path = FieldPath.root('spec');
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds <= 0) errs.push(invalid(path.child('leaseDurationSeconds'), spec.leaseDurationSeconds, 'must be greater than 0'));
  errs.push(...validateNonnegative(spec.leaseTransitions, path.child('leaseTransitions')));
  return errs;
}

function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if ((rule.verbs ?? []).length === 0) errs.push(required(path.child('verbs'), 'verbs must contain at least one value'));
  const urls = rule.nonResourceURLs ?? [];
  if (urls.length > 0) {
    if (namespaced) errs.push(invalid(path.child('nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
    if ((rule.apiGroups ?? []).length > 0 || (rule.resources ?? []).length > 0 || (rule.resourceNames ?? []).length > 0) {
      errs.push(invalid(path.child('nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if ((rule.apiGroups ?? []).length === 0) errs.push(required(path.child('apiGroups'), 'resource rules must supply at least one api group'));
  if ((rule.resources ?? []).length === 0) errs.push(required(path.child('resources'), 'resource rules must supply at least one resource'));
  return errs;
}

export function validateRole(role: Role, namespaced: boolean, old?: Role): FieldError[] {
  const errs = meta(role, old, namespaced, nameIsPathSegment);
  (role.rules ?? []).forEach((rule, i) => errs.push(...validatePolicyRule(rule, namespaced, FieldPath.root('rules').index(i))));
  return errs;
}

function validateSubject(subject: Subject, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!subject.name) errs.push(required(path.child('name')));
  switch (subject.kind) {
    case 'ServiceAccount':
      if (subject.name) for (const msg of nameIsDNSSubdomain(subject.name, false)) errs.push(invalid(path.child('name'), subject.name, msg));
      if (subject.apiGroup) errs.push(notSupported(path.child('apiGroup'), subject.apiGroup, ['']));
      if (!namespaced && !subject.namespace) errs.push(required(path.child('namespace')));
      break;
    case 'User':
    case 'Group':
      if (subject.apiGroup !== rbacGroup) errs.push(notSupported(path.child('apiGroup'), subject.apiGroup ?? '', [rbacGroup]));
      break;
    default:
      errs.push(notSupported(path.child('kind'), subject.kind, ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

export function validateRoleBinding(rb: RoleBinding, namespaced: boolean, old?: RoleBinding): FieldError[] {
  const errs = meta(rb, old, namespaced, nameIsPathSegment);
  const ref = rb.roleRef ?? { apiGroup: '', kind: '', name: '' };
  if (ref.apiGroup !== rbacGroup) errs.push(notSupported(FieldPath.root('roleRef').child('apiGroup'), ref.apiGroup, [rbacGroup]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(notSupported(FieldPath.root('roleRef').child('kind'), ref.kind, kinds));
  if (!ref.name) errs.push(required(FieldPath.root('roleRef').child('name')));
  else for (const msg of isValidPathSegmentName(ref.name)) errs.push(invalid(FieldPath.root('roleRef').child('name'), ref.name, msg));
  (rb.subjects ?? []).forEach((s, i) => errs.push(...validateSubject(s, namespaced, FieldPath.root('subjects').index(i))));
  if (old !== undefined && !deepEqual(rb.roleRef, old.roleRef)) {
    const shown = `rbac.RoleRef{APIGroup:${goQuote(ref.apiGroup)}, Kind:${goQuote(ref.kind)}, Name:${goQuote(ref.name)}}`;
    errs.push(invalid('roleRef', rb.roleRef, 'cannot change roleRef', shown));
  }
  return errs;
}

const metricTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];

export function validateHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler, old?: HorizontalPodAutoscaler): FieldError[] {
  const errs = meta(hpa, old, true);
  const spec = hpa.spec;
  const path = FieldPath.root('spec');
  if (spec === undefined) return [...errs, required(path)];
  if (spec.minReplicas !== undefined && spec.minReplicas < 1) errs.push(invalid(path.child('minReplicas'), spec.minReplicas, 'must be greater than or equal to 1'));
  if (spec.maxReplicas < 1) errs.push(invalid(path.child('maxReplicas'), spec.maxReplicas, 'must be greater than 0'));
  if (spec.minReplicas !== undefined && spec.maxReplicas < spec.minReplicas) errs.push(invalid(path.child('maxReplicas'), spec.maxReplicas, 'must be greater than or equal to `minReplicas`'));
  const ref = spec.scaleTargetRef ?? { kind: '', name: '' };
  const rp = path.child('scaleTargetRef');
  for (const key of ['kind', 'name'] as const) {
    if (!ref[key]) errs.push(required(rp.child(key)));
    else for (const msg of isValidPathSegmentName(ref[key])) errs.push(invalid(rp.child(key), ref[key], msg));
  }
  (spec.metrics ?? []).forEach((m, i) => {
    const mp = path.child('metrics').index(i);
    if (!metricTypes.includes(m.type)) errs.push(invalid(mp.child('type'), m.type, 'must be either External, Object, Pods, Resource or ContainerResource'));
    if (m.type === 'Resource' && m.resource === undefined) errs.push(required(mp.child('resource'), 'must populate information for the given metric source'));
    if (m.resource !== undefined && !m.resource.name) errs.push(required(mp.child('resource', 'name'), 'must specify a resource name'));
  });
  errs.push(...validateHpaTargetsAndBehavior(spec, path));
  return errs;
}

function validatePositiveIntOrPercent(value: unknown, path: FieldPath): FieldError[] {
  if (typeof value === 'string') return isPercent(value).map((msg) => invalid(path, value, msg));
  return validateNonnegative(typeof value === 'number' ? value : undefined, path);
}

export function validatePodDisruptionBudget(pdb: PodDisruptionBudget, old?: PodDisruptionBudget): FieldError[] {
  const errs = meta(pdb, old, true);
  const spec = pdb.spec ?? {};
  const path = FieldPath.root('spec');
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errs.push(invalid(path, spec, 'minAvailable and maxUnavailable cannot be both set', 'policy.PodDisruptionBudgetSpec{...}'));
  }
  for (const key of ['minAvailable', 'maxUnavailable'] as const) {
    if (spec[key] === undefined) continue;
    errs.push(...validatePositiveIntOrPercent(spec[key], path.child(key)), ...validateNotMoreThan100Percent(spec[key], path.child(key)));
  }
  errs.push(...validateLabelSelector(spec.selector, path.child('selector')));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && policy !== 'AlwaysAllow' && policy !== 'IfHealthyBudget') {
    errs.push(notSupported(path.child('unhealthyPodEvictionPolicy'), policy, ['AlwaysAllow', 'IfHealthyBudget']));
  }
  return errs;
}

export function validateEndpointSlice(es: EndpointSlice, old?: EndpointSlice): FieldError[] {
  const errs = meta(es, old, true);
  if (!['FQDN', 'IPv4', 'IPv6'].includes(es.addressType)) errs.push(notSupported('addressType', es.addressType, ['FQDN', 'IPv4', 'IPv6']));
  (es.endpoints ?? []).forEach((ep, i) => {
    const p = FieldPath.root('endpoints').index(i);
    const n = (ep.addresses ?? []).length;
    if (n === 0) errs.push(required(p.child('addresses'), 'must contain at least 1 address'));
    else if (n > 100) errs.push(invalid(p.child('addresses'), ep.addresses, 'must not have more than 100 addresses'));
  });
  const names = new Set<string>();
  (es.ports ?? []).forEach((port, i) => {
    const p = FieldPath.root('ports').index(i);
    const name = port.name ?? '';
    if (name !== '') errs.push(...validateDNS1123Label(name, p.child('name')));
    if (names.has(name)) errs.push(duplicate(p.child('name'), name));
    names.add(name);
    if (port.port !== undefined) for (const msg of isValidPortNum(port.port)) errs.push(invalid(p.child('port'), port.port, msg));
  });
  if (old !== undefined && es.addressType !== old.addressType) errs.push(invalid('addressType', es.addressType, 'field is immutable'));
  return errs;
}

/** SubjectAccessReview and SelfSubjectAccessReview (self: no user or groups). */
export function validateAccessReview(review: KubeObject, self: boolean): FieldError[] {
  const spec = asRecord(review.spec);
  const path = FieldPath.root('spec');
  const errs: FieldError[] = [];
  const hasResource = spec.resourceAttributes !== undefined;
  const hasNonResource = spec.nonResourceAttributes !== undefined;
  if (hasResource && hasNonResource) errs.push(invalid(path.child('nonResourceAttributes'), spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes', '&authorization.NonResourceAttributes{...}'));
  if (!hasResource && !hasNonResource) errs.push(invalid(path.child('resourceAttributes'), null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  if (!self && !spec.user && (!Array.isArray(spec.groups) || spec.groups.length === 0)) {
    errs.push(invalid(path.child('user'), spec.user ?? '', 'at least one of user or group must be specified'));
  }
  return errs;
}

export function validateTokenRequest(tr: KubeObject): FieldError[] {
  const seconds = asRecord(tr.spec).expirationSeconds;
  const path = FieldPath.root('spec').child('expirationSeconds');
  if (typeof seconds !== 'number') return [];
  if (seconds < 600) return [invalid(path, seconds, 'may not specify a duration less than 10 minutes')];
  if (seconds > 2 ** 32) return [invalid(path, seconds, 'may not specify a duration larger than 2^32 seconds')];
  return [];
}

export function validateJob(job: Job, old?: Job): FieldError[] {
  const errs = meta(job, old, true);
  const spec = job.spec;
  const path = FieldPath.root('spec');
  for (const key of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished'] as const) {
    errs.push(...validateNonnegative(spec?.[key], path.child(key)));
  }
  if (spec?.selector === undefined) errs.push(required(path.child('selector')));
  else errs.push(...validateLabelSelector(spec.selector, path.child('selector')));
  errs.push(...validateTemplateMatchesSelector(spec?.selector, spec?.template, path.child('template')));
  errs.push(...validatePodTemplateSpec(spec?.template, path.child('template')));
  const policy = spec?.template?.spec?.restartPolicy;
  if (policy !== 'OnFailure' && policy !== 'Never') errs.push(notSupported(path.child('template', 'spec', 'restartPolicy'), policy ?? '', ['OnFailure', 'Never']));
  if (old !== undefined) {
    if (!deepEqual(spec?.selector, old.spec?.selector)) errs.push(invalid(path.child('selector'), spec?.selector ?? null, 'field is immutable', goLabelSelector(spec?.selector)));
    if (!deepEqual(spec?.template, old.spec?.template) && old.spec?.suspend !== true) {
      errs.push(invalid(path.child('template'), spec?.template, 'field is immutable', 'core.PodTemplateSpec{...}'));
    }
    if (spec?.completions !== old.spec?.completions && spec?.completionMode !== 'Indexed') {
      errs.push(invalid(path.child('completions'), spec?.completions ?? null, 'field is immutable'));
    }
  }
  return errs;
}
