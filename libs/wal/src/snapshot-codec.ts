// The snapshot file: a fixed header, then the caller's bytes.
//   magic "SKSN" | version u8 | 3 zero bytes | index u64 | term u64 | data length u64 | crc u32
// The CRC-32 covers the first 32 header bytes and the data, so a torn or flipped file is detected
// before its contents reach the state machine.
import { crc32 } from './crc32.js';
import type { Snapshot, SnapshotMeta } from './types.js';

export const SNAPSHOT_HEADER_BYTES = 36;
const MAGIC = 0x4e534b53; // "SKSN" read as a little-endian u32
const VERSION = 1;
const TWO_32 = 2 ** 32;

export function encodeSnapshotHeader(meta: SnapshotMeta, data: Uint8Array): Buffer {
  const header = Buffer.alloc(SNAPSHOT_HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header[4] = VERSION;
  writeU64(header, 8, meta.index);
  writeU64(header, 16, meta.term);
  writeU64(header, 24, data.length);
  header.writeUInt32LE(crc32(data, crc32(header.subarray(0, 32))), 32);
  return header;
}

/** The snapshot in `bytes`, or the reason it is unusable. */
export function decodeSnapshot(bytes: Uint8Array): Snapshot | string {
  if (bytes.length < SNAPSHOT_HEADER_BYTES) return 'file shorter than its header';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) return 'not a snapshot file (bad magic)';
  if (bytes[4] !== VERSION) return `unknown snapshot version ${bytes[4]}`;
  const index = readU64(view, 8);
  const term = readU64(view, 16);
  const length = readU64(view, 24);
  if (length !== bytes.length - SNAPSHOT_HEADER_BYTES) return `data length ${length} does not match the file`;
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset + SNAPSHOT_HEADER_BYTES, length);
  const expected = crc32(data, crc32(bytes.subarray(0, 32)));
  if (expected !== view.getUint32(32, true)) return 'checksum mismatch';
  return { meta: { index, term }, data };
}

function writeU64(out: Buffer, offset: number, value: number): void {
  out.writeUInt32LE(value % TWO_32, offset);
  out.writeUInt32LE(Math.floor(value / TWO_32), offset + 4);
}

function readU64(view: DataView, offset: number): number {
  return view.getUint32(offset + 4, true) * TWO_32 + view.getUint32(offset, true);
}
