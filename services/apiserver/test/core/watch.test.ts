import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiResult, WatchEvent } from '../../src/core/types.js';
import { nextEvents, patchReq, pod, q, settle, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ bookmarkIntervalMs: 10_000, watchWindowSize: 50 });
});
afterEach(async () => {
  await h.stop();
});

type WatchResult = Extract<ApiResult, { kind: 'watch' }>;

/** namespace null: every namespace. */
async function watch(query: Record<string, string>, namespace: string | null = 'default'): Promise<WatchResult> {
  const r = await h.call({ verb: 'watch', resource: 'pods', ...(namespace === null ? {} : { namespace }), query: q(query) });
  if (r.kind !== 'watch') throw new Error('expected a watch');
  return r;
}

const summary = (events: WatchEvent[]) => events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`);

describe('watch', () => {
  it('replays events after a resourceVersion, then follows live changes', async () => {
    const list = await h.obj({ verb: 'list', resource: 'pods', namespace: 'default' });
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('a') });
    const w = await watch({ resourceVersion: list.metadata.resourceVersion as string });
    const it = w.events[Symbol.asyncIterator]();
    expect(summary(await nextEvents(it, 1))).toEqual(['ADDED a']);
    await h.obj(patchReq('pods', 'default', 'a', 'merge', { metadata: { labels: { x: '1' } } }));
    await h.obj({ verb: 'delete', resource: 'pods', namespace: 'default', name: 'a' });
    const events = await nextEvents(it, 2);
    expect(summary(events)).toEqual(['MODIFIED a', 'DELETED a']);
    expect(Number(events[1]!.object.metadata.resourceVersion)).toBeGreaterThan(Number(events[0]!.object.metadata.resourceVersion));
    expect(events[0]!.object.metadata.labels).toEqual({ x: '1' });
    w.cancel();
    expect((await it.next()).done).toBe(true);
  });

  it('starts with ADDED for the current state when resourceVersion is 0 or unset', async () => {
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('a') });
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('b') });
    for (const query of [{ resourceVersion: '0' }, {}]) {
      const w = await watch(query);
      const it = w.events[Symbol.asyncIterator]();
      expect(summary(await nextEvents(it, 2))).toEqual(['ADDED a', 'ADDED b']);
      w.cancel();
    }
  });

  it('filters by name (kubectl get pod x -w) and by labels, turning a MODIFIED that stops matching into DELETED', async () => {
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('a', {}, { app: 'web' }) });
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('b', {}, { app: 'web' }) });
    const byName = await watch({ fieldSelector: 'metadata.name=b', resourceVersion: '0' });
    const byLabel = await watch({ labelSelector: 'app=web', resourceVersion: '0' });
    const n = byName.events[Symbol.asyncIterator]();
    const l = byLabel.events[Symbol.asyncIterator]();
    expect(summary(await nextEvents(n, 1))).toEqual(['ADDED b']);
    expect(summary(await nextEvents(l, 2))).toEqual(['ADDED a', 'ADDED b']);
    await h.obj(patchReq('pods', 'default', 'a', 'merge', { metadata: { labels: { app: 'db' } } }));
    await h.obj(patchReq('pods', 'default', 'a', 'merge', { metadata: { labels: { app: 'web' } } }));
    await h.obj(patchReq('pods', 'default', 'b', 'merge', { metadata: { labels: { seen: 'yes' } } }));
    const events = await nextEvents(l, 3);
    expect(summary(events)).toEqual(['DELETED a', 'ADDED a', 'MODIFIED b']);
    // The DELETED carries the last matching state at the revision of the change.
    expect(events[0]!.object.metadata.labels).toEqual({ app: 'web' });
    expect(Number(events[0]!.object.metadata.resourceVersion)).toBeLessThan(Number(events[1]!.object.metadata.resourceVersion));
    expect(summary(await nextEvents(n, 1))).toEqual(['MODIFIED b']);
    byName.cancel();
    byLabel.cancel();
  });

  it('watches every namespace when none is given', async () => {
    await h.obj({ verb: 'create', resource: 'namespaces', body: { metadata: { name: 'other' } } });
    const w = await watch({ resourceVersion: '0' }, null);
    const it = w.events[Symbol.asyncIterator]();
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'other', body: pod('x') });
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('y') });
    expect(summary(await nextEvents(it, 2))).toEqual(['ADDED x', 'ADDED y']);
    w.cancel();
  });

  it('sends bookmarks with the current resourceVersion when asked', async () => {
    const w = await watch({ resourceVersion: '0', allowWatchBookmarks: 'true' });
    const it = w.events[Symbol.asyncIterator]();
    const created = await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('a') });
    expect(summary(await nextEvents(it, 1))).toEqual(['ADDED a']);
    h.clock.advance(10_000);
    const [bookmark] = await nextEvents(it, 1);
    expect(bookmark?.type).toBe('BOOKMARK');
    expect(bookmark?.object).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { resourceVersion: expect.any(String) } });
    expect(Number(bookmark?.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(created.metadata.resourceVersion));
    w.cancel();
  });

  it('sends the initial-events-end bookmark for sendInitialEvents', async () => {
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('a') });
    await settle();
    const w = await watch({ sendInitialEvents: 'true', resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: 'true' });
    const events = await nextEvents(w.events[Symbol.asyncIterator](), 2);
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'BOOKMARK']);
    expect(events[1]!.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    w.cancel();
  });

  it('ends a watch after timeoutSeconds, and never without it', async () => {
    const timed = await watch({ resourceVersion: '0', timeoutSeconds: '30' });
    const untimed = await watch({ resourceVersion: '0' });
    h.clock.advance(30_000);
    expect((await timed.events[Symbol.asyncIterator]().next()).done).toBe(true);
    const it = untimed.events[Symbol.asyncIterator]();
    h.clock.advance(3_600_000);
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('late') });
    expect(summary(await nextEvents(it, 1))).toEqual(['ADDED late']);
    untimed.cancel();
  });

  it('answers a resourceVersion older than the window with one ERROR event: 410 Expired', async () => {
    const start = await h.obj({ verb: 'list', resource: 'pods', namespace: 'default' });
    for (let i = 0; i < 60; i++) await h.obj({ verb: 'create', resource: 'configmaps', namespace: 'default', body: { metadata: { name: `c${i}` } } });
    for (let i = 0; i < 60; i++) await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod(`p${i}`) });
    await settle();
    const w = await watch({ resourceVersion: start.metadata.resourceVersion as string });
    const it = w.events[Symbol.asyncIterator]();
    const [err] = await nextEvents(it, 1);
    expect(err?.type).toBe('ERROR');
    expect(err?.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(String(err?.object['message'])).toMatch(new RegExp(`^too old resource version: ${start.metadata.resourceVersion} \\(\\d+\\)$`));
    expect((await it.next()).done).toBe(true);
  });

  it('relists after the store compacted what the cache missed, ending open watches', async () => {
    const w = await watch({ resourceVersion: '0' });
    const it = w.events[Symbol.asyncIterator]();
    // The cache's store watch breaks and the store compacts past it: the cacher must relist.
    h.storage.breakWatches(new Error('connection lost'));
    await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('during') });
    h.storage.compact(await h.storage.currentRevision());
    h.clock.advance(60_000);
    await settle();
    expect((await it.next()).done).toBe(true);
    const list = await h.obj({ verb: 'list', resource: 'pods', namespace: 'default', query: q({ resourceVersion: '0' }) });
    expect((list['items'] as { metadata: { name: string } }[]).map((i) => i.metadata.name)).toEqual(['during']);
  });
});
