// The HTTP front on a real HTTPS listener with a fake core: routing, discovery shapes, Table
// output, watch streaming and cancellation, bodies (JSON, YAML, protobuf, none), errors, auth,
// health, OpenAPI caching and metrics.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@skiff/actors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../src/server.js';
import { FakeCore } from '../support/fake-core.js';
import { fakeRegistry } from '../support/fake-registry.js';
import { call, eventually, openStream } from '../support/http-client.js';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

/** Stands in for @skiff/protobuf: `k8s\0` then JSON; kind Weird is unsupported. */
function fakeProtobuf(bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes).toString('utf8');
  if (!text.startsWith('k8s\0')) throw Object.assign(new Error('not a Kubernetes protobuf message'), { code: 'NotKubeProtobuf' });
  const obj = JSON.parse(text.slice(4)) as { kind?: string };
  if (obj.kind === 'Weird') throw Object.assign(new Error('unsupported kind Weird'), { code: 'UnsupportedKind' });
  return obj;
}

let dir: string;
let core: FakeCore;
let server: ApiServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-apiserver-http-'));
  core = new FakeCore({ ready: false });
  server = await startApiServer({
    core,
    registry: fakeRegistry,
    decodeProtobuf: fakeProtobuf,
    dataDir: dir,
    port: 0,
    logger: silentLogger(),
    bodyLimitBytes: 64 * 1024,
  });
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function pod(name: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] }, ...extra });
}

describe('readiness', () => {
  it('fails readyz until the core is ready, and lists checks with ?verbose', async () => {
    const before = await call(server, '/readyz?verbose');
    expect(before.status).toBe(500);
    expect(before.text).toContain('[-]skiff-core failed');
    expect(before.text).toContain('readyz check failed');
    expect((await call(server, '/livez')).text).toBe('ok');
    core.markReady();
    await server.ready;
    const after = await call(server, '/readyz');
    expect(after.status).toBe(200);
    expect(after.text).toBe('ok');
    const verbose = await call(server, '/readyz?verbose');
    expect(verbose.text).toContain('[+]skiff-core ok');
    expect(verbose.text).toContain('readyz check passed');
  });
});

