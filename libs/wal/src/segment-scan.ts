// Reading one segment's bytes back into records, and deciding what a damaged frame means.
// A torn tail is the signature of a crash in the middle of a write: the damage reaches the end of
// the file and no valid record follows it. Anything else (a bad frame with a valid record after it,
// or a record whose checksum holds but whose content is nonsense) is corruption of data that may
// have been acknowledged, so it must stop the member (DESIGN.md §7).
import { decodeFrameAt, RECORD_HEADER_BYTES } from './record-codec.js';
import type { WalRecord } from './types.js';

export interface ScannedRecord {
  readonly offsetBytes: number;
  readonly record: WalRecord;
}

export type SegmentScan =
  | { readonly kind: 'clean'; readonly records: readonly ScannedRecord[] }
  | { readonly kind: 'tornTail'; readonly records: readonly ScannedRecord[]; readonly tailOffsetBytes: number }
  | {
      readonly kind: 'corrupt';
      readonly records: readonly ScannedRecord[];
      readonly offsetBytes: number;
      readonly reason: string;
    };

const KNOWN_TYPES = new Set([1, 2, 3]);

export function scanSegment(bytes: Uint8Array): SegmentScan {
  const records: ScannedRecord[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const frame = decodeFrameAt(bytes, offset);
    if (frame.kind === 'ok') {
      records.push({ offsetBytes: offset, record: frame.record });
      offset = frame.nextOffset;
      continue;
    }
    if (frame.kind === 'undecodable') return { kind: 'corrupt', records, offsetBytes: offset, reason: frame.reason };
    const reason = frame.kind === 'incomplete' ? 'record cut short' : frame.reason;
    const validAfter = findValidFrameAfter(bytes, offset + 1);
    if (validAfter < 0) return { kind: 'tornTail', records, tailOffsetBytes: offset };
    return { kind: 'corrupt', records, offsetBytes: offset, reason: `${reason}, valid record follows at byte ${validAfter}` };
  }
  return { kind: 'clean', records };
}

/**
 * The first offset at or after `from` where a complete record with a good checksum starts, or -1.
 * Byte by byte, because the damaged frame's length field cannot be trusted; cheap checks on the
 * length and type come before the checksum so that zeroed or random tails scan fast.
 */
export function findValidFrameAfter(bytes: Uint8Array, from: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let pos = from; pos + RECORD_HEADER_BYTES < bytes.length; pos++) {
    const length = view.getUint32(pos, true);
    if (length === 0 || pos + RECORD_HEADER_BYTES + length > bytes.length) continue;
    if (!KNOWN_TYPES.has(bytes[pos + RECORD_HEADER_BYTES]!)) continue;
    if (decodeFrameAt(bytes, pos).kind === 'ok') return pos;
  }
  return -1;
}
