import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyToken } from '../../src/core/subresources/token.js';
import { deployment, patchReq, pod, q, startHarness, T0, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ tokenSigningKey: 'test-key' });
});
afterEach(async () => {
  await h.stop();
});

describe('status subresource', () => {
  it('changes only status on /status, and ignores status on the main resource', async () => {
    const created = await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('p') });
    const body = { ...created, spec: { containers: [{ name: 'c', image: 'changed' }] }, status: { phase: 'Running', podIP: '10.0.0.5' } };
    const viaStatus = await h.obj({ verb: 'update', resource: 'pods', subresource: 'status', namespace: 'default', name: 'p', body });
    expect(viaStatus['status']).toMatchObject({ phase: 'Running', podIP: '10.0.0.5' });
    expect((viaStatus['spec'] as { containers: { image: string }[] }).containers[0]?.image).toBe('nginx:1.27');
    const viaMain = await h.obj(patchReq('pods', 'default', 'p', 'merge', { status: { phase: 'Failed' } }));
    expect(viaMain['status']).toEqual(viaStatus['status']);
    // podStatusStrategy: pods/status never touches ownerReferences (old kubelets corrupted them).
    const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'u-1' };
    const patched = await h.obj({ ...patchReq('pods', 'default', 'p', 'merge', { status: { phase: 'Succeeded' }, metadata: { ownerReferences: [owner] } }), subresource: 'status' });
    expect((patched['status'] as { phase: string }).phase).toBe('Succeeded');
    expect(patched.metadata.ownerReferences).toBeUndefined();
    const got = await h.obj({ verb: 'get', resource: 'pods', subresource: 'status', namespace: 'default', name: 'p' });
    expect(got.kind).toBe('Pod');
  });

  it('answers 404 for a subresource the kind does not have and 501 for those served elsewhere', async () => {
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('p') });
    expect((await h.err({ verb: 'get', resource: 'pods', subresource: 'scale', namespace: 'default', name: 'p' })).code).toBe(404);
    expect((await h.err({ verb: 'get', resource: 'pods', subresource: 'log', namespace: 'default', name: 'p' })).code).toBe(501);
  });
});

