// The Swagger 2.0 document Kubernetes serves at /openapi/v2, derived from our OpenAPI v3 documents so
// both say the same thing. kubectl still reads v2 where v3 has no answer: client-side validation of a
// `kind: List` (kubectl/pkg/validation), `kubectl explain --output=plaintext-openapiv2` and the
// client-side apply fallback. Those read it through kube-openapi's pkg/util/proto, which only reads
// `definitions`; it finds a kind's schema by x-kubernetes-group-version-kind and refuses a whole
// document if a `$ref` sits beside a `type` or an array lacks `items`, so the conversion keeps to
// the shapes kube-openapi's own builder emits:
//   - `#/components/schemas/X` becomes `#/definitions/X`;
//   - `allOf: [{$ref}]` with siblings becomes `{$ref, ...siblings}` (v2 has no such wrapper);
//   - `anyOf` (no v2 equivalent) becomes a schema with no type, which kube-openapi accepts as anything.
// Paths are left empty: nothing kubectl reads from v2 needs them (field validation support is asked
// of v3 first, and an empty v2 answer means "validate on the client", which is what v2 is for).

type Json = Record<string, unknown>;

const V3_REF = '#/components/schemas/';
const V2_REF = '#/definitions/';

export interface OpenApiV2Info {
  readonly title: string;
  readonly version: string;
}

/** One Swagger 2.0 document from the v3 documents of every group-version (shared schemas once). */
export function openApiV2FromV3(v3Documents: readonly object[], info: OpenApiV2Info): Json {
  const definitions: Record<string, Json> = {};
  for (const doc of v3Documents) {
    const schemas = ((doc as { components?: { schemas?: Record<string, Json> } }).components?.schemas ?? {});
    for (const [name, schema] of Object.entries(schemas)) {
      if (definitions[name] === undefined) definitions[name] = toV2Schema(schema);
    }
  }
  const sorted = Object.fromEntries(Object.keys(definitions).sort().map((k) => [k, definitions[k]!]));
  return { swagger: '2.0', info: { title: info.title, version: info.version }, paths: {}, definitions: sorted };
}

/** One v3 schema object as v2 (pure, recursive over properties/items/additionalProperties). */
export function toV2Schema(schema: Json): Json {
  const allOf = schema.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && isRef(allOf[0])) {
    const { allOf: _wrapper, type: _type, ...siblings } = schema;
    return toV2Schema({ ...siblings, $ref: (allOf[0] as Json).$ref });
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    switch (key) {
      case '$ref':
        out.$ref = typeof value === 'string' && value.startsWith(V3_REF) ? V2_REF + value.slice(V3_REF.length) : value;
        break;
      case 'properties':
        out.properties = Object.fromEntries(Object.entries(value as Record<string, Json>).map(([k, v]) => [k, toV2Schema(v)]));
        break;
      case 'items':
        out.items = toV2Schema(value as Json);
        break;
      case 'additionalProperties':
        out.additionalProperties = typeof value === 'boolean' ? value : toV2Schema(value as Json);
        break;
      case 'anyOf':
      case 'oneOf':
      case 'nullable':
        break; // no v2 form: the schema accepts any value
      case 'allOf':
        out.allOf = (value as Json[]).map(toV2Schema);
        break;
      default:
        out[key] = value;
    }
  }
  // kube-openapi: "definition reference can't have a type".
  if (out.$ref !== undefined) delete out.type;
  return out;
}

function isRef(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as Json).$ref === 'string';
}
