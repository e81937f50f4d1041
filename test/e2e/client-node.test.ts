// The official Kubernetes JavaScript client (@kubernetes/client-node 1.4) against the real API server
// over real NATS with a real store: it loads the kubeconfig the server writes (CA data + bearer token),
// runs CoreV1Api create / merge-patch / list / delete on a pod, and an informer (list + watch) sees
// add, update and delete events for pods changed after it started.

import { CoreV1Api, KubeConfig, PatchStrategy, makeInformer, setHeaderOptions, type Informer, type ObjectCache, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiStack, type ApiStack } from '../bench/apiserver/cluster.js';

let stack: ApiStack | undefined;
let api: CoreV1Api;
let kc: KubeConfig;
const NS = 'default';

beforeAll(async () => {
  stack = await startApiStack({ members: 1 });
  kc = new KubeConfig();
  kc.loadFromFile(stack.kubeconfig);
  api = kc.makeApiClient(CoreV1Api);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

const pod = (name: string, labels: Record<string, string> = { app: 'web' }): V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] },
});

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('@kubernetes/client-node CoreV1Api', () => {
  it('creates, merge-patches, lists and deletes a pod', async () => {
    const created = await api.createNamespacedPod({ namespace: NS, body: pod('cn-crud') });
    expect(created.metadata?.name).toBe('cn-crud');
    expect(created.metadata?.uid).toBeTruthy();

    const patched = await api.patchNamespacedPod({ name: 'cn-crud', namespace: NS, body: { metadata: { labels: { tier: 'front' } } } }, mergePatch);
    expect(patched.metadata?.labels).toEqual({ app: 'web', tier: 'front' });
    expect(Number(patched.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));

    const list = await api.listNamespacedPod({ namespace: NS, labelSelector: 'tier=front' });
    expect(list.items.map((p) => p.metadata?.name)).toEqual(['cn-crud']);
    expect(list.metadata?.resourceVersion).toBeTruthy();

    await api.deleteNamespacedPod({ name: 'cn-crud', namespace: NS, gracePeriodSeconds: 0 });
    const after = await waitUntil(async () => {
      const l = await api.listNamespacedPod({ namespace: NS });
      return l.items.every((p) => p.metadata?.name !== 'cn-crud') ? l : undefined;
    }, 'pod cn-crud to be gone');
    expect(after.items.some((p) => p.metadata?.name === 'cn-crud')).toBe(false);
  }, 60_000);

  it('reports a missing pod as a 404 ApiException', async () => {
    await expect(api.readNamespacedPod({ name: 'cn-absent', namespace: NS })).rejects.toMatchObject({ code: 404 });
  }, 30_000);
});

describe('@kubernetes/client-node informer', () => {
  let informer: (Informer<V1Pod> & ObjectCache<V1Pod>) | undefined;

  afterAll(async () => {
    await informer?.stop();
  });

  it('receives add, update and delete events for pods changed after it started', async () => {
    const events: { type: string; name: string; labels: Record<string, string> }[] = [];
    const errors: unknown[] = [];
    informer = makeInformer<V1Pod>(kc, `/api/v1/namespaces/${NS}/pods`, () => api.listNamespacedPod({ namespace: NS }));
    const record = (type: string) => (p: V1Pod) => events.push({ type, name: p.metadata?.name ?? '', labels: p.metadata?.labels ?? {} });
    informer.on('add', record('add'));
    informer.on('update', record('update'));
    informer.on('delete', record('delete'));
    informer.on('error', (err) => errors.push(err));
    await informer.start();

    const mine = () => events.filter((e) => e.name === 'cn-watched');
    await api.createNamespacedPod({ namespace: NS, body: pod('cn-watched') });
    await waitUntil(async () => mine().find((e) => e.type === 'add'), 'informer add event');

    await api.patchNamespacedPod({ name: 'cn-watched', namespace: NS, body: { metadata: { labels: { stage: 'two' } } } }, mergePatch);
    const update = await waitUntil(async () => mine().find((e) => e.type === 'update' && e.labels['stage'] === 'two'), 'informer update event');
    expect(update.labels).toEqual({ app: 'web', stage: 'two' });

    await api.deleteNamespacedPod({ name: 'cn-watched', namespace: NS, gracePeriodSeconds: 0 });
    await waitUntil(async () => mine().find((e) => e.type === 'delete'), 'informer delete event');

    const kinds = mine().map((e) => e.type);
    expect(kinds[0]).toBe('add');
    expect(kinds.indexOf('update')).toBeGreaterThan(0);
    expect(kinds.at(-1)).toBe('delete');
    expect(errors).toEqual([]);
    expect(informer.list(NS).some((p) => p.metadata?.name === 'cn-watched')).toBe(false);
  }, 60_000);
});

/** Polls `probe` until it yields a value (bounded: 200 tries, 100 ms apart). */
async function waitUntil<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} (stack log: ${stack?.logFile})`);
}
