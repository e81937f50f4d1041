// Small checks shared by kind validations.
import { FieldPath, invalid, type FieldError } from '../field-error.js';
import { isDNS1123Label, isValidPortName, isValidPortNum, isPercent, type NameValidator } from './names.js';

export const isNegativeErrorMsg = 'must be greater than or equal to 0';
export const isNotPositiveErrorMsg = 'must be greater than zero';

export function validateNonnegative(value: number | undefined, path: FieldPath): FieldError[] {
  return value !== undefined && value < 0 ? [invalid(path, value, isNegativeErrorMsg)] : [];
}

export function validateDNS1123Label(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Label(value).map((msg) => invalid(path, value, msg));
}

export function validateName(value: string, path: FieldPath, fn: NameValidator): FieldError[] {
  return fn(value, false).map((msg) => invalid(path, value, msg));
}

/** ValidatePortNumOrName: an IntOrString naming or numbering a port. */
export function validatePortNumOrName(port: unknown, path: FieldPath): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((msg) => invalid(path, port, msg));
  if (typeof port === 'string') return isValidPortName(port).map((msg) => invalid(path, port, msg));
  return [];
}

/** IntOrString as a count or a percentage (ValidatePositiveIntOrPercent). */
export function validatePositiveIntOrPercent(value: unknown, path: FieldPath): FieldError[] {
  if (typeof value === 'string') {
    const msgs = isPercent(value);
    return msgs.map((msg) => invalid(path, value, msg));
  }
  if (typeof value === 'number') return validateNonnegative(value, path);
  return [];
}

export function isPercentString(value: unknown): value is string {
  return typeof value === 'string' && isPercent(value).length === 0;
}

/** IsNotMoreThan100Percent. */
export function validateNotMoreThan100Percent(value: unknown, path: FieldPath): FieldError[] {
  if (!isPercentString(value)) return [];
  const n = Number(value.slice(0, -1));
  return n > 100 ? [invalid(path, value, 'must not be greater than 100%')] : [];
}

/** JSON deep equality with absent and undefined properties treated alike (Semantic.DeepEqual for JSON). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) if (!deepEqual(ra[k], rb[k])) return false;
  return true;
}

/** Paths at which two JSON values differ, for the pod update error's diff. */
export function diffPaths(a: unknown, b: unknown, path: string, out: string[], limit = 20): void {
  if (out.length >= limit || deepEqual(a, b)) return;
  const bothObjects = typeof a === 'object' && typeof b === 'object' && a !== null && b !== null;
  if (!bothObjects || Array.isArray(a) !== Array.isArray(b) || (Array.isArray(a) && Array.isArray(b) && a.length !== b.length)) {
    out.push(`  ${path}: ${JSON.stringify(a) ?? 'null'} -> ${JSON.stringify(b) ?? 'null'}`);
    return;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    diffPaths(ra[k], rb[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`, out, limit);
  }
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function deepClone<T>(value: T): T {
  return structuredClone(value);
}
