import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployment, patchReq, pod, settle, startHarness, T0, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ namespaceCleanupIntervalMs: 1_000 });
});
afterEach(async () => {
  await h.stop();
});

const at = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

async function boundPod(name: string, namespace = 'default', grace?: number): Promise<void> {
  const body = pod(name);
  const spec = body['spec'] as Record<string, unknown>;
  spec['nodeName'] = 'node-1';
  if (grace !== undefined) spec['terminationGracePeriodSeconds'] = grace;
  await h.obj({ verb: 'create', resource: 'pods', namespace, body });
}

describe('graceful pod deletion', () => {
  it('marks a pod on a node with deletionTimestamp = now + grace, and keeps it', async () => {
    await boundPod('p', 'default', 45);
    const res = await h.obj({ verb: 'delete', resource: 'pods', namespace: 'default', name: 'p', body: { propagationPolicy: 'Background' } });
    expect(res.metadata.deletionTimestamp).toBe(at(T0 + 45_000));
    expect(res.metadata.deletionGracePeriodSeconds).toBe(45);
    const still = await h.obj({ verb: 'get', resource: 'pods', namespace: 'default', name: 'p' });
    expect(still.metadata.deletionTimestamp).toBe(at(T0 + 45_000));
    // A second delete without a shorter grace period changes nothing.
    const again = await h.obj({ verb: 'delete', resource: 'pods', namespace: 'default', name: 'p' });
    expect(again.metadata.resourceVersion).toBe(still.metadata.resourceVersion);
  });

  it('shortens a pending grace period, and deletes at once with gracePeriodSeconds=0', async () => {
    await boundPod('p', 'default', 30);
    await h.obj({ verb: 'delete', resource: 'pods', namespace: 'default', name: 'p' });
    const shorter = await h.obj({ verb: 'delete', resource: 'pods', namespace: 'default', name: 'p', body: { gracePeriodSeconds: 5 } });
    expect(shorter.metadata.deletionGracePeriodSeconds).toBe(5);
    expect(shorter.metadata.deletionTimestamp).toBe(at(T0 + 5_000));
    await h.obj({ verb: 'delete', resource: 'pods', namespace: 'default', name: 'p', body: { gracePeriodSeconds: 0 } });
    expect((await h.err({ verb: 'get', resource: 'pods', namespace: 'default', name: 'p' })).code).toBe(404);
  });

  it('deletes a bound pod at once with gracePeriodSeconds=0, and a finished one whatever its grace', async () => {
    await boundPod('now');
    const res = await h.obj({ verb: 'delete', resource: 'pods', namespace: 'default', name: 'now', query: new URLSearchParams({ gracePeriodSeconds: '0' }) });
    expect(res.metadata.deletionTimestamp).toBeUndefined();
    expect((await h.err({ verb: 'get', resource: 'pods', namespace: 'default', name: 'now' })).code).toBe(404);
    await boundPod('done');
    const p = await h.obj({ verb: 'get', resource: 'pods', namespace: 'default', name: 'done' });
    await h.obj({ verb: 'update', resource: 'pods', subresource: 'status', namespace: 'default', name: 'done', body: { ...p, status: { phase: 'Succeeded' } } });
    await h.obj({ verb: 'delete', resource: 'pods', namespace: 'default', name: 'done' });
    expect((await h.err({ verb: 'get', resource: 'pods', namespace: 'default', name: 'done' })).code).toBe(404);
  });
});

