// Label selectors (k8s.io/apimachinery/pkg/labels): the string form of `?labelSelector=` and
// `kubectl -l`, the LabelSelector object of Deployments and Services' peers, matching, and the
// canonical string form. Parse errors carry Kubernetes' messages because the API server returns
// them verbatim in a 400.
import { aggregateMessages, fieldErrors, fieldErrorText, type FieldError } from './field-error.js';
import { isQualifiedName, isValidLabelValue } from './name-validation.js';

/** selection.Operator values, as Kubernetes spells them. */
export const SelectorOperator = {
  In: 'in',
  NotIn: 'notin',
  Equals: '=',
  DoubleEquals: '==',
  NotEquals: '!=',
  Exists: 'exists',
  DoesNotExist: '!',
  GreaterThan: 'gt',
  LessThan: 'lt',
} as const;
export type SelectorOperator = (typeof SelectorOperator)[keyof typeof SelectorOperator];


export interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  /** Sorted and without duplicates (a Go sets.String). Empty for exists / does-not-exist. */
  readonly values: readonly string[];
}

/**
 * A parsed label selector. `everything` has no requirements and matches all label sets;
 * `nothing` (a nil LabelSelector object) matches none.
 */
export type LabelSelector =
  | { readonly type: 'requirements'; readonly requirements: readonly Requirement[] }
  | { readonly type: 'nothing' };

export type Labels = Readonly<Record<string, string>>;

export class LabelSelectorError extends Error {
  override readonly name = 'LabelSelectorError';
}

export const everythingSelector: LabelSelector = { type: 'requirements', requirements: [] };
export const nothingSelector: LabelSelector = { type: 'nothing' };

/**
 * labels.NewRequirement: validates key, operator arity and values. `path` prefixes field errors
 * (Kubernetes' parser passes none, which prints as `<nil>` for key errors).
 */
export function newRequirement(key: string, operator: SelectorOperator, values: readonly string[], path = ''): Requirement {
  const errors: FieldError[] = [];
  const keyErrors = isQualifiedName(key);
  if (keyErrors.length > 0) errors.push(fieldErrors.invalid(child(path, 'key'), key, keyErrors.join('; ')));
  const valuesPath = child(path, 'values');
  errors.push(...arityErrors(operator, values, valuesPath));
  values.forEach((value, i) => {
    const valueErrors = isValidLabelValue(value);
    if (valueErrors.length > 0) {
      errors.push(fieldErrors.invalid(`${valuesPath}[${i}][${key}]`, value, valueErrors.join('; ')));
    }
  });
  if (errors.length > 0) throw new LabelSelectorError(aggregateMessages(errors.map(fieldErrorText)));
  return { key, operator, values: [...values] };
}

