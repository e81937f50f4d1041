// SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00 §2.2-2.6, plus SPDY/3.1's connection-level
// WINDOW_UPDATE on stream 0): frames to bytes and back, and the uncompressed name/value header
// block. Pure: header compression is an adapter (header-compression.ts) applied to `headerBlock`.
//
//   control: |1|version(15)|type(16)| flags(8) | length(24) | payload
//   data:    |0|stream id(31)       | flags(8) | length(24) | payload
//
// A reader is fed bytes as they arrive (a WebSocket tunnel cuts them anywhere) and hands back the
// whole frames; a frame it cannot read is a SpdyProtocolError, never a crash.

export const SPDY_VERSION = 3;
export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
const HEADER_BYTES = 8;
/** Kubernetes' clients send DATA of at most 32 KiB; a larger frame than this is refused, not buffered. */
export const SPDY_FRAME_MAX_BYTES = 1024 * 1024;

export const ControlType = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goaway: 7, headers: 8, windowUpdate: 9 } as const;

/** RST_STREAM status codes (§2.6.3). */
export const RstStatus = { protocolError: 1, invalidStream: 2, refusedStream: 3, cancel: 5, internalError: 6, streamInUse: 8, streamAlreadyClosed: 9 } as const;

export interface SettingsEntry {
  readonly id: number;
  readonly flags: number;
  readonly value: number;
}

export type SpdyFrame =
  | { readonly type: 'data'; readonly streamId: number; readonly fin: boolean; readonly data: Uint8Array }
  | { readonly type: 'syn_stream'; readonly streamId: number; readonly associatedId: number; readonly priority: number; readonly fin: boolean; readonly unidirectional: boolean; readonly headerBlock: Uint8Array }
  | { readonly type: 'syn_reply'; readonly streamId: number; readonly fin: boolean; readonly headerBlock: Uint8Array }
  | { readonly type: 'rst_stream'; readonly streamId: number; readonly status: number }
  | { readonly type: 'settings'; readonly flags: number; readonly entries: readonly SettingsEntry[] }
  | { readonly type: 'ping'; readonly id: number }
  | { readonly type: 'goaway'; readonly lastGoodStreamId: number; readonly status: number }
  | { readonly type: 'headers'; readonly streamId: number; readonly fin: boolean; readonly headerBlock: Uint8Array }
  | { readonly type: 'window_update'; readonly streamId: number; readonly delta: number }
  /** §2.2.1: a control frame of an unknown type is ignored by the receiver. */
  | { readonly type: 'unknown'; readonly controlType: number; readonly flags: number; readonly payload: Uint8Array };

export class SpdyProtocolError extends Error {
  override readonly name = 'SpdyProtocolError';
}

const STREAM_ID_MASK = 0x7fffffff;

