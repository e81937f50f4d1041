import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../src/core/storage-memory.js';
import { StorageCompactedError, prefixEnd, type StorageBatch } from '../../src/core/storage.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

async function take(it: AsyncIterator<StorageBatch>, n: number): Promise<StorageBatch[]> {
  const out: StorageBatch[] = [];
  for (let i = 0; i < n; i++) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe('MemoryStorage', () => {
  it('creates only absent keys and updates only at the expected modRevision', async () => {
    const s = new MemoryStorage();
    const c = await s.create('/registry/core/pods/ns/a', enc('1'));
    expect(c.ok).toBe(true);
    const again = await s.create('/registry/core/pods/ns/a', enc('2'));
    expect(again.ok).toBe(false);
    if (again.ok || !c.ok) throw new Error('unreachable');
    expect(again.current?.modRevision).toBe(c.revision);
    const stale = await s.update('/registry/core/pods/ns/a', enc('3'), c.revision - 1);
    expect(stale.ok).toBe(false);
    const fresh = await s.update('/registry/core/pods/ns/a', enc('3'), c.revision);
    expect(fresh.ok).toBe(true);
    const got = await s.get('/registry/core/pods/ns/a');
    expect(dec(got.kv!.value)).toBe('3');
    expect(got.kv!.createRevision).toBe(c.revision);
  });

  it('deletes conditionally and reports a missing key', async () => {
    const s = new MemoryStorage();
    const c = await s.create('/k', enc('1'));
    if (!c.ok) throw new Error('create failed');
    expect((await s.delete('/k', c.revision + 5)).ok).toBe(false);
    expect((await s.delete('/k', c.revision)).ok).toBe(true);
    const gone = await s.delete('/k');
    expect(gone).toEqual({ ok: false, current: undefined });
  });

  it('lists a prefix in pages from a start key at a fixed revision', async () => {
    const s = new MemoryStorage();
    for (const n of ['a', 'b', 'c', 'd']) await s.create(`/registry/core/pods/ns/${n}`, enc(n));
    await s.create('/registry/core/podsx/ns/z', enc('z'));
    const first = await s.list('/registry/core/pods/', { limit: 2 });
    expect(first.kvs.map((k) => dec(k.value))).toEqual(['a', 'b']);
    expect(first.more).toBe(true);
    expect(first.remaining).toBe(2);
    await s.update('/registry/core/pods/ns/c', enc('C'), (await s.get('/registry/core/pods/ns/c')).kv!.modRevision);
    const second = await s.list('/registry/core/pods/', { limit: 2, startKey: '/registry/core/pods/ns/b\0', revision: first.revision });
    expect(second.kvs.map((k) => dec(k.value))).toEqual(['c', 'd']);
    expect(second.more).toBe(false);
  });

  it('watches from a past revision, then live, and fails below the compaction point', async () => {
    const s = new MemoryStorage();
    const a = await s.create('/p/a', enc('1'));
    await s.create('/q/x', enc('x'));
    if (!a.ok) throw new Error('create failed');
    const w = s.watch('/p/', a.revision)[Symbol.asyncIterator]();
    await s.delete('/p/a');
    const got = await take(w, 2);
    expect(got[0]!.events[0]).toMatchObject({ type: 'put', kv: { key: '/p/a' } });
    expect(got[1]!.events[0]).toMatchObject({ type: 'delete', key: '/p/a' });

    s.compact(await s.currentRevision());
    const old = s.watch('/p/', a.revision)[Symbol.asyncIterator]();
    await expect(old.next()).rejects.toBeInstanceOf(StorageCompactedError);
    await expect(s.get('/p/a', { revision: a.revision })).rejects.toBeInstanceOf(StorageCompactedError);
  });

  it('computes prefix ends byte-wise', () => {
    expect(prefixEnd('/registry/')).toBe('/registry0');
    expect(prefixEnd('')).toBe('\0');
  });
});
