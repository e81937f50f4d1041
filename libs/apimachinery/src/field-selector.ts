// Field selectors (k8s.io/apimachinery/pkg/fields): `?fieldSelector=spec.nodeName=n1,status.phase!=Failed`.
// Only equality terms exist; `,` `=` and `\` inside values are backslash-escaped. Which fields a
// resource supports is the caller's table: an unsupported one is the API server's 400
// `field label not supported: <label>`.
import { compareStrings } from './label-selector.js';

export interface FieldTerm {
  readonly field: string;
  readonly operator: '=' | '!=';
  /** Unescaped value. */
  readonly value: string;
}

/** A conjunction of terms; no terms selects everything. Terms are sorted as Kubernetes sorts them. */
export interface FieldSelector {
  readonly terms: readonly FieldTerm[];
}

export class FieldSelectorError extends Error {
  override readonly name = 'FieldSelectorError';
}

export const everythingFieldSelector: FieldSelector = { terms: [] };

/** Terms split on unescaped commas; escape sequences stay in place for the value unescaper. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (escaped) escaped = false;
    else if (ch === '\\') escaped = true;
    else if (ch === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** The first operator occurrence splits the term; `==` is checked before `=` so no `=` leaks into the value. */
function splitTerm(term: string): { lhs: string; operator: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const operator of ['!=', '==', '=']) {
      if (term.startsWith(operator, i)) return { lhs: term.slice(0, i), operator, rhs: term.slice(i + operator.length) };
    }
  }
  return undefined;
}

export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (ch) => `\\${ch}`);
}

export function unescapeFieldValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = '';
  let escaped = false;
  for (const ch of value) {
    if (escaped) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') {
        throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${ch}`);
      }
      out += ch;
      escaped = false;
    } else if (ch === '\\') {
      escaped = true;
    } else if (ch === ',' || ch === '=') {
      // Go prints the rune with %v, i.e. its code point.
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${ch.codePointAt(0)}`);
    } else {
      out += ch;
    }
  }
  if (escaped) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** fields.ParseSelector. Throws FieldSelectorError with Kubernetes' message. */
export function parseFieldSelector(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort(compareStrings);
  const terms: FieldTerm[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (split === undefined) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const value = unescapeFieldValue(split.rhs);
    terms.push({ field: split.lhs, operator: split.operator === '!=' ? '!=' : '=', value });
  }
  return { terms };
}

export function fieldSelectorToString(selector: FieldSelector): string {
  return selector.terms.map((t) => `${t.field}${t.operator}${escapeFieldValue(t.value)}`).join(',');
}

/**
 * Matches an object through `get(field)`, which returns the field's string value (undefined for
 * an absent field, compared as the empty string, as Kubernetes' field sets do).
 */
export function fieldSelectorMatches(selector: FieldSelector, get: (field: string) => string | undefined): boolean {
  return selector.terms.every((term) => {
    const actual = get(term.field) ?? '';
    return term.operator === '=' ? actual === term.value : actual !== term.value;
  });
}

/** The value a selector requires for `field` (`metadata.name=x` lets a list read one key). */
export function fieldSelectorRequiresExactMatch(selector: FieldSelector, field: string): string | undefined {
  return selector.terms.find((t) => t.field === field && t.operator === '=')?.value;
}

/**
 * Checks every term's field against the supported set (the API server's field label conversion).
 * Throws FieldSelectorError `field label not supported: <field>` for the first unsupported one.
 */
export function validateFieldSelector(selector: FieldSelector, supported: ReadonlySet<string> | readonly string[]): void {
  const set = supported instanceof Set ? supported : new Set(supported as readonly string[]);
  for (const term of selector.terms) {
    if (!set.has(term.field)) throw new FieldSelectorError(`field label not supported: ${term.field}`);
  }
}

/** The fields every resource supports (metadata.name and, for namespaced kinds, metadata.namespace). */
export const DEFAULT_SUPPORTED_FIELDS: readonly string[] = ['metadata.name', 'metadata.namespace'];