describe('deployments/status', () => {
  // deploymentStatusStrategy keeps spec and labels but not annotations: the deployment controller
  // records deployment.kubernetes.io/revision through UpdateStatus (kubectl rollout undo needs it).
  it('keeps spec and labels, and takes annotations', async () => {
    const created = await h.obj({ verb: 'create', resource: 'deployments', namespace: 'default', body: deployment('web', 2) });
    const meta = { ...created.metadata, labels: { changed: 'yes' }, annotations: { 'deployment.kubernetes.io/revision': '1' } };
    const body = { ...created, metadata: meta, spec: { ...(created['spec'] as object), replicas: 9 }, status: { replicas: 2 } };
    const updated = await h.obj({ verb: 'update', resource: 'deployments', subresource: 'status', namespace: 'default', name: 'web', body });
    expect(updated.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1' });
    expect(updated.metadata.labels).toEqual(created.metadata.labels);
    expect((updated['spec'] as { replicas: number }).replicas).toBe(2);
    expect(updated['status']).toMatchObject({ replicas: 2 });
  });
});

describe('scale subresource', () => {
  it('reads and writes spec.replicas as an autoscaling/v1 Scale', async () => {
    await h.obj({ verb: 'create', resource: 'deployments', namespace: 'default', body: deployment('web', 2) });
    const scale = await h.obj({ verb: 'get', resource: 'deployments', subresource: 'scale', namespace: 'default', name: 'web' });
    expect(scale).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=web' } });
    const patched = await h.obj({ ...patchReq('deployments', 'default', 'web', 'merge', { spec: { replicas: 5 } }), subresource: 'scale' });
    expect((patched['spec'] as { replicas: number }).replicas).toBe(5);
    const d = await h.obj({ verb: 'get', resource: 'deployments', namespace: 'default', name: 'web' });
    expect((d['spec'] as { replicas: number }).replicas).toBe(5);
    expect(d.metadata.generation).toBe(2);
    // kubectl scale --current-replicas: PUT with the Scale's resourceVersion as a precondition.
    const put = await h.obj({ verb: 'update', resource: 'deployments', subresource: 'scale', namespace: 'default', name: 'web', body: { ...patched, spec: { replicas: 3 } } });
    expect((put['spec'] as { replicas: number }).replicas).toBe(3);
    const stale = await h.err({ verb: 'update', resource: 'deployments', subresource: 'scale', namespace: 'default', name: 'web', body: { ...patched, spec: { replicas: 4 } } });
    expect(stale.code).toBe(409);
    const negative = await h.err({ verb: 'update', resource: 'deployments', subresource: 'scale', namespace: 'default', name: 'web', body: { metadata: { name: 'web' }, spec: { replicas: -1 } } });
    expect(negative).toMatchObject({ code: 422, message: 'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0' });
  });
});

describe('binding', () => {
  it('binds an unbound pod once; a second binding is 409', async () => {
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('p') });
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } };
    const res = await h.call({ verb: 'create', resource: 'pods', subresource: 'binding', namespace: 'default', name: 'p', body: binding });
    expect(res.kind === 'object' && res.status).toBe(201);
    expect(res.kind === 'object' && res.object).toMatchObject({ kind: 'Status', status: 'Success' });
    const bound = await h.obj({ verb: 'get', resource: 'pods', namespace: 'default', name: 'p' });
    expect((bound['spec'] as { nodeName: string }).nodeName).toBe('node-1');
    expect((bound['status'] as { conditions: unknown[] }).conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'True' })]);
    const again = await h.err({ verb: 'create', resource: 'pods', subresource: 'binding', namespace: 'default', name: 'p', body: { ...binding, target: { kind: 'Node', name: 'node-2' } } });
    expect(again).toMatchObject({ code: 409, message: 'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "node-1"' });
    expect((await h.err({ verb: 'create', resource: 'pods', subresource: 'binding', namespace: 'default', name: 'nope', body: { ...binding, metadata: { name: 'nope' } } })).code).toBe(404);
  });
});

describe('eviction', () => {
  async function runningPod(name: string, labels: Record<string, string>): Promise<void> {
    const body = pod(name, {}, labels);
    (body['spec'] as Record<string, unknown>)['nodeName'] = 'node-1';
    const created = await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body });
    await h.obj({ verb: 'update', resource: 'pods', subresource: 'status', namespace: 'default', name, body: { ...created, status: { phase: 'Running' } } });
  }
  const evict = (name: string) => ({ verb: 'create' as const, resource: 'pods', subresource: 'eviction', namespace: 'default', name, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } } });

  it('evicts a pod without a budget: a graceful delete, 201 Success', async () => {
    await runningPod('p', { app: 'web' });
    const res = await h.call(evict('p'));
    expect(res.kind === 'object' && res.status).toBe(201);
    const p = await h.obj({ verb: 'get', resource: 'pods', namespace: 'default', name: 'p' });
    expect(p.metadata.deletionTimestamp).toBe(new Date(T0 + 30_000).toISOString().replace('.000Z', 'Z'));
    expect(p.metadata.deletionGracePeriodSeconds).toBe(30);
  });

  it('answers 429 when the disruption budget allows no disruption, and takes one when it does', async () => {
    await runningPod('a', { app: 'web' });
    await runningPod('b', { app: 'web' });
    const pdb = await h.obj({ verb: 'create', resource: 'poddisruptionbudgets', namespace: 'default', body: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web-pdb' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } } });
    // Without a resourceVersion a PDB update is refused (its strategy allows no unconditional update).
    const unconditional = await h.err({ verb: 'update', resource: 'poddisruptionbudgets', subresource: 'status', namespace: 'default', name: 'web-pdb', body: { ...pdb, metadata: { ...pdb.metadata, resourceVersion: undefined } } });
    expect(unconditional.message).toBe('PodDisruptionBudget.policy "web-pdb" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
    const blocked = await h.err(evict('a'));
    expect(blocked).toMatchObject({ code: 429, reason: 'TooManyRequests', message: "Cannot evict pod as it would violate the pod's disruption budget." });
    // The disruption controller (controller-manager issue) writes the status; here the test does.
    await h.obj({ verb: 'update', resource: 'poddisruptionbudgets', subresource: 'status', namespace: 'default', name: 'web-pdb', body: { ...pdb, status: { observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 2 } } });
    const still = await h.err(evict('a'));
    expect(still.details?.causes).toEqual([{ reason: 'DisruptionBudget', message: 'The disruption budget web-pdb needs 2 healthy pods and has 2 currently' }]);
    const current = await h.obj({ verb: 'get', resource: 'poddisruptionbudgets', namespace: 'default', name: 'web-pdb' });
    await h.obj({ verb: 'update', resource: 'poddisruptionbudgets', subresource: 'status', namespace: 'default', name: 'web-pdb', body: { ...current, status: { ...(current['status'] as object), disruptionsAllowed: 1 } } });
    expect((await h.call(evict('a'))).kind).toBe('object');
    const after = await h.obj({ verb: 'get', resource: 'poddisruptionbudgets', namespace: 'default', name: 'web-pdb' });
    expect(after['status']).toMatchObject({ disruptionsAllowed: 0, disruptedPods: { a: expect.any(String) } });
    expect((await h.err(evict('b'))).code).toBe(429);
  });

  it('evicts pods that are not running without asking the budget', async () => {
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('pending', {}, { app: 'web' }) });
    await h.obj({ verb: 'create', resource: 'poddisruptionbudgets', namespace: 'default', body: { metadata: { name: 'pdb' }, spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'web' } } } } });
    expect((await h.call(evict('pending'))).kind).toBe('object');
    expect((await h.err({ verb: 'get', resource: 'pods', namespace: 'default', name: 'pending' })).code).toBe(404);
  });
});

