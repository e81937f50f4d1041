// diffListeners: open new keys, update changed ones in place, close the rest.
import { describe, expect, it } from 'vitest';
import { diffListeners, isEmptyDiff } from '../src/index.js';
import { tcpListener } from './fixtures.js';

const a = tcpListener('127.96.0.10', 80, [{ ip: '127.0.1.1', port: 8080 }]);
const b = tcpListener('127.96.0.11', 80, [{ ip: '127.0.1.2', port: 8080 }]);
const c = tcpListener('127.96.0.12', 80, []);

describe('diffListeners', () => {
  it('from nothing: everything opens', () => {
    expect(diffListeners([], [a, b])).toEqual({ open: [a, b], update: [], close: [] });
  });

  it('same rules: nothing to do', () => {
    const diff = diffListeners([a, b], [{ ...b, endpoints: [...b.endpoints] }, a]);
    expect(isEmptyDiff(diff)).toBe(true);
  });

  it('removed keys close, new keys open', () => {
    expect(diffListeners([a, b], [b, c])).toEqual({ open: [c], update: [], close: [a.key] });
  });

  it('a changed endpoint set, readiness, affinity or owner is an update of the same key', () => {
    const moreEndpoints = { ...a, endpoints: [...a.endpoints, { ip: '127.0.1.3', port: 8080, ready: true }] };
    const notReady = { ...a, endpoints: [{ ...a.endpoints[0]!, ready: false }] };
    const sticky = { ...a, affinity: { type: 'ClientIP' as const, timeoutSeconds: 10 } };
    const stickier = { ...sticky, affinity: { type: 'ClientIP' as const, timeoutSeconds: 20 } };
    const renamed = { ...a, service: { ...a.service, name: 'other' } };
    for (const changed of [moreEndpoints, notReady, sticky, renamed]) {
      expect(diffListeners([a], [changed])).toEqual({ open: [], update: [changed], close: [] });
    }
    expect(diffListeners([sticky], [stickier]).update).toEqual([stickier]);
  });

  it('a key desired twice counts once (the first)', () => {
    const again = { ...a, endpoints: [] };
    expect(diffListeners([], [a, again])).toEqual({ open: [a], update: [], close: [] });
  });
});