function arityErrors(operator: SelectorOperator, values: readonly string[], valuesPath: string): FieldError[] {
  switch (operator) {
    case 'in':
    case 'notin':
      return values.length === 0 ? [fieldErrors.invalid(valuesPath, values, "for 'in', 'notin' operators, values set can't be empty")] : [];
    case '=':
    case '==':
    case '!=':
      return values.length !== 1 ? [fieldErrors.invalid(valuesPath, values, 'exact-match compatibility requires one single value')] : [];
    case 'exists':
    case '!':
      return values.length !== 0 ? [fieldErrors.invalid(valuesPath, values, 'values set must be empty for exists and does not exist')] : [];
    case 'gt':
    case 'lt': {
      const errors: FieldError[] = [];
      if (values.length !== 1) errors.push(fieldErrors.invalid(valuesPath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((value, i) => {
        if (!/^[+-]?\d+$/.test(value)) {
          errors.push(fieldErrors.invalid(`${valuesPath}[${i}]`, value, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      return errors;
    }
  }
}

function child(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

export function requirementMatches(requirement: Requirement, labels: Labels | undefined): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, requirement.key);
  const value = has ? labels[requirement.key] : undefined;
  switch (requirement.operator) {
    case 'in':
    case '=':
    case '==':
      return has && requirement.values.includes(value ?? '');
    case 'notin':
    case '!=':
      return !has || !requirement.values.includes(value ?? '');
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt':
      return has && compareIntegers(requirement, value ?? '');
  }
}

function compareIntegers(requirement: Requirement, value: string): boolean {
  const bound = requirement.values[0];
  if (requirement.values.length !== 1 || bound === undefined) return false;
  if (!/^[+-]?\d+$/.test(value) || !/^[+-]?\d+$/.test(bound)) return false;
  const actual = BigInt(value);
  return requirement.operator === 'gt' ? actual > BigInt(bound) : actual < BigInt(bound);
}

export function labelSelectorMatches(selector: LabelSelector, labels: Labels | undefined): boolean {
  if (selector.type === 'nothing') return false;
  // A plain loop: this runs per pod and per node in the scheduler's hot paths.
  for (const requirement of selector.requirements) if (!requirementMatches(requirement, labels)) return false;
  return true;
}

export function isEverything(selector: LabelSelector): boolean {
  return selector.type === 'requirements' && selector.requirements.length === 0;
}

/** The canonical string: requirements sorted by key, values sorted (Requirement.String). */
export function selectorToString(selector: LabelSelector): string {
  if (selector.type === 'nothing') return '';
  return selector.requirements.map(requirementToString).join(',');
}

export function requirementToString(requirement: Requirement): string {
  const { key, operator, values } = requirement;
  const sorted = [...values].sort(compareStrings).join(',');
  switch (operator) {
    case 'exists':
      return key;
    case '!':
      return `!${key}`;
    case 'in':
      return `${key} in (${sorted})`;
    case 'notin':
      return `${key} notin (${sorted})`;
    case 'gt':
      return `${key}>${sorted}`;
    case 'lt':
      return `${key}<${sorted}`;
    default:
      return `${key}${operator}${sorted}`;
  }
}

/** Byte-order comparison, as Go's sort.Strings. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A selector matching exactly the given label set (labels.SelectorFromSet). */
export function selectorFromSet(set: Labels | undefined): LabelSelector {
  const keys = Object.keys(set ?? {}).sort(compareStrings);
  return { type: 'requirements', requirements: keys.map((key) => ({ key, operator: '=', values: [set?.[key] ?? ''] })) };
}

/** metav1.LabelSelector, the object form. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: readonly LabelSelectorRequirementObject[] | null;
}

export interface LabelSelectorRequirementObject {
  key: string;
  operator: string;
  values?: readonly string[] | null;
}

const OBJECT_OPERATORS: Record<string, SelectorOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * metav1.LabelSelectorAsSelector: a missing selector selects nothing, an empty one everything.
 * Throws LabelSelectorError for an unknown operator or invalid key/values.
 */
export function labelSelectorFromObject(object: LabelSelectorObject | null | undefined): LabelSelector {
  if (object === null || object === undefined) return nothingSelector;
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(object.matchLabels ?? {})) requirements.push(newRequirement(key, '=', [value]));
  for (const expression of object.matchExpressions ?? []) {
    const operator = OBJECT_OPERATORS[expression.operator];
    if (operator === undefined) throw new LabelSelectorError(`"${expression.operator}" is not a valid label selector operator`);
    requirements.push(newRequirement(expression.key, operator, [...(expression.values ?? [])]));
  }
  return { type: 'requirements', requirements: sortByKey(requirements) };
}

function sortByKey(requirements: Requirement[]): Requirement[] {
  return requirements.map((r, i) => ({ r, i })).sort((a, b) => compareStrings(a.r.key, b.r.key) || a.i - b.i).map(({ r }) => r);
}

/** apimachinery's ValidateLabelSelector: field errors under `path` (e.g. `spec.selector`). */
export function validateLabelSelectorObject(object: LabelSelectorObject | null | undefined, path: string): FieldError[] {
  if (object === null || object === undefined) return [];
  const errors = validateLabels(object.matchLabels ?? {}, `${path}.matchLabels`);
  (object.matchExpressions ?? []).forEach((expression, i) => {
    errors.push(...validateRequirementObject(expression, `${path}.matchExpressions[${i}]`));
  });
  return errors;
}

function validateRequirementObject(expression: LabelSelectorRequirementObject, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const values = expression.values ?? [];
  if (expression.operator === 'In' || expression.operator === 'NotIn') {
    if (values.length === 0) errors.push(fieldErrors.required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (expression.operator === 'Exists' || expression.operator === 'DoesNotExist') {
    if (values.length > 0) {
      errors.push(fieldErrors.forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    }
  } else {
    errors.push(fieldErrors.invalid(`${path}.operator`, expression.operator, 'not a valid selector operator'));
  }
  for (const message of isQualifiedName(expression.key)) errors.push(fieldErrors.invalid(`${path}.key`, expression.key, message));
  values.forEach((value, i) => {
    for (const message of isValidLabelValue(value)) errors.push(fieldErrors.invalid(`${path}.values[${i}]`, value, message));
  });
  return errors;
}

/** ValidateLabels: every key a qualified name, every value a label value. */
export function validateLabels(labels: Readonly<Record<string, string>>, path: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(labels)) {
    for (const message of isQualifiedName(key)) errors.push(fieldErrors.invalid(path, key, message));
    for (const message of isValidLabelValue(value)) errors.push(fieldErrors.invalid(path, value, message));
  }
  return errors;
}
