// The port-forward session (portforward.k8s.io v2 inside SPDY/3.1) driven frame by frame through a
// stand-in transport, with a kubelet side that is an in-memory stream.
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@skiff/actors';
import { ApiError } from '@skiff/apimachinery';
import type { ExecEvent, ExecStream } from '../../src/core/subresources/exec.js';
import { parsePort, portForwardTarget, type PodPortForwardSource } from '../../src/core/subresources/portforward.js';
import { PortForwardSession, type SpdyTransport } from '../../src/http/portforward-upgrade.js';
import { spdyHeaderCompression, type HeaderCompression } from '../../src/http/spdy/header-compression.js';
import { decodeHeaderBlock, encodeFrame, encodeHeaderBlock, RstStatus, SpdyFrameReader, type SpdyFrame } from '../../src/http/spdy/spdy-frame.js';
import { failureStatus } from '../../src/http/status.js';

class FakeTransport implements SpdyTransport {
  open = true;
  readonly frames: SpdyFrame[] = [];
  private readonly reader = new SpdyFrameReader();
  private deliver: (data: Uint8Array) => void = () => undefined;
  onData(bytes: (data: Uint8Array) => void): void {
    this.deliver = bytes;
  }
  onClose(): void {}
  /** What the client sends. */
  emit(data: Uint8Array): void {
    this.deliver(data);
  }
  send(data: Uint8Array, done?: () => void): void {
    this.frames.push(...this.reader.push(data));
    done?.();
  }
  pause(): void {}
  resume(): void {}
  close(): void {
    this.open = false;
  }
}

