// Bus verbs to the core's requests: each `api.<verb>` as the REST verb it stands for.

import { describe, expect, it } from 'vitest';
import { COMPONENT_USER, toApiRequest } from '../../src/nats/api-endpoints.js';
import type { ApiBusRequest } from '../../src/nats/api-protocol.js';

const base: ApiBusRequest = { v: 1, type: 'api.request', version: 'v1', resource: 'pods', namespace: 'ns', name: 'p' };

describe('toApiRequest', () => {
  it('maps get, update and patch one to one, with the query as URLSearchParams', () => {
    const get = toApiRequest('get', { ...base, query: { resourceVersion: '0', labelSelector: ['a=b'] } }, COMPONENT_USER);
    expect(get).toMatchObject({ verb: 'get', group: '', version: 'v1', resource: 'pods', namespace: 'ns', name: 'p', user: COMPONENT_USER });
    expect(get.query.get('resourceVersion')).toBe('0');
    expect(get.query.getAll('labelSelector')).toEqual(['a=b']);
    expect(toApiRequest('update', { ...base, body: { metadata: {} } }, COMPONENT_USER)).toMatchObject({ verb: 'update', body: { metadata: {} } });
    expect(toApiRequest('patch', { ...base, patchType: 'apply', body: {} }, COMPONENT_USER)).toMatchObject({ verb: 'patch', patchType: 'apply' });
  });

  it('lists without a name, deletes one object or the collection', () => {
    expect(toApiRequest('list', base, COMPONENT_USER)).not.toHaveProperty('name');
    expect(toApiRequest('delete', base, COMPONENT_USER)).toMatchObject({ verb: 'delete', name: 'p' });
    const { name: _omit, ...collection } = base;
    expect(toApiRequest('delete', collection, COMPONENT_USER)).toMatchObject({ verb: 'deletecollection' });
  });

  it('binds through pods/binding, naming the pod from the Binding when needed', () => {
    const { name: _omit, ...noName } = base;
    const bind = toApiRequest('bind', { ...noName, body: { kind: 'Binding', metadata: { name: 'p2' }, target: { kind: 'Node', name: 'n1' } } }, COMPONENT_USER);
    expect(bind).toMatchObject({ verb: 'create', resource: 'pods', subresource: 'binding', name: 'p2' });
  });

  it('writes status with update, or patch when a patch type is given', () => {
    expect(toApiRequest('status', { ...base, body: {} }, COMPONENT_USER)).toMatchObject({ verb: 'update', subresource: 'status' });
    expect(toApiRequest('status', { ...base, patchType: 'merge', body: {} }, COMPONENT_USER)).toMatchObject({ verb: 'patch', subresource: 'status', patchType: 'merge' });
    expect(toApiRequest('status', { ...base, resource: 'deployments', group: 'apps', subresource: 'scale', body: {} }, COMPONENT_USER)).toMatchObject({ verb: 'update', group: 'apps', subresource: 'scale' });
  });
});
