// A protobuf wire-format writer (https://protobuf.dev/programming-guides/encoding/): tags, varints,
// doubles and length-delimited fields into a growing buffer. Embedded messages are built in their
// own writer and copied in once their length is known. Values equal to the proto3 default are the
// caller's to skip, as Go's marshaller does.

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const utf8 = new TextEncoder();

export class WireWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  /** int64 / bool: negative numbers are written as 10-byte two's complement, as Go does. */
  varintField(field: number, value: number | boolean): this {
    this.tag(field, WIRE_VARINT);
    const n = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    return this.varint(n);
  }

  doubleField(field: number, value: number): this {
    this.tag(field, WIRE_FIXED64);
    this.reserve(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat64(this.len, value, true);
    this.len += 8;
    return this;
  }

  stringField(field: number, value: string): this {
    return this.bytesField(field, utf8.encode(value));
  }

  bytesField(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.varint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  messageField(field: number, build: (w: WireWriter) => void): this {
    const inner = new WireWriter();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  /** The bytes written so far (a copy sized to fit). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  private varint(value: number): this {
    if (!Number.isSafeInteger(value)) throw new RangeError(`varint ${value} is not a safe integer`);
    this.reserve(10);
    if (value >= 0 && value < 0x80000000) {
      let u = value;
      while (u >= 0x80) {
        this.buf[this.len++] = (u & 0x7f) | 0x80;
        u >>>= 7;
      }
      this.buf[this.len++] = u;
      return this;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    do {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      this.buf[this.len++] = v === 0n ? byte : byte | 0x80;
    } while (v !== 0n);
    return this;
  }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}
