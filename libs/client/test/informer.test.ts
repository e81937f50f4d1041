// Informers over the fake apiserver: the reflector lists in pages, watches from the list's
// resourceVersion, and relists (with tombstones for what vanished) when the watch is expired (410),
// shows a seq gap, stalls, or breaks; a cleanly ended watch resumes without a relist.

import { afterEach, describe, expect, it } from 'vitest';
import { createInformer, type Informer, type ResourceEventHandler } from '../src/informer.js';
import { Resources } from '../src/resources.js';
import { isDeletedFinalStateUnknown } from '../src/store-deltas.js';
import { objectKey, type KubeObject } from '../src/types.js';
import { pod, startHarness, type Harness } from './harness.js';

let h: Harness;
let informers: Informer<KubeObject>[] = [];

afterEach(async () => {
  for (const i of informers) i.stop();
  informers = [];
  await h?.server.stop();
});

function recorder(): { log: string[]; handler: ResourceEventHandler<KubeObject> } {
  const log: string[] = [];
  return {
    log,
    handler: {
      onAdd: (obj, initial) => log.push(`add ${objectKey(obj)}${initial ? ' (initial)' : ''}`),
      onUpdate: (old, obj) => log.push(`update ${objectKey(obj)} ${old.metadata.resourceVersion}->${obj.metadata.resourceVersion}`),
      onDelete: (obj) => log.push(isDeletedFinalStateUnknown(obj) ? `delete ${obj.key} (tombstone)` : `delete ${objectKey(obj)}`),
    },
  };
}

function podInformer(scope = {}, pageSize = 500): Informer<KubeObject> {
  const informer = createInformer({ client: h.client, resource: Resources.pods, scope, tunables: { pageSize, heartbeatMs: 1_000 } });
  informers.push(informer);
  return informer;
}

const state = (i: Informer<KubeObject>): unknown => i.reflector?.getSnapshot().value;
const stats = (i: Informer<KubeObject>) => i.reflector!.getSnapshot().context.stats;
const watching = (i: Informer<KubeObject>) => (): boolean => JSON.stringify(state(i)) === JSON.stringify({ watching: 'live' });

describe('informer: list then watch', () => {
  it('lists in pages, syncs, then delivers watch events to handlers and the lister', async () => {
    h = startHarness();
    for (let n = 1; n <= 7; n++) h.server.put('', 'pods', pod(`p${n}`));
    const informer = podInformer({}, 3);
    const { log, handler } = recorder();
    informer.addEventHandler(handler);
    informer.start();
    expect(await informer.whenSynced()).toBe(true);
    expect(await h.until(watching(informer))).toBe(true);

    const lists = h.server.requests.filter((r) => r.verb === 'list');
    expect(lists.map((r) => r.req.query?.['limit'])).toEqual([3, 3, 3]);
    expect(lists[1]!.req.query?.['continue']).toBeTypeOf('string');
    const listRv = informer.lastSyncResourceVersion();
    const watch = h.server.requests.find((r) => r.verb === 'watch')!;
    expect(watch.req.query).toMatchObject({ resourceVersion: listRv, allowWatchBookmarks: true });
    expect(log).toHaveLength(7);
    expect(log.every((l) => l.endsWith('(initial)'))).toBe(true);
    expect(informer.lister.list()).toHaveLength(7);

    log.length = 0;
    const created = await h.client.create(Resources.pods, pod('new'));
    await h.client.patch(Resources.pods, 'p1', 'merge', { metadata: { labels: { app: 'web' } } }, { namespace: 'default' });
    await h.client.delete(Resources.pods, 'p2', { namespace: 'default' });
    await h.settle();
    expect(log).toEqual([
      'add default/new',
      expect.stringMatching(/^update default\/p1 \d+->\d+$/),
      'delete default/p2',
    ]);
    expect(informer.lister.get('new', 'default')?.metadata.uid).toBe(created.metadata.uid);
    expect(informer.lister.list('app=web').map((p) => p.metadata.name)).toEqual(['p1']);
    expect(informer.lister.namespace('default').get('p2')).toBeUndefined();
    expect(informer.lastSyncResourceVersion()).toBe(h.server.resourceVersion);
  });

  it('replays the store to a handler added after the sync, and keeps going when a handler throws', async () => {
    h = startHarness();
    h.server.put('', 'pods', pod('a'));
    const errors: string[] = [];
    const informer = createInformer({ client: h.client, resource: Resources.pods, onError: (what) => errors.push(what) });
    informers.push(informer);
    informer.addEventHandler({ onAdd: () => { throw new Error('bad handler'); } });
    informer.start();
    await informer.whenSynced();
    const { log, handler } = recorder();
    informer.addEventHandler(handler);
    expect(log).toEqual(['add default/a (initial)']);
    await h.client.create(Resources.pods, pod('b'));
    await h.settle();
    expect(log).toEqual(['add default/a (initial)', 'add default/b']);
    expect(errors).toEqual(['handler', 'handler']);
  });
});

