// Building blocks for the kind schemas. Each schema is written once in TypeBox and gives the
// TypeScript type (Static), structural validation, simple defaults (`default`) and the OpenAPI v3
// components (named by `$id` as Kubernetes names them, e.g. io.k8s.api.core.v1.Pod).
// Objects allow unknown properties: Kubernetes keeps what it does not know in storage only via
// strict/ignore field validation, which the apiserver decides from `unknownFields`.
import { CloneType, FormatRegistry, Type, type SchemaOptions, type TSchema } from '@sinclair/typebox';

const named = new Map<string, TSchema>();

/** Registers a schema under its Kubernetes OpenAPI name; the OpenAPI writer emits it as a component. */
/** A deep copy of schema with options overriding its own keys (TypeBox's CloneType lets the schema win). */
function withOptions<T extends TSchema>(schema: T, options: SchemaOptions): T {
  return Object.assign(CloneType(schema), options);
}

export function define<T extends TSchema>(id: string, schema: T): T {
  const withId = withOptions(schema, { $id: id });
  named.set(id, withId);
  return withId;
}

export function namedSchema(id: string): TSchema | undefined {
  return named.get(id);
}

export function namedSchemaIds(): string[] {
  return [...named.keys()];
}

/** A field's own description (kubectl explain), kept beside a reference to a shared schema. */
export function doc<T extends TSchema>(schema: T, description: string, options: SchemaOptions = {}): T {
  return withOptions(schema, { ...options, description });
}

/** Lists keyed by a field: strategic merge patch merges them by that key (x-kubernetes-patch-*). */
export function mergeList<T extends TSchema>(item: T, key: string, description = '', mapKeys: string[] = [key]) {
  return Type.Array(item, {
    ...(description === '' ? {} : { description }),
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': mapKeys,
    'x-kubernetes-patch-merge-key': key,
    'x-kubernetes-patch-strategy': 'merge',
  });
}

/** A list of scalars merged as a set by strategic merge patch (finalizers, podCIDRs). */
export function setList<T extends TSchema>(item: T, description = '') {
  return Type.Array(item, {
    ...(description === '' ? {} : { description }),
    'x-kubernetes-list-type': 'set',
    'x-kubernetes-patch-strategy': 'merge',
  });
}

/** Lists replaced as a whole by every kind of patch. */
export function atomicList<T extends TSchema>(item: T, description = '') {
  return Type.Array(item, { ...(description === '' ? {} : { description }), 'x-kubernetes-list-type': 'atomic' });
}

export const Str = (description = '', options: SchemaOptions = {}) =>
  Type.String(description === '' ? options : { ...options, description });
export const Int32 = (description = '', options: SchemaOptions = {}) =>
  Type.Integer({ ...options, format: 'int32', ...(description === '' ? {} : { description }) });
export const Int64 = (description = '', options: SchemaOptions = {}) =>
  Type.Integer({ ...options, format: 'int64', ...(description === '' ? {} : { description }) });
export const Bool = (description = '', options: SchemaOptions = {}) =>
  Type.Boolean(description === '' ? options : { ...options, description });
export const StringMap = (description = '') =>
  Type.Record(Type.String(), Type.String(), description === '' ? {} : { description });
export const StringList = (description = '') =>
  Type.Array(Type.String(), description === '' ? {} : { description });
export const Opt = Type.Optional;

/**
 * An enum of strings: typed as their union, listed as `enum` in OpenAPI, but structurally just a
 * string, so that a wrong value gets Kubernetes' `Unsupported value` error from kind validation.
 */
export function Enum<const T extends readonly string[]>(values: T, description = '', options: SchemaOptions = {}) {
  return Type.Unsafe<T[number]>({
    ...Type.String(),
    ...options,
    enum: [...values],
    ...(description === '' ? {} : { description }),
  });
}

// RFC 3339 timestamps (metav1.Time) and base64 byte strings: decoding either fails in Kubernetes
// with a 400, so we check their formats structurally.
const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => rfc3339.test(v));
if (!FormatRegistry.Has('byte')) FormatRegistry.Set('byte', (v) => base64.test(v));

export const Time = define(
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
  Type.String({
    format: 'date-time',
    description:
      'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON. Wrappers are provided for many of the factory methods that the time package offers.',
  }),
);
export const MicroTime = define(
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime',
  Type.String({ format: 'date-time', description: 'MicroTime is version of Time with microsecond level precision.' }),
);
export const IntOrString = define(
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  Type.Union([Type.Integer(), Type.String()], {
    description:
      'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.',
    'x-kubernetes-int-or-string': true,
  }),
);
export const Quantity = define(
  'io.k8s.apimachinery.pkg.api.resource.Quantity',
  Type.Union([Type.String(), Type.Number()], {
    description:
      'Quantity is a fixed-point representation of a number, e.g. 100m (0.1) CPU or 64Mi of memory. The serialization format is <number><suffix>, suffixes: Ki Mi Gi Ti Pi Ei, m k M G T P E.',
  }),
);
export const ResourceList = Type.Record(Type.String(), Quantity);
/** runtime.RawExtension and other free-form JSON. */
export const RawJSON = Type.Unknown({ 'x-kubernetes-preserve-unknown-fields': true });
