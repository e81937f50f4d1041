import { describe, expect, it } from 'vitest';
import { openApiV2FromV3, openApiV3Document, resources, toV2Schema } from '../src/index.js';

type Schema = Record<string, unknown>;

const v3Docs = (): object[] => {
  const seen = new Set<string>();
  const docs: object[] = [];
  for (const r of resources) {
    const key = `${r.group}/${r.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    docs.push(openApiV3Document(r.group, r.version));
  }
  return docs;
};
const doc = openApiV2FromV3(v3Docs(), { title: 'Kubernetes', version: 'v1.32.4' }) as { swagger: string; definitions: Record<string, Schema> };
const idOf = (schema: unknown): string => (schema as { $id: string }).$id;

// The rules kube-openapi's pkg/util/proto (NewOpenAPIData / ParseSchema) applies to every definition;
// one violation and kubectl refuses the whole document.
function protoParseErrors(name: string, s: Schema, definitions: Record<string, Schema>, out: string[]): void {
  const ref = s.$ref;
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  if (typeof ref === 'string') {
    if (!ref.startsWith('#/definitions/')) out.push(`${name}: reference to non-definition ${ref}`);
    else if (definitions[ref.slice('#/definitions/'.length)] === undefined) out.push(`${name}: unknown model ${ref}`);
    if (types.length > 0) out.push(`${name}: definition reference can't have a type`);
    if (s.properties !== undefined) out.push(`${name}: unallowed embedded type definition`);
    return;
  }
  if (types.length > 1) out.push(`${name}: multiple types`);
  const t = types[0] as string | undefined;
  if (t !== undefined && !['object', 'array', 'string', 'integer', 'number', 'boolean'].includes(t)) out.push(`${name}: unknown primitive type ${t}`);
  if (t === 'array' && (typeof s.items !== 'object' || Array.isArray(s.items))) out.push(`${name}: array should have exactly one sub-item`);
  if (typeof s.items === 'object') protoParseErrors(`${name}[]`, s.items as Schema, definitions, out);
  if (typeof s.additionalProperties === 'object') protoParseErrors(`${name}{}`, s.additionalProperties as Schema, definitions, out);
  for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) protoParseErrors(`${name}.${k}`, v, definitions, out);
  if (s.anyOf !== undefined || s.allOf !== undefined) out.push(`${name}: v3-only keyword left`);
}

describe('OpenAPI v2 document', () => {
  it('has every kind and its List as a definition found by x-kubernetes-group-version-kind', () => {
    expect(doc.swagger).toBe('2.0');
    for (const r of resources) {
      expect(doc.definitions[idOf(r.schema)]?.['x-kubernetes-group-version-kind'], r.kind).toContainEqual({ group: r.group, kind: r.kind, version: r.version });
      expect(doc.definitions[`${idOf(r.schema)}List`]?.['x-kubernetes-group-version-kind'], r.listKind).toContainEqual({ group: r.group, kind: r.listKind, version: r.version });
    }
    expect(v3Docs().length).toBeGreaterThan(1);
  });

  it('passes the checks kube-openapi makes before kubectl may use it', () => {
    const errors: string[] = [];
    for (const [name, s] of Object.entries(doc.definitions)) protoParseErrors(name, s, doc.definitions, errors);
    expect(errors).toEqual([]);
  });

  it('keeps field descriptions, required fields and patch strategies of v3', () => {
    const configMap = doc.definitions['io.k8s.api.core.v1.ConfigMap']!;
    const props = configMap.properties as Record<string, Schema>;
    expect(Object.keys(props)).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'data', 'binaryData', 'immutable']));
    expect(props.metadata?.$ref).toBe('#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    const podSpec = doc.definitions['io.k8s.api.core.v1.PodSpec']!;
    const containers = (podSpec.properties as Record<string, Schema>).containers!;
    expect(containers).toMatchObject({ type: 'array', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name', items: { $ref: '#/definitions/io.k8s.api.core.v1.Container' } });
    expect(doc.definitions['io.k8s.api.core.v1.Pod']?.required ?? []).not.toContain('apiVersion');
  });

  it('turns allOf-wrapped references into $ref with siblings and drops anyOf', () => {
    const wrapped = toV2Schema({ allOf: [{ $ref: '#/components/schemas/io.k8s.X' }], description: 'd', default: {}, 'x-kubernetes-patch-strategy': 'merge' });
    expect(wrapped).toEqual({ $ref: '#/definitions/io.k8s.X', description: 'd', default: {}, 'x-kubernetes-patch-strategy': 'merge' });
    expect(toV2Schema({ description: 'q', anyOf: [{ type: 'string' }, { type: 'number' }] })).toEqual({ description: 'q' });
    expect(toV2Schema({ type: 'object', additionalProperties: { type: 'array', items: { $ref: '#/components/schemas/Y' } } })).toEqual({ type: 'object', additionalProperties: { type: 'array', items: { $ref: '#/definitions/Y' } } });
  });
});
