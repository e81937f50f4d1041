// A tiny protobuf writer for building test inputs, written independently of the decoder: field numbers
// in the tests are spelled out by hand from the generated.proto files.

export class ProtoWriter {
  private readonly out: number[] = [];

  /** Unsigned varint of a non-negative number or a 64-bit two's complement bigint. */
  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    do {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      this.out.push(v === 0n ? byte : byte | 0x80);
    } while (v !== 0n);
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  /** int32 / int64 / bool / enum: negative numbers are sign-extended to 10 bytes, as Go writes them. */
  int(field: number, value: number | bigint | boolean): this {
    const n = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    return this.tag(field, 0).varint(n);
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  bytes(field: number, value: Uint8Array | readonly number[]): this {
    this.tag(field, 2).varint(value.length);
    for (const b of value) this.out.push(b);
    return this;
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  /** A map<string, string> field: one {key=1, value=2} entry per pair. */
  stringMap(field: number, entries: Record<string, string>): this {
    for (const [k, v] of Object.entries(entries)) this.message(field, (e) => e.string(1, k).string(2, v));
    return this;
  }

  fixed32(field: number, value: number): this {
    this.tag(field, 5);
    for (let i = 0; i < 4; i++) this.out.push((value >>> (8 * i)) & 0xff);
    return this;
  }

  fixed64(field: number, value: bigint): this {
    this.tag(field, 1);
    for (let i = 0n; i < 8n; i++) this.out.push(Number((value >> (8n * i)) & 0xffn));
    return this;
  }

  raw(bytes: readonly number[]): this {
    this.out.push(...bytes);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

export interface EnvelopeOptions {
  readonly contentEncoding?: string;
}

/** "k8s\0" + runtime.Unknown{typeMeta=1{apiVersion=1, kind=2}, raw=2, contentEncoding=3, contentType=4}. */
export function kubeEnvelope(apiVersion: string, kind: string, build: (w: ProtoWriter) => void, options: EnvelopeOptions = {}): Uint8Array {
  const object = new ProtoWriter();
  build(object);
  const unknown = new ProtoWriter()
    .message(1, (t) => t.string(1, apiVersion).string(2, kind))
    .bytes(2, object.finish())
    .string(3, options.contentEncoding ?? '')
    .string(4, '');
  return Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...unknown.finish()]);
}

/**
 * metav1.ObjectMeta as Go's gogo marshaller writes it: every non-pointer field, zero or not
 * (name=1 generateName=2 namespace=3 selfLink=4 uid=5 resourceVersion=6 generation=7
 * creationTimestamp=8 labels=11).
 */
export function objectMeta(w: ProtoWriter, meta: { name?: string; namespace?: string; labels?: Record<string, string> }): void {
  w.string(1, meta.name ?? '')
    .string(2, '')
    .string(3, meta.namespace ?? '')
    .string(4, '')
    .string(5, '')
    .string(6, '')
    .int(7, 0)
    .message(8, () => {})
    .stringMap(11, meta.labels ?? {});
}