describe('finalizers and propagation', () => {
  it('keeps an object with finalizers until an update removes the last one', async () => {
    await h.obj({ verb: 'create', resource: 'configmaps', namespace: 'default', body: { metadata: { name: 'c', finalizers: ['example.com/hold'] } } });
    const marked = await h.obj({ verb: 'delete', resource: 'configmaps', namespace: 'default', name: 'c' });
    expect(marked.metadata.deletionTimestamp).toBe(at(T0));
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(marked.metadata.finalizers).toEqual(['example.com/hold']);
    // New finalizers are refused once deletion started.
    const added = await h.err(patchReq('configmaps', 'default', 'c', 'merge', { metadata: { finalizers: ['example.com/hold', 'other'] } }));
    expect(added.code).toBe(422);
    // A write cannot clear deletionTimestamp.
    const kept = await h.obj(patchReq('configmaps', 'default', 'c', 'merge', { metadata: { deletionTimestamp: null, labels: { x: 'y' } } }));
    expect(kept.metadata.deletionTimestamp).toBe(at(T0));
    const gone = await h.obj(patchReq('configmaps', 'default', 'c', 'merge', { metadata: { finalizers: null } }));
    expect(gone.metadata.name).toBe('c');
    expect((await h.err({ verb: 'get', resource: 'configmaps', namespace: 'default', name: 'c' })).code).toBe(404);
  });

  it('Foreground adds foregroundDeletion, Orphan adds orphan; a later Background drops them', async () => {
    await h.obj({ verb: 'create', resource: 'deployments', namespace: 'default', body: deployment('fg') });
    const fg = await h.obj({ verb: 'delete', resource: 'deployments', namespace: 'default', name: 'fg', body: { propagationPolicy: 'Foreground' } });
    expect(fg.kind).toBe('Deployment');
    expect(fg.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(fg.metadata.deletionTimestamp).toBe(at(T0));
    await h.obj({ verb: 'create', resource: 'deployments', namespace: 'default', body: deployment('or') });
    const or = await h.obj({ verb: 'delete', resource: 'deployments', namespace: 'default', name: 'or', body: { propagationPolicy: 'Orphan' } });
    expect(or.metadata.finalizers).toEqual(['orphan']);
    // The garbage collector (controller-manager issue) would remove them; a Background delete does too.
    await h.obj({ verb: 'delete', resource: 'deployments', namespace: 'default', name: 'or', body: { propagationPolicy: 'Background' } });
    expect((await h.err({ verb: 'get', resource: 'deployments', namespace: 'default', name: 'or' })).code).toBe(404);
    const stillFg = await h.obj({ verb: 'get', resource: 'deployments', namespace: 'default', name: 'fg' });
    expect(stillFg.metadata.finalizers).toEqual(['foregroundDeletion']);
  });

  it('rejects a bad propagation policy (400)', async () => {
    await h.obj({ verb: 'create', resource: 'configmaps', namespace: 'default', body: { metadata: { name: 'c' } } });
    expect((await h.err({ verb: 'delete', resource: 'configmaps', namespace: 'default', name: 'c', body: { propagationPolicy: 'Sideways' } })).code).toBe(400);
  });
});

describe('namespace deletion', () => {
  it('marks the namespace Terminating, empties it, then removes it', async () => {
    await h.obj({ verb: 'create', resource: 'namespaces', body: { metadata: { name: 'team' } } });
    const ns = await h.obj({ verb: 'get', resource: 'namespaces', name: 'team' });
    expect(ns['spec']).toEqual({ finalizers: ['kubernetes'] });
    expect((await h.obj({ verb: 'get', resource: 'serviceaccounts', namespace: 'team', name: 'default' })).metadata.name).toBe('default');
    await h.obj({ verb: 'create', resource: 'configmaps', namespace: 'team', body: { metadata: { name: 'c' } } });
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'team', body: pod('p') });
    await boundPod('bound', 'team', 10);
    const res = await h.obj({ verb: 'delete', resource: 'namespaces', name: 'team', body: { propagationPolicy: 'Background' } });
    expect(res.metadata.deletionTimestamp).toBe(at(T0));
    expect(res['status']).toMatchObject({ phase: 'Terminating' });
    // Nothing new may be created meanwhile.
    const refused = await h.err({ verb: 'create', resource: 'configmaps', namespace: 'team', body: { metadata: { name: 'late' } } });
    expect(refused).toMatchObject({ code: 403, reason: 'Forbidden', message: 'configmaps "late" is forbidden: unable to create new content in namespace team because it is being terminated' });
    await settle();
    // The bound pod waits for its kubelet; everything else is gone.
    const left = await h.obj({ verb: 'list', resource: 'pods', namespace: 'team' });
    expect((left['items'] as { metadata: { name: string; deletionTimestamp?: string } }[]).map((p) => [p.metadata.name, p.metadata.deletionTimestamp !== undefined])).toEqual([['bound', true]]);
    expect((await h.err({ verb: 'get', resource: 'configmaps', namespace: 'team', name: 'c' })).code).toBe(404);
    expect((await h.obj({ verb: 'get', resource: 'namespaces', name: 'team' })).metadata.name).toBe('team');
    // The kubelet's final delete, then the next cleanup pass finishes the namespace.
    await h.obj({ verb: 'delete', resource: 'pods', namespace: 'team', name: 'bound', body: { gracePeriodSeconds: 0 } });
    h.clock.advance(1_000);
    await settle();
    expect((await h.err({ verb: 'get', resource: 'namespaces', name: 'team' })).code).toBe(404);
  });

  it('refuses to delete the system namespaces and to create in a missing one', async () => {
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      expect(await h.err({ verb: 'delete', resource: 'namespaces', name })).toMatchObject({ code: 403, message: `namespaces "${name}" is forbidden: this namespace may not be deleted` });
    }
    expect(await h.err({ verb: 'create', resource: 'configmaps', namespace: 'ghost', body: { metadata: { name: 'c' } } })).toMatchObject({ code: 404, message: 'namespaces "ghost" not found' });
  });
});
