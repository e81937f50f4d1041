import { encode as rawEncode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import {
  decode,
  decodeAs,
  encode,
  errorReply,
  guardOf,
  isErrorReply,
  type Envelope,
} from '../src/codec.js';
import { DecodeError } from '../src/errors.js';

interface Put extends Envelope {
  readonly type: 'put';
  readonly key: string;
  readonly value: Uint8Array;
  readonly lease?: number;
}
const isPut = guardOf<Put>('put', { key: 'string', value: 'bytes', lease: 'integer?' });

describe('envelope codec', () => {
  it('round-trips a message, adding v: 1', () => {
    const env = decode(encode({ type: 'ping', n: 3, tags: ['a'], nested: { x: true } }));
    expect(env).toEqual({ v: 1, type: 'ping', n: 3, tags: ['a'], nested: { x: true } });
  });

  it('carries opaque bytes as msgpack bin', () => {
    const value = new Uint8Array([0, 1, 2, 255]);
    const put = decodeAs(encode({ type: 'put', key: '/pods/a', value }), isPut);
    expect(put.value).toBeInstanceOf(Uint8Array);
    expect([...put.value]).toEqual([0, 1, 2, 255]);
  });

  it('drops undefined fields instead of sending null', () => {
    const env = decode(encode({ type: 'put', key: 'k', value: new Uint8Array(), lease: undefined }));
    expect('lease' in env).toBe(false);
  });

  it('returns independent buffers for consecutive encodes (the encoder is shared)', () => {
    const a = encode({ type: 'a' });
    const b = encode({ type: 'bb' });
    expect(decode(a).type).toBe('a');
    expect(decode(b).type).toBe('bb');
  });

  it.each([
    ['not msgpack', new Uint8Array([0xc1])],
    ['truncated', encode({ type: 'x', s: 'hello' }).subarray(0, 5)],
    ['an array', rawEncode([1, 2])],
    ['a string', rawEncode('hello')],
    ['nil', rawEncode(null)],
    ['bytes', rawEncode(new Uint8Array([1]))],
    ['no version', rawEncode({ type: 'x' })],
    ['version 2', rawEncode({ v: 2, type: 'x' })],
    ['no type', rawEncode({ v: 1 })],
    ['empty type', rawEncode({ v: 1, type: '' })],
    ['numeric type', rawEncode({ v: 1, type: 7 })],
    ['empty payload', new Uint8Array()],
    [
      '__proto__ key',
      new Uint8Array([0x83, 0xa1, 0x76, 0x01, 0xa4, ...Buffer.from('type'), 0xa1, 0x78, 0xa9, ...Buffer.from('__proto__'), 0x80]),
    ],
  ])('rejects %s with DecodeError', (_name, bytes) => {
    expect(() => decode(bytes)).toThrow(DecodeError);
  });

  it('decodeAs rejects a valid envelope of the wrong shape', () => {
    expect(() => decodeAs(encode({ type: 'put', key: 1, value: new Uint8Array() }), isPut)).toThrow(/put/);
    expect(() => decodeAs(encode({ type: 'get', key: 'k', value: new Uint8Array() }), isPut)).toThrow(DecodeError);
    expect(() => decodeAs(encode({ type: 'put', key: 'k', value: 'not bytes' }), isPut)).toThrow(DecodeError);
    expect(() => decodeAs(encode({ type: 'put', key: 'k', value: new Uint8Array(), lease: 1.5 }), isPut)).toThrow(
      DecodeError,
    );
  });

  it('refuses to encode a wrong version or a missing type', () => {
    expect(() => encode({ type: 'x', v: 2 })).toThrow(TypeError);
    expect(() => encode({ type: '' })).toThrow(TypeError);
  });

  it('encodes and recognises error replies', () => {
    const env = decode(encode(errorReply('NotFound', 'no such pod', { name: 'a' })));
    expect(isErrorReply(env)).toBe(true);
    expect(env).toEqual({ v: 1, type: 'error', code: 'NotFound', message: 'no such pod', details: { name: 'a' } });
    expect('details' in decode(encode(errorReply('Internal', 'boom')))).toBe(false);
    expect(isErrorReply(decode(encode({ type: 'error' })))).toBe(false);
    expect(isErrorReply(decode(encode({ type: 'ok' })))).toBe(false);
  });
});
