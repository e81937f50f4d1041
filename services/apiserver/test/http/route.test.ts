// Paths and methods to Kubernetes requests, as apiserver's RequestInfoFactory reads them.

import { describe, expect, it } from 'vitest';
import { RegistryIndex } from '../../src/http/registry.js';
import { parsePath, resolveRequest, type Route } from '../../src/http/route.js';
import { fakeRegistry } from '../support/fake-registry.js';

const index = new RegistryIndex(fakeRegistry);

function resolve(method: string, path: string, contentType?: string) {
  const url = new URL(path, 'http://x');
  const route = parsePath(url.pathname) as Extract<Route, { type: 'resource' }>;
  expect(route.type).toBe('resource');
  return resolveRequest(route.path, method, url.searchParams, contentType, index);
}

describe('parsePath', () => {
  it('names the non-resource endpoints', () => {
    expect(parsePath('/version')).toEqual({ type: 'version' });
    expect(parsePath('/readyz')).toEqual({ type: 'health', check: 'readyz' });
    expect(parsePath('/api')).toEqual({ type: 'api-versions' });
    expect(parsePath('/api/')).toEqual({ type: 'api-versions' });
    expect(parsePath('/apis')).toEqual({ type: 'api-groups' });
    expect(parsePath('/apis/apps')).toEqual({ type: 'api-group', group: 'apps' });
    expect(parsePath('/apis/apps/v1')).toEqual({ type: 'api-resources', group: 'apps', version: 'v1' });
    expect(parsePath('/api/v1')).toEqual({ type: 'api-resources', group: '', version: 'v1' });
    expect(parsePath('/openapi/v3')).toEqual({ type: 'openapi-v3-index' });
    expect(parsePath('/openapi/v3/apis/apps/v1')).toEqual({ type: 'openapi-v3-doc', path: 'apis/apps/v1' });
    expect(parsePath('/openapi/v2')).toEqual({ type: 'openapi-v2' });
    expect(parsePath('/openapi/v2/x')).toEqual({ type: 'not-found' });
    expect(parsePath('/api//v1')).toEqual({ type: 'not-found' });
    expect(parsePath('/api/v1/namespaces/a/pods/b/c/d')).toEqual({ type: 'not-found' });
    expect(parsePath('/api/v1/pods/%E0%A4%A')).toEqual({ type: 'not-found' });
  });

  it('reads namespaces, names and subresources', () => {
    expect(parsePath('/api/v1/namespaces/ns1/pods/p/status')).toEqual({
      type: 'resource',
      path: { group: '', version: 'v1', resource: 'pods', namespace: 'ns1', name: 'p', subresource: 'status', watchPrefix: false },
    });
    // The namespace object itself and its subresources.
    expect(parsePath('/api/v1/namespaces/ns1')).toMatchObject({ path: { resource: 'namespaces', name: 'ns1' } });
    expect(parsePath('/api/v1/namespaces/ns1/finalize')).toMatchObject({ path: { resource: 'namespaces', name: 'ns1', subresource: 'finalize' } });
    expect(parsePath('/api/v1/namespaces')).toMatchObject({ path: { resource: 'namespaces' } });
    // Only a proxy subresource carries a path of its own.
    expect(parsePath('/api/v1/nodes/n1/proxy/stats/summary')).toMatchObject({ path: { resource: 'nodes', name: 'n1', subresource: 'proxy', proxyPath: 'stats/summary' } });
    expect(parsePath('/api/v1/nodes/n1/status/extra')).toEqual({ type: 'not-found' });
    expect(parsePath('/apis/apps/v1/watch/namespaces/d/deployments')).toMatchObject({ path: { group: 'apps', resource: 'deployments', namespace: 'd', watchPrefix: true } });
  });
});

describe('resolveRequest', () => {
  it('turns methods into verbs', () => {
    expect(resolve('GET', '/api/v1/namespaces/d/pods')).toMatchObject({ ok: true, request: { verb: 'list', namespace: 'd' } });
    expect(resolve('GET', '/api/v1/pods?watch=true')).toMatchObject({ ok: true, request: { verb: 'watch' } });
    expect(resolve('GET', '/api/v1/pods?watch=false')).toMatchObject({ ok: true, request: { verb: 'list' } });
    expect(resolve('GET', '/api/v1/namespaces/d/pods/p')).toMatchObject({ ok: true, request: { verb: 'get', name: 'p' } });
    expect(resolve('POST', '/api/v1/namespaces/d/pods')).toMatchObject({ ok: true, request: { verb: 'create' } });
    expect(resolve('POST', '/api/v1/namespaces/d/pods/p/binding')).toMatchObject({ ok: true, request: { verb: 'create', name: 'p', subresource: 'binding' } });
    expect(resolve('PUT', '/api/v1/namespaces/d/pods/p/status')).toMatchObject({ ok: true, request: { verb: 'update', subresource: 'status' } });
    expect(resolve('DELETE', '/api/v1/namespaces/d/pods/p')).toMatchObject({ ok: true, request: { verb: 'delete' } });
    expect(resolve('DELETE', '/api/v1/namespaces/d/pods')).toMatchObject({ ok: true, request: { verb: 'deletecollection' } });
    expect(resolve('PATCH', '/api/v1/nodes/n', 'application/merge-patch+json')).toMatchObject({ ok: false, code: 404 });
  });

  it('refuses what the resource does not allow', () => {
    expect(resolve('DELETE', '/api/v1/namespaces')).toMatchObject({ ok: false, code: 405 }); // no deletecollection
    expect(resolve('POST', '/api/v1/namespaces/d/pods/p')).toMatchObject({ ok: false, code: 405 });
    expect(resolve('GET', '/api/v1/namespaces/d/pods/p/binding')).toMatchObject({ ok: false, code: 405 });
    expect(resolve('OPTIONS', '/api/v1/namespaces/d/pods')).toMatchObject({ ok: false, code: 405 });
    expect(resolve('PATCH', '/api/v1/namespaces/d/pods/p')).toMatchObject({ ok: false, code: 415 });
    expect(resolve('PATCH', '/api/v1/namespaces/d/pods/p', 'application/apply-patch+yaml')).toMatchObject({ ok: true, request: { patchType: 'apply' } });
  });

  it('turns a watch of one name into a field selector', () => {
    const r = resolve('GET', '/api/v1/watch/namespaces/d/pods/p?fieldSelector=status.phase%3DRunning');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.request.name).toBeUndefined();
    expect(r.request.query.get('fieldSelector')).toBe('status.phase=Running,metadata.name=p');
  });
});
