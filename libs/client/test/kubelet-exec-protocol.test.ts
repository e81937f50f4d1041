import { describe, expect, it } from 'vitest';
import { decode, encode } from '@skiff/bus';
import { asExecFromKubelet, asExecToKubelet, chunksOf, isExecRequestMessage, SendWindow } from '../src/kubelet-exec-protocol.js';

const roundTrip = (msg: { type: string; [k: string]: unknown }) => decode(encode(msg));

describe('exec messages', () => {
  it('accepts a well-formed request and refuses an empty or non-string command', () => {
    const ok = { type: 'kubelet.exec', namespace: 'default', pod: 'p', container: 'c', command: ['echo', 'hi'], stdin: false, stdout: true, stderr: true, tty: false };
    expect(isExecRequestMessage(roundTrip(ok))).toBe(true);
    expect(isExecRequestMessage(roundTrip({ ...ok, command: [] }))).toBe(false);
    expect(isExecRequestMessage(roundTrip({ ...ok, command: ['echo', 1] }))).toBe(false);
    expect(isExecRequestMessage(roundTrip({ ...ok, tty: 'yes' }))).toBe(false);
  });

  it('output keeps its bytes through msgpack and names its stream', () => {
    const m = asExecFromKubelet(roundTrip({ type: 'kubelet.exec.output', stream: 'stderr', data: Uint8Array.of(1, 2, 3) }));
    expect(m).toEqual({ v: 1, type: 'kubelet.exec.output', stream: 'stderr', data: Uint8Array.of(1, 2, 3) });
    expect(asExecFromKubelet(roundTrip({ type: 'kubelet.exec.output', stream: 'stdin', data: Uint8Array.of(1) }))).toBeUndefined();
    expect(asExecFromKubelet(roundTrip({ type: 'kubelet.exec.output', stream: 'stdout', data: 'text' }))).toBeUndefined();
  });

  it('each direction knows only its own messages', () => {
    expect(asExecToKubelet(roundTrip({ type: 'kubelet.exec.resize', width: 80, height: 24 }))?.type).toBe('kubelet.exec.resize');
    expect(asExecToKubelet(roundTrip({ type: 'kubelet.exec.exit', exitCode: 0 }))).toBeUndefined();
    expect(asExecFromKubelet(roundTrip({ type: 'kubelet.exec.cancel' }))).toBeUndefined();
    expect(asExecToKubelet(roundTrip({ type: 'kubelet.exec.ack', bytes: 1.5 }))).toBeUndefined();
    expect(asExecFromKubelet(roundTrip({ type: 'error', code: 'Internal', message: 'x' }))).toBeUndefined();
  });
});

describe('chunksOf', () => {
  it('splits into views of at most maxBytes, in order, losing nothing', () => {
    const data = Uint8Array.from({ length: 10 }, (_, i) => i);
    const parts = chunksOf(data, 4);
    expect(parts.map((p) => [...p])).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(chunksOf(new Uint8Array(0), 4)).toEqual([]);
  });
});

describe('SendWindow', () => {
  it('lets the sender go while fewer than windowBytes are in flight, and waits after', async () => {
    const w = new SendWindow(10);
    await w.room();
    w.sent(6);
    await w.room();
    w.sent(6);
    let released = false;
    const waiting = w.room().then(() => (released = true));
    await Promise.resolve();
    expect(released).toBe(false);
    w.acked(2); // 10 in flight: still full
    await Promise.resolve();
    expect(released).toBe(false);
    w.acked(1);
    await waiting;
    expect(w.bytesInFlight).toBe(9);
  });

  it('close releases every waiter, and acks never go below zero', async () => {
    const w = new SendWindow(1);
    w.sent(5);
    const a = w.room();
    const b = w.room();
    w.close();
    await Promise.all([a, b]);
    w.acked(100);
    expect(w.bytesInFlight).toBe(0);
  });
});
