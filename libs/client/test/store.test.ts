// The pure parts under the informer: the indexer's indexes stay exact, replace/event deltas
// (tombstones, update only on a new resourceVersion), the reflector's seq and event rules, and the
// shared informer factory's sharing by scope.

import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@skiff/core';
import { backoffDelayMs, nextFailureCount } from '../src/backoff.js';
import { NAMESPACE_INDEX, objectIndexer, UnknownIndexError } from '../src/indexer.js';
import { createLister } from '../src/lister.js';
import { checkSeq, classifyEvent, needsRelist, resourceVersionAfter } from '../src/reflector.js';
import { Resources } from '../src/resources.js';
import { createSharedInformerFactory, informerKey } from '../src/shared-informer-factory.js';
import { eventDeltas, finalStateOf, isDeletedFinalStateUnknown, replaceDeltas } from '../src/store-deltas.js';
import type { KubeObject } from '../src/types.js';
import { pod, startHarness } from './harness.js';

const at = (p: KubeObject, rv: string): KubeObject => ({ ...p, metadata: { ...p.metadata, resourceVersion: rv } });
const nodeOf = (p: KubeObject): string[] => {
  const node = (p['spec'] as { nodeName?: string } | undefined)?.nodeName;
  return node === undefined ? [] : [node];
};

describe('indexer', () => {
  it('keeps the namespace index and a custom index exact through updates and deletes', () => {
    const store = objectIndexer<KubeObject>({ byNode: nodeOf });
    store.upsert(pod('a', { nodeName: 'n1' }));
    store.upsert(pod('b', { nodeName: 'n1', namespace: 'kube-system' }));
    store.upsert(pod('c'));
    expect(store.indexKeys('byNode', 'n1').sort()).toEqual(['default/a', 'kube-system/b']);
    expect(store.byIndex(NAMESPACE_INDEX, 'default').map((p) => p.metadata.name).sort()).toEqual(['a', 'c']);
    store.upsert(pod('a', { nodeName: 'n2' })); // moved
    expect(store.indexKeys('byNode', 'n1')).toEqual(['kube-system/b']);
    expect(store.indexKeys('byNode', 'n2')).toEqual(['default/a']);
    store.deleteByKey('kube-system/b');
    expect(store.listIndexValues('byNode')).toEqual(['n2']);
    expect(store.listIndexValues(NAMESPACE_INDEX)).toEqual(['default']);
    expect(() => store.byIndex('nope', 'x')).toThrow(UnknownIndexError);
    store.addIndexers({ byName: (p) => [p.metadata.name ?? ''] });
    expect(store.indexKeys('byName', 'c')).toEqual(['default/c']);
    expect(() => store.addIndexers({ byName: () => [] })).toThrow(/already exists/);
    store.replace([pod('z')]);
    expect(store.listKeys()).toEqual(['default/z']);
    expect(store.listIndexValues('byNode')).toEqual([]);
  });

  it('lists through listers by label selector and namespace', () => {
    const store = objectIndexer<KubeObject>();
    store.upsert(pod('a', { labels: { app: 'web', tier: 'fe' } }));
    store.upsert(pod('b', { labels: { app: 'db' }, namespace: 'data' }));
    const lister = createLister(store);
    expect(lister.list('app in (web,db)').length).toBe(2);
    expect(lister.list('app=web,tier!=be').map((p) => p.metadata.name)).toEqual(['a']);
    expect(lister.namespace('data').list().map((p) => p.metadata.name)).toEqual(['b']);
    expect(lister.get('b', 'data')?.metadata.name).toBe('b');
    expect(lister.namespace('default').get('b')).toBeUndefined();
    expect(() => lister.list('app in (')).toThrow();
  });
});

