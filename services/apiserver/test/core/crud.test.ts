import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployment, patchReq, pod, q, startHarness, T0, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

describe('create and get', () => {
  it('stores a pod with uid, creationTimestamp, defaults and a resourceVersion, and reads it back', async () => {
    const res = await h.call({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('web') });
    expect(res.kind === 'object' && res.status).toBe(201);
    const created = res.kind === 'object' ? res.object : undefined;
    expect(created?.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created?.metadata.creationTimestamp).toBe(new Date(T0).toISOString().replace('.000Z', 'Z'));
    expect(created?.metadata.namespace).toBe('default');
    expect(created?.['spec']).toMatchObject({ restartPolicy: 'Always', serviceAccountName: 'default' });
    expect(created?.['status']).toMatchObject({ phase: 'Pending' });
    const got = await h.obj({ verb: 'get', resource: 'pods', namespace: 'default', name: 'web' });
    expect(got).toEqual(created);
    expect(Number(got.metadata.resourceVersion)).toBeGreaterThan(0);
  });

  it('does not store metadata.resourceVersion (it is the key modRevision)', async () => {
    const created = await h.obj({ verb: 'create', resource: 'configmaps', namespace: 'default', body: { metadata: { name: 'c' }, data: { a: '1' } } });
    const { kv } = await h.storage.get('/registry/core/configmaps/default/c');
    const stored = JSON.parse(new TextDecoder().decode(kv!.value));
    expect(stored.metadata.resourceVersion).toBeUndefined();
    expect(String(kv!.modRevision)).toBe(created.metadata.resourceVersion);
  });

  it('answers 409 AlreadyExists for a taken name', async () => {
    await h.call({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('web') });
    const s = await h.err({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('web') });
    expect(s).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'pods "web" already exists', details: { name: 'web', kind: 'pods' } });
  });

  it('generates names from generateName', async () => {
    const body = { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'web-' }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    const a = await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body });
    const b = await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body });
    expect(a.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(b.metadata.name).not.toBe(a.metadata.name);
  });

  it('answers 422 Invalid with field paths', async () => {
    const bad = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad' }, spec: { containers: [{ name: 'c' }, { name: 'd', image: '' }] } };
    const s = await h.err({ verb: 'create', resource: 'pods', namespace: 'default', body: bad });
    expect(s.code).toBe(422);
    expect(s.reason).toBe('Invalid');
    expect(s.message).toBe('Pod "bad" is invalid: [spec.containers[0].image: Required value, spec.containers[1].image: Required value]');
    expect(s.details?.causes?.map((c) => c.field)).toEqual(['spec.containers[0].image', 'spec.containers[1].image']);
    const none = await h.err({ verb: 'create', resource: 'pods', namespace: 'default', body: { metadata: { name: 'none' }, spec: {} } });
    expect(none.message).toBe('Pod "none" is invalid: spec.containers: Required value');
  });

  it('answers 400 when the body namespace contradicts the URL, 404 for unknown objects and resources', async () => {
    const body = { ...pod('x'), metadata: { name: 'x', namespace: 'other' } };
    expect((await h.err({ verb: 'create', resource: 'pods', namespace: 'default', body })).code).toBe(400);
    expect(await h.err({ verb: 'get', resource: 'pods', namespace: 'default', name: 'nope' })).toMatchObject({ code: 404, message: 'pods "nope" not found' });
    expect((await h.err({ verb: 'get', resource: 'widgets', namespace: 'default', name: 'x' })).code).toBe(404);
    expect(await h.err({ verb: 'get', resource: 'deployments', namespace: 'default', name: 'nope' })).toMatchObject({
      message: 'deployments.apps "nope" not found',
      details: { group: 'apps', kind: 'deployments' },
    });
  });
});

