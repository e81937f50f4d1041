import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { spdyHeaderCompression } from '../../src/http/spdy/header-compression.js';
import { SPDY3_DICTIONARY } from '../../src/http/spdy/spdy-dictionary.js';
import { decodeFrame, decodeHeaderBlock, encodeFrame, encodeHeaderBlock, SPDY_FRAME_MAX_BYTES, SpdyFrameReader, SpdyProtocolError, type SpdyFrame } from '../../src/http/spdy/spdy-frame.js';

// The header blocks kubectl 1.32 sent on one port-forward tunnel (SYN_STREAMs of three connections,
// two of them opened at once), captured from a real run: one zlib stream primed with the dictionary.
const KUBECTL_BLOCKS = [
  '78f9e3c6a7c202253a060606ce2248fc6482d22da30138e59514a526e6420b17d65450d0430aea22709eb030b03000000000ffff',
  '826a46550a2a8712b1a844b302000000ffff',
  'c2aa17a735a89a0d01000000ffff',
  'a244b311000000ffff',
  'c2ea6543e2fc01000000ffff',
  'a2c0c74600000000ffff',
];

const ALL_FRAMES: SpdyFrame[] = [
  { type: 'data', streamId: 3, fin: false, data: Uint8Array.of(1, 2, 3) },
  { type: 'data', streamId: 0x7fffffff, fin: true, data: new Uint8Array(0) },
  { type: 'syn_stream', streamId: 1, associatedId: 0, priority: 7, fin: false, unidirectional: true, headerBlock: Uint8Array.of(9, 8) },
  { type: 'syn_reply', streamId: 1, fin: true, headerBlock: Uint8Array.of(7) },
  { type: 'rst_stream', streamId: 5, status: 5 },
  { type: 'settings', flags: 1, entries: [{ id: 7, flags: 1, value: 65536 }, { id: 4, flags: 0, value: 100 }] },
  { type: 'ping', id: 0xffffffff },
  { type: 'goaway', lastGoodStreamId: 9, status: 1 },
  { type: 'headers', streamId: 3, fin: false, headerBlock: Uint8Array.of(1) },
  { type: 'window_update', streamId: 0, delta: 65535 },
  { type: 'unknown', controlType: 42, flags: 3, payload: Uint8Array.of(4, 2) },
];

describe('SPDY/3.1 frames', () => {
  it('the dictionary is the spec\'s (SHA-256 of its 1423 bytes)', () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    expect(createHash('sha256').update(SPDY3_DICTIONARY).digest('hex')).toBe('51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
  });

  it('round-trips every frame type', () => {
    for (const frame of ALL_FRAMES) expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
  });

  it('lays a control frame out as the spec draws it', () => {
    const bytes = encodeFrame({ type: 'rst_stream', streamId: 5, status: 3 });
    expect([...bytes]).toEqual([0x80, 3, 0, 3, 0, 0, 0, 8, 0, 0, 0, 5, 0, 0, 0, 3]);
    expect([...encodeFrame({ type: 'data', streamId: 1, fin: true, data: Uint8Array.of(0xaa) })]).toEqual([0, 0, 0, 1, 1, 0, 0, 1, 0xaa]);
  });

  it('reads frames from bytes cut anywhere (as a WebSocket tunnel delivers them)', () => {
    const all = Uint8Array.from(ALL_FRAMES.flatMap((f) => [...encodeFrame(f)]));
    for (let cut = 1; cut < all.length; cut += 3) {
      const reader = new SpdyFrameReader();
      expect([...reader.push(all.subarray(0, cut)), ...reader.push(all.subarray(cut))]).toEqual(ALL_FRAMES);
    }
    const reader = new SpdyFrameReader();
    expect([...all].flatMap((b) => reader.push(Uint8Array.of(b)))).toEqual(ALL_FRAMES);
  });

  it('refuses what it cannot read with a SpdyProtocolError', () => {
    expect(() => decodeFrame(Uint8Array.of(0x80, 2, 0, 1, 0, 0, 0, 0))).toThrow(/version 2/);
    expect(() => decodeFrame(Uint8Array.of(0x80, 3, 0, 3, 0, 0, 0, 4, 0, 0, 0, 1))).toThrow(SpdyProtocolError);
    expect(() => decodeFrame(Uint8Array.of(0x80, 3, 0, 4, 0, 0, 0, 4, 0, 0, 0, 2))).toThrow(/does not hold 2 entries/);
    const huge = Uint8Array.of(0, 0, 0, 1, 0, (SPDY_FRAME_MAX_BYTES + 1) >>> 16, 0, 1);
    expect(() => new SpdyFrameReader().push(huge)).toThrow(/larger than/);
  });

  it('round-trips header blocks, several values of a name joined by NUL', () => {
    const block = encodeHeaderBlock([['StreamType', 'data'], ['port', '80'], ['port', '81']]);
    expect(decodeHeaderBlock(block)).toEqual(new Map([['streamtype', ['data']], ['port', ['80', '81']]]));
    expect(decodeHeaderBlock(encodeHeaderBlock([]))).toEqual(new Map());
    expect(() => decodeHeaderBlock(block.subarray(0, block.length - 1))).toThrow(SpdyProtocolError);
    expect(() => decodeHeaderBlock(Uint8Array.of(0, 0, 0, 0, 1))).toThrow(/after its 0 pairs/);
  });
});

describe('SPDY/3 header compression', () => {
  it("reads the dictionary-compressed headers kubectl sends, block after block of one stream", async () => {
    const h = spdyHeaderCompression();
    const seen: string[] = [];
    for (const hex of KUBECTL_BLOCKS) {
      const headers = decodeHeaderBlock(await h.decompress(Buffer.from(hex, 'hex')));
      seen.push(`${headers.get('requestid')?.[0]}:${headers.get('streamtype')?.[0]}:${headers.get('port')?.[0]}`);
    }
    h.close();
    expect(seen).toEqual(['0:error:8080', '0:data:8080', '1:error:8080', '2:error:8080', '1:data:8080', '2:data:8080']);
  });

  it('what one side compresses the other decompresses, in order, sharing one context', async () => {
    const a = spdyHeaderCompression();
    const b = spdyHeaderCompression();
    const lists = [[['streamtype', 'error'], ['port', '80']], [], [['streamtype', 'data'], ['port', '80'], ['requestid', '7']]] as const;
    const compressed = await Promise.all(lists.map((l) => a.compress(encodeHeaderBlock(l))));
    // The same list again costs less than the first time: the context remembers.
    expect((await a.compress(encodeHeaderBlock(lists[0]))).length).toBeLessThan(compressed[0]!.length);
    const back = await Promise.all(compressed.map((c) => b.decompress(c)));
    expect(back.map((x) => [...decodeHeaderBlock(x)])).toEqual(lists.map((l) => [...new Map(l.map(([n, v]) => [n, [v]]))]));
    a.close();
    b.close();
  });

  it('a corrupt block fails with a SpdyProtocolError, and so does every later one', async () => {
    const h = spdyHeaderCompression();
    await expect(h.decompress(Uint8Array.of(1, 2, 3, 4, 5))).rejects.toBeInstanceOf(SpdyProtocolError);
    await expect(h.decompress(Buffer.from(KUBECTL_BLOCKS[0]!, 'hex'))).rejects.toBeInstanceOf(SpdyProtocolError);
    h.close();
  });
});
