// Paths into an object as server-side apply names them (sigs.k8s.io/structured-merge-diff
// fieldpath): a field (`f:spec`), an item of a keyed list (`k:{"name":"web"}`), an item of a set
// (`v:"a"`) or a list position (`i:0`). Elements serialize to the FieldsV1 keys of managedFields
// and print as `.spec.containers[name="web"].image` in conflict messages.
import { goQuote } from './go-format.js';
import { canonicalJson, isJsonObject, type JsonValue } from './json-value.js';

export type PathElement =
  | { readonly type: 'field'; readonly name: string }
  /** Key fields sorted by name. */
  | { readonly type: 'key'; readonly fields: readonly (readonly [string, JsonValue])[] }
  | { readonly type: 'value'; readonly value: JsonValue }
  | { readonly type: 'index'; readonly index: number };

export type FieldPath = readonly PathElement[];

export class FieldPathError extends Error {
  override readonly name = 'FieldPathError';
}

export function fieldElement(name: string): PathElement {
  return { type: 'field', name };
}

export function keyElement(fields: Readonly<Record<string, JsonValue>>): PathElement {
  const sorted = Object.keys(fields)
    .sort()
    .map((name) => [name, fields[name] ?? null] as const);
  return { type: 'key', fields: sorted };
}

/** The FieldsV1 key of an element: `f:name`, `k:{"a":1}`, `v:"x"`, `i:3`. */
export function serializeElement(element: PathElement): string {
  switch (element.type) {
    case 'field':
      return `f:${element.name}`;
    case 'key':
      return `k:{${element.fields.map(([name, value]) => `${JSON.stringify(name)}:${canonicalJson(value)}`).join(',')}}`;
    case 'value':
      return `v:${canonicalJson(element.value)}`;
    case 'index':
      return `i:${element.index}`;
  }
}

/** Parsed elements by their text: the same keys recur in every managedFields decode. */
const parsedElements = new Map<string, PathElement>();
const PARSED_ELEMENTS_MAX = 10_000;

/** Parses a FieldsV1 key; throws FieldPathError for anything else. */
export function parseElement(serialized: string): PathElement {
  const cached = parsedElements.get(serialized);
  if (cached !== undefined) return cached;
  const element = parseElementUncached(serialized);
  if (parsedElements.size >= PARSED_ELEMENTS_MAX) parsedElements.clear();
  parsedElements.set(serialized, element);
  return element;
}

function parseElementUncached(serialized: string): PathElement {
  const prefix = serialized.slice(0, 2);
  const body = serialized.slice(2);
  switch (prefix) {
    case 'f:':
      return fieldElement(body);
    case 'k:': {
      const parsed = parseJson(serialized, body);
      if (!isJsonObject(parsed)) throw new FieldPathError(`invalid key element ${serialized}`);
      return keyElement(parsed);
    }
    case 'v:':
      return { type: 'value', value: parseJson(serialized, body) };
    case 'i:':
      if (!/^\d+$/.test(body)) throw new FieldPathError(`invalid index element ${serialized}`);
      return { type: 'index', index: Number(body) };
    default:
      throw new FieldPathError(`unknown path element type in ${JSON.stringify(serialized)}`);
  }
}

function parseJson(serialized: string, body: string): JsonValue {
  try {
    return JSON.parse(body) as JsonValue;
  } catch {
    throw new FieldPathError(`invalid path element ${serialized}`);
  }
}

/** structured-merge-diff's value.ToString: strings quoted, numbers and booleans bare. */
function valueString(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (Array.isArray(value)) return `[${value.map(valueString).join(', ')}]`;
  if (isJsonObject(value)) return `{${Object.keys(value).sort().map((k) => `${k}=${valueString(value[k] ?? null)}`).join(', ')}}`;
  return String(value);
}

/** `.spec.containers[name="web"].image`, as Kubernetes prints a path in an apply conflict. */
export function fieldPathString(path: FieldPath): string {
  return path
    .map((element) => {
      switch (element.type) {
        case 'field':
          return `.${element.name}`;
        case 'key':
          return `[${element.fields.map(([name, value]) => `${name}=${valueString(value)}`).join(',')}]`;
        case 'value':
          return `[=${valueString(element.value)}]`;
        case 'index':
          return `[${element.index}]`;
      }
    })
    .join('');
}

const TYPE_RANK: Readonly<Record<string, number>> = { f: 0, k: 1, v: 2, i: 3 };

/** Order of serialized elements: fields, then keys, then values, then indices (PathElement.Less). */
export function compareSerializedElements(a: string, b: string): number {
  const rank = (TYPE_RANK[a[0] ?? ''] ?? 4) - (TYPE_RANK[b[0] ?? ''] ?? 4);
  if (rank !== 0) return rank;
  if (a.startsWith('i:') && b.startsWith('i:')) return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}
