import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_PAGE_KEYS } from '../../src/core/read.js';
import { pod, q, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  await h.obj({ verb: 'create', resource: 'namespaces', body: { metadata: { name: 'other' } } });
  const specs: [string, string, Record<string, string>, string?][] = [
    ['a', 'default', { app: 'web', tier: 'front' }, 'node-1'],
    ['b', 'default', { app: 'web', tier: 'back' }],
    ['c', 'default', { app: 'db' }, 'node-2'],
    ['d', 'other', { app: 'web' }, 'node-1'],
  ];
  for (const [name, namespace, labels, node] of specs) {
    const body = pod(name, {}, labels);
    if (node !== undefined) (body['spec'] as Record<string, unknown>)['nodeName'] = node;
    await h.obj({ verb: 'create', resource: 'pods', namespace, body });
  }
});
afterEach(async () => {
  await h.stop();
});

type Item = { metadata: { name: string; namespace?: string }; kind?: string };
const lm = (o: { metadata: unknown }) => o.metadata as Record<string, unknown>;
const names = (list: Record<string, unknown>) => (list['items'] as Item[]).map((i) => i.metadata.name);

describe('list', () => {
  it('reads a list without a limit from the store in pages, all at one revision', async () => {
    for (let i = 0; i < STORE_PAGE_KEYS + 10; i++) await h.obj({ verb: 'create', resource: 'configmaps', namespace: 'other', body: { metadata: { name: `cm-${String(i).padStart(4, '0')}` } } });
    const limits: (number | undefined)[] = [];
    const list = h.storage.list.bind(h.storage);
    h.storage.list = (prefix, opts) => {
      limits.push(opts?.limit);
      return list(prefix, opts);
    };
    const all = await h.obj({ verb: 'list', resource: 'configmaps', namespace: 'other' });
    expect(names(all)).toHaveLength(STORE_PAGE_KEYS + 10);
    expect(limits).toEqual([STORE_PAGE_KEYS, STORE_PAGE_KEYS]);
  });

  it('lists a namespace, or every namespace, in key order with the list kind and resourceVersion', async () => {
    const list = await h.obj({ verb: 'list', resource: 'pods', namespace: 'default' });
    expect(list.kind).toBe('PodList');
    expect(list.apiVersion).toBe('v1');
    expect(names(list)).toEqual(['a', 'b', 'c']);
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThan(0);
    // Kubernetes leaves apiVersion/kind out of the items.
    expect((list['items'] as Item[])[0]?.kind).toBeUndefined();
    const all = await h.obj({ verb: 'list', resource: 'pods' });
    expect(names(all)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('filters by label selector (equality, set, existence, negation)', async () => {
    const sel = async (labelSelector: string) => names(await h.obj({ verb: 'list', resource: 'pods', query: q({ labelSelector }) }));
    expect(await sel('app=web')).toEqual(['a', 'b', 'd']);
    expect(await sel('app=web,tier in (front)')).toEqual(['a']);
    expect(await sel('tier')).toEqual(['a', 'b']);
    expect(await sel('!tier,app!=db')).toEqual(['d']);
    expect(await sel('app notin (web)')).toEqual(['c']);
  });

  it('filters by field selector (metadata.name, metadata.namespace, the kind\'s fields)', async () => {
    const sel = async (fieldSelector: string) => names(await h.obj({ verb: 'list', resource: 'pods', query: q({ fieldSelector }) }));
    expect(await sel('spec.nodeName=node-1')).toEqual(['a', 'd']);
    expect(await sel('spec.nodeName=node-1,metadata.namespace=default')).toEqual(['a']);
    expect(await sel('metadata.name=c')).toEqual(['c']);
    expect(await sel('spec.nodeName!=node-1,status.phase!=Failed')).toEqual(['b', 'c']);
    expect(await sel('spec.nodeName=')).toEqual(['b']);
  });

  it('answers 400 for bad selectors and unsupported fields', async () => {
    expect(await h.err({ verb: 'list', resource: 'pods', query: q({ fieldSelector: 'spec.bogus=1' }) })).toMatchObject({ code: 400, message: 'field label not supported: spec.bogus' });
    expect((await h.err({ verb: 'list', resource: 'pods', query: q({ labelSelector: 'a in (b' }) })).code).toBe(400);
  });

  it('pages with limit and continue at one revision, with remainingItemCount', async () => {
    const first = await h.obj({ verb: 'list', resource: 'pods', query: q({ limit: '2' }) });
    expect(names(first)).toEqual(['a', 'b']);
    expect(lm(first)['remainingItemCount']).toBe(2);
    const token = lm(first)['continue'] as string;
    expect(token).toBeTruthy();
    // A write between pages is not seen: the pages read the first page's revision.
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('bb') });
    const second = await h.obj({ verb: 'list', resource: 'pods', query: q({ limit: '2', continue: token }) });
    expect(names(second)).toEqual(['c', 'd']);
    expect(lm(second)['continue']).toBeUndefined();
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
  });

  it('fills pages through a selector', async () => {
    const first = await h.obj({ verb: 'list', resource: 'pods', query: q({ limit: '1', labelSelector: 'app=web' }) });
    expect(names(first)).toEqual(['a']);
    expect(lm(first)['remainingItemCount']).toBeUndefined();
    const second = await h.obj({ verb: 'list', resource: 'pods', query: q({ limit: '1', labelSelector: 'app=web', continue: lm(first)['continue'] as string }) });
    expect(names(second)).toEqual(['b']);
    const third = await h.obj({ verb: 'list', resource: 'pods', query: q({ limit: '1', labelSelector: 'app=web', continue: lm(second)['continue'] as string }) });
    expect(names(third)).toEqual(['d']);
  });

  it('answers 410 for a continue token older than the compaction, 400 for a garbled one', async () => {
    const first = await h.obj({ verb: 'list', resource: 'pods', query: q({ limit: '1' }) });
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('z') });
    h.storage.compact(await h.storage.currentRevision());
    const s = await h.err({ verb: 'list', resource: 'pods', query: q({ limit: '1', continue: lm(first)['continue'] as string }) });
    expect(s).toMatchObject({ code: 410, reason: 'Expired' });
    expect((await h.err({ verb: 'list', resource: 'pods', query: q({ continue: 'garbage' }) })).code).toBe(400);
  });

  it('serves resourceVersion=0 from the watch cache and an exact resourceVersion from the store', async () => {
    const before = await h.obj({ verb: 'list', resource: 'pods', namespace: 'default' });
    await h.obj({ verb: 'delete', resource: 'pods', namespace: 'default', name: 'b' });
    const fresh = await h.obj({ verb: 'list', resource: 'pods', namespace: 'default' });
    expect(names(fresh)).toEqual(['a', 'c']);
    // NotOlderThan the fresh list's revision: the cache waits until it has seen the delete.
    const cached = await h.obj({ verb: 'list', resource: 'pods', namespace: 'default', query: q({ resourceVersion: fresh.metadata.resourceVersion as string }) });
    expect(names(cached)).toEqual(['a', 'c']);
    const anyState = await h.obj({ verb: 'list', resource: 'pods', namespace: 'default', query: q({ resourceVersion: '0', limit: '1' }) });
    expect(names(anyState).length).toBeGreaterThanOrEqual(2);
    const exact = await h.obj({ verb: 'list', resource: 'pods', namespace: 'default', query: q({ resourceVersion: before.metadata.resourceVersion as string, resourceVersionMatch: 'Exact' }) });
    expect(names(exact)).toEqual(['a', 'b', 'c']);
    expect(exact.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('gets from the cache with resourceVersion=0 and from the store otherwise', async () => {
    const p = await h.obj({ verb: 'get', resource: 'pods', namespace: 'default', name: 'a', query: q({ resourceVersion: '0' }) });
    expect(p.metadata.name).toBe('a');
    expect((await h.err({ verb: 'get', resource: 'pods', namespace: 'default', name: 'zz', query: q({ resourceVersion: '0' }) })).code).toBe(404);
  });

  it('answers 504 when the cache cannot reach a resourceVersion from the future in time', async () => {
    const pending = h.call({ verb: 'list', resource: 'pods', query: q({ resourceVersion: '999999' }) });
    const failed = pending.then(
      () => undefined,
      (e: { status?: unknown }) => e.status,
    );
    h.clock.advance(5_000);
    expect(await failed).toMatchObject({ code: 504, details: { causes: [{ reason: 'ResourceVersionTooLarge' }] } });
  });
});
