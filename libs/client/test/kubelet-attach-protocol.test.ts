import { describe, expect, it } from 'vitest';
import { decode, encode } from '@skiff/bus';
import { isAttachRequestMessage } from '../src/kubelet-attach-protocol.js';

const roundTrip = (msg: { type: string; [k: string]: unknown }) => decode(encode(msg));

describe('attach request', () => {
  it('accepts a well-formed request through msgpack and refuses missing or mistyped fields', () => {
    const ok = { type: 'kubelet.attach', namespace: 'default', pod: 'p', container: 'c', stdin: true, stdout: true, stderr: false, tty: true };
    expect(isAttachRequestMessage(roundTrip(ok))).toBe(true);
    expect(isAttachRequestMessage(roundTrip({ ...ok, stdin: 'true' }))).toBe(false);
    const { container: _, ...noContainer } = ok;
    expect(isAttachRequestMessage(roundTrip(noContainer))).toBe(false);
    expect(isAttachRequestMessage(roundTrip({ ...ok, type: 'kubelet.exec', command: ['sh'] }))).toBe(false);
  });
});
