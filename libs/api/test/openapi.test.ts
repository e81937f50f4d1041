import { describe, expect, it } from 'vitest';
import { groupVersions, openApiV3Document, openApiV3Index, resources } from '../src/index.js';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string; parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, unknown> }; 'x-kubernetes-group-version-kind'?: object; 'x-kubernetes-action'?: string }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};

const docOf = (group: string, version: string): Doc => openApiV3Document(group, version) as Doc;
const idOf = (schema: unknown): string => (schema as { $id: string }).$id;

function refs(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const n of node) refs(n, out);
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.add(v);
      else refs(v, out);
    }
  }
  return out;
}

describe('OpenAPI v3 documents', () => {
  it('name every kind as Kubernetes does, with x-kubernetes-group-version-kind', () => {
    for (const r of resources) {
      const doc = docOf(r.group, r.version);
      expect(doc.openapi).toBe('3.0.0');
      const component = doc.components.schemas[idOf(r.schema)];
      expect(component, r.kind).toBeDefined();
      expect(component?.['x-kubernetes-group-version-kind'], r.kind).toContainEqual({ group: r.group, kind: r.kind, version: r.version });
      expect(doc.components.schemas[`${idOf(r.schema)}List`]?.['x-kubernetes-group-version-kind'], r.listKind).toContainEqual({ group: r.group, kind: r.listKind, version: r.version });
    }
    expect(Object.keys(docOf('', 'v1').components.schemas)).toEqual(expect.arrayContaining(['io.k8s.api.core.v1.Pod', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'io.k8s.api.core.v1.PodSpec', 'io.k8s.api.core.v1.Container']));
  });

  it('give every patchable kind a PATCH operation with fieldValidation and apply-patch+yaml', () => {
    for (const r of resources.filter((x) => x.verbs.includes('patch'))) {
      const doc = docOf(r.group, r.version);
      const patches = Object.values(doc.paths)
        .map((item) => item.patch)
        .filter((op) => op !== undefined && JSON.stringify(op['x-kubernetes-group-version-kind']) === JSON.stringify({ group: r.group, version: r.version, kind: r.kind }));
      expect(patches.length, r.kind).toBeGreaterThan(0);
      for (const op of patches) {
        expect(op?.parameters?.some((p) => p.name === 'fieldValidation' && p.in === 'query'), r.kind).toBe(true);
        expect(Object.keys(op?.requestBody?.content ?? {}), r.kind).toEqual(expect.arrayContaining(['application/apply-patch+yaml', 'application/strategic-merge-patch+json', 'application/merge-patch+json', 'application/json-patch+json']));
      }
    }
  });

  it('lay out paths and operation ids like the Kubernetes API', () => {
    const core = docOf('', 'v1');
    expect(core.paths['/api/v1/namespaces/{namespace}/pods/{name}']?.patch?.operationId).toBe('patchCoreV1NamespacedPod');
    expect(core.paths['/api/v1/namespaces/{namespace}/pods']?.post?.operationId).toBe('createCoreV1NamespacedPod');
    expect(core.paths['/api/v1/pods']?.get?.operationId).toBe('listCoreV1PodForAllNamespaces');
    expect(core.paths['/api/v1/nodes/{name}/status']?.patch?.operationId).toBe('patchCoreV1NodeStatus');
    expect(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction']?.post?.['x-kubernetes-group-version-kind']).toEqual({ group: 'policy', version: 'v1', kind: 'Eviction' });
    expect(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/exec']?.get?.['x-kubernetes-action']).toBe('connect');
    const appsDoc = docOf('apps', 'v1');
    expect(appsDoc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']?.patch?.['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect(appsDoc.components.schemas['io.k8s.api.autoscaling.v1.Scale']).toBeDefined();
    expect(docOf('rbac.authorization.k8s.io', 'v1').paths['/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}']?.patch?.operationId).toBe('patchRbacAuthorizationV1ClusterRole');
    expect(docOf('authorization.k8s.io', 'v1').paths['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']?.post?.operationId).toBe('createAuthorizationV1SelfSubjectAccessReview');
  });

  it('resolve every $ref within the document', () => {
    for (const { group, version } of groupVersions()) {
      const doc = docOf(group, version);
      for (const ref of refs(doc, new Set())) {
        expect(doc.components.schemas[ref.replace('#/components/schemas/', '')], `${group}/${version} ${ref}`).toBeDefined();
      }
    }
  });

  it('carry descriptions and strategic merge keys', () => {
    const schemas = docOf('', 'v1').components.schemas;
    const spec = schemas['io.k8s.api.core.v1.PodSpec'] as { properties: Record<string, Record<string, unknown>>; required: string[] };
    expect(spec.required).toEqual(['containers']);
    expect(spec.properties.containers).toMatchObject({ type: 'array', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge', items: { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' } });
    expect(String(spec.properties.nodeName?.description)).toMatch(/^NodeName indicates in which node/);
    const pod = schemas['io.k8s.api.core.v1.Pod'] as { properties: Record<string, Record<string, unknown>> };
    expect(pod.properties.spec).toMatchObject({ allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }], description: 'Specification of the desired behavior of the pod.' });
    expect(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ type: 'string', format: 'int-or-string' });
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Time']).toMatchObject({ type: 'string', format: 'date-time' });
    const svcSpec = schemas['io.k8s.api.core.v1.ServiceSpec'] as { properties: Record<string, Record<string, unknown>> };
    expect(svcSpec.properties.type).toMatchObject({ type: 'string', enum: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'], default: 'ClusterIP' });
  });

  it('index every served group-version with a hash of its document', () => {
    const seen: object[] = [];
    const index = openApiV3Index((doc) => {
      seen.push(doc);
      return `h${seen.length}`;
    });
    expect(Object.keys(index.paths)).toEqual(groupVersions().map((g) => (g.group === '' ? `api/${g.version}` : `apis/${g.group}/${g.version}`)));
    expect(index.paths['api/v1']).toEqual({ serverRelativeURL: '/openapi/v3/api/v1?hash=h1' });
    expect(index.paths['apis/apps/v1']?.serverRelativeURL).toBe('/openapi/v3/apis/apps/v1?hash=h2');
    expect(seen[0]).toBe(openApiV3Document('', 'v1'));
  });
});