describe('update', () => {
  it('updates with optimistic concurrency: a stale resourceVersion is 409 Conflict', async () => {
    const created = await h.obj({ verb: 'create', resource: 'services', namespace: 'default', body: { metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } } });
    const v1 = { ...created, spec: { ...(created['spec'] as object), ports: [{ port: 81 }] } };
    const updated = await h.obj({ verb: 'update', resource: 'services', namespace: 'default', name: 's', body: v1 });
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    const stale = await h.err({ verb: 'update', resource: 'services', namespace: 'default', name: 's', body: v1 });
    expect(stale).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on services "s": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('updates unconditionally without a resourceVersion, keeping system fields and status', async () => {
    const created = await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('p') });
    const body = { ...created, metadata: { name: 'p', labels: { tier: 'web' } }, status: { phase: 'Running' } };
    const updated = await h.obj({ verb: 'update', resource: 'pods', namespace: 'default', name: 'p', body });
    expect(updated.metadata.uid).toBe(created.metadata.uid);
    expect(updated.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
    expect(updated.metadata.labels).toEqual({ tier: 'web' });
    expect(updated['status']).toEqual(created['status']);
  });

  it('writes nothing for a no-op update (the resourceVersion stays)', async () => {
    const created = await h.obj({ verb: 'create', resource: 'configmaps', namespace: 'default', body: { metadata: { name: 'c' }, data: { a: '1' } } });
    const same = await h.obj({ verb: 'update', resource: 'configmaps', namespace: 'default', name: 'c', body: created });
    expect(same.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it('bumps generation when the spec changes, not when only metadata does', async () => {
    const d = await h.obj({ verb: 'create', resource: 'deployments', namespace: 'default', body: deployment('web') });
    expect(d.metadata.generation).toBe(1);
    const labelled = await h.obj({ verb: 'update', resource: 'deployments', namespace: 'default', name: 'web', body: { ...d, metadata: { ...d.metadata, labels: { x: 'y' } } } });
    expect(labelled.metadata.generation).toBe(1);
    const scaled = await h.obj({ verb: 'update', resource: 'deployments', namespace: 'default', name: 'web', body: { ...labelled, spec: { ...(labelled['spec'] as object), replicas: 5 } } });
    expect(scaled.metadata.generation).toBe(2);
  });

  it('answers 404 for an update of a missing object and 400 for a name mismatch', async () => {
    expect((await h.err({ verb: 'update', resource: 'pods', namespace: 'default', name: 'p', body: pod('p') })).code).toBe(404);
    expect((await h.err({ verb: 'update', resource: 'pods', namespace: 'default', name: 'q', body: pod('p') })).code).toBe(400);
  });

  it('validates updates against the old object (422)', async () => {
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('p') });
    const created = await h.obj({ verb: 'get', resource: 'pods', namespace: 'default', name: 'p' });
    const s = await h.err({ verb: 'update', resource: 'pods', namespace: 'default', name: 'p', body: { ...created, spec: { ...(created['spec'] as object), restartPolicy: 'Never' } } });
    expect(s.code).toBe(422);
    expect(s.message).toContain('pod updates may not change fields other than');
  });
});

describe('patch', () => {
  it('applies merge and json patches to the current object', async () => {
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('p', {}, { a: '1', b: '2' }) });
    const merged = await h.obj(patchReq('pods', 'default', 'p', 'merge', { metadata: { labels: { a: null, c: '3' } } }));
    expect(merged.metadata.labels).toEqual({ b: '2', c: '3' });
    const jp = await h.obj(patchReq('pods', 'default', 'p', 'json', [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.28' }]));
    expect((jp['spec'] as { containers: { image: string }[] }).containers[0]?.image).toBe('nginx:1.28');
  });

  it('merges containers by name with a strategic merge patch', async () => {
    const body = pod('p');
    (body['spec'] as { containers: unknown[] }).containers.push({ name: 'side', image: 'busybox' });
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body });
    const patched = await h.obj(patchReq('pods', 'default', 'p', 'strategic', { spec: { containers: [{ name: 'side', image: 'busybox:1.36' }] } }));
    const containers = (patched['spec'] as { containers: { name: string; image: string }[] }).containers;
    expect(containers.map((c) => [c.name, c.image])).toEqual([
      ['c', 'nginx:1.27'],
      ['side', 'busybox:1.36'],
    ]);
  });

  it('conflicts only when the patch carries a stale resourceVersion', async () => {
    const created = await h.obj({ verb: 'create', resource: 'configmaps', namespace: 'default', body: { metadata: { name: 'c' }, data: { a: '1' } } });
    await h.obj(patchReq('configmaps', 'default', 'c', 'merge', { data: { b: '2' } }));
    const s = await h.err(patchReq('configmaps', 'default', 'c', 'merge', { metadata: { resourceVersion: created.metadata.resourceVersion }, data: { c: '3' } }));
    expect(s.code).toBe(409);
  });

  it('answers 422 for a json patch that does not apply, 400 for a malformed one, 404 for a missing object', async () => {
    await h.obj({ verb: 'create', resource: 'configmaps', namespace: 'default', body: { metadata: { name: 'c' }, data: { a: '1' } } });
    expect((await h.err(patchReq('configmaps', 'default', 'c', 'json', [{ op: 'test', path: '/data/a', value: '2' }]))).code).toBe(422);
    expect((await h.err(patchReq('configmaps', 'default', 'c', 'json', { op: 'add' }))).code).toBe(400);
    expect((await h.err(patchReq('configmaps', 'default', 'nope', 'merge', { data: {} }))).code).toBe(404);
  });

  it('replaces /spec/template with a json patch, as kubectl rollout undo does', async () => {
    // The deployment controller has set the revision annotation by the time kubectl undoes.
    const d = deployment('web');
    d.metadata.annotations = { 'deployment.kubernetes.io/revision': '2' };
    await h.obj({ verb: 'create', resource: 'deployments', namespace: 'default', body: d });
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.26' }] } };
    const out = await h.obj(
      patchReq('deployments', 'default', 'web', 'json', [
        { op: 'replace', path: '/spec/template', value: template },
        { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '1' } },
      ]),
    );
    expect((out['spec'] as { template: unknown }).template).toMatchObject(template);
    expect(out.metadata.generation).toBe(2);
  });
});

