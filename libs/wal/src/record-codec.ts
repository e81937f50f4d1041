// On-disk framing of log records. Every record is
//   [length u32 LE][crc u32 LE][type u8][payload]
// where `length` counts type + payload and the CRC-32 covers exactly those bytes, so a reader can
// tell a torn or flipped record from a good one without trusting anything else in the file.
// Numbers are little-endian; indices and terms take 8 bytes (two u32 halves, up to 2^53 - 1).
import { crc32 } from './crc32.js';
import type { HardState, SnapshotMeta, WalEntry, WalRecord } from './types.js';

export const RECORD_HEADER_BYTES = 8;

const RecordType = { entry: 1, hardState: 2, snapshot: 3 } as const;

const U64_BYTES = 8;
const TWO_32 = 2 ** 32;

export type FrameResult =
  | { readonly kind: 'ok'; readonly record: WalRecord; readonly nextOffset: number }
  /** The file ends inside this record (its header or its body). */
  | { readonly kind: 'incomplete' }
  /** The frame is complete but its checksum or length is wrong. */
  | { readonly kind: 'bad'; readonly reason: string }
  /** The checksum is right but the content makes no sense: written by a bug or another format. */
  | { readonly kind: 'undecodable'; readonly reason: string };

/** Encodes records back to back into one buffer (one write for a whole append). */
export function encodeRecords(records: readonly WalRecord[]): Buffer {
  const payloads = records.map(payloadSize);
  const total = payloads.reduce((sum, size) => sum + RECORD_HEADER_BYTES + 1 + size, 0);
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  records.forEach((record, i) => {
    offset = writeRecord(out, offset, record, payloads[i]!);
  });
  return out;
}

/** Reads the record that starts at `offset`. */
export function decodeFrameAt(bytes: Uint8Array, offset: number): FrameResult {
  if (bytes.length - offset < RECORD_HEADER_BYTES) return { kind: 'incomplete' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(offset, true);
  if (length === 0) return { kind: 'bad', reason: 'zero record length' };
  const end = offset + RECORD_HEADER_BYTES + length;
  if (end > bytes.length) return { kind: 'incomplete' };
  const body = bytes.subarray(offset + RECORD_HEADER_BYTES, end);
  if (crc32(body) !== view.getUint32(offset + 4, true)) return { kind: 'bad', reason: 'checksum mismatch' };
  const decoded = decodeBody(body);
  if (typeof decoded === 'string') return { kind: 'undecodable', reason: decoded };
  return { kind: 'ok', record: decoded, nextOffset: end };
}

function payloadSize(record: WalRecord): number {
  switch (record.type) {
    case 'entry':
      return 2 * U64_BYTES + record.entry.data.length;
    case 'hardState':
      return 2 * U64_BYTES + 1 + (record.hardState.vote === null ? 0 : Buffer.byteLength(record.hardState.vote, 'utf8'));
    case 'snapshot':
      return 2 * U64_BYTES + 1;
  }
}

function writeRecord(out: Buffer, start: number, record: WalRecord, payloadBytes: number): number {
  const body = start + RECORD_HEADER_BYTES;
  out.writeUInt32LE(1 + payloadBytes, start);
  let p = body + 1;
  switch (record.type) {
    case 'entry':
      out[body] = RecordType.entry;
      p = writeU64(out, p, record.entry.index);
      p = writeU64(out, p, record.entry.term);
      out.set(record.entry.data, p);
      break;
    case 'hardState':
      out[body] = RecordType.hardState;
      p = writeU64(out, p, record.hardState.term);
      p = writeU64(out, p, record.hardState.commit);
      out[p++] = record.hardState.vote === null ? 0 : 1;
      if (record.hardState.vote !== null) out.write(record.hardState.vote, p, 'utf8');
      break;
    case 'snapshot':
      out[body] = RecordType.snapshot;
      p = writeU64(out, p, record.meta.index);
      p = writeU64(out, p, record.meta.term);
      out[p] = record.replacesLog ? 1 : 0;
      break;
  }
  const end = body + 1 + payloadBytes;
  out.writeUInt32LE(crc32(out.subarray(body, end)), start + 4);
  return end;
}

function writeU64(out: Buffer, offset: number, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a log number: ${value}`);
  out.writeUInt32LE(value % TWO_32, offset);
  out.writeUInt32LE(Math.floor(value / TWO_32), offset + 4);
  return offset + U64_BYTES;
}

function readU64(view: DataView, offset: number): number | string {
  const high = view.getUint32(offset + 4, true);
  if (high >= 2 ** 21) return 'number above 2^53';
  return high * TWO_32 + view.getUint32(offset, true);
}

/** Decodes type + payload; a string is the reason it failed. */
function decodeBody(body: Uint8Array): WalRecord | string {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const payloadBytes = body.length - 1;
  switch (body[0]) {
    case RecordType.entry: {
      if (payloadBytes < 2 * U64_BYTES) return 'entry record too short';
      const index = readU64(view, 1);
      const term = readU64(view, 1 + U64_BYTES);
      if (typeof index === 'string') return index;
      if (typeof term === 'string') return term;
      return { type: 'entry', entry: { index, term, data: new Uint8Array(body.subarray(1 + 2 * U64_BYTES)) } satisfies WalEntry };
    }
    case RecordType.hardState:
      return decodeHardState(body, view);
    case RecordType.snapshot: {
      if (payloadBytes !== 2 * U64_BYTES + 1) return 'snapshot record has the wrong size';
      const index = readU64(view, 1);
      const term = readU64(view, 1 + U64_BYTES);
      const flag = body[1 + 2 * U64_BYTES];
      if (typeof index === 'string') return index;
      if (typeof term === 'string') return term;
      if (flag !== 0 && flag !== 1) return 'snapshot record has a bad flag';
      return { type: 'snapshot', meta: { index, term } satisfies SnapshotMeta, replacesLog: flag === 1 };
    }
    default:
      return `unknown record type ${body[0]}`;
  }
}

function decodeHardState(body: Uint8Array, view: DataView): WalRecord | string {
  if (body.length < 1 + 2 * U64_BYTES + 1) return 'hard state record too short';
  const term = readU64(view, 1);
  const commit = readU64(view, 1 + U64_BYTES);
  if (typeof term === 'string') return term;
  if (typeof commit === 'string') return commit;
  const flag = body[1 + 2 * U64_BYTES];
  const voteBytes = body.subarray(2 + 2 * U64_BYTES);
  if (flag === 0 && voteBytes.length === 0) return { type: 'hardState', hardState: { term, vote: null, commit } };
  if (flag !== 1) return 'hard state record has a bad vote flag';
  const vote = Buffer.from(voteBytes.buffer, voteBytes.byteOffset, voteBytes.length).toString('utf8');
  return { type: 'hardState', hardState: { term, vote, commit } satisfies HardState };
}
