// Messages are plain data: msgpack carries them unchanged, and malformed input gets a typed error.
import { describe, expect, it } from 'vitest';
import { decode, encode } from '@msgpack/msgpack';
import { parseMessage } from '../src/message-parse.js';
import { RaftMessageError } from '../src/errors.js';
import { Network } from './network.js';
import type { AppendEntries } from '../src/messages.js';

describe('messages', () => {
  it('every message a cluster sends survives a msgpack round trip and validation', () => {
    const net = new Network(['a', 'b', 'c'], { snapshotChunkBytes: 8 });
    net.elect('a');
    net.propose('a', 'x');
    net.step('a', { type: 'requestRead', requestId: 'r' });
    net.step('b', { type: 'requestRead', requestId: 'r2' });
    net.deliverAll();
    net.step('a', { type: 'snapshotTaken', index: 2, data: new TextEncoder().encode('snapshot-bytes') });
    net.step('a', { type: 'transferLeadership', to: 'b' });
    net.deliverAll();
    const types = new Set(net.delivered.map((m) => m.type));
    expect(types.size).toBeGreaterThanOrEqual(9);
    for (const m of net.delivered) expect(parseMessage(decode(encode(m)))).toEqual(m);
  });

  it('rejects malformed messages with a RaftMessageError that says why', () => {
    const ok: AppendEntries = { type: 'AppendEntries', term: 2, from: 'a', to: 'b', prevLogIndex: 1, prevLogTerm: 1, commit: 1, entries: [{ index: 2, term: 2, data: new Uint8Array() }] };
    expect(parseMessage(ok)).toBe(ok);
    const bad: [unknown, RegExp][] = [
      [null, /not an object/],
      [{ ...ok, type: 'Nope' }, /unknown type/],
      [{ ...ok, term: -1 }, /term/],
      [{ ...ok, from: '' }, /from/],
      [{ ...ok, entries: [{ index: 3, term: 2, data: new Uint8Array() }] }, /should be 2/],
      [{ ...ok, entries: [{ index: 2, term: 3, data: new Uint8Array() }] }, /out of order/],
      [{ ...ok, entries: [{ index: 2, term: 2, data: 'x' }] }, /data/],
      [{ type: 'RequestVote', term: 1, from: 'a', to: 'b', preVote: 'yes' }, /preVote/],
    ];
    for (const [value, reason] of bad) {
      expect(() => parseMessage(value)).toThrow(RaftMessageError);
      expect(() => parseMessage(value)).toThrow(reason);
    }
  });
});
