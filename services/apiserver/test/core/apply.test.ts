import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployment, patchReq, q, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const apply = (body: unknown, query: Record<string, string>) => patchReq('deployments', 'default', 'web', 'apply', body, q(query));
type Entry = { manager: string; operation: string; apiVersion: string; fieldsV1?: Record<string, unknown> };
const managers = (o: { metadata: { managedFields?: unknown } }) => ((o.metadata.managedFields ?? []) as Entry[]).map((e) => `${e.manager}/${e.operation}`).sort();

describe('server-side apply', () => {
  it('creates a missing object (201) and records the applier in managedFields', async () => {
    const res = await h.call(apply(deployment('web', 2), { fieldManager: 'kubectl', force: 'false' }));
    expect(res.kind === 'object' && res.status).toBe(201);
    const obj = res.kind === 'object' ? res.object : undefined;
    expect(obj?.metadata.uid).toBeDefined();
    expect(managers(obj as never)).toEqual(['kubectl/Apply']);
    const entry = (obj?.metadata.managedFields as Entry[])[0];
    expect(entry?.fieldsV1).toMatchObject({ 'f:spec': { 'f:replicas': {} } });
  });

  it('updates on a second apply (200) and writes nothing when nothing changed', async () => {
    const first = await h.obj(apply(deployment('web', 2), { fieldManager: 'kubectl' }));
    const second = await h.obj(apply(deployment('web', 3), { fieldManager: 'kubectl' }));
    expect((second['spec'] as { replicas: number }).replicas).toBe(3);
    expect(Number(second.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
    expect(second.metadata.generation).toBe(2);
    const third = await h.obj(apply(deployment('web', 3), { fieldManager: 'kubectl' }));
    expect(third.metadata.resourceVersion).toBe(second.metadata.resourceVersion);
  });

  it('answers 409 with FieldManagerConflict causes when another manager owns a field, and takes it with force', async () => {
    await h.obj(apply(deployment('web', 2), { fieldManager: 'kubectl' }));
    const s = await h.err(apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } }, { fieldManager: 'hpa' }));
    expect(s).toMatchObject({ code: 409, reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas' });
    expect(s.details?.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.replicas' }]);
    const forced = await h.obj(apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } }, { fieldManager: 'hpa', force: 'true' }));
    expect((forced['spec'] as { replicas: number }).replicas).toBe(5);
    expect(managers(forced)).toEqual(['hpa/Apply', 'kubectl/Apply']);
    // kubectl no longer owns replicas: applying its old config without replicas does not remove them.
    const again = await h.obj(apply({ ...deployment('web', 2), spec: { ...(deployment('web')['spec'] as object), replicas: undefined } }, { fieldManager: 'kubectl' }));
    expect((again['spec'] as { replicas: number }).replicas).toBe(5);
  });

  it('tracks non-apply writers too: an update by another manager makes a later apply conflict', async () => {
    await h.obj(apply(deployment('web', 2), { fieldManager: 'kubectl' }));
    await h.obj({ ...patchReq('deployments', 'default', 'web', 'merge', { spec: { replicas: 7 } }), subresource: 'scale', query: q({ fieldManager: 'kubectl-scale' }) });
    const d = await h.obj({ verb: 'get', resource: 'deployments', namespace: 'default', name: 'web' });
    expect(managers(d)).toContain('kubectl-scale/Update');
    const s = await h.err(apply(deployment('web', 2), { fieldManager: 'kubectl' }));
    expect(s.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1: .spec.replicas');
  });

  it('records the User-Agent product as the manager of a write without fieldManager', async () => {
    const created = await h.obj({ verb: 'create', resource: 'deployments', namespace: 'default', body: deployment('web'), userAgent: 'kubectl/v1.32.0 (linux/amd64) kubernetes/abc' });
    expect(managers(created)).toEqual(['kubectl/Update']);
  });

  it('requires a fieldManager for apply (422)', async () => {
    const s = await h.err(apply(deployment('web', 2), {}));
    expect(s.code).toBe(422);
    expect(s.message).toContain('fieldManager: Required value');
  });
});