/** The pod's side of one connection: records what arrives, answers what the test pushes. */
class FakeConnection implements ExecStream {
  readonly received: string[] = [];
  halfClosed = false;
  cancelled = false;
  private readonly queue: ExecEvent[] = [];
  private wake: (() => void) | undefined;
  readonly events: AsyncIterable<ExecEvent> = this.read();
  async writeStdin(data: Uint8Array): Promise<void> {
    this.received.push(Buffer.from(data).toString());
  }
  closeStdin(): void {
    this.halfClosed = true;
  }
  resize(): void {}
  cancel(): void {
    this.cancelled = true;
    this.push({ type: 'exit', exitCode: 0 });
  }
  push(event: ExecEvent): void {
    this.queue.push(event);
    this.wake?.();
  }
  private async *read(): AsyncGenerator<ExecEvent> {
    for (let i = 0; i < 1000; i++) {
      const next = this.queue.shift();
      if (next === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      yield next;
      if (next.type === 'exit' || next.type === 'error') return;
    }
  }
}

const TARGET = { namespace: 'default', pod: 'web', node: 'n1' };
const open: HeaderCompression[] = [];

afterEach(() => {
  for (const h of open.splice(0)) h.close();
});

/** A client end: kubectl's side of the tunnel, speaking through the fake socket. */
function tunnel(source: PodPortForwardSource) {
  const ws = new FakeTransport();
  const session = new PortForwardSession(ws, TARGET, source, silentLogger());
  const out = spdyHeaderCompression();
  const replies = spdyHeaderCompression();
  open.push(out, replies);
  const send = (frame: SpdyFrame): void => ws.emit(encodeFrame(frame));
  return {
    ws,
    session,
    send,
    async syn(streamId: number, headers: [string, string][]): Promise<void> {
      send({ type: 'syn_stream', streamId, associatedId: 0, priority: 0, fin: false, unidirectional: false, headerBlock: await out.compress(encodeHeaderBlock(headers)) });
    },
    /** Waits until the session has sent a frame matching `pred`. */
    async until(what: string, pred: (f: SpdyFrame) => boolean): Promise<SpdyFrame> {
      await eventually(`${what} (sent: ${ws.frames.map((f) => f.type).join(' ')})`, () => ws.frames.some(pred));
      return ws.frames.find(pred)!;
    },
    replies,
  };
}

type Syn = [streamId: number, headers: [string, string][]];
/** Waits until `check` holds (bounded: 20 s; zlib works off the main thread). */
async function eventually(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never: ${what}`);
}

const pair = (requestId: string, port: string): [Syn, Syn] => [
  [Number(requestId) * 4 + 1, [['streamtype', 'error'], ['port', port], ['requestid', requestId]]],
  [Number(requestId) * 4 + 3, [['streamtype', 'data'], ['port', port], ['requestid', requestId]]],
];

const isData = (streamId: number, fin?: boolean) => (f: SpdyFrame) => f.type === 'data' && f.streamId === streamId && (fin === undefined || f.fin === fin);

describe('port-forward session', () => {
  it('replies to both streams, relays bytes both ways, ends with FIN on both when the pod closes', async () => {
    const conn = new FakeConnection();
    const asked: number[] = [];
    const t = tunnel(async (_target, port) => (asked.push(port), conn));
    for (const [id, headers] of pair('0', '8080')) await t.syn(id, headers);
    await t.until('SYN_REPLY to data', (f) => f.type === 'syn_reply' && f.streamId === 3);
    const first = t.ws.frames.find((f) => f.type === 'syn_reply');
    expect(first?.type === 'syn_reply' && first.streamId).toBe(1);
    // Replies carry an empty header block, compressed in the session's own context.
    expect(first?.type === 'syn_reply' && decodeHeaderBlock(await t.replies.decompress(first.headerBlock))).toEqual(new Map());
    t.send({ type: 'data', streamId: 3, fin: false, data: Buffer.from('GET / HTTP/1.0\r\n\r\n') });
    t.send({ type: 'data', streamId: 3, fin: true, data: new Uint8Array(0) });
    conn.push({ type: 'stdout', data: Buffer.from('HTTP/1.0 200 OK') });
    const answer = await t.until('DATA to the client', isData(3, false));
    expect(answer.type === 'data' && Buffer.from(answer.data).toString()).toBe('HTTP/1.0 200 OK');
    await t.until('WINDOW_UPDATE', (f) => f.type === 'window_update' && f.streamId === 3);
    expect(conn.received.join('')).toBe('GET / HTTP/1.0\r\n\r\n');
    expect(conn.halfClosed).toBe(true);
    conn.push({ type: 'exit', exitCode: 0 });
    await t.until('FIN on data', isData(3, true));
    await t.until('FIN on error', isData(1, true));
    expect(t.ws.frames.some((f) => f.type === 'data' && f.streamId === 1 && f.data.length > 0)).toBe(false);
    expect(asked).toEqual([8080]);
  });

  it("writes the kubelet's refusal on the error stream, then ends both", async () => {
    const t = tunnel(async () => {
      throw new ApiError(failureStatus(400, 'error forwarding port 9 to pod default/web, uid u: dial tcp4 127.0.0.1:9: connect: connection refused'));
    });
    for (const [id, headers] of pair('0', '9')) await t.syn(id, headers);
    const message = await t.until('error text', (f) => f.type === 'data' && f.streamId === 1 && f.data.length > 0);
    expect(message.type === 'data' && Buffer.from(message.data).toString()).toContain('connect: connection refused');
    await t.until('FIN on error', isData(1, true));
    await t.until('FIN on data', isData(3, true));
  });

  it('pairs streams by requestid when connections open interleaved', async () => {
    const conns = new Map<number, FakeConnection>();
    let n = 0;
    const t = tunnel(async () => {
      const c = new FakeConnection();
      conns.set(n++, c);
      return c;
    });
    const [[e0, h0], [d0, hd0]] = pair('0', '80');
    const [[e1, h1], [d1, hd1]] = pair('1', '80');
    await t.syn(e0, h0);
    await t.syn(e1, h1);
    await t.syn(d1, hd1);
    await t.syn(d0, hd0);
    await eventually('four replies', () => t.ws.frames.filter((f) => f.type === 'syn_reply').length === 4);
    t.send({ type: 'data', streamId: d1, fin: false, data: Buffer.from('one') });
    t.send({ type: 'data', streamId: d0, fin: false, data: Buffer.from('zero') });
    await eventually('both written', () => conns.size === 2 && [...conns.values()].every((c) => c.received.length === 1));
    // Request 1's pair completed first, so it was dialed first.
    expect(conns.get(0)?.received).toEqual(['one']);
    expect(conns.get(1)?.received).toEqual(['zero']);
  });

  it('a client RST_STREAM drops the connection at the kubelet', async () => {
    const conn = new FakeConnection();
    const t = tunnel(async () => conn);
    for (const [id, headers] of pair('0', '80')) await t.syn(id, headers);
    await eventually('replies', () => t.ws.frames.filter((f) => f.type === 'syn_reply').length === 2);
    t.send({ type: 'rst_stream', streamId: 3, status: RstStatus.cancel });
    await eventually('cancel', () => conn.cancelled);
  });

  it('echoes PING, refuses streams it cannot serve, answers DATA on unknown streams with RST_STREAM', async () => {
    const t = tunnel(async () => new FakeConnection());
    t.send({ type: 'ping', id: 7 });
    await t.until('PING back', (f) => f.type === 'ping' && f.id === 7);
    await t.syn(1, [['streamtype', 'stdin'], ['port', '80']]);
    await t.until('refused', (f) => f.type === 'rst_stream' && f.streamId === 1 && f.status === RstStatus.refusedStream);
    await t.syn(3, [['streamtype', 'data'], ['port', '70000']]);
    await t.until('refused port', (f) => f.type === 'rst_stream' && f.streamId === 3);
    t.send({ type: 'data', streamId: 99, fin: false, data: Buffer.from('x') });
    await t.until('invalid stream', (f) => f.type === 'rst_stream' && f.streamId === 99 && f.status === RstStatus.invalidStream);
  });

  it('bytes that are not SPDY end the tunnel with GOAWAY, and the connections with it', async () => {
    const conn = new FakeConnection();
    const t = tunnel(async () => conn);
    for (const [id, headers] of pair('0', '80')) await t.syn(id, headers);
    await eventually('replies', () => t.ws.frames.filter((f) => f.type === 'syn_reply').length === 2);
    t.ws.emit(Buffer.from([0x80, 0x02, 0, 1, 0, 0, 0, 0]));
    await t.until('GOAWAY', (f) => f.type === 'goaway');
    await eventually('cancel', () => conn.cancelled);
    expect(t.ws.open).toBe(false);
  });
});

describe('pods/portforward checks', () => {
  const pod = (phase: string | undefined, nodeName: string | undefined) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'ns' }, spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c' }] }, status: phase ? { phase } : {} });

  it('names the pod and its node when it runs', () => {
    expect(portForwardTarget(pod('Running', 'n1'), new URLSearchParams('ports=80&ports=8080,9090'))).toEqual({ namespace: 'ns', pod: 'web', node: 'n1' });
  });

  it('refuses as Kubernetes words it: no node, not running, a bad port', () => {
    expect(() => portForwardTarget(pod('Running', undefined), new URLSearchParams())).toThrow('pod web does not have a host assigned');
    expect(() => portForwardTarget(pod('Succeeded', 'n1'), new URLSearchParams())).toThrow('unable to forward port because pod is not running. Current status=Succeeded');
    expect(() => portForwardTarget(pod(undefined, 'n1'), new URLSearchParams())).toThrow('Current status=Pending');
    expect(() => portForwardTarget(pod('Running', 'n1'), new URLSearchParams('ports=0'))).toThrow(/invalid port "0"/);
    expect(() => portForwardTarget(pod('Running', 'n1'), new URLSearchParams('ports=80x'))).toThrow(/invalid port/);
  });

  it('reads ports as stream headers carry them', () => {
    expect([parsePort('80'), parsePort(' 65535 '), parsePort('65536'), parsePort(''), parsePort('-1'), parsePort('1e3')]).toEqual([80, 65535, undefined, undefined, undefined, undefined]);
  });
});
