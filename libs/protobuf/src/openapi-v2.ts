// Encodes a Swagger 2.0 JSON document as gnostic's openapi_v2.Document protobuf, the body client-go's
// discovery OpenAPISchema() asks for (Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf)
// and kubectl parses for client-side validation and `explain --output=plaintext-openapiv2`.
// Field numbers: github.com/google/gnostic-models openapiv2/OpenAPIv2.proto. Only what a Kubernetes
// document carries is encoded (swagger, info, paths' names, definitions); JSON-valued fields
// (default, enum, example, vendor extensions) travel as Any{yaml}, and JSON is valid YAML.

import type { JsonObject, JsonValue } from './schema.js';
import { WireWriter } from './wire-writer.js';

export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
/** The spelling client-go sends in Accept (kube-openapi serves both). */
export const OPENAPI_V2_PROTOBUF_ACCEPT = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

/** Document fields (OpenAPIv2.proto `message Document`). */
const Doc = { swagger: 1, info: 2, paths: 8, definitions: 9, vendorExtension: 16 } as const;
const Info = { title: 1, version: 2, description: 3 } as const;
/** Schema fields (`message Schema`). */
const S = {
  ref: 1, format: 2, title: 3, description: 4, default: 5, multipleOf: 6, maximum: 7, exclusiveMaximum: 8,
  minimum: 9, exclusiveMinimum: 10, maxLength: 11, minLength: 12, pattern: 13, maxItems: 14, minItems: 15,
  uniqueItems: 16, maxProperties: 17, minProperties: 18, required: 19, enum: 20, additionalProperties: 21,
  type: 22, items: 23, allOf: 24, properties: 25, discriminator: 26, readOnly: 27, example: 30, vendorExtension: 31,
} as const;

const stringKeys = { $ref: S.ref, format: S.format, title: S.title, description: S.description, pattern: S.pattern, discriminator: S.discriminator } as const;
const doubleKeys = { multipleOf: S.multipleOf, maximum: S.maximum, minimum: S.minimum } as const;
const intKeys = { maxLength: S.maxLength, minLength: S.minLength, maxItems: S.maxItems, minItems: S.minItems, maxProperties: S.maxProperties, minProperties: S.minProperties } as const;
const boolKeys = { exclusiveMaximum: S.exclusiveMaximum, exclusiveMinimum: S.exclusiveMinimum, uniqueItems: S.uniqueItems, readOnly: S.readOnly } as const;
const anyKeys = { default: S.default, example: S.example } as const;

const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function encodeOpenApiV2Document(doc: JsonObject): Uint8Array {
  const w = new WireWriter();
  if (typeof doc.swagger === 'string') w.stringField(Doc.swagger, doc.swagger);
  const info = doc.info;
  if (isObject(info)) {
    w.messageField(Doc.info, (i) => {
      for (const [key, field] of Object.entries(Info)) {
        const v = info[key];
        if (typeof v === 'string' && v !== '') i.stringField(field, v);
      }
    });
  }
  const paths = doc.paths;
  // Paths{path=2: NamedPathItem{name=1, value=2}}: names only, no operations.
  if (isObject(paths)) w.messageField(Doc.paths, (p) => Object.keys(paths).forEach((name) => p.messageField(2, (n) => n.stringField(1, name))));
  const definitions = doc.definitions;
  if (isObject(definitions)) w.messageField(Doc.definitions, (d) => namedSchemas(d, definitions));
  vendorExtensions(w, Doc.vendorExtension, doc);
  return w.finish();
}

/** Definitions / Properties: repeated NamedSchema{name=1, value=2} at field 1. */
function namedSchemas(w: WireWriter, schemas: JsonObject): void {
  for (const [name, schema] of Object.entries(schemas)) {
    if (!isObject(schema)) continue;
    w.messageField(1, (n) => n.stringField(1, name).messageField(2, (s) => encodeSchema(s, schema)));
  }
}

function encodeSchema(w: WireWriter, schema: JsonObject): void {
  for (const [key, value] of Object.entries(schema)) {
    if (value === null) continue;
    encodeSchemaField(w, key, value);
  }
  vendorExtensions(w, S.vendorExtension, schema);
}

function encodeSchemaField(w: WireWriter, key: string, value: JsonValue): void {
  if (key in stringKeys && typeof value === 'string') w.stringField(stringKeys[key as keyof typeof stringKeys], value);
  // proto3: a zero scalar is not written (Go's marshaller), so readers see 0 either way.
  else if (key in doubleKeys && typeof value === 'number') {
    if (value !== 0) w.doubleField(doubleKeys[key as keyof typeof doubleKeys], value);
  } else if (key in intKeys && typeof value === 'number') {
    if (Math.trunc(value) !== 0) w.varintField(intKeys[key as keyof typeof intKeys], Math.trunc(value));
  }
  else if (key in boolKeys && value === true) w.varintField(boolKeys[key as keyof typeof boolKeys], true);
  else if (key in anyKeys) w.messageField(anyKeys[key as keyof typeof anyKeys], (a) => anyYaml(a, value));
  else if (key === 'required' && Array.isArray(value)) value.forEach((r) => typeof r === 'string' && w.stringField(S.required, r));
  else if (key === 'enum' && Array.isArray(value)) value.forEach((e) => w.messageField(S.enum, (a) => anyYaml(a, e)));
  // TypeItem{value=1 repeated string}: JSON allows one type or a list.
  else if (key === 'type') w.messageField(S.type, (t) => (Array.isArray(value) ? value : [value]).forEach((v) => typeof v === 'string' && t.stringField(1, v)));
  // ItemsItem{schema=1 repeated Schema}.
  else if (key === 'items') w.messageField(S.items, (it) => (Array.isArray(value) ? value : [value]).forEach((v) => isObject(v) && it.messageField(1, (s) => encodeSchema(s, v))));
  else if (key === 'allOf' && Array.isArray(value)) value.forEach((v) => isObject(v) && w.messageField(S.allOf, (s) => encodeSchema(s, v)));
  else if (key === 'properties' && isObject(value)) w.messageField(S.properties, (p) => namedSchemas(p, value));
  // AdditionalPropertiesItem: oneof {Schema schema = 1; bool boolean = 2}.
  else if (key === 'additionalProperties') {
    if (typeof value === 'boolean') w.messageField(S.additionalProperties, (a) => a.varintField(2, value));
    else if (isObject(value)) w.messageField(S.additionalProperties, (a) => a.messageField(1, (s) => encodeSchema(s, value)));
  }
}

/** Vendor extensions (`x-` keys) as repeated NamedAny{name=1, value=2 Any{yaml=2}}. */
function vendorExtensions(w: WireWriter, field: number, object: JsonObject): void {
  for (const [key, value] of Object.entries(object)) {
    if (!key.startsWith('x-') || value === undefined) continue;
    w.messageField(field, (n) => n.stringField(1, key).messageField(2, (a) => anyYaml(a, value)));
  }
}

function anyYaml(w: WireWriter, value: JsonValue): void {
  w.stringField(2, JSON.stringify(value));
}
