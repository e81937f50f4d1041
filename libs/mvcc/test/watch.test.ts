// Watches after etcd's watch API (WatchCreateRequest: start_revision, filters, prev_kv,
// progress_notify; a compacted start gets compact_revision): history first, then live events,
// one delivery per revision, no gaps, no duplicates.

import { describe, expect, it } from 'vitest';
import { fromUtf8, MvccStore, prefixRange, WatchRegistry, type WatchDelivery } from '../src/index.js';
import { b, del, err, put } from './helpers.js';

type Events = Extract<WatchDelivery, { type: 'events' }>;
const summary = (ds: readonly WatchDelivery[]): string[] =>
  ds.filter((d): d is Events => d.type === 'events').map((d) => `${d.revision}:${d.events.map((e) => `${e.type[0]}${fromUtf8(e.kv.key)}`).join(',')}`);

function setup(): { store: MvccStore; watches: WatchRegistry } {
  const store = new MvccStore();
  return { store, watches: new WatchRegistry(store) };
}

describe('watch registry', () => {
  it('replays history from startRevision, then delivers live writes', () => {
    const { store, watches } = setup();
    put(store, 'a', '1'); // 2
    put(store, 'b', '1'); // 3
    put(store, 'a', '2'); // 4
    const created = watches.create({ key: b('a'), startRevision: 3 });
    expect(created).toMatchObject({ type: 'created', revision: 4 });
    expect(summary(watches.poll().deliveries)).toEqual(['4:Pa']);
    expect(watches.poll().deliveries).toEqual([]);
    del(store, 'a'); // 5
    put(store, 'a', '3'); // 6
    expect(summary(watches.poll().deliveries)).toEqual(['5:Da', '6:Pa']);
  });

  it('without startRevision sees only future writes', () => {
    const { store, watches } = setup();
    put(store, 'a', '1');
    watches.create({ key: b('a') });
    expect(watches.poll().deliveries).toEqual([]);
    put(store, 'a', '2');
    expect(summary(watches.poll().deliveries)).toEqual(['3:Pa']);
  });

  it('groups a txn’s events into one delivery for its revision, keeping sub-revision order', () => {
    const { store, watches } = setup();
    watches.create({ ...prefixRange('p/') });
    store.apply({
      type: 'txn',
      compare: [],
      success: [
        { type: 'put', key: b('p/2'), value: b('x') },
        { type: 'put', key: b('q'), value: b('x') },
        { type: 'put', key: b('p/1'), value: b('x') },
      ],
      failure: [],
    });
    expect(summary(watches.poll().deliveries)).toEqual(['2:Pp/2,Pp/1']);
  });

  it('filters out puts or deletes, and strips prevKv unless asked', () => {
    const { store, watches } = setup();
    const noPut = watches.create({ key: b('k'), noPut: true });
    const noDelete = watches.create({ key: b('k'), noDelete: true, prevKv: true });
    const plain = watches.create({ key: b('k') });
    put(store, 'k', '1');
    put(store, 'k', '2');
    del(store, 'k');
    const ds = watches.poll().deliveries;
    const of = (r: typeof noPut): WatchDelivery[] => ds.filter((d) => r.type === 'created' && d.watchId === r.watchId);
    expect(summary(of(noPut))).toEqual(['4:Dk']);
    expect(summary(of(noDelete))).toEqual(['2:Pk', '3:Pk']);
    const withPrev = of(noDelete)[1] as Events;
    expect(withPrev.events[0]?.prevKv && fromUtf8(withPrev.events[0].prevKv.value)).toBe('1');
    expect(of(plain).every((d) => d.type === 'events' && d.events.every((e) => e.prevKv === undefined))).toBe(true);
  });

  it('refuses a start at or below the compaction floor with the compact revision', () => {
    const { store, watches } = setup();
    for (let i = 0; i < 5; i++) put(store, 'k', String(i)); // revisions 2..6
    store.apply({ type: 'compact', revision: 4 });
    const e = err(watches.create({ key: b('k'), startRevision: 4 }));
    expect(e).toMatchObject({ code: 'Compacted', compactRevision: 4 });
    expect(summary(watches.poll().deliveries)).toEqual([]);
    watches.create({ key: b('k'), startRevision: 5 });
    expect(summary(watches.poll().deliveries)).toEqual(['5:Pk', '6:Pk']);
  });

  it('cancels a watch that fell behind a compaction', () => {
    const { store, watches } = setup();
    const w = watches.create({ key: b('k'), startRevision: 2 });
    for (let i = 0; i < 5; i++) put(store, 'k', String(i));
    store.apply({ type: 'compact', revision: 5 });
    const ds = watches.poll().deliveries;
    expect(ds).toEqual([{ type: 'canceled', watchId: w.type === 'created' ? w.watchId : -1, reason: 'Compacted', compactRevision: 5 }]);
    expect(watches.size).toBe(0);
  });

  it('sends progress only to caught-up watches that got no events since the last progress', () => {
    const { store, watches } = setup();
    const busy = watches.create({ key: b('busy') });
    const idle = watches.create({ key: b('idle') });
    const id = (r: typeof busy): number => (r.type === 'created' ? r.watchId : -1);
    put(store, 'busy', '1');
    watches.poll();
    expect(watches.progress()).toEqual([{ type: 'progress', watchId: id(idle), revision: 2 }]);
    expect(watches.progress().map((p) => p.watchId)).toEqual([id(busy), id(idle)]);
  });

  it('bounds work per poll and finishes on later polls without losing or repeating events', () => {
    const { store, watches } = setup();
    for (let i = 0; i < 50; i++) put(store, `k${i % 5}`, String(i));
    watches.create({ ...prefixRange('k'), startRevision: 2 });
    watches.create({ key: b('k3'), startRevision: 2 });
    const all: WatchDelivery[] = [];
    let polls = 0;
    for (let done = false; !done && polls < 100; polls++) {
      const r = watches.poll(7);
      all.push(...r.deliveries);
      done = r.done;
    }
    expect(polls).toBeGreaterThan(1);
    const revisionsOf = (watchId: number): number[] => all.filter((d) => d.watchId === watchId).map((d) => (d as Events).revision);
    expect(revisionsOf(1)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    expect(revisionsOf(2)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
  });

  it('cancel stops deliveries; ids can be chosen and are unique', () => {
    const { store, watches } = setup();
    expect(watches.create({ key: b('k'), watchId: 10 })).toMatchObject({ watchId: 10 });
    expect(err(watches.create({ key: b('k'), watchId: 10 })).code).toBe('WatchIdExists');
    expect(watches.cancel(10)).toBe(true);
    put(store, 'k', 'v');
    expect(watches.poll().deliveries).toEqual([]);
    expect(err(watches.create({ key: new Uint8Array(0) })).code).toBe('KeyEmpty');
  });
});
