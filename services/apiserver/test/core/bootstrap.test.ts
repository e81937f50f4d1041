import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../src/core/storage-memory.js';
import { nextEvents, pod, q, startHarness, type Harness } from './harness.js';

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.stop();
});

async function replica(storage: MemoryStorage, seed: number): Promise<Harness> {
  const h = await startHarness({ storage, seed, tokenSigningKey: 'shared' });
  harnesses.push(h);
  return h;
}

const names = (list: Record<string, unknown>) => (list['items'] as { metadata: { name: string; namespace?: string } }[]).map((i) => (i.metadata.namespace === undefined ? i.metadata.name : `${i.metadata.namespace}/${i.metadata.name}`));

describe('bootstrap', () => {
  it('creates the system namespaces, their default service accounts, the priority classes and the kubernetes service', async () => {
    const h = await replica(new MemoryStorage(), 1);
    expect(names(await h.obj({ verb: 'list', resource: 'namespaces' }))).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(names(await h.obj({ verb: 'list', resource: 'serviceaccounts' }))).toEqual(['default/default', 'kube-node-lease/default', 'kube-public/default', 'kube-system/default']);
    const classes = await h.obj({ verb: 'list', resource: 'priorityclasses' });
    expect((classes['items'] as { metadata: { name: string }; value: number }[]).map((c) => [c.metadata.name, c.value])).toEqual([
      ['system-cluster-critical', 2_000_000_000],
      ['system-node-critical', 2_000_001_000],
    ]);
    const svc = await h.obj({ verb: 'get', resource: 'services', namespace: 'default', name: 'kubernetes' });
    expect(svc['spec']).toMatchObject({ clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] });
  });

  it('is idempotent across replicas sharing a store, which then serve the same objects and watches', async () => {
    const storage = new MemoryStorage();
    const [a, b] = await Promise.all([replica(storage, 1), replica(storage, 2)]);
    const nsList = await b!.obj({ verb: 'list', resource: 'namespaces' });
    expect(names(nsList)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(names(await a!.obj({ verb: 'list', resource: 'services', namespace: 'default' }))).toEqual(['default/kubernetes']);
    // A watch on one replica sees a write through the other.
    const w = await b!.call({ verb: 'watch', resource: 'pods', namespace: 'default', query: q({ resourceVersion: nsList.metadata.resourceVersion as string }) });
    if (w.kind !== 'watch') throw new Error('expected a watch');
    await a!.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('p') });
    const [e] = await nextEvents(w.events[Symbol.asyncIterator](), 1);
    expect(e?.type).toBe('ADDED');
    expect(e?.object.metadata.name).toBe('p');
    w.cancel();
    // Tokens signed by one replica are accepted by the other (shared key).
    const tr = await a!.obj({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'default', name: 'default', body: {} });
    const review = await b!.obj({ verb: 'create', resource: 'tokenreviews', body: { spec: { token: (tr['status'] as { token: string }).token } } });
    expect((review['status'] as { authenticated: boolean }).authenticated).toBe(true);
  });
});
