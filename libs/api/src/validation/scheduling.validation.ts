// Scheduling constraints of a PodSpec: tolerations, node and pod (anti-)affinity, topology spread.
import { duplicate, FieldPath, forbidden, goQuote, invalid, notSupported, required, type FieldError } from '../field-error.js';
import type { Affinity, NodeSelectorTerm, PodAffinityTerm, Toleration, TopologySpreadConstraint } from '../schema/pod.schema.js';
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { validateLabelSelector } from './label-selector.validation.js';

export const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateLabelName(key: string, path: FieldPath): FieldError[] {
  return isQualifiedName(key).map((msg) => invalid(path, key, msg));
}

export function validateTaintEffect(effect: string | undefined, allowEmpty: boolean, path: FieldPath): FieldError[] {
  if (!effect) return allowEmpty ? [] : [required(path)];
  return taintEffects.includes(effect) ? [] : [notSupported(path, effect, taintEffects)];
}

function goToleration(t: Toleration): string {
  const secs = t.tolerationSeconds === undefined ? '(*int64)(nil)' : `(*int64)(${t.tolerationSeconds})`;
  return `core.Toleration{Key:${goQuote(t.key ?? '')}, Operator:${goQuote(t.operator ?? '')}, Value:${goQuote(t.value ?? '')}, Effect:${goQuote(t.effect ?? '')}, TolerationSeconds:${secs}}`;
}

export function validateTolerations(tolerations: readonly Toleration[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = path.index(i);
    if (t.key) errs.push(...validateLabelName(t.key, p.child('key')));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(invalid(p.child('operator'), t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(invalid(p.child('effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (t.operator ?? '') {
      case 'Equal':
      case '':
        for (const msg of isValidLabelValue(t.value ?? '')) errs.push(invalid(p.child('operator'), t.value ?? '', msg));
        break;
      case 'Exists':
        if (t.value) errs.push(invalid(p.child('operator'), t, "value must be empty when `operator` is 'Exists'", goToleration(t)));
        break;
      default:
        errs.push(notSupported(p.child('operator'), t.operator, ['Equal', 'Exists']));
    }
    errs.push(...validateTaintEffect(t.effect, true, p.child('effect')));
  });
  return errs;
}

function validateNodeSelectorTerm(term: NodeSelectorTerm, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (term.matchExpressions ?? []).forEach((req, j) => {
    const p = path.child('matchExpressions').index(j);
    const n = (req.values ?? []).length;
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (n === 0) errs.push(required(p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (n > 0) errs.push(forbidden(p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      case 'Gt':
      case 'Lt':
        if (n !== 1) errs.push(required(p.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
        break;
      default:
        errs.push(invalid(p.child('operator'), req.operator, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(req.key, p.child('key')));
  });
  (term.matchFields ?? []).forEach((req, j) => {
    const p = path.child('matchFields').index(j);
    if (req.operator === 'In' || req.operator === 'NotIn') {
      if ((req.values ?? []).length !== 1) errs.push(required(p.child('values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    } else {
      errs.push(invalid(p.child('operator'), req.operator, 'not a valid selector operator'));
    }
    if (req.key !== 'metadata.name') errs.push(invalid(p.child('key'), req.key, 'not a valid field selector key'));
    else (req.values ?? []).forEach((v, k) => {
      for (const msg of nameIsDNSSubdomain(v, false)) errs.push(invalid(p.child('values').index(k), v, msg));
    });
  });
  return errs;
}

function validateWeight(weight: number, path: FieldPath): FieldError[] {
  return weight <= 0 || weight > 100 ? [invalid(path, weight, 'must be in the range 1-100')] : [];
}

function validatePodAffinityTerm(term: PodAffinityTerm, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabelSelector(term.labelSelector, path.child('labelSelector')));
  errs.push(...validateLabelSelector(term.namespaceSelector, path.child('namespaceSelector')));
  for (const ns of term.namespaces ?? []) for (const msg of nameIsDNSLabel(ns, false)) errs.push(invalid(path.child('namespace'), ns, msg));
  if (!term.topologyKey) errs.push(required(path.child('topologyKey'), 'can not be empty'));
  errs.push(...validateLabelName(term.topologyKey ?? '', path.child('topologyKey')));
  return errs;
}

type PodAffinityRules = NonNullable<Affinity['podAffinity']>;

function validatePodAffinityRules(rules: PodAffinityRules, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const req = path.child('requiredDuringSchedulingIgnoredDuringExecution');
  (rules.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => errs.push(...validatePodAffinityTerm(t, req.index(i))));
  const pref = path.child('preferredDuringSchedulingIgnoredDuringExecution');
  (rules.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((w, i) => {
    errs.push(...validateWeight(w.weight, pref.index(i).child('weight')));
    errs.push(...validatePodAffinityTerm(w.podAffinityTerm, pref.index(i).child('podAffinityTerm')));
  });
  return errs;
}

export function validateAffinity(affinity: Affinity | undefined, path: FieldPath): FieldError[] {
  if (affinity === undefined) return [];
  const errs: FieldError[] = [];
  const na = affinity.nodeAffinity;
  if (na) {
    const np = path.child('nodeAffinity');
    const required_ = na.requiredDuringSchedulingIgnoredDuringExecution;
    if (required_) {
      const tp = np.child('requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms');
      if ((required_.nodeSelectorTerms ?? []).length === 0) errs.push(required(tp, 'must have at least one node selector term'));
      (required_.nodeSelectorTerms ?? []).forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, tp.index(i))));
    }
    const pp = np.child('preferredDuringSchedulingIgnoredDuringExecution');
    (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      errs.push(...validateWeight(t.weight, pp.index(i).child('weight')));
      errs.push(...validateNodeSelectorTerm(t.preference, pp.index(i).child('preference')));
    });
  }
  if (affinity.podAffinity) errs.push(...validatePodAffinityRules(affinity.podAffinity, path.child('podAffinity')));
  if (affinity.podAntiAffinity) errs.push(...validatePodAffinityRules(affinity.podAntiAffinity, path.child('podAntiAffinity')));
  return errs;
}

export function validateTopologySpreadConstraints(constraints: readonly TopologySpreadConstraint[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const list = constraints ?? [];
  list.forEach((c, i) => {
    const p = path.index(i);
    if (c.maxSkew <= 0) errs.push(invalid(p.child('maxSkew'), c.maxSkew, 'must be greater than zero'));
    if (!c.topologyKey) errs.push(required(p.child('topologyKey'), 'can not be empty'));
    else errs.push(...validateLabelName(c.topologyKey, p.child('topologyKey')));
    if (c.whenUnsatisfiable !== 'DoNotSchedule' && c.whenUnsatisfiable !== 'ScheduleAnyway') {
      errs.push(notSupported(p.child('whenUnsatisfiable'), c.whenUnsatisfiable, ['DoNotSchedule', 'ScheduleAnyway']));
    }
    const repeated = list.slice(i + 1).some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable);
    if (repeated) errs.push(duplicate(p.child('{topologyKey, whenUnsatisfiable}'), `{${c.topologyKey}, ${c.whenUnsatisfiable}}`));
    if (c.minDomains !== undefined) {
      if (c.minDomains <= 0) errs.push(invalid(p.child('minDomains'), c.minDomains, 'must be greater than 0'));
      else if (c.whenUnsatisfiable !== 'DoNotSchedule') {
        errs.push(invalid(p.child('minDomains'), c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${c.whenUnsatisfiable}`));
      }
    }
    errs.push(...validateLabelSelector(c.labelSelector, p.child('labelSelector')));
  });
  return errs;
}