describe('store deltas', () => {
  it('a replace adds, updates on a new resourceVersion only, and tombstones what vanished', () => {
    const store = objectIndexer<KubeObject>();
    store.upsert(at(pod('same'), '5'));
    store.upsert(at(pod('changed'), '6'));
    store.upsert(at(pod('gone'), '7'));
    const deltas = replaceDeltas(store, store.keyOf, [at(pod('same'), '5'), at(pod('changed'), '9'), at(pod('new'), '10')], false);
    expect(deltas.map((d) => `${d.type} ${d.key}`)).toEqual(['unchanged default/same', 'updated default/changed', 'added default/new', 'deleted default/gone']);
    const gone = deltas.at(-1)!;
    expect(gone.type === 'deleted' && isDeletedFinalStateUnknown(gone.obj)).toBe(true);
    expect(gone.type === 'deleted' && finalStateOf(gone.obj).metadata.resourceVersion).toBe('7');
  });

  it('events: ADDED of a known key updates, MODIFIED of an unknown one adds, DELETED of an unknown one is dropped', () => {
    const store = objectIndexer<KubeObject>();
    store.upsert(at(pod('a'), '1'));
    expect(eventDeltas(store, store.keyOf, { type: 'ADDED', object: at(pod('a'), '2') })[0]!.type).toBe('updated');
    expect(eventDeltas(store, store.keyOf, { type: 'MODIFIED', object: at(pod('b'), '3') })[0]!.type).toBe('added');
    expect(eventDeltas(store, store.keyOf, { type: 'DELETED', object: at(pod('b'), '4') })).toEqual([]);
    expect(eventDeltas(store, store.keyOf, { type: 'DELETED', object: at(pod('a'), '4') })[0]).toMatchObject({ type: 'deleted', key: 'default/a' });
  });
});

describe('reflector rules', () => {
  it('classifies seqs, events and watch ends', () => {
    expect([checkSeq(3, 3), checkSeq(3, 5), checkSeq(3, 2)]).toEqual(['next', 'gap', 'duplicate']);
    const status = (code: number, reason: string) => ({ metadata: {}, kind: 'Status', code, reason, message: '' }) as KubeObject;
    expect(classifyEvent({ type: 'ERROR', object: status(410, 'Expired') })).toBe('expired');
    expect(classifyEvent({ type: 'ERROR', object: status(410, 'Gone') })).toBe('expired');
    expect(classifyEvent({ type: 'ERROR', object: status(500, 'InternalError') })).toBe('error');
    expect(classifyEvent({ type: 'BOOKMARK', object: at(pod('x'), '9') })).toBe('bookmark');
    expect(classifyEvent({ type: 'MODIFIED', object: at(pod('x'), '9') })).toBe('apply');
    expect(resourceVersionAfter('5', { type: 'BOOKMARK', object: at(pod('x'), '9') })).toBe('9');
    expect(resourceVersionAfter('5', { type: 'BOOKMARK', object: pod('x') })).toBe('5');
    expect(['expired', 'gap', 'stalled', 'broken', 'error', 'ended'].map((e) => needsRelist(e as never))).toEqual([true, true, true, true, true, false]);
  });

  it('backs off 800 ms doubling to 30 s with equal jitter, and forgets failures after a quiet period', () => {
    const random = new SeededRandom(9);
    const policy = { initialMs: 800, maxMs: 30_000, factor: 2 };
    for (let n = 1; n <= 12; n++) {
      const ceiling = Math.min(30_000, 800 * 2 ** (n - 1));
      const d = backoffDelayMs(n, policy, random);
      expect(d).toBeGreaterThanOrEqual(ceiling / 2);
      expect(d).toBeLessThanOrEqual(ceiling);
    }
    expect(nextFailureCount(4, 1_000, 2_000, 120_000)).toBe(5);
    expect(nextFailureCount(4, 1_000, 121_000, 120_000)).toBe(1);
    expect(nextFailureCount(0, undefined, 5, 120_000)).toBe(1);
  });
});

describe('shared informer factory', () => {
  it('shares one informer (one list+watch) per resource and scope', async () => {
    const h = startHarness();
    h.server.put('', 'pods', pod('a', { nodeName: 'n1' }));
    const factory = createSharedInformerFactory({ client: h.client, defaultScope: { namespace: 'default' } });
    const one = factory.informerFor(Resources.pods);
    expect(factory.informerFor(Resources.pods)).toBe(one);
    const onNode = factory.informerFor(Resources.pods, { fieldSelector: 'spec.nodeName=n1' });
    expect(onNode).not.toBe(one);
    expect(onNode.scope).toEqual({ namespace: 'default', fieldSelector: 'spec.nodeName=n1' });
    expect(informerKey(Resources.pods, { labelSelector: 'a=b' })).not.toBe(informerKey(Resources.pods, { fieldSelector: 'a=b' }));
    factory.start();
    const late = factory.informerFor(Resources.nodes, { namespace: '' });
    expect(await factory.waitForCacheSync()).toBe(true);
    expect(late.hasSynced()).toBe(true);
    await h.settle();
    expect(h.server.requests.filter((r) => r.verb === 'list')).toHaveLength(3);
    expect(h.server.requests.filter((r) => r.verb === 'watch')).toHaveLength(3);
    expect(one.lister.list()).toHaveLength(1);
    factory.stop();
    await h.server.stop();
  });
});
