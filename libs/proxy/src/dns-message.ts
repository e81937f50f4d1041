// The little of the DNS wire format (RFC 1035 §4.1) a cluster DNS responder needs: read a query's
// header and single question, write a response with A records. Pure: bytes in, bytes out.

export const DnsType = { A: 1, CNAME: 5, AAAA: 28, ANY: 255 } as const;
export const DnsClass = { IN: 1 } as const;
/** RFC 1035 §4.1.1 RCODE. */
export const DnsRcode = { NoError: 0, FormErr: 1, ServFail: 2, NXDomain: 3, NotImp: 4, Refused: 5 } as const;
export type DnsRcode = (typeof DnsRcode)[keyof typeof DnsRcode];

export interface DnsQuestion {
  /** Lower-cased, without the trailing dot. */
  readonly name: string;
  readonly type: number;
  readonly class: number;
}

export interface DnsQuery {
  readonly id: number;
  readonly opcode: number;
  readonly recursionDesired: boolean;
  readonly question: DnsQuestion;
  /** The question section as received (echoed in the response, original case kept). */
  readonly questionBytes: Uint8Array;
}

export class DnsFormatError extends Error {
  override readonly name = 'DnsFormatError';
  constructor(
    message: string,
    /** The query id when the header could be read, so a FORMERR can still be answered. */
    readonly id: number | undefined,
  ) {
    super(message);
  }
}

const HEADER_BYTES = 12;
const NAME_BYTES_MAX = 255;

/** Parses a query with exactly one question (what every stub resolver sends). */
export function parseDnsQuery(bytes: Uint8Array): DnsQuery {
  if (bytes.length < HEADER_BYTES) throw new DnsFormatError(`message of ${bytes.length} bytes is shorter than a header`, undefined);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = view.getUint16(0);
  const flags = view.getUint16(2);
  if ((flags & 0x8000) !== 0) throw new DnsFormatError('message is a response, not a query', id);
  const qdcount = view.getUint16(4);
  if (qdcount !== 1) throw new DnsFormatError(`expected 1 question, got ${qdcount}`, id);
  const labels: string[] = [];
  let offset = HEADER_BYTES;
  for (;;) {
    const length = bytes[offset];
    if (length === undefined) throw new DnsFormatError('question name runs past the message', id);
    offset += 1;
    if (length === 0) break;
    // Compression pointers (RFC 1035 §4.1.4) have nothing to point back to in a question.
    if ((length & 0xc0) !== 0) throw new DnsFormatError('compressed name in a question', id);
    if (offset + length > bytes.length) throw new DnsFormatError('label runs past the message', id);
    labels.push(String.fromCharCode(...bytes.subarray(offset, offset + length)));
    offset += length;
    if (offset - HEADER_BYTES > NAME_BYTES_MAX) throw new DnsFormatError('name longer than 255 bytes', id);
  }
  if (offset + 4 > bytes.length) throw new DnsFormatError('question type and class missing', id);
  const type = view.getUint16(offset);
  const klass = view.getUint16(offset + 2);
  return {
    id,
    opcode: (flags >> 11) & 0xf,
    recursionDesired: (flags & 0x0100) !== 0,
    question: { name: labels.join('.').toLowerCase(), type, class: klass },
    questionBytes: bytes.subarray(HEADER_BYTES, offset + 4),
  };
}

export interface DnsAnswer {
  readonly rcode: DnsRcode;
  /** IPv4 addresses answered as A records for the question's name. */
  readonly addresses: readonly string[];
  readonly ttlSeconds: number;
  /** Authoritative (AA): set for names of the cluster zone. */
  readonly authoritative: boolean;
}

/** The response to `query`: the question echoed, then one A record per address (name compressed to the question). */
export function encodeDnsResponse(query: Pick<DnsQuery, 'id' | 'opcode' | 'recursionDesired' | 'questionBytes'>, answer: DnsAnswer): Uint8Array {
  const records = answer.addresses.map(ipv4Bytes);
  const out = new Uint8Array(HEADER_BYTES + query.questionBytes.length + records.length * 16);
  const view = new DataView(out.buffer);
  view.setUint16(0, query.id);
  const flags = 0x8000 | (query.opcode << 11) | (answer.authoritative ? 0x0400 : 0) | (query.recursionDesired ? 0x0100 : 0) | answer.rcode;
  view.setUint16(2, flags);
  view.setUint16(4, query.questionBytes.length === 0 ? 0 : 1);
  view.setUint16(6, records.length);
  out.set(query.questionBytes, HEADER_BYTES);
  let offset = HEADER_BYTES + query.questionBytes.length;
  for (const ip of records) {
    view.setUint16(offset, 0xc000 | HEADER_BYTES); // pointer to the question's name
    view.setUint16(offset + 2, DnsType.A);
    view.setUint16(offset + 4, DnsClass.IN);
    view.setUint32(offset + 6, answer.ttlSeconds);
    view.setUint16(offset + 10, 4);
    out.set(ip, offset + 12);
    offset += 16;
  }
  return out;
}

/** A bare error response for a message whose question could not be read. */
export function encodeDnsError(id: number, rcode: DnsRcode): Uint8Array {
  return encodeDnsResponse({ id, opcode: 0, recursionDesired: false, questionBytes: new Uint8Array(0) }, { rcode, addresses: [], ttlSeconds: 0, authoritative: false });
}

function ipv4Bytes(ip: string): Uint8Array {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new RangeError(`not an IPv4 address: ${ip}`);
  return Uint8Array.from(parts);
}
