// Field errors as Kubernetes reports them (k8s.io/apimachinery/pkg/util/validation/field):
// `field` is a path like spec.containers[0].image and `message` is the error body that kubectl
// prints after the path, e.g. `Invalid value: "Bad_Name": a lowercase RFC 1123 label must ...`.

export type FieldErrorType =
  | 'Required'
  | 'Invalid'
  | 'Duplicate'
  | 'NotSupported'
  | 'Forbidden'
  | 'TooLong'
  | 'TooMany'
  | 'NotFound'
  | 'TypeInvalid'
  | 'Internal';

export interface FieldError {
  type: FieldErrorType | (string & {});
  field: string;
  message: string;
  value?: unknown;
}

/** The words Kubernetes prints for each error type (field.ErrorType.String()). */
const typeWords: Record<FieldErrorType, string> = {
  Required: 'Required value',
  Invalid: 'Invalid value',
  Duplicate: 'Duplicate value',
  NotSupported: 'Unsupported value',
  Forbidden: 'Forbidden',
  TooLong: 'Too long',
  TooMany: 'Too many',
  NotFound: 'Not found',
  TypeInvalid: 'Invalid value',
  Internal: 'Internal error',
};

/** StatusCause.reason for each error type (metav1.CauseType). */
const causeReasons: Record<FieldErrorType, string> = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  Duplicate: 'FieldValueDuplicate',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  NotFound: 'FieldValueNotFound',
  TypeInvalid: 'FieldValueTypeInvalid',
  Internal: 'InternalError',
};

export function causeReason(type: string): string {
  return causeReasons[type as FieldErrorType] ?? 'FieldValueInvalid';
}

/** `field: body`, the line kubectl prints for one error. */
export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${e.message}`;
}

/**
 * The message of a 422 Invalid Status: `Pod "x" is invalid: <err>` or `... is invalid: [<err>, <err>]`
 * (errors.NewInvalid; the kind is `Kind` for the core group and `Kind.group` otherwise).
 */
export function invalidStatusMessage(kind: string, group: string, name: string, errors: readonly FieldError[]): string {
  const qualified = group === '' ? kind : `${kind}.${group}`;
  const lines = [...new Set(errors.map(fieldErrorString))];
  const body = lines.length === 1 ? lines[0] : `[${lines.join(', ')}]`;
  return `${qualified} ${goQuote(name)} is invalid: ${body}`;
}

/** Go's %q for strings (strconv.Quote), close enough for the ASCII and UTF-8 text we print. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** Bad values printed as Go's field.Error does: %q for strings, %v for numbers, %#v-like for the rest. */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return `[]string{${value.map((v) => goQuote(v)).join(', ')}}`;
  }
  if (isStringMap(value)) return goStringMap(value);
  return JSON.stringify(value);
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

export function goStringMap(m: Record<string, string> | undefined): string {
  if (m === undefined) return 'map[string]string(nil)';
  const entries = Object.keys(m)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(m[k] ?? '')}`);
  return `map[string]string{${entries.join(', ')}}`;
}

type PathLike = string | FieldPath;

function make(type: FieldErrorType, path: PathLike, body: string, value?: unknown): FieldError {
  const field = path.toString();
  return value === undefined ? { type, field, message: body } : { type, field, message: body, value };
}

function withDetail(s: string, detail: string): string {
  return detail === '' ? s : `${s}: ${detail}`;
}

export function required(field: PathLike, detail = ''): FieldError {
  return make('Required', field, withDetail(typeWords.Required, detail));
}

export function forbidden(field: PathLike, detail = ''): FieldError {
  return make('Forbidden', field, withDetail(typeWords.Forbidden, detail));
}

export function tooLong(field: PathLike, maxLength: number, unit = 'bytes'): FieldError {
  return make('TooLong', field, `${typeWords.TooLong}: must have at most ${maxLength} ${unit}`);
}

export function tooMany(field: PathLike, actual: number, max: number): FieldError {
  return make('TooMany', field, `${typeWords.TooMany}: ${actual}: must have at most ${max} items`, actual);
}

/** `Invalid value: <value>: <detail>`; `shown` overrides how the value is printed (Go %#v of structs). */
export function invalid(field: PathLike, value: unknown, detail: string, shown?: string): FieldError {
  return make('Invalid', field, withDetail(`${typeWords.Invalid}: ${shown ?? goValue(value)}`, detail), value);
}

export function typeInvalid(field: PathLike, value: unknown, detail: string): FieldError {
  return make('TypeInvalid', field, withDetail(`${typeWords.TypeInvalid}: ${goValue(value)}`, detail), value);
}

export function duplicate(field: PathLike, value: unknown, shown?: string, detail = ''): FieldError {
  return make('Duplicate', field, withDetail(`${typeWords.Duplicate}: ${shown ?? goValue(value)}`, detail), value);
}

export function notFound(field: PathLike, value: unknown): FieldError {
  return make('NotFound', field, `${typeWords.NotFound}: ${goValue(value)}`, value);
}

export function notSupported(field: PathLike, value: unknown, supported: readonly string[], shown?: string): FieldError {
  const detail = supported.length === 0 ? '' : `supported values: ${supported.map((s) => goQuote(s)).join(', ')}`;
  return make('NotSupported', field, withDetail(`${typeWords.NotSupported}: ${shown ?? goValue(value)}`, detail), value);
}

/** Field paths as field.Path renders them: `a.b[0].c`, map keys as `[key]`. */
export class FieldPath {
  private constructor(private readonly text: string) {}
  static root(name = ''): FieldPath {
    return new FieldPath(name);
  }
  child(...names: string[]): FieldPath {
    let t = this.text;
    for (const n of names) t = t === '' ? n : `${t}.${n}`;
    return new FieldPath(t);
  }
  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }
  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }
  toString(): string {
    return this.text;
  }
}

/** An IntOrString printed as Go's %#v prints the struct. */
export function goIntOrString(value: unknown): string {
  return typeof value === 'string'
    ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(value)}}`
    : `intstr.IntOrString{Type:0, IntVal:${typeof value === 'number' ? value : 0}, StrVal:""}`;
}
