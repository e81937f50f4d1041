import { describe, expect, it } from 'vitest';
import { ProtobufDecodeError, ProtobufErrorCode } from '../src/protobuf-error.js';
import { WireReader, WireType } from '../src/wire-reader.js';
import { ProtoWriter } from './wire-writer.js';

function reader(bytes: readonly number[] | Uint8Array): WireReader {
  return new WireReader(Uint8Array.from(bytes));
}

function errorOf(fn: () => unknown): ProtobufDecodeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtobufDecodeError) return error;
    throw error;
  }
  throw new Error('expected a ProtobufDecodeError');
}

describe('varints', () => {
  it('reads one-byte and multi-byte values (encoding guide: 150 = 96 01)', () => {
    expect(reader([0x01]).readInt64()).toBe(1);
    expect(reader([0x96, 0x01]).readInt64()).toBe(150);
    expect(reader(new ProtoWriter().varint(2 ** 35 + 7).finish()).readInt64()).toBe(2 ** 35 + 7);
  });

  it('reads the largest and smallest int64 JSON numbers hold exactly', () => {
    const max = Number.MAX_SAFE_INTEGER;
    expect(reader(new ProtoWriter().varint(max).finish()).readInt64()).toBe(max);
    expect(reader(new ProtoWriter().varint(BigInt(-max)).finish()).readInt64()).toBe(-max);
  });

  it('reads negative int64 and int32, which Go sign-extends to ten bytes', () => {
    const minusOne = new ProtoWriter().varint(-1n).finish();
    expect(minusOne).toHaveLength(10);
    expect(reader(minusOne).readInt64()).toBe(-1);
    expect(reader(minusOne).readInt32()).toBe(-1);
    expect(reader(new ProtoWriter().varint(-2147483648n).finish()).readInt32()).toBe(-2147483648);
  });

  it('truncates int32 to its low 32 bits like Go', () => {
    expect(reader(new ProtoWriter().varint(2n ** 32n + 5n).finish()).readInt32()).toBe(5);
  });

  it('rejects int64 beyond 2^53 rather than rounding it', () => {
    const error = errorOf(() => reader(new ProtoWriter().varint(2n ** 60n).finish()).readInt64());
    expect(error.code).toBe(ProtobufErrorCode.Malformed);
    expect(error.offset).toBe(0);
  });

  it('reads any non-zero varint as true', () => {
    expect(reader([0x00]).readBool()).toBe(false);
    expect(reader([0x02]).readBool()).toBe(true);
    expect(reader(new ProtoWriter().varint(2n ** 40n).finish()).readBool()).toBe(true);
  });

  it('reports a varint cut short as Truncated at the varint start', () => {
    const r = new WireReader(Uint8Array.from([0x08, 0x96]), 1);
    const error = errorOf(() => r.readInt64());
    expect(error.code).toBe(ProtobufErrorCode.Truncated);
    expect(error.offset).toBe(1);
  });

  it('rejects a varint of more than ten bytes', () => {
    const error = errorOf(() => reader(new Array<number>(11).fill(0xff)).readInt64());
    expect(error.code).toBe(ProtobufErrorCode.Malformed);
  });
});

describe('tags', () => {
  it('splits field number and wire type', () => {
    const r = reader(new ProtoWriter().tag(17, WireType.LengthDelimited).finish());
    expect(r.readTag()).toEqual({ fieldNumber: 17, wireType: WireType.LengthDelimited, offset: 0 });
  });

  it('rejects field number 0 and wire types 6 and 7', () => {
    expect(errorOf(() => reader([0x00]).readTag()).code).toBe(ProtobufErrorCode.Malformed);
    expect(errorOf(() => reader([0x0e]).readTag()).message).toContain('wire type 6');
    expect(errorOf(() => reader([0x0f]).readTag()).message).toContain('wire type 7');
  });

  it('rejects a tag wider than 32 bits', () => {
    const error = errorOf(() => reader(new ProtoWriter().varint(2n ** 33n).finish()).readTag());
    expect(error.code).toBe(ProtobufErrorCode.Malformed);
  });
});

describe('length-delimited fields', () => {
  it('reads strings and bytes without copying the buffer', () => {
    const bytes = new ProtoWriter().string(1, 'héllo').finish();
    const r = new WireReader(bytes);
    r.readTag();
    expect(r.readString()).toBe('héllo');
    expect(r.atEnd()).toBe(true);
  });

  it('decodes invalid UTF-8 to U+FFFD, as Go serves it', () => {
    const r = reader([0x02, 0xff, 0x41]);
    expect(r.readString()).toBe('\uFFFDA');
  });

  it('reports a length past the end of the enclosing message as Truncated at the length', () => {
    const bytes = Uint8Array.from([0x0a, 0x05, 0x61, 0x62]);
    const r = new WireReader(bytes);
    r.readTag();
    const error = errorOf(() => r.readBytes());
    expect(error.code).toBe(ProtobufErrorCode.Truncated);
    expect(error.offset).toBe(1);
  });

  it('bounds an embedded message by its length, not by the buffer', () => {
    // field 1 = message of 2 bytes {field 1 = 5}, then field 2 = 7 outside it
    const bytes = new ProtoWriter().message(1, (w) => w.int(1, 5)).int(2, 7).finish();
    const r = new WireReader(bytes);
    r.readTag();
    const inner = r.readMessage();
    expect(inner.readTag().fieldNumber).toBe(1);
    expect(inner.readInt64()).toBe(5);
    expect(inner.atEnd()).toBe(true);
    expect(r.readTag().fieldNumber).toBe(2);
  });
});

describe('skipping unknown fields', () => {
  it('skips varint, fixed64, length-delimited and fixed32 fields', () => {
    const bytes = new ProtoWriter()
      .int(1, -1)
      .fixed64(2, 0x0102030405060708n)
      .string(3, 'skip me')
      .fixed32(4, 0xdeadbeef)
      .int(5, 42)
      .finish();
    const r = new WireReader(bytes);
    for (let i = 0; i < 4; i++) r.skip(r.readTag());
    expect(r.readTag().fieldNumber).toBe(5);
    expect(r.readInt64()).toBe(42);
  });

  it('reports fixed-width fields cut short as Truncated', () => {
    const r = reader([0x09, 0x01, 0x02]);
    expect(errorOf(() => r.skip(r.readTag())).code).toBe(ProtobufErrorCode.Truncated);
    const r32 = reader([0x0d, 0x01]);
    expect(errorOf(() => r32.skip(r32.readTag())).code).toBe(ProtobufErrorCode.Truncated);
  });

  it('refuses groups, which Kubernetes never writes', () => {
    const r = reader([0x0b, 0x0c]);
    expect(errorOf(() => r.skip(r.readTag())).message).toContain('group');
  });
});