export function encodeFrame(frame: SpdyFrame): Uint8Array {
  switch (frame.type) {
    case 'data': {
      const out = withHeader(frame.data.length);
      const view = viewOf(out);
      view.setUint32(0, frame.streamId & STREAM_ID_MASK);
      view.setUint32(4, ((frame.fin ? FLAG_FIN : 0) << 24) | frame.data.length);
      out.set(frame.data, HEADER_BYTES);
      return out;
    }
    case 'syn_stream': {
      const flags = (frame.fin ? FLAG_FIN : 0) | (frame.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
      return control(ControlType.synStream, flags, [u32(frame.streamId & STREAM_ID_MASK), u32(frame.associatedId & STREAM_ID_MASK), Uint8Array.of((frame.priority & 0x7) << 5, 0), frame.headerBlock]);
    }
    case 'syn_reply':
      return control(ControlType.synReply, frame.fin ? FLAG_FIN : 0, [u32(frame.streamId & STREAM_ID_MASK), frame.headerBlock]);
    case 'rst_stream':
      return control(ControlType.rstStream, 0, [u32(frame.streamId & STREAM_ID_MASK), u32(frame.status)]);
    case 'settings':
      return control(ControlType.settings, frame.flags, [u32(frame.entries.length), ...frame.entries.flatMap((e) => [u32(((e.flags & 0xff) << 24) | (e.id & 0xffffff)), u32(e.value)])]);
    case 'ping':
      return control(ControlType.ping, 0, [u32(frame.id)]);
    case 'goaway':
      return control(ControlType.goaway, 0, [u32(frame.lastGoodStreamId & STREAM_ID_MASK), u32(frame.status)]);
    case 'headers':
      return control(ControlType.headers, frame.fin ? FLAG_FIN : 0, [u32(frame.streamId & STREAM_ID_MASK), frame.headerBlock]);
    case 'window_update':
      return control(ControlType.windowUpdate, 0, [u32(frame.streamId & STREAM_ID_MASK), u32(frame.delta & STREAM_ID_MASK)]);
    case 'unknown':
      return control(frame.controlType, frame.flags, [frame.payload]);
  }
}

/** Collects bytes and cuts them into frames. */
export class SpdyFrameReader {
  private buffered: Uint8Array = new Uint8Array(0);

  /** The frames completed by these bytes, in order; throws SpdyProtocolError on a frame it cannot read. */
  push(bytes: Uint8Array): SpdyFrame[] {
    this.buffered = this.buffered.length === 0 ? bytes : concat([this.buffered, bytes]);
    const frames: SpdyFrame[] = [];
    for (;;) {
      if (this.buffered.length < HEADER_BYTES) return frames;
      const length = viewOf(this.buffered).getUint32(4) & 0xffffff;
      if (length > SPDY_FRAME_MAX_BYTES) throw new SpdyProtocolError(`frame of ${length} bytes is larger than ${SPDY_FRAME_MAX_BYTES}`);
      if (this.buffered.length < HEADER_BYTES + length) return frames;
      frames.push(decodeFrame(this.buffered.subarray(0, HEADER_BYTES + length)));
      this.buffered = this.buffered.subarray(HEADER_BYTES + length);
    }
  }
}

/** One whole frame (header and payload) to its fields. */
export function decodeFrame(bytes: Uint8Array): SpdyFrame {
  const view = viewOf(bytes);
  const first = view.getUint32(0);
  const flags = bytes[4] ?? 0;
  const payload = bytes.subarray(HEADER_BYTES);
  if ((first & 0x80000000) === 0) return { type: 'data', streamId: first & STREAM_ID_MASK, fin: (flags & FLAG_FIN) !== 0, data: payload };
  const version = (first >>> 16) & 0x7fff;
  if (version !== SPDY_VERSION) throw new SpdyProtocolError(`SPDY version ${version} is not supported (only ${SPDY_VERSION})`);
  return decodeControl(first & 0xffff, flags, payload);
}

function decodeControl(controlType: number, flags: number, payload: Uint8Array): SpdyFrame {
  const p = viewOf(payload);
  const need = (bytes: number, what: string): void => {
    if (payload.length < bytes) throw new SpdyProtocolError(`${what} frame of ${payload.length} bytes is too short (at least ${bytes})`);
  };
  const fin = (flags & FLAG_FIN) !== 0;
  switch (controlType) {
    case ControlType.synStream:
      need(10, 'SYN_STREAM');
      return { type: 'syn_stream', streamId: p.getUint32(0) & STREAM_ID_MASK, associatedId: p.getUint32(4) & STREAM_ID_MASK, priority: (payload[8] ?? 0) >>> 5, fin, unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0, headerBlock: payload.subarray(10) };
    case ControlType.synReply:
      need(4, 'SYN_REPLY');
      return { type: 'syn_reply', streamId: p.getUint32(0) & STREAM_ID_MASK, fin, headerBlock: payload.subarray(4) };
    case ControlType.rstStream:
      need(8, 'RST_STREAM');
      return { type: 'rst_stream', streamId: p.getUint32(0) & STREAM_ID_MASK, status: p.getUint32(4) };
    case ControlType.settings:
      return decodeSettings(flags, payload);
    case ControlType.ping:
      need(4, 'PING');
      return { type: 'ping', id: p.getUint32(0) };
    case ControlType.goaway:
      need(8, 'GOAWAY');
      return { type: 'goaway', lastGoodStreamId: p.getUint32(0) & STREAM_ID_MASK, status: p.getUint32(4) };
    case ControlType.headers:
      need(4, 'HEADERS');
      return { type: 'headers', streamId: p.getUint32(0) & STREAM_ID_MASK, fin, headerBlock: payload.subarray(4) };
    case ControlType.windowUpdate:
      need(8, 'WINDOW_UPDATE');
      return { type: 'window_update', streamId: p.getUint32(0) & STREAM_ID_MASK, delta: p.getUint32(4) & STREAM_ID_MASK };
    default:
      return { type: 'unknown', controlType, flags, payload };
  }
}

function decodeSettings(flags: number, payload: Uint8Array): SpdyFrame {
  if (payload.length < 4) throw new SpdyProtocolError('SETTINGS frame is too short');
  const p = viewOf(payload);
  const count = p.getUint32(0);
  if (payload.length !== 4 + count * 8) throw new SpdyProtocolError(`SETTINGS frame of ${payload.length} bytes does not hold ${count} entries`);
  const entries: SettingsEntry[] = [];
  for (let i = 0; i < count; i++) {
    const head = p.getUint32(4 + i * 8);
    entries.push({ flags: head >>> 24, id: head & 0xffffff, value: p.getUint32(8 + i * 8) });
  }
  return { type: 'settings', flags, entries };
}

/** Header names and values; a name may carry several values (sent NUL-separated, §2.6.10). */
export type HeaderList = readonly (readonly [name: string, value: string])[];

/** The uncompressed name/value block (§2.6.10): a 32-bit pair count, then length-prefixed names and values. */
export function encodeHeaderBlock(headers: HeaderList): Uint8Array {
  const encoder = new TextEncoder();
  const grouped = new Map<string, string[]>();
  for (const [name, value] of headers) grouped.set(name.toLowerCase(), [...(grouped.get(name.toLowerCase()) ?? []), value]);
  const parts: Uint8Array[] = [u32(grouped.size)];
  for (const [name, values] of grouped) {
    const n = encoder.encode(name);
    const v = encoder.encode(values.join('\0'));
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return concat(parts);
}

/** The decompressed block to its pairs (names lowercased, multi-values split); throws SpdyProtocolError. */
export function decodeHeaderBlock(block: Uint8Array): Map<string, string[]> {
  const decoder = new TextDecoder();
  const view = viewOf(block);
  let at = 0;
  const take = (what: string): Uint8Array => {
    if (at + 4 > block.length) throw new SpdyProtocolError(`header block ends inside the length of a ${what}`);
    const length = view.getUint32(at);
    at += 4;
    if (at + length > block.length) throw new SpdyProtocolError(`header block ends inside a ${what} of ${length} bytes`);
    const out = block.subarray(at, at + length);
    at += length;
    return out;
  };
  if (block.length < 4) throw new SpdyProtocolError('header block is shorter than its pair count');
  const count = view.getUint32(0);
  at = 4;
  const headers = new Map<string, string[]>();
  for (let i = 0; i < count; i++) {
    const name = decoder.decode(take('name')).toLowerCase();
    const values = decoder.decode(take('value')).split('\0');
    headers.set(name, [...(headers.get(name) ?? []), ...values]);
  }
  if (at !== block.length) throw new SpdyProtocolError(`header block has ${block.length - at} bytes after its ${count} pairs`);
  return headers;
}

function control(controlType: number, flags: number, parts: readonly Uint8Array[]): Uint8Array {
  const payload = concat(parts);
  const out = withHeader(payload.length);
  const view = viewOf(out);
  view.setUint32(0, 0x80000000 | (SPDY_VERSION << 16) | controlType);
  view.setUint32(4, ((flags & 0xff) << 24) | payload.length);
  out.set(payload, HEADER_BYTES);
  return out;
}

function withHeader(payloadBytes: number): Uint8Array {
  if (payloadBytes > 0xffffff) throw new SpdyProtocolError(`frame payload of ${payloadBytes} bytes does not fit 24 bits`);
  return new Uint8Array(HEADER_BYTES + payloadBytes);
}

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  viewOf(out).setUint32(0, value >>> 0);
  return out;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
