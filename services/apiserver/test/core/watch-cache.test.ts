import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@skiff/api';
import { SeededRandom } from '@skiff/core';
import { cacherBackoffMs } from '../../src/core/cacher.machine.js';
import { encodeObject } from '../../src/core/codec.js';
import type { WatchEvent } from '../../src/core/types.js';
import { WatchCacheHub } from '../../src/core/watch-cache-hub.js';
import { ResourceWatchCache, toWatchEvent, type CacheEvent, type CacheWatcher } from '../../src/core/watch-cache.js';

const obj = (name: string, labels: Record<string, string>, rv: number): KubeObject => Object.freeze({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', labels, resourceVersion: String(rv) } }) as KubeObject;

function recorder(prefix: string, matches: (o: KubeObject) => boolean = () => true): CacheWatcher & { events: WatchEvent[]; ended: boolean } {
  const w = {
    keyPrefix: prefix,
    events: [] as WatchEvent[],
    ended: false,
    matches,
    send: (e: WatchEvent) => (w.events.push(e), true),
    end: () => void (w.ended = true),
  };
  return w;
}

describe('toWatchEvent (Kubernetes cacheWatcher.convertToWatchEvent)', () => {
  const web = (o: KubeObject) => o.metadata.labels?.['app'] === 'web';
  const ev = (type: CacheEvent['type'], object: KubeObject, prevObject?: KubeObject): CacheEvent => ({ type, key: 'k', object, prevObject, revision: Number(object.metadata.resourceVersion) });

  it('maps matching transitions to ADDED / MODIFIED / DELETED', () => {
    expect(toWatchEvent(ev('ADDED', obj('a', { app: 'web' }, 2)), web)?.type).toBe('ADDED');
    expect(toWatchEvent(ev('ADDED', obj('a', { app: 'db' }, 2)), web)).toBeUndefined();
    expect(toWatchEvent(ev('MODIFIED', obj('a', { app: 'web' }, 3), obj('a', { app: 'web' }, 2)), web)?.type).toBe('MODIFIED');
    expect(toWatchEvent(ev('MODIFIED', obj('a', { app: 'web' }, 3), obj('a', { app: 'db' }, 2)), web)?.type).toBe('ADDED');
    const gone = toWatchEvent(ev('MODIFIED', obj('a', { app: 'db' }, 3), obj('a', { app: 'web' }, 2)), web);
    expect(gone?.type).toBe('DELETED');
    expect(gone?.object.metadata).toMatchObject({ labels: { app: 'web' }, resourceVersion: '3' });
    expect(toWatchEvent(ev('MODIFIED', obj('a', { app: 'db' }, 3), obj('a', { app: 'db' }, 2)), web)).toBeUndefined();
    expect(toWatchEvent(ev('DELETED', obj('a', { app: 'web' }, 4), obj('a', { app: 'web' }, 3)), web)?.type).toBe('DELETED');
  });
});

describe('ResourceWatchCache', () => {
  it('keeps a bounded window and reports a too old resourceVersion', () => {
    const c = new ResourceWatchCache(3, 10);
    for (let rv = 11; rv <= 15; rv++) c.applyPut(`/k/${rv}`, obj(`o${rv}`, {}, rv), rv);
    expect(c.floorRevision).toBe(12);
    expect(c.since(11)).toEqual({ type: 'expired', floorRevision: 12 });
    const since = c.since(12);
    expect(since.type === 'events' && since.events.map((e) => e.revision)).toEqual([13, 14, 15]);
    expect(c.list('/k/').map((o) => o.metadata.name)).toEqual(['o11', 'o12', 'o13', 'o14', 'o15']);
  });

  it('delivers only keys under a watcher\'s prefix and ends watchers on reset', () => {
    const c = new ResourceWatchCache(10, 1);
    const a = recorder('/registry/core/pods/a/');
    const all = recorder('/registry/core/pods/');
    c.addWatcher(a);
    c.addWatcher(all);
    c.applyPut('/registry/core/pods/a/x', obj('x', {}, 2), 2);
    c.applyPut('/registry/core/pods/b/y', obj('y', {}, 3), 3);
    c.applyDelete('/registry/core/pods/a/x', 4);
    expect(a.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED x', 'DELETED x']);
    expect(a.events[1]?.object.metadata.resourceVersion).toBe('4');
    expect(all.events).toHaveLength(3);
    c.reset([], 10);
    expect(a.ended && all.ended).toBe(true);
    expect(c.watcherCount).toBe(0);
  });
});

describe('WatchCacheHub', () => {
  const kv = (key: string, o: KubeObject, rev: number) => ({ key, value: encodeObject(o), createRevision: rev, modRevision: rev });

  it('routes one stream to per-resource caches and tracks the revision', () => {
    const hub = new WatchCacheHub();
    hub.reset([kv('/registry/core/pods/ns/a', obj('a', {}, 5), 5)], 7);
    expect(hub.revision).toBe(7);
    hub.applyBatch({ revision: 8, events: [{ type: 'put', kv: kv('/registry/apps/deployments/ns/d', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } } as KubeObject, 8) }] });
    hub.applyBatch({ revision: 9, events: [{ type: 'delete', key: '/registry/core/pods/ns/a', revision: 9 }] });
    hub.applyBatch({ revision: 9, events: [{ type: 'delete', key: '/registry/core/pods/ns/a', revision: 9 }] });
    expect(hub.revision).toBe(9);
    expect(hub.cache('apps', 'deployments').get('/registry/apps/deployments/ns/d')?.metadata.resourceVersion).toBe('8');
    expect(hub.cache('', 'pods').size).toBe(0);
    // Cached objects are frozen: readers share them.
    expect(Object.isFrozen(hub.cache('apps', 'deployments').get('/registry/apps/deployments/ns/d')?.metadata)).toBe(true);
  });

  it('skips values that do not decode, without losing the rest of the batch', () => {
    const bad: string[] = [];
    const hub = new WatchCacheHub({ onBadValue: (key) => bad.push(key) });
    hub.reset([], 1);
    hub.applyBatch({
      revision: 2,
      events: [
        { type: 'put', kv: { key: '/registry/core/pods/ns/bad', value: new TextEncoder().encode('{not json'), createRevision: 2, modRevision: 2 } },
        { type: 'put', kv: kv('/registry/core/pods/ns/good', obj('good', {}, 2), 2) },
      ],
    });
    expect(bad).toEqual(['/registry/core/pods/ns/bad']);
    expect(hub.cache('', 'pods').list('/registry/core/pods/').map((o) => o.metadata.name)).toEqual(['good']);
  });

  it('wakes readers waiting for a revision', () => {
    const hub = new WatchCacheHub();
    const woke: number[] = [];
    hub.whenAt(3, () => woke.push(3));
    hub.reset([], 2);
    expect(woke).toEqual([]);
    hub.applyBatch({ revision: 3, events: [] });
    expect(woke).toEqual([3]);
  });
});

describe('cacher back-off', () => {
  it('grows with failures up to the cap, jittered between half and all of it', () => {
    const r = new SeededRandom(1);
    for (let f = 0; f < 30; f++) {
      const cap = Math.min(10_000, 200 * 2 ** f);
      const d = cacherBackoffMs(f, 200, 10_000, r);
      expect(d).toBeGreaterThanOrEqual(cap / 2);
      expect(d).toBeLessThanOrEqual(cap);
    }
  });
});
