// metav1 LabelSelector validation (apimachinery/pkg/apis/meta/v1/validation) and the helpers that
// print a selector the way kubectl and Kubernetes' errors do.
import { FieldPath, forbidden, goQuote, goStringMap, invalid, required, type FieldError } from '../field-error.js';
import type { LabelSelector } from '../schema/meta.schema.js';
import { isQualifiedName, isValidLabelValue } from './names.js';
import { validateLabels } from './object-meta.validation.js';

export function validateLabelSelector(selector: LabelSelector | undefined, path: FieldPath): FieldError[] {
  if (selector === undefined) return [];
  const errs: FieldError[] = [];
  (selector.matchExpressions ?? []).forEach((req, i) => {
    const p = path.child('matchExpressions').index(i);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(p.child('operator'), req.operator, 'not a valid selector operator'));
    }
    for (const msg of isQualifiedName(req.key)) errs.push(invalid(p.child('key'), req.key, msg));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalid(p.child('values').index(j), v, msg));
    });
  });
  errs.push(...validateLabels(selector.matchLabels, path.child('matchLabels')));
  return errs;
}

export function selectorIsEmpty(selector: LabelSelector | undefined): boolean {
  return (
    selector === undefined ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)
  );
}

/** Does the selector select these labels? (metav1.LabelSelectorAsSelector(...).Matches) */
export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (selector === undefined) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(l, req.key);
    const value = l[req.key];
    const values = req.values ?? [];
    if (req.operator === 'In' && !(has && value !== undefined && values.includes(value))) return false;
    if (req.operator === 'NotIn' && has && value !== undefined && values.includes(value)) return false;
    if (req.operator === 'Exists' && !has) return false;
    if (req.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** labels.Selector.String(): requirements sorted by key, e.g. `app=web,tier in (a,b)`. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  if (selector === undefined) return '';
  const parts: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) parts.push({ key: k, text: `${k}=${v}` });
  for (const req of selector.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(',');
    const text =
      req.operator === 'In'
        ? `${req.key} in (${values})`
        : req.operator === 'NotIn'
          ? `${req.key} notin (${values})`
          : req.operator === 'Exists'
            ? req.key
            : req.operator === 'DoesNotExist'
              ? `!${req.key}`
              : `${req.key} ${req.operator} (${values})`;
    parts.push({ key: req.key, text });
  }
  parts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return parts.map((p) => p.text).join(',');
}

/** metav1.FormatLabelSelector: like formatLabelSelector, "<none>" when empty. */
export function formatLabelSelectorOrNone(selector: LabelSelector | undefined): string {
  const s = formatLabelSelector(selector);
  return s === '' ? '<none>' : s;
}

/** labels.FormatLabels: sorted `k=v` pairs, "<none>" when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels?.[k] ?? ''}`).join(',');
}

/** A LabelSelector printed as Go's %#v prints it in Kubernetes' error messages. */
export function goLabelSelector(selector: LabelSelector | undefined): string {
  if (selector === undefined) return '(*v1.LabelSelector)(nil)';
  const exprs = selector.matchExpressions;
  const exprText =
    exprs === undefined
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{${exprs
          .map((e) => `v1.LabelSelectorRequirement{Key:${goQuote(e.key)}, Operator:${goQuote(e.operator)}, Values:${e.values === undefined ? '[]string(nil)' : `[]string{${e.values.map((v) => goQuote(v)).join(', ')}}`}}`)
          .join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMap(selector.matchLabels)}, MatchExpressions:${exprText}}`;
}
