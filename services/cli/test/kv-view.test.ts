import { describe, expect, it } from 'vitest';
import type { KeyValue } from '@skiff/mvcc';
import { OptionError } from '../src/errors.js';
import { formatEvent, formatKvs, formatLeaseTtl, parseLeaseId, printable } from '../src/kv-view.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const kv = (key: string, value: string): KeyValue => ({ key: enc(key), value: enc(value), createRevision: 2, modRevision: 3, version: 1, lease: 0 });

describe('skiff kv output', () => {
  it('prints key and value lines like etcdctl, keys only on request', () => {
    expect(formatKvs([kv('a', '1'), kv('b', '2')], false)).toBe('a\n1\nb\n2\n');
    expect(formatKvs([kv('a', '1')], true)).toBe('a\n');
  });

  it('prints bytes that are not text as hex, never raw', () => {
    expect(printable(new Uint8Array([0xff, 0x00]))).toBe('0xff00');
    expect(printable(enc('tab\there'))).toBe('tab\there');
    expect(printable(enc('bell\u0007'))).toBe('0x62656c6c07');
  });

  it('prints watch events with their revision', () => {
    expect(formatEvent(7, { type: 'PUT', kv: kv('k', 'v') })).toBe('PUT k (revision 7)\nv\n');
    expect(formatEvent(8, { type: 'DELETE', kv: kv('k', '') })).toBe('DELETE k (revision 8)\n');
  });

  it('prints a lease time-to-live with its keys, and an expired one', () => {
    expect(formatLeaseTtl({ id: 26, ttlSeconds: 5, grantedTtlSeconds: 10, keys: [enc('x')] })).toBe('lease 1a granted with TTL(10s), remaining(5s), attached keys(x)\n');
    expect(formatLeaseTtl({ id: 26, ttlSeconds: -1, grantedTtlSeconds: 0, keys: [] })).toBe('lease 1a already expired\n');
  });

  it('reads lease ids as hex (as printed), or decimal with a d suffix, and refuses the rest', () => {
    expect(parseLeaseId('1a')).toBe(26);
    expect(parseLeaseId('0x1A')).toBe(26);
    expect(parseLeaseId('26d')).toBe(26);
    expect(() => parseLeaseId('zz')).toThrow(OptionError);
    expect(() => parseLeaseId('0')).toThrow(OptionError);
  });
});