describe('delete', () => {
  it('deletes an unscheduled pod at once and answers with the pod', async () => {
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('p') });
    const res = await h.obj({ verb: 'delete', resource: 'pods', namespace: 'default', name: 'p', body: { propagationPolicy: 'Background' } });
    expect(res.kind).toBe('Pod');
    expect(res.metadata.deletionTimestamp).toBeUndefined();
    expect((await h.err({ verb: 'get', resource: 'pods', namespace: 'default', name: 'p' })).code).toBe(404);
  });

  it('answers a Status naming the object for kinds that do not return it', async () => {
    const c = await h.obj({ verb: 'create', resource: 'configmaps', namespace: 'default', body: { metadata: { name: 'c' } } });
    const res = await h.obj({ verb: 'delete', resource: 'configmaps', namespace: 'default', name: 'c' });
    expect(res).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'c', kind: 'configmaps', uid: c.metadata.uid }, code: 200 });
    const d = await h.obj({ verb: 'create', resource: 'deployments', namespace: 'default', body: deployment('web') });
    const r2 = await h.obj({ verb: 'delete', resource: 'deployments', namespace: 'default', name: 'web', body: { propagationPolicy: 'Background' } });
    expect(r2['details']).toEqual({ name: 'web', group: 'apps', kind: 'deployments', uid: d.metadata.uid });
  });

  it('checks uid and resourceVersion preconditions (409)', async () => {
    const c = await h.obj({ verb: 'create', resource: 'configmaps', namespace: 'default', body: { metadata: { name: 'c' } } });
    const byUid = await h.err({ verb: 'delete', resource: 'configmaps', namespace: 'default', name: 'c', body: { preconditions: { uid: 'other' } } });
    expect(byUid.code).toBe(409);
    expect(byUid.message).toContain('Precondition failed: UID in precondition: other');
    const byRv = await h.err({ verb: 'delete', resource: 'configmaps', namespace: 'default', name: 'c', body: { preconditions: { resourceVersion: '1' } } });
    expect(byRv.code).toBe(409);
    await h.obj({ verb: 'delete', resource: 'configmaps', namespace: 'default', name: 'c', body: { preconditions: { uid: c.metadata.uid, resourceVersion: c.metadata.resourceVersion } } });
  });

  it('deletes a collection by label selector and lists what it deleted', async () => {
    for (const [n, app] of [['a', 'x'], ['b', 'x'], ['c', 'y']] as const) await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod(n, {}, { app }) });
    const res = await h.obj({ verb: 'deletecollection', resource: 'pods', namespace: 'default', query: q({ labelSelector: 'app=x' }) });
    expect(res.kind).toBe('PodList');
    expect((res['items'] as { metadata: { name: string } }[]).map((i) => i.metadata.name)).toEqual(['a', 'b']);
    const left = await h.obj({ verb: 'list', resource: 'pods', namespace: 'default' });
    expect((left['items'] as { metadata: { name: string } }[]).map((i) => i.metadata.name)).toEqual(['c']);
  });

  it('honours dryRun=All on create, update and delete', async () => {
    const dry = await h.obj({ verb: 'create', resource: 'configmaps', namespace: 'default', body: { metadata: { name: 'c' } }, query: q({ dryRun: 'All' }) });
    expect(dry.metadata.uid).toBeDefined();
    expect((await h.err({ verb: 'get', resource: 'configmaps', namespace: 'default', name: 'c' })).code).toBe(404);
    await h.obj({ verb: 'create', resource: 'configmaps', namespace: 'default', body: { metadata: { name: 'c' }, data: { a: '1' } } });
    const upd = await h.obj(patchReq('configmaps', 'default', 'c', 'merge', { data: { a: '2' } }, q({ dryRun: 'All' })));
    expect(upd['data']).toEqual({ a: '2' });
    expect((await h.obj({ verb: 'get', resource: 'configmaps', namespace: 'default', name: 'c' }))['data']).toEqual({ a: '1' });
    await h.obj({ verb: 'delete', resource: 'configmaps', namespace: 'default', name: 'c', query: q({ dryRun: 'All' }) });
    await h.obj({ verb: 'get', resource: 'configmaps', namespace: 'default', name: 'c' });
  });
});

describe('verbs and scopes', () => {
  it('answers 405 for a verb the resource does not serve and 404 for a wrong scope', async () => {
    expect((await h.err({ verb: 'list', resource: 'selfsubjectaccessreviews' })).code).toBe(405);
    expect((await h.err({ verb: 'get', resource: 'pods', name: 'x' })).code).toBe(404);
    expect((await h.err({ verb: 'get', resource: 'namespaces', namespace: 'default', name: 'x' })).code).toBe(404);
  });
});
