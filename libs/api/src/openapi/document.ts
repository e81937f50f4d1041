// OpenAPI v3 documents per group-version, shaped as kubectl reads them: components.schemas named
// like Kubernetes' (io.k8s.api.core.v1.Pod) with x-kubernetes-group-version-kind for explain and
// client-side apply, and paths whose PATCH operations declare fieldValidation (kubectl then sends
// fieldValidation=Strict instead of validating on the client).
import type { TSchema } from '@sinclair/typebox';
import { resources, subresourceBodies } from '../registry/registry.js';
import { Type } from '@sinclair/typebox';
import { define } from '../schema/helpers.js';
import { ListMeta, typeMetaFields } from '../schema/meta.schema.js';
import type { GroupVersionKind, ResourceInfo } from '../types.js';
import { convert, ensureComponent, refTo, type ComponentSink, type OpenApiSchema } from './schema.js';
import { pathsFor } from './paths.js';

export const kubernetesVersion = 'v1.32.4';

const schemaId = (schema: TSchema): string => (schema as TSchema & { $id?: string }).$id ?? '';

/** GVKs per component id: each kind, its List, and the fixed meta kinds. */
function gvkIndex(): Map<string, GroupVersionKind[]> {
  const index = new Map<string, GroupVersionKind[]>();
  const add = (id: string, gvk: GroupVersionKind): void => {
    const list = index.get(id) ?? [];
    if (!list.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)) list.push(gvk);
    index.set(id, list);
  };
  for (const r of [...resources, ...subresourceBodies]) {
    add(schemaId(r.schema), { group: r.group, version: r.version, kind: r.kind });
    add(listId(r), { group: r.group, version: r.version, kind: r.listKind });
  }
  add('io.k8s.apimachinery.pkg.apis.meta.v1.Status', { group: '', version: 'v1', kind: 'Status' });
  return index;
}

function listId(r: ResourceInfo): string {
  return `${schemaId(r.schema)}List`;
}

const listSchemas = new Map<string, TSchema>();

/** The <Kind>List schema of a resource, defined on first use. */
export function listSchema(r: ResourceInfo): TSchema {
  const id = listId(r);
  let schema = listSchemas.get(id);
  if (schema === undefined) {
    schema = define(
      id,
      Type.Object(
        { ...typeMetaFields, items: Type.Array(r.schema, { description: `List of ${r.resource}.` }), metadata: Type.Optional(ListMeta) },
        { description: `${r.listKind} is a list of ${r.kind} objects.` },
      ),
    );
    listSchemas.set(id, schema);
  }
  return schema;
}

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

const documents = new Map<string, object>();

/** The OpenAPI v3 document of one group-version (cached: treat as read-only). */
export function openApiV3Document(group: string, version: string): object {
  const key = gvPath(group, version);
  const cached = documents.get(key);
  if (cached !== undefined) return cached;
  const index = gvkIndex();
  const sink: ComponentSink = {
    schemas: {},
    extensions: (id) => {
      const gvks = index.get(id);
      return gvks === undefined ? {} : { 'x-kubernetes-group-version-kind': gvks.map((g) => ({ group: g.group, kind: g.kind, version: g.version })) };
    },
  };
  const paths: Record<string, unknown> = {};
  const served = resources.filter((r) => r.group === group && r.version === version);
  for (const r of served) {
    ensureComponent(schemaId(listSchema(r)), sink);
    Object.assign(paths, pathsFor(r, `/${key}`, sink));
  }
  ensureComponent('io.k8s.apimachinery.pkg.apis.meta.v1.Status', sink);
  const doc = {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: kubernetesVersion },
    paths,
    components: {
      schemas: sortKeys(sink.schemas),
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
    security: [{ BearerToken: [] }],
  };
  documents.set(key, doc);
  return doc;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** GET /openapi/v3: one entry per served group-version, each URL carrying the document's hash. */
export function openApiV3Index(hashOf: (doc: object) => string): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const seen = new Set<string>();
  for (const r of resources) {
    const key = gvPath(r.group, r.version);
    if (seen.has(key)) continue;
    seen.add(key);
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hashOf(openApiV3Document(r.group, r.version))}` };
  }
  return { paths };
}

export { convert, refTo, type OpenApiSchema };
