import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@skiff/core';
import { crc32 } from '../src/crc32.js';
import { crc32Table } from '../src/crc32.js';
import { decodeFrameAt, encodeRecords } from '../src/record-codec.js';
import { scanSegment } from '../src/segment-scan.js';
import { decodeSnapshot, encodeSnapshotHeader } from '../src/snapshot-codec.js';
import type { WalRecord } from '../src/types.js';

const sample: WalRecord[] = [
  { type: 'entry', entry: { index: 1, term: 1, data: new Uint8Array([1, 2, 3]) } },
  { type: 'entry', entry: { index: 2 ** 40 + 7, term: 2 ** 33, data: new Uint8Array(0) } },
  { type: 'hardState', hardState: { term: 5, vote: 'store-2', commit: 9 } },
  { type: 'hardState', hardState: { term: 6, vote: null, commit: 0 } },
  { type: 'snapshot', meta: { index: 2 ** 52, term: 3 }, replacesLog: false },
  { type: 'snapshot', meta: { index: 9, term: 3 }, replacesLog: true },
];

function decodeAll(bytes: Uint8Array): WalRecord[] {
  const scan = scanSegment(bytes);
  expect(scan.kind).toBe('clean');
  return scan.records.map((r) => r.record);
}

describe('crc32', () => {
  it('matches the standard check value and the table fallback on random data', () => {
    // "123456789" -> 0xCBF43926 is the CRC-32/ISO-HDLC check value.
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    const random = new SeededRandom(7);
    for (let round = 0; round < 20; round++) {
      const data = Uint8Array.from({ length: random.int(0, 3000) }, () => random.int(0, 255));
      expect(crc32Table(data)).toBe(crc32(data));
      const split = random.int(0, data.length);
      expect(crc32Table(data.subarray(split), crc32Table(data.subarray(0, split)))).toBe(crc32(data));
    }
  });
});

describe('record framing', () => {
  it('round-trips every record type, large numbers and empty data included', () => {
    expect(decodeAll(encodeRecords(sample))).toEqual(sample);
  });

  it('refuses numbers a log cannot hold', () => {
    expect(() => encodeRecords([{ type: 'snapshot', meta: { index: -1, term: 0 }, replacesLog: false }])).toThrow(RangeError);
    expect(() => encodeRecords([{ type: 'snapshot', meta: { index: 1.5, term: 0 }, replacesLog: false }])).toThrow(RangeError);
  });

  it('detects any single flipped byte in a record', () => {
    const bytes = encodeRecords([sample[0]!]);
    for (let i = 0; i < bytes.length; i++) {
      const damaged = Buffer.from(bytes);
      damaged[i] = damaged[i]! ^ 0x40;
      expect(decodeFrameAt(damaged, 0).kind, `byte ${i}`).not.toBe('ok');
    }
  });

  it('reports a checksummed record of an unknown type as undecodable, not as torn', () => {
    const bytes = encodeRecords([sample[0]!]);
    bytes[8] = 9;
    bytes.writeUInt32LE(crc32(bytes.subarray(8)), 4);
    expect(decodeFrameAt(bytes, 0)).toMatchObject({ kind: 'undecodable' });
    expect(scanSegment(bytes)).toMatchObject({ kind: 'corrupt', offsetBytes: 0 });
  });
});

describe('scanSegment', () => {
  const good = encodeRecords(sample);
  const firstLength = encodeRecords([sample[0]!]).length;

  it('calls a half-written last record a torn tail at its offset', () => {
    const last = encodeRecords([sample[4]!]);
    const torn = Buffer.concat([good, last.subarray(0, 11)]);
    expect(scanSegment(torn)).toMatchObject({ kind: 'tornTail', tailOffsetBytes: good.length });
    expect(scanSegment(torn).records).toHaveLength(sample.length);
  });

  it('calls a complete last record with a bad checksum a torn tail too', () => {
    const last = Buffer.from(encodeRecords([sample[0]!]));
    last[last.length - 1] = last[last.length - 1]! ^ 1;
    expect(scanSegment(Buffer.concat([good, last]))).toMatchObject({ kind: 'tornTail', tailOffsetBytes: good.length });
  });

  it('calls a zeroed tail (a preallocated or half-flushed page) a torn tail', () => {
    expect(scanSegment(Buffer.concat([good, Buffer.alloc(300)]))).toMatchObject({ kind: 'tornTail', tailOffsetBytes: good.length });
  });

  it('calls a bad record followed by a valid one corruption', () => {
    const damaged = Buffer.from(good);
    damaged[firstLength - 1] = damaged[firstLength - 1]! ^ 1;
    expect(scanSegment(damaged)).toMatchObject({ kind: 'corrupt', offsetBytes: 0 });
  });
});

describe('snapshot file codec', () => {
  it('round-trips and rejects a flipped bit anywhere', () => {
    const data = new TextEncoder().encode('the state machine');
    const file = Buffer.concat([encodeSnapshotHeader({ index: 42, term: 7 }, data), data]);
    expect(decodeSnapshot(file)).toEqual({ meta: { index: 42, term: 7 }, data: new Uint8Array(data) });
    for (let i = 0; i < file.length; i++) {
      const damaged = Buffer.from(file);
      damaged[i] = damaged[i]! ^ 0x10;
      expect(typeof decodeSnapshot(damaged), `byte ${i}`).toBe('string');
    }
    expect(typeof decodeSnapshot(file.subarray(0, file.length - 1))).toBe('string');
  });
});