describe('tokens and reviews', () => {
  it('issues a service account token that TokenReview accepts', async () => {
    const sa = await h.obj({ verb: 'get', resource: 'serviceaccounts', namespace: 'default', name: 'default' });
    const tr = await h.obj({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'default', name: 'default', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } } });
    const status = tr['status'] as { token: string; expirationTimestamp: string };
    expect(status.expirationTimestamp).toBe(new Date(T0 + 3_600_000).toISOString().replace('.000Z', 'Z'));
    const check = verifyToken(status.token, new TextEncoder().encode('test-key'), T0 / 1000 + 10);
    expect(check.ok && check.claims.sub).toBe('system:serviceaccount:default:default');
    expect(check.ok && check.claims['kubernetes.io'].serviceaccount.uid).toBe(sa.metadata.uid);
    const review = await h.obj({ verb: 'create', resource: 'tokenreviews', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: status.token } } });
    expect(review['status']).toMatchObject({ authenticated: true, user: { username: 'system:serviceaccount:default:default', groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] } });
    const forged = await h.obj({ verb: 'create', resource: 'tokenreviews', body: { spec: { token: status.token.slice(0, -2) + 'xx' } } });
    expect(forged['status']).toMatchObject({ authenticated: false });
    h.clock.advance(3_601_000);
    const expired = await h.obj({ verb: 'create', resource: 'tokenreviews', body: { spec: { token: status.token } } });
    expect(expired['status']).toMatchObject({ authenticated: false, error: 'invalid bearer token, Token has expired.' });
  });

  it('refuses tokens shorter than 10 minutes and for missing accounts', async () => {
    const short = await h.err({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'default', name: 'default', body: { spec: { expirationSeconds: 60 } } });
    expect(short.code).toBe(422);
    expect((await h.err({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'default', name: 'ghost', body: {} })).code).toBe(404);
  });

  it('allows every access review and tells who the caller is', async () => {
    const spec = { resourceAttributes: { verb: 'delete', resource: 'pods', namespace: 'default' } };
    const res = await h.call({ verb: 'create', resource: 'selfsubjectaccessreviews', body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec } });
    expect(res.kind === 'object' && res.status).toBe(201);
    expect(res.kind === 'object' && res.object).toMatchObject({ kind: 'SelfSubjectAccessReview', spec, status: { allowed: true } });
    const who = await h.obj({ verb: 'create', resource: 'selfsubjectreviews', body: {} });
    expect(who['status']).toEqual({ userInfo: { username: 'admin', groups: ['system:masters', 'system:authenticated'] } });
    // Nothing was stored.
    expect((await h.storage.list('/registry/authorization.k8s.io/')).kvs).toHaveLength(0);
  });
});