describe('informer: relists', () => {
  async function synced(): Promise<{ informer: Informer<KubeObject>; log: string[] }> {
    h = startHarness();
    for (const name of ['a', 'b', 'c']) h.server.put('', 'pods', pod(name));
    const informer = podInformer();
    const { log, handler } = recorder();
    informer.addEventHandler(handler);
    informer.start();
    await informer.whenSynced();
    expect(await h.until(watching(informer))).toBe(true);
    log.length = 0;
    return { informer, log };
  }

  it('relists on ERROR 410 and reports what vanished meanwhile as tombstones', async () => {
    const { informer, log } = await synced();
    h.server.removeSilently('', 'pods', 'default', 'b');
    h.server.putSilently('', 'pods', pod('d'));
    h.server.expireWatches();
    expect(await h.until(() => stats(informer).relists === 1 && watching(informer)())).toBe(true);
    expect(stats(informer).ends).toMatchObject({ expired: 1 });
    expect(log.sort()).toEqual(['add default/d', 'delete default/b (tombstone)']);
    expect(informer.lister.list().map((p) => p.metadata.name).sort()).toEqual(['a', 'c', 'd']);
    // The new watch starts from the relist's resourceVersion and sees later events.
    await h.client.delete(Resources.pods, 'a', { namespace: 'default' });
    await h.settle();
    expect(log.at(-1)).toBe('delete default/a');
  });

  it('relists on a seq gap instead of applying past the hole', async () => {
    const { informer, log } = await synced();
    h.server.skipSeq();
    await h.client.create(Resources.pods, pod('e'));
    expect(await h.until(() => stats(informer).relists === 1 && watching(informer)())).toBe(true);
    expect(stats(informer).ends).toMatchObject({ gap: 1 });
    expect(log).toEqual(['add default/e']);
    expect(informer.lister.get('e', 'default')).toBeDefined();
  });

  it('relists when the stream goes silent for three heartbeats', async () => {
    const { informer } = await synced();
    h.server.silence();
    await h.run(2_500);
    expect(stats(informer).relists).toBe(0);
    expect(await h.until(() => stats(informer).relists === 1)).toBe(true);
    expect(stats(informer).ends).toMatchObject({ stalled: 1 });
  });

  it('resumes a cleanly ended watch from the last resourceVersion, without a relist', async () => {
    const { informer, log } = await synced();
    const rv = informer.lastSyncResourceVersion();
    h.server.endWatches();
    await h.client.create(Resources.pods, pod('f')); // while no watch is open
    expect(await h.until(() => stats(informer).watches === 2 && watching(informer)())).toBe(true);
    await h.settle();
    expect(stats(informer).relists).toBe(0);
    expect(h.server.requests.filter((r) => r.verb === 'watch').at(-1)!.req.query?.['resourceVersion']).toBe(rv);
    expect(log).toEqual(['add default/f']);
  });

  it('relists when a resumed watch is too old', async () => {
    const { informer } = await synced();
    h.server.endWatches();
    h.server.put('', 'pods', pod('g'));
    h.server.compact(); // the history no longer reaches back to the informer's resourceVersion
    expect(await h.until(() => stats(informer).relists === 1 && watching(informer)())).toBe(true);
    expect(stats(informer).ends).toMatchObject({ ended: 1, expired: 1 });
  });

  it('backs off and retries a failing list, and never syncs before one succeeds', async () => {
    h = startHarness();
    h.server.failNextRequest('list', 500, 'InternalError', 'etcd is sad');
    const informer = podInformer();
    informer.start();
    await h.settle();
    expect(state(informer)).toBe('backingOff');
    expect(informer.hasSynced()).toBe(false);
    expect(await h.until(() => informer.hasSynced())).toBe(true);
    expect(stats(informer).ends).toMatchObject({ list: 1 });
    expect(stats(informer).relists).toBe(0);
  });

  it('answers heartbeats, so the server keeps the watch; after stop() the server drops it', async () => {
    const { informer } = await synced();
    await h.run(10_000);
    expect(stats(informer).watches).toBe(1);
    expect(h.server.openWatchCount).toBe(1);
    informer.stop();
    expect(await h.until(() => h.server.openWatchCount === 0, 5_000)).toBe(true);
  });
});