describe('version and discovery', () => {
  it('reports Kubernetes 1.32 without caching', async () => {
    const r = await call(server, '/version?timeout=5s');
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ major: '1', minor: '32' });
    expect(r.json().gitVersion).toMatch(/^v1\.32\./);
    expect(r.headers['cache-control']).toContain('no-cache');
  });

  it('answers aggregated discovery with its exact content type', async () => {
    const core = await call(server, '/api?timeout=32s', { headers: { Accept: AGGREGATED } });
    expect(core.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const doc = core.json();
    expect(doc).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    expect(doc.items).toHaveLength(1);
    expect(doc.items[0].metadata.name).toBe('');
    const pods = doc.items[0].versions[0].resources.find((r: { resource: string }) => r.resource === 'pods');
    expect(pods).toMatchObject({
      resource: 'pods',
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      shortNames: ['po'],
      categories: ['all'],
    });
    expect(pods.subresources).toContainEqual({ subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] });
    const ns = doc.items[0].versions[0].resources.find((r: { resource: string }) => r.resource === 'namespaces');
    expect(ns.scope).toBe('Cluster');

    const apis = (await call(server, '/apis', { headers: { Accept: AGGREGATED } })).json();
    expect(apis.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['apps']);
    const deploy = apis.items[0].versions[0].resources[0];
    expect(deploy.subresources).toContainEqual({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
  });

  it('serves the legacy documents to clients that do not ask for aggregation', async () => {
    const versions = await call(server, '/api');
    expect(versions.headers['content-type']).toBe('application/json');
    expect(versions.json()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    expect((await call(server, '/apis')).json()).toMatchObject({
      kind: 'APIGroupList',
      groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1' } }],
    });
    expect((await call(server, '/apis/apps')).json()).toMatchObject({ kind: 'APIGroup', name: 'apps' });
    const v1 = (await call(server, '/api/v1')).json();
    expect(v1).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    expect(v1.resources).toContainEqual({ name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    expect(v1.resources).toContainEqual({ name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    expect(v1.resources).toContainEqual(expect.objectContaining({ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'] }));
    const apps = (await call(server, '/apis/apps/v1')).json();
    expect(apps.resources).toContainEqual({ name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    expect((await call(server, '/apis/nope/v1')).status).toBe(404);
    expect((await call(server, '/apis/nope')).status).toBe(404);
  });
});

describe('OpenAPI', () => {
  it('indexes every group-version with hashed URLs, caches hashed documents and redirects stale hashes', async () => {
    const index = (await call(server, '/openapi/v3')).json();
    expect(Object.keys(index.paths).sort()).toEqual(['api/v1', 'apis/apps/v1']);
    const url: string = index.paths['apis/apps/v1'].serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    const doc = await call(server, url);
    expect(doc.status).toBe(200);
    expect(doc.headers['cache-control']).toBe('public, immutable');
    expect(doc.json().components.schemas.Deployment['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
    const again = await call(server, url, { headers: { 'If-None-Match': String(doc.headers['etag']) } });
    expect(again.status).toBe(304);
    const stale = await call(server, '/openapi/v3/apis/apps/v1?hash=ABC');
    expect(stale.status).toBe(301);
    expect(stale.headers['location']).toBe(url);
    expect((await call(server, '/openapi/v3/apis/nope/v1')).status).toBe(404);
  });

  it('serves /openapi/v2 as JSON or gnostic protobuf by Accept, with an ETag per encoding', async () => {
    const json = await call(server, '/openapi/v2', { headers: { Accept: 'application/json' } });
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toBe('application/json');
    expect(json.headers['vary']).toBe('Accept');
    const doc = json.json();
    expect(doc.swagger).toBe('2.0');
    expect(doc.definitions.Deployment['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
    const pb = await call(server, '/openapi/v2', { headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
    expect(pb.status).toBe(200);
    expect(pb.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    // Document.swagger (field 1, length-delimited) comes first.
    expect(pb.text.startsWith('\x0a\x032.0')).toBe(true);
    expect(pb.headers['etag']).not.toBe(json.headers['etag']);
    const again = await call(server, '/openapi/v2', { headers: { Accept: 'application/json', 'If-None-Match': String(json.headers['etag']) } });
    expect(again.status).toBe(304);
    expect((await call(server, '/openapi/v2', { headers: { Accept: 'text/html' } })).status).toBe(406);
    expect((await call(server, '/openapi/v2', { headers: { Accept: 'text/html;q=0.9, */*;q=0.1' } })).headers['content-type']).toBe('application/json');
  });
});

describe('resources', () => {
  it('creates, gets and lists through the core with the request mapped', async () => {
    const created = await call(server, '/api/v1/namespaces/default/pods?fieldManager=kubectl-create', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: pod('web-1'),
    });
    expect(created.status).toBe(201);
    const req = core.requests.at(-1)!;
    expect(req).toMatchObject({ verb: 'create', group: '', version: 'v1', resource: 'pods', namespace: 'default' });
    expect(req.query.get('fieldManager')).toBe('kubectl-create');
    expect(req.user.username).toBe('system:admin');

    const got = await call(server, '/api/v1/namespaces/default/pods/web-1');
    expect(got.json().metadata.name).toBe('web-1');
    const all = await call(server, '/api/v1/pods');
    expect(core.requests.at(-1)).toMatchObject({ verb: 'list', resource: 'pods' });
    expect(core.requests.at(-1)!.namespace).toBeUndefined();
    expect(all.json().items).toHaveLength(1);
  });

  it('prints Tables with PartialObjectMetadata rows, the full object with includeObject=Object', async () => {
    const table = (await call(server, '/api/v1/namespaces/default/pods?limit=500', { headers: { Accept: TABLE } })).json();
    expect(table).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(table.metadata.resourceVersion).toBeDefined();
    expect(table.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Status', 'Age', 'Node']);
    expect(table.columnDefinitions[3].priority).toBe(1);
    expect(table.rows[0].cells.slice(0, 2)).toEqual(['web-1', 'Pending']);
    expect(table.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'web-1', labels: { app: 'web' } } });
    expect(table.rows[0].object.spec).toBeUndefined();

    const full = (await call(server, '/api/v1/namespaces/default/pods?includeObject=Object', { headers: { Accept: TABLE } })).json();
    expect(full.rows[0].object).toMatchObject({ kind: 'Pod', apiVersion: 'v1', spec: { containers: [{ name: 'c' }] } });
    const single = (await call(server, '/api/v1/namespaces/default/pods/web-1', { headers: { Accept: TABLE } })).json();
    expect(single.kind).toBe('Table');
    expect(single.rows).toHaveLength(1);
    expect((await call(server, '/api/v1/namespaces/default/pods?includeObject=All', { headers: { Accept: TABLE } })).status).toBe(400);
    const partial = (await call(server, '/api/v1/namespaces/default/pods', { headers: { Accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' } })).json();
    expect(partial.kind).toBe('PartialObjectMetadataList');
    // Protobuf is not produced: JSON instead.
    const proto = await call(server, '/api/v1/namespaces/default/pods/web-1', { headers: { Accept: 'application/vnd.kubernetes.protobuf,application/json' } });
    expect(proto.headers['content-type']).toBe('application/json');
    expect(proto.json().kind).toBe('Pod');
  });

  it('keeps a listing alive when one row fails to print', async () => {
    await call(server, '/api/v1/namespaces/other/pods', { method: 'POST', body: pod('explode') });
    const table = (await call(server, '/api/v1/namespaces/other/pods', { headers: { Accept: TABLE } })).json();
    expect(table.rows[0].cells).toEqual(['explode', '<unknown>', '<unknown>', '<unknown>']);
  });

  it('turns PATCH content types into patch types, and refuses unknown ones with 415', async () => {
    for (const [ctype, patchType] of [
      ['application/merge-patch+json', 'merge'],
      ['application/strategic-merge-patch+json', 'strategic'],
      ['application/json-patch+json', 'json'],
    ] as const) {
      const r = await call(server, '/api/v1/namespaces/default/pods/web-1', { method: 'PATCH', headers: { 'Content-Type': ctype }, body: '{"metadata":{"labels":{"x":"y"}}}' });
      expect(r.status).toBe(200);
      expect(core.requests.at(-1)).toMatchObject({ verb: 'patch', patchType, name: 'web-1' });
    }
    const r = await call(server, '/api/v1/namespaces/default/pods/web-1', { method: 'PATCH', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
    expect(r.status).toBe(415);
    expect(r.json()).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 });
  });

  it('reads server-side apply bodies as YAML or JSON', async () => {
    const yaml = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n  labels:\n    tier: front\n';
    const r = await call(server, '/api/v1/namespaces/default/pods/web-1?fieldManager=kubectl&force=false', { method: 'PATCH', headers: { 'Content-Type': 'application/apply-patch+yaml' }, body: yaml });
    expect(r.status).toBe(200);
    expect(core.requests.at(-1)).toMatchObject({ verb: 'patch', patchType: 'apply', body: { metadata: { name: 'web-1', labels: { tier: 'front' } } } });
    await call(server, '/api/v1/namespaces/default/pods/web-1', { method: 'PATCH', headers: { 'Content-Type': 'application/apply-patch+yaml' }, body: '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1"}}' });
    expect(core.requests.at(-1)!.body).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1' } });
    const bad = await call(server, '/api/v1/namespaces/default/pods/web-1', { method: 'PATCH', headers: { 'Content-Type': 'application/apply-patch+yaml' }, body: 'a: [1\n' });
    expect(bad.status).toBe(400);
  });

  it('treats a PUT without Content-Type as JSON (kubectl scale)', async () => {
    const current = (await call(server, '/api/v1/namespaces/default/pods/web-1')).json();
    const r = await call(server, '/api/v1/namespaces/default/pods/web-1', { method: 'PUT', body: JSON.stringify(current) });
    expect(r.status).toBe(200);
    expect(core.requests.at(-1)).toMatchObject({ verb: 'update', body: { metadata: { name: 'web-1' } } });
  });

  it('decodes protobuf bodies, and refuses kinds the decoder does not know with 415', async () => {
    const body = Buffer.concat([Buffer.from('k8s\0'), Buffer.from(pod('proto-1'))]);
    const ok = await call(server, '/api/v1/namespaces/default/pods', { method: 'POST', headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' }, body });
    expect(ok.status).toBe(201);
    expect(core.requests.at(-1)!.body).toMatchObject({ metadata: { name: 'proto-1' } });
    const weird = Buffer.concat([Buffer.from('k8s\0'), Buffer.from('{"kind":"Weird"}')]);
    const r = await call(server, '/api/v1/namespaces/default/pods', { method: 'POST', headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' }, body: weird });
    expect(r.status).toBe(415);
    expect(r.json().message).toContain('unsupported kind Weird');
    const garbage = await call(server, '/api/v1/namespaces/default/pods', { method: 'POST', headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' }, body: 'nope' });
    expect(garbage.status).toBe(400);
  });

  it('maps subresources and verbs: eviction POST, scale, deletecollection, namespace status', async () => {
    const ev = await call(server, '/api/v1/namespaces/default/pods/web-1/eviction', { method: 'POST', body: '{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"web-1"}}' });
    expect(ev.status).toBe(201);
    expect(core.requests.at(-1)).toMatchObject({ verb: 'create', subresource: 'eviction', name: 'web-1' });
    await call(server, '/apis/apps/v1/namespaces/default/deployments/web/scale', { method: 'PATCH', headers: { 'Content-Type': 'application/merge-patch+json' }, body: '{"spec":{"replicas":3}}' });
    expect(core.requests.at(-1)).toMatchObject({ verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale', name: 'web' });
    await call(server, '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb', { method: 'DELETE' });
    expect(core.requests.at(-1)).toMatchObject({ verb: 'deletecollection', namespace: 'default' });
    expect(core.requests.at(-1)!.query.get('labelSelector')).toBe('app=web');
    await call(server, '/api/v1/namespaces/kube-system/status');
    expect(core.requests.at(-1)).toMatchObject({ verb: 'get', resource: 'namespaces', name: 'kube-system', subresource: 'status' });
    expect(core.requests.at(-1)!.namespace).toBeUndefined();
    // Connect subresources (exec's SPDY fallback) come without a body: the core decides.
    await call(server, '/api/v1/namespaces/default/pods/web-1/exec?command=ls', { method: 'POST' });
    expect(core.requests.at(-1)).toMatchObject({ verb: 'create', subresource: 'exec', name: 'web-1' });
    expect(core.requests.at(-1)!.body).toBeUndefined();
    const del = await call(server, '/api/v1/namespaces/default/pods/proto-1', { method: 'DELETE', headers: { 'Content-Type': 'application/json' }, body: '{"propagationPolicy":"Foreground"}' });
    expect(del.status).toBe(200);
    expect(core.requests.at(-1)).toMatchObject({ verb: 'delete', body: { propagationPolicy: 'Foreground' } });
  });

  it('answers unknown resources with 404 and wrong methods with 405, as Status objects', async () => {
    const unknown = await call(server, '/api/v1/namespaces/default/widgets');
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 });
    expect((await call(server, '/api/v1/namespaces/default/pods/web-1/nosuch')).status).toBe(404);
    expect((await call(server, '/api/v1/namespaces/default/namespaces')).status).toBe(404); // cluster scope in a namespace
    expect((await call(server, '/api/v1/pods/web-1')).status).toBe(404); // a namespaced object without its namespace
    expect((await call(server, '/nope')).status).toBe(404);
    const put = await call(server, '/api/v1/namespaces/default/pods', { method: 'PUT', body: '{}' });
    expect(put.status).toBe(405);
    expect(put.json()).toMatchObject({ reason: 'MethodNotAllowed', code: 405 });
    expect((await call(server, '/api/v1/namespaces/default/pods/web-1/eviction', { method: 'GET' })).status).toBe(405);
    expect((await call(server, '/version', { method: 'POST' })).status).toBe(405);
  });

  it('passes the core errors through as their Status: 404, 409, 422', async () => {
    const missing = await call(server, '/api/v1/namespaces/default/pods/ghost');
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'pods "ghost" not found', details: { name: 'ghost', kind: 'pods' } });
    expect((await call(server, '/api/v1/namespaces/default/pods', { method: 'POST', body: pod('web-1') })).status).toBe(409);
    const invalid = await call(server, '/api/v1/namespaces/default/pods', { method: 'POST', body: pod('bad') });
    expect(invalid.status).toBe(422);
    expect(invalid.json().details.causes[0]).toMatchObject({ field: 'spec.containers' });
  });

  it('answers garbage with 400, a non-object body with 400, and a crash below with 500, and keeps serving', async () => {
    const garbage = await call(server, '/api/v1/namespaces/default/pods', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"kind": Pod' });
    expect(garbage.status).toBe(400);
    expect(garbage.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect((await call(server, '/api/v1/namespaces/default/pods', { method: 'POST', body: '[1,2]' })).status).toBe(400);
    core.failNext = new Error('boom');
    const crash = await call(server, '/api/v1/namespaces/default/pods/web-1');
    expect(crash.status).toBe(500);
    expect(crash.json()).toMatchObject({ kind: 'Status', reason: 'InternalError', message: 'Internal error occurred: boom' });
    expect((await call(server, '/api/v1/namespaces/default/pods/web-1')).status).toBe(200);
  });

  it('refuses bodies over the limit with 413, declared or streamed, and keeps serving', async () => {
    const big = 'x'.repeat(70 * 1024);
    const declared = await call(server, '/api/v1/namespaces/default/pods', { method: 'POST', body: JSON.stringify({ metadata: { name: 'big' }, big }) });
    expect(declared.status).toBe(413);
    expect(declared.json()).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 });
    const chunked = await call(server, '/api/v1/namespaces/default/pods', { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' }, body: JSON.stringify({ metadata: { name: 'big' }, big }) });
    expect(chunked.status).toBe(413);
    expect(core.requests.some((r) => (r.body as { metadata?: { name?: string } } | undefined)?.metadata?.name === 'big')).toBe(false);
    expect((await call(server, '/api/v1/namespaces/default/pods/web-1')).status).toBe(200);
  });
});

describe('authentication', () => {
  it('accepts the admin token and anonymous requests, refuses any other token with 401', async () => {
    expect((await call(server, '/api/v1/namespaces/default/pods/web-1', { token: true })).status).toBe(200);
    const bad = await call(server, '/api/v1/namespaces/default/pods/web-1', { token: 'not-the-token' });
    expect(bad.status).toBe(401);
    expect(bad.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });
});

describe('watch', () => {
  it('streams events as JSON lines with headers flushed at once, one-row Tables with a Table Accept', async () => {
    const stream = await openStream(server, '/api/v1/namespaces/default/pods?watch=true&resourceVersion=100', { headers: { Accept: TABLE } });
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('application/json');
    expect(stream.headers['transfer-encoding']).toBe('chunked');
    expect(core.requests.at(-1)).toMatchObject({ verb: 'watch', resource: 'pods', namespace: 'default' });
    await call(server, '/api/v1/namespaces/default/pods', { method: 'POST', body: pod('w-1') });
    await call(server, '/api/v1/namespaces/default/pods/w-1', { method: 'PATCH', headers: { 'Content-Type': 'application/merge-patch+json' }, body: '{"status":{"phase":"Running"}}' });
    const first = await stream.next();
    expect(first.type).toBe('ADDED');
    expect(first.object.kind).toBe('Table');
    expect(first.object.columnDefinitions).toHaveLength(4);
    expect(first.object.rows[0].cells[0]).toBe('w-1');
    const second = await stream.next();
    expect(second.type).toBe('MODIFIED');
    expect(second.object.columnDefinitions).toBeNull();
    expect(second.object.rows[0].cells.slice(0, 2)).toEqual(['w-1', 'Running']);
    stream.close();
    expect(await eventually(() => core.openWatches === 0)).toBe(true);
    expect(await eventually(() => server.openWatches() === 0)).toBe(true);
  });

  it('supports the legacy /watch/ prefix and a watch of one name', async () => {
    const stream = await openStream(server, '/api/v1/watch/namespaces/default/pods/w-1');
    expect(stream.status).toBe(200);
    const req = core.requests.at(-1)!;
    expect(req.verb).toBe('watch');
    expect(req.name).toBeUndefined();
    expect(req.query.get('fieldSelector')).toBe('metadata.name=w-1');
    stream.close();
    expect(await eventually(() => core.openWatches === 0)).toBe(true);
  });

  it('passes an ERROR event (410 Expired) through and ends when the core ends the watch', async () => {
    const stream = await openStream(server, '/api/v1/namespaces/default/pods?watch=1&resourceVersion=1', { headers: { Accept: TABLE } });
    const error = await stream.next();
    expect(error).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
    expect(await stream.next()).toBeUndefined();
  });

  it('ends the watch at timeoutSeconds', async () => {
    const stream = await openStream(server, '/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1');
    expect(await stream.next()).toBeUndefined();
    expect(await eventually(() => core.openWatches === 0)).toBe(true);
  });
});

describe('metrics', () => {
  it('counts requests by verb, resource and code, and watchers', async () => {
    const stream = await openStream(server, '/api/v1/namespaces/default/pods?watch=true');
    const text = (await call(server, '/metrics')).text;
    expect(text).toMatch(/apiserver_request_total\{verb="LIST",group="",version="v1",resource="pods",subresource="",scope="namespace",code="200"\} \d+/);
    expect(text).toMatch(/apiserver_request_total\{verb="POST",group="",version="v1",resource="pods",subresource="",scope="namespace",code="409"\} 1/);
    expect(text).toContain('apiserver_request_duration_seconds_bucket');
    expect(text).toMatch(/apiserver_current_watchers 1/);
    stream.close();
    expect(await eventually(async () => /apiserver_current_watchers 0/.test((await call(server, '/metrics')).text))).toBe(true);
  });
});
