// Structural checks driven by the kind schemas: the type errors Kubernetes would hit while
// decoding JSON into Go structs, unknown fields (fieldValidation=Strict), and the null values Go
// decodes as "unset". Missing required fields are not structural errors here: Kubernetes reports
// them from kind validation (`spec.containers: Required value`), and so do we.
import { Kind, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { typeInvalid, type FieldError } from '../field-error.js';

type SchemaNode = TSchema & Record<string, unknown>;

const relaxedChecks = new WeakMap<TSchema, TypeCheck<TSchema>>();

/** A deep copy with every `required` list removed: the compiled checker then accepts missing fields. */
function relaxed(schema: TSchema): TSchema {
  const copy = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(copy);
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string | symbol, unknown> = {};
    // Only schema nodes (they carry a Kind) lose these keys: a properties map may name a field "default".
    const isSchema = Kind in node;
    for (const key of Reflect.ownKeys(node)) {
      if (isSchema && (key === 'required' || key === 'default')) continue;
      out[key] = copy((node as Record<string | symbol, unknown>)[key]);
    }
    return out;
  };
  return copy(schema) as TSchema;
}

function checkerFor(schema: TSchema): TypeCheck<TSchema> {
  let check = relaxedChecks.get(schema);
  if (check === undefined) {
    check = TypeCompiler.Compile(relaxed(schema));
    relaxedChecks.set(schema, check);
  }
  return check;
}

/** `/spec/containers/0/image` -> `spec.containers[0].image`; map keys as `[key]` (field.Path.Key). */
export function pointerToFieldPath(pointer: string, schema: TSchema): string {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = '';
  let node: SchemaNode | undefined = schema as SchemaNode;
  for (const seg of segments) {
    const kind = node?.[Kind];
    if (kind === 'Array') {
      out += `[${seg}]`;
      node = node?.items as SchemaNode | undefined;
    } else if (kind === 'Record') {
      out += `[${seg}]`;
      node = Object.values((node?.patternProperties ?? {}) as Record<string, SchemaNode>)[0];
    } else {
      out += out === '' ? seg : `.${seg}`;
      node = ((node?.properties ?? {}) as Record<string, SchemaNode>)[seg];
    }
  }
  return out;
}

function expectedType(schema: SchemaNode): string {
  const id = schema.$id;
  if (id === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString') return 'integer or string';
  if (id === 'io.k8s.apimachinery.pkg.api.resource.Quantity') return 'string or number';
  const type = schema.type;
  return typeof type === 'string' ? type : String(schema[Kind]).toLowerCase();
}

function describe(e: ValueError): string {
  const schema = e.schema as SchemaNode;
  if (e.type === ValueErrorType.StringFormat) {
    return schema.format === 'byte' ? 'must be a base64 encoded string' : 'must be an RFC 3339 date-time, e.g. "2006-01-02T15:04:05Z"';
  }
  return `must be of type ${expectedType(schema)}`;
}

/** Type errors of obj against the kind schema, with Kubernetes field paths. */
export function structuralErrors(schema: TSchema, obj: unknown): FieldError[] {
  const check = checkerFor(schema);
  if (check.Check(obj)) return [];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of check.Errors(obj)) {
    if (e.value === undefined) continue;
    const field = pointerToFieldPath(e.path, schema);
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push(typeInvalid(field, e.value, describe(e)));
  }
  return errors;
}

/** Removes properties whose value is null, recursively, as Go's decoder treats them as unset. */
export function dropNulls(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) dropNulls(item);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (record[key] === null) delete record[key];
    else dropNulls(record[key]);
  }
}

export function containsNull(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  return Object.values(value as Record<string, unknown>).some(containsNull);
}

/**
 * Paths of fields the schema does not know, as Kubernetes' strict decoding reports them
 * (`unknown field "spec.foo"`); the apiserver rejects or warns according to fieldValidation.
 */
export function unknownFields(schema: TSchema, value: unknown): string[] {
  const found: string[] = [];
  walkUnknown(schema as SchemaNode, value, '', found);
  return found;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function walkUnknown(schema: SchemaNode, value: unknown, path: string, found: string[]): void {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return;
  const kind = schema[Kind];
  if (kind === 'Array' && Array.isArray(value)) {
    value.forEach((item, i) => walkUnknown(schema.items as SchemaNode, item, `${path}[${i}]`, found));
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const record = value as Record<string, unknown>;
  if (kind === 'Record') {
    const inner = Object.values(schema.patternProperties as Record<string, SchemaNode>)[0];
    if (inner !== undefined) for (const [k, v] of Object.entries(record)) walkUnknown(inner, v, `${path}[${k}]`, found);
    return;
  }
  if (kind !== 'Object') return;
  const properties = schema.properties as Record<string, SchemaNode>;
  for (const [k, v] of Object.entries(record)) {
    const prop = properties[k];
    if (prop === undefined) found.push(join(path, k));
    else walkUnknown(prop, v, join(path, k), found);
  }
}
