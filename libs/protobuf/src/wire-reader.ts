// A bounds-checked reader of the protobuf wire format (https://protobuf.dev/programming-guides/encoding/).
// It reads one message's bytes [start, end) of a shared buffer without copying, so every error carries
// the absolute offset in the original input. Each read consumes at least one byte or throws, so a loop
// "while (!reader.atEnd())" always terminates.

import { ProtobufDecodeError, ProtobufErrorCode } from './protobuf-error.js';

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

export interface FieldTag {
  readonly fieldNumber: number;
  readonly wireType: WireType;
  /** Offset of the tag's first byte. */
  readonly offset: number;
}

/** A varint as two unsigned 32-bit halves (JavaScript numbers lose precision beyond 2^53). */
interface VarintBits {
  readonly lo: number;
  readonly hi: number;
}

const TWO_POW_32 = 4294967296;
/** Varints are at most 10 bytes (64 bits in 7-bit groups). */
const VARINT_MAX_BYTES = 10;
/** Protobuf field numbers are 29-bit. */
const FIELD_NUMBER_MAX = 0x1fffffff;

export class WireReader {
  private pos: number;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
  ) {
    if (start < 0 || end > bytes.length || start > end) throw new RangeError('WireReader range outside its buffer');
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  readTag(): FieldTag {
    const offset = this.pos;
    const { lo, hi } = this.readVarintBits();
    if (hi !== 0) throw this.malformed('field tag does not fit in 32 bits', offset);
    const fieldNumber = lo >>> 3;
    const wireType = lo & 7;
    if (fieldNumber === 0 || fieldNumber > FIELD_NUMBER_MAX) throw this.malformed(`invalid field number ${fieldNumber}`, offset);
    if (!isWireType(wireType)) throw this.malformed(`invalid wire type ${wireType}`, offset);
    return { fieldNumber, wireType, offset };
  }

  /** int64 / sint-free Kubernetes integers, as a JavaScript number; beyond 2^53 is an error. */
  readInt64(): number {
    const offset = this.pos;
    const { lo, hi } = this.readVarintBits();
    const high = hi | 0;
    // |value| < 2^53 exactly when the signed high half is within 21 bits.
    if (high < -0x200000 || high > 0x1fffff) throw this.malformed('int64 value outside the range JSON numbers hold exactly', offset);
    return high * TWO_POW_32 + lo;
  }

  /** int32: Go truncates the varint to its low 32 bits (negative int32 are sign-extended to 10 bytes). */
  readInt32(): number {
    return this.readVarintBits().lo | 0;
  }

  readBool(): boolean {
    const { lo, hi } = this.readVarintBits();
    return lo !== 0 || hi !== 0;
  }

  /** The [start, end) range of a length-delimited field's payload; the reader moves past it. */
  readLengthDelimited(): { readonly start: number; readonly end: number } {
    const offset = this.pos;
    const { lo, hi } = this.readVarintBits();
    if (hi !== 0 || lo > this.end - this.pos) {
      throw new ProtobufDecodeError(ProtobufErrorCode.Truncated, 'length-delimited field runs past the end of its message', offset);
    }
    const start = this.pos;
    this.pos += lo;
    return { start, end: this.pos };
  }

  /** A view (no copy) of a length-delimited payload. */
  readBytes(): Uint8Array {
    const { start, end } = this.readLengthDelimited();
    return this.bytes.subarray(start, end);
  }

  /** Invalid UTF-8 becomes U+FFFD, as Go's encoding/json does when it serves such a string. */
  readString(): string {
    return utf8.decode(this.readBytes());
  }

  /** A reader over the payload of a length-delimited field (an embedded message). */
  readMessage(): WireReader {
    const { start, end } = this.readLengthDelimited();
    return new WireReader(this.bytes, start, end);
  }

  /** Go's generated unmarshallers reject a known field arriving with another wire type; so do we. */
  expect(tag: FieldTag, wireType: WireType): this {
    if (tag.wireType !== wireType) {
      throw this.malformed(`field ${tag.fieldNumber} has wire type ${tag.wireType}, expected ${wireType}`, tag.offset);
    }
    return this;
  }

  /** Skips a field of an unknown number, as proto2 parsers do. */
  skip(tag: FieldTag): void {
    switch (tag.wireType) {
      case WireType.Varint:
        this.readVarintBits();
        return;
      case WireType.Fixed64:
        this.advance(8);
        return;
      case WireType.LengthDelimited:
        this.readLengthDelimited();
        return;
      case WireType.Fixed32:
        this.advance(4);
        return;
      default:
        // Groups are deprecated and never produced by Kubernetes' generated marshallers.
        throw this.malformed(`unsupported wire type ${tag.wireType} (group)`, tag.offset);
    }
  }

  malformed(message: string, offset = this.pos): ProtobufDecodeError {
    return new ProtobufDecodeError(ProtobufErrorCode.Malformed, message, offset);
  }

  private advance(count: number): void {
    if (count > this.end - this.pos) {
      throw new ProtobufDecodeError(ProtobufErrorCode.Truncated, `fixed-width field needs ${count} bytes`, this.pos);
    }
    this.pos += count;
  }

  private readVarintBits(): VarintBits {
    const offset = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < VARINT_MAX_BYTES; i++) {
      if (this.pos >= this.end) throw new ProtobufDecodeError(ProtobufErrorCode.Truncated, 'varint runs past the end of its message', offset);
      const b = this.bytes[this.pos++] as number;
      const payload = b & 0x7f;
      if (i < 4) lo += payload * 2 ** (7 * i);
      else if (i === 4) {
        lo += (payload & 0x0f) * 2 ** 28;
        hi += payload >>> 4;
      } else {
        // Bytes 5..9 fill the high half from bit 3; of the tenth byte only bit 63 fits, and the bits
        // beyond 64 are dropped, as Go's decoders do.
        hi += (i === VARINT_MAX_BYTES - 1 ? payload & 1 : payload) * 2 ** (7 * i - 32);
      }
      if ((b & 0x80) === 0) return { lo: lo >>> 0, hi: hi >>> 0 };
    }
    throw this.malformed('varint longer than 10 bytes', offset);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

function isWireType(n: number): n is WireType {
  return n <= WireType.Fixed32;
}
