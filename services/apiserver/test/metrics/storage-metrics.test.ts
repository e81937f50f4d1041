import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../src/core/index.js';
import { instrumentStorage, keyType } from '../../src/metrics/storage-metrics.js';

describe('instrumentStorage', () => {
  it('names the resource of a key as kube-apiserver labels it', () => {
    expect(keyType('/registry/core/pods/default/web')).toBe('pods');
    expect(keyType('/registry/apps/deployments/')).toBe('deployments.apps');
    expect(keyType('/other')).toBe('unknown');
  });

  it('reports every store call with its outcome and passes results through', async () => {
    const seen: [string, string, boolean][] = [];
    const storage = instrumentStorage(new MemoryStorage(), (op, type, seconds, ok) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      seen.push([op, type, ok]);
    });
    const created = await storage.create('/registry/core/configmaps/default/a', new TextEncoder().encode('{}'));
    expect(created.ok).toBe(true);
    expect((await storage.get('/registry/core/configmaps/default/a')).kv?.key).toBe('/registry/core/configmaps/default/a');
    expect((await storage.list('/registry/core/configmaps/')).kvs).toHaveLength(1);
    expect(seen).toEqual([
      ['create', 'configmaps', true],
      ['get', 'configmaps', true],
      ['list', 'configmaps', true],
    ]);
  });

  it('reports a failed call as failed and rethrows its error', async () => {
    const seen: boolean[] = [];
    const failing = Object.assign(new MemoryStorage(), { get: () => Promise.reject(new Error('store down')) });
    const storage = instrumentStorage(failing, (_op, _type, _s, ok) => seen.push(ok));
    await expect(storage.get('/registry/core/pods/x/y')).rejects.toThrow('store down');
    expect(seen).toEqual([false]);
  });
});