describe('informer: its connection dies', () => {
  it('keeps the last state and backs off instead of crashing', async () => {
    h = startHarness();
    h.server.put('', 'pods', pod('a'));
    const errors: string[] = [];
    const informer = createInformer({ client: h.client, resource: Resources.pods, onError: (what) => errors.push(what) });
    informers.push(informer);
    informer.start();
    await informer.whenSynced();
    expect(await h.until(watching(informer))).toBe(true);
    h.network.crash('client');
    await h.run(120_000, 500);
    expect(informer.reflector!.getSnapshot().status).toBe('active');
    expect(errors[0]).toBe('broken');
    expect(errors.slice(1).every((e) => e === 'list')).toBe(true);
    expect(errors.length).toBeGreaterThan(3);
    expect(errors.length).toBeLessThan(30); // backed off, not spinning
    expect(informer.lister.list().map((p) => p.metadata.name)).toEqual(['a']);
  });
});

describe('informer: scoped', () => {
  it('mirrors only the pods of one node (field selector) and one label (label selector)', async () => {
    h = startHarness();
    h.server.put('', 'pods', pod('on-1', { nodeName: 'node-1', labels: { app: 'x' } }));
    h.server.put('', 'pods', pod('on-2', { nodeName: 'node-2', labels: { app: 'x' } }));
    h.server.put('', 'pods', pod('pending', { labels: { app: 'y' } }));
    const node1 = podInformer({ fieldSelector: 'spec.nodeName=node-1' });
    const appX = podInformer({ labelSelector: 'app=x', namespace: 'default' });
    const { log, handler } = recorder();
    node1.addEventHandler(handler);
    node1.start();
    appX.start();
    await Promise.all([node1.whenSynced(), appX.whenSynced()]);
    expect(node1.lister.list().map((p) => p.metadata.name)).toEqual(['on-1']);
    expect(appX.lister.list().map((p) => p.metadata.name).sort()).toEqual(['on-1', 'on-2']);
    log.length = 0;

    await h.client.bind({ metadata: { name: 'pending', namespace: 'default' }, target: { name: 'node-1' } });
    await h.client.delete(Resources.pods, 'on-1', { namespace: 'default' });
    await h.settle();
    expect(log).toEqual(['add default/pending', 'delete default/on-1']);
    expect(node1.lister.list().map((p) => p.metadata.name)).toEqual(['pending']);
  });
});