describe('server-side addresses', () => {
  it('allocates a free ClusterIP, honours a requested one, refuses a taken one, and frees it on delete', async () => {
    const a = await h.obj({ verb: 'create', resource: 'services', namespace: 'default', body: { metadata: { name: 'a' }, spec: { ports: [{ port: 80 }] } } });
    const ip = (a['spec'] as { clusterIP: string }).clusterIP;
    expect(ip).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    expect(ip).not.toBe('10.96.0.1');
    expect((a['spec'] as { clusterIPs: string[] }).clusterIPs).toEqual([ip]);
    const b = await h.obj({ verb: 'create', resource: 'services', namespace: 'default', body: { metadata: { name: 'b' }, spec: { clusterIP: '10.96.0.10', ports: [{ port: 80 }] } } });
    expect((b['spec'] as { clusterIP: string }).clusterIP).toBe('10.96.0.10');
    const taken = await h.err({ verb: 'create', resource: 'services', namespace: 'default', body: { metadata: { name: 'c' }, spec: { clusterIP: '10.96.0.10', ports: [{ port: 80 }] } } });
    expect(taken.code).toBe(422);
    expect(taken.message).toContain('provided IP is already allocated');
    await h.obj({ verb: 'delete', resource: 'services', namespace: 'default', name: 'b' });
    const c = await h.obj({ verb: 'create', resource: 'services', namespace: 'default', body: { metadata: { name: 'c' }, spec: { clusterIP: '10.96.0.10', ports: [{ port: 80 }] } } });
    expect((c['spec'] as { clusterIP: string }).clusterIP).toBe('10.96.0.10');
    const headless = await h.obj({ verb: 'create', resource: 'services', namespace: 'default', body: { metadata: { name: 'h' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } } });
    expect((headless['spec'] as { clusterIP: string }).clusterIP).toBe('None');
    const np = await h.obj({ verb: 'create', resource: 'services', namespace: 'default', body: { metadata: { name: 'np' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } } });
    const nodePort = (np['spec'] as { ports: { nodePort: number }[] }).ports[0]?.nodePort ?? 0;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(nodePort).toBeLessThanOrEqual(32767);
  });

  it('allocates node ports when an update makes a Service a NodePort, keeps them, and frees them when it stops being one', async () => {
    await h.obj({ verb: 'create', resource: 'services', namespace: 'default', body: { metadata: { name: 'up' }, spec: { ports: [{ port: 80 }] } } });
    const nodePortOf = (o: Record<string, unknown>): number | undefined => (o['spec'] as { ports: { nodePort?: number }[] }).ports[0]?.nodePort;
    const asNodePort = await h.obj(patchReq('services', 'default', 'up', 'merge', { spec: { type: 'NodePort' } }));
    const port = nodePortOf(asNodePort) ?? 0;
    expect(port).toBeGreaterThanOrEqual(30000);
    // A later patch that leaves nodePort out keeps the port (matched by port and protocol).
    const relabelled = await h.obj(patchReq('services', 'default', 'up', 'merge', { metadata: { labels: { a: 'b' } } }));
    expect(nodePortOf(relabelled)).toBe(port);
    const back = await h.obj(patchReq('services', 'default', 'up', 'merge', { spec: { type: 'ClusterIP' } }));
    expect(nodePortOf(back)).toBeUndefined();
    // Freed: another Service may ask for it.
    const other = await h.obj({ verb: 'create', resource: 'services', namespace: 'default', body: { metadata: { name: 'other' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: port }] } } });
    expect(nodePortOf(other)).toBe(port);
  });
});

void q;
