// TypeBox schema -> OpenAPI v3 schema objects, with named schemas ($id) emitted once as
// components and referenced where they are used, as Kubernetes' OpenAPI documents do.
import { Kind, type TSchema } from '@sinclair/typebox';
import { namedSchema } from '../schema/helpers.js';

type Node = TSchema & Record<string, unknown>;
export type OpenApiSchema = Record<string, unknown>;

export interface ComponentSink {
  schemas: Record<string, OpenApiSchema>;
  /** Extra properties of a component, e.g. x-kubernetes-group-version-kind. */
  extensions: (id: string) => Record<string, unknown>;
}

export const refTo = (id: string): OpenApiSchema => ({ $ref: `#/components/schemas/${id}` });

const copiedKeys = ['description', 'default', 'enum', 'format'];

function annotations(node: Node): OpenApiSchema {
  const out: OpenApiSchema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-kubernetes-') || copiedKeys.includes(k)) out[k] = v;
  }
  return out;
}

function special(id: string, node: Node): OpenApiSchema | undefined {
  if (id === 'io.k8s.apimachinery.pkg.util.intstr.IntOrString') return { type: 'string', format: 'int-or-string', description: node.description };
  if (id === 'io.k8s.apimachinery.pkg.api.resource.Quantity') return { type: 'string', description: node.description };
  return undefined;
}

export function ensureComponent(id: string, sink: ComponentSink): void {
  if (sink.schemas[id] !== undefined) return;
  const canonical = namedSchema(id) as Node | undefined;
  if (canonical === undefined) return;
  sink.schemas[id] = {};
  const converted = special(id, canonical) ?? convert(canonical, sink, true);
  sink.schemas[id] = { ...converted, ...sink.extensions(id) };
}

export function convert(node: Node, sink: ComponentSink, root = false): OpenApiSchema {
  const id = node.$id;
  if (typeof id === 'string' && !root) {
    ensureComponent(id, sink);
    const canonical = namedSchema(id) as Node | undefined;
    const extra = annotations(node);
    delete extra.format;
    delete extra.enum;
    if (extra.description === canonical?.description) delete extra.description;
    for (const key of Object.keys(extra)) if (key.startsWith('x-kubernetes-') && canonical?.[key] === extra[key]) delete extra[key];
    return Object.keys(extra).length === 0 ? refTo(id) : { allOf: [refTo(id)], ...extra };
  }
  const base = annotations(node);
  switch (node[Kind]) {
    case 'Object': {
      const props = (node.properties ?? {}) as Record<string, Node>;
      const properties: Record<string, OpenApiSchema> = {};
      for (const [k, v] of Object.entries(props)) properties[k] = convert(v, sink);
      const required = Array.isArray(node.required) && node.required.length > 0 ? { required: [...(node.required as string[])].sort() } : {};
      return { ...base, type: 'object', ...(Object.keys(properties).length > 0 ? { properties } : {}), ...required };
    }
    case 'Array':
      return { ...base, type: 'array', items: convert(node.items as Node, sink) };
    case 'Record': {
      const inner = Object.values(node.patternProperties as Record<string, Node>)[0];
      return { ...base, type: 'object', ...(inner === undefined ? {} : { additionalProperties: convert(inner, sink) }) };
    }
    case 'String':
      return { type: 'string', ...base };
    case 'Integer':
      return { type: 'integer', ...base };
    case 'Number':
      return { type: 'number', format: 'double', ...base };
    case 'Boolean':
      return { type: 'boolean', ...base };
    case 'Literal':
      return { type: typeof node.const, enum: [node.const], ...base };
    case 'Union':
      return { ...base, anyOf: (node.anyOf as Node[]).map((n) => convert(n, sink)) };
    default:
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, ...base };
  }
}
