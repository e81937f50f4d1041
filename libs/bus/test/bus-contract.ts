// The Bus contract: one suite, run against every implementation (MemoryBus, NatsBus on a real
// nats-server). Both must behave as NATS core does; a difference is a bug in one of them.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bus, Msg, Subscription } from '../src/bus.js';
import { ClosedError, NoRespondersError, TimeoutError } from '../src/errors.js';

export interface BusFixture {
  /** A new endpoint/connection named `name`. */
  connect(name: string): Promise<Bus>;
  /** Called after each test, once its buses are closed. */
  dispose?(): Promise<void>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const bytes = (s: string): Uint8Array => enc.encode(s);
const text = (m: Msg): string => dec.decode(m.data);

const WAIT_MS = 5_000;

/** Polls `cond` until it holds; fails the test after a bound. */
export async function waitUntil(cond: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Consumes a subscription in the background. */
export function collect(sub: Subscription): { msgs: Msg[]; ended: Promise<void> } {
  const msgs: Msg[] = [];
  const ended = (async () => {
    for await (const m of sub) msgs.push(m);
  })();
  return { msgs, ended };
}

/** Answers every request on `subject` with `answer(msg)`; a null answer means "stay silent". */
function serve(bus: Bus, subject: string, answer: (m: Msg) => Uint8Array | null, queue?: string): Subscription {
  const sub = bus.subscribe(subject, queue === undefined ? {} : { queue });
  void (async () => {
    for await (const m of sub) {
      const reply = answer(m);
      if (reply !== null) m.respond(reply);
    }
  })();
  return sub;
}

/** Runs the contract; `makeFixture` is called before each test (a fresh network, or a shared server). */
export function busContract(label: string, makeFixture: () => Promise<BusFixture>): void {
  describe(`Bus contract: ${label}`, () => {
    const open: Bus[] = [];
    let fixture: BusFixture | undefined;
    const connect = async (name: string): Promise<Bus> => {
      const bus = await fixture!.connect(name);
      open.push(bus);
      return bus;
    };
    beforeEach(async () => {
      fixture = await makeFixture();
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((b) => b.close()));
      await fixture?.dispose?.();
    });

    it('delivers published messages in order to a subscriber', async () => {
      const a = await connect('a');
      const b = await connect('b');
      const got = collect(a.subscribe('t.orders'));
      await a.flush();
      for (let i = 0; i < 5; i++) b.publish('t.orders', bytes(`m${i}`));
      await waitUntil(() => got.msgs.length === 5, '5 messages');
      expect(got.msgs.map(text)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
      expect(got.msgs[0]!.subject).toBe('t.orders');
      expect(got.msgs[0]!.reply).toBeUndefined();
    });

    it('matches * to one token and > to the rest', async () => {
      const a = await connect('a');
      const star = collect(a.subscribe('w.*.x'));
      const tail = collect(a.subscribe('w.>'));
      await a.flush();
      for (const s of ['w.1.x', 'w.1.y', 'w.1.x.2', 'w']) a.publish(s, bytes(s));
      a.publish('w.done', bytes('done'));
      await waitUntil(() => tail.msgs.length === 4, 'tail messages');
      expect(tail.msgs.map((m) => m.subject)).toEqual(['w.1.x', 'w.1.y', 'w.1.x.2', 'w.done']);
      expect(star.msgs.map((m) => m.subject)).toEqual(['w.1.x']);
    });

    it('gives each message to exactly one member of a queue group', async () => {
      const members = [await connect('q1'), await connect('q2'), await connect('q3')];
      const plainBus = await connect('plain');
      const pub = await connect('pub');
      const groups = members.map((m) => collect(m.subscribe('jobs', { queue: 'workers' })));
      const plain = collect(plainBus.subscribe('jobs'));
      await Promise.all([...members, plainBus].map((m) => m.flush()));
      const n = 60;
      for (let i = 0; i < n; i++) pub.publish('jobs', bytes(String(i)));
      await pub.flush();
      const total = (): number => groups.reduce((sum, g) => sum + g.msgs.length, 0);
      await waitUntil(() => plain.msgs.length === n && total() >= n, 'all jobs');
      // A ping through every member afterwards: anything duplicated would have arrived before it.
      await Promise.all(members.map((m) => m.flush()));
      const seen = groups.flatMap((g) => g.msgs.map(text)).sort((x, y) => Number(x) - Number(y));
      expect(seen).toEqual(Array.from({ length: n }, (_, i) => String(i)));
      expect(plain.msgs).toHaveLength(n);
    });

    it('answers a request', async () => {
      const server = await connect('server');
      const client = await connect('client');
      serve(server, 'svc.echo', (m) => bytes(`echo:${text(m)}`));
      await server.flush();
      const reply = await client.request('svc.echo', bytes('hi'), { timeoutMs: 2_000 });
      expect(text(reply)).toBe('echo:hi');
    });

    it('fails a request with NoRespondersError when nobody listens', async () => {
      const client = await connect('client');
      await expect(client.request('svc.nobody', bytes('x'), { timeoutMs: 2_000 })).rejects.toBeInstanceOf(
        NoRespondersError,
      );
    });

    it('fails a request with TimeoutError when the responder stays silent', async () => {
      const server = await connect('server');
      const client = await connect('client');
      serve(server, 'svc.silent', () => null);
      await server.flush();
      const err = await client.request('svc.silent', bytes('x'), { timeoutMs: 150 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as TimeoutError).subject).toBe('svc.silent');
    });

    it('drops a late answer instead of handing it to a later request', async () => {
      const server = await connect('server');
      const client = await connect('client');
      const sub = server.subscribe('svc.late');
      void (async () => {
        let held: Msg | undefined;
        for await (const m of sub) {
          if (held === undefined) {
            held = m;
            continue;
          }
          held.respond(bytes('late'));
          m.respond(bytes(`answer:${text(m)}`));
        }
      })();
      await server.flush();
      await expect(client.request('svc.late', bytes('first'), { timeoutMs: 100 })).rejects.toBeInstanceOf(TimeoutError);
      const second = await client.request('svc.late', bytes('second'), { timeoutMs: 2_000 });
      expect(text(second)).toBe('answer:second');
    });

    it('streams replies until an empty message ends the stream', async () => {
      const server = await connect('server');
      const client = await connect('client');
      const sub = server.subscribe('svc.stream');
      void (async () => {
        for await (const m of sub) {
          const count = Number(text(m));
          for (let i = 0; i < count; i++) m.respond(bytes(`part${i}`));
          m.respond(new Uint8Array());
        }
      })();
      await server.flush();
      const parts: string[] = [];
      for await (const m of client.requestStream('svc.stream', bytes('4'), { idleTimeoutMs: 2_000 })) parts.push(text(m));
      expect(parts).toEqual(['part0', 'part1', 'part2', 'part3']);
      const empty: string[] = [];
      for await (const m of client.requestStream('svc.stream', bytes('0'), { idleTimeoutMs: 2_000 })) empty.push(text(m));
      expect(empty).toEqual([]);
    });

    it('ends a silent stream with TimeoutError and a stream to nobody with NoRespondersError', async () => {
      const server = await connect('server');
      const client = await connect('client');
      const sub = server.subscribe('svc.stall');
      void (async () => {
        for await (const m of sub) m.respond(bytes('only'));
      })();
      await server.flush();
      const parts: string[] = [];
      const stalled = (async () => {
        for await (const m of client.requestStream('svc.stall', bytes(''), { idleTimeoutMs: 150 })) parts.push(text(m));
      })();
      await expect(stalled).rejects.toBeInstanceOf(TimeoutError);
      expect(parts).toEqual(['only']);
      const nobody = (async () => {
        for await (const _ of client.requestStream('svc.none', bytes(''), { idleTimeoutMs: 2_000 })) void _;
      })();
      await expect(nobody).rejects.toBeInstanceOf(NoRespondersError);
    });

    it('carries headers on messages and replies', async () => {
      const server = await connect('server');
      const client = await connect('client');
      const sub = server.subscribe('svc.hdr');
      void (async () => {
        for await (const m of sub) m.respond(bytes('ok'), { headers: { 'x-echo': m.headers?.['x-trace'] ?? 'none' } });
      })();
      await server.flush();
      const reply = await client.request('svc.hdr', bytes(''), { timeoutMs: 2_000, headers: { 'x-trace': 't-1' } });
      expect(reply.headers?.['x-echo']).toBe('t-1');
      const got = collect(server.subscribe('evt.hdr'));
      await server.flush();
      client.publish('evt.hdr', bytes('e'), { headers: { a: '1', b: 'two' } });
      await waitUntil(() => got.msgs.length === 1, 'header message');
      expect(got.msgs[0]!.headers?.['a']).toBe('1');
      expect(got.msgs[0]!.headers?.['b']).toBe('two');
    });

    it('unsubscribe ends the iterator and stops delivery; max ends after max messages', async () => {
      const a = await connect('a');
      const b = await connect('b');
      const first = a.subscribe('u.x');
      const firstGot = collect(first);
      const witness = collect(a.subscribe('u.x'));
      const limited = a.subscribe('u.x', { max: 2 });
      const limitedGot = collect(limited);
      await a.flush();
      b.publish('u.x', bytes('1'));
      await waitUntil(() => firstGot.msgs.length === 1, 'first message');
      first.unsubscribe();
      await first.closed();
      await firstGot.ended;
      await a.flush();
      b.publish('u.x', bytes('2'));
      b.publish('u.x', bytes('3'));
      await waitUntil(() => witness.msgs.length === 3, 'witness messages');
      await limitedGot.ended;
      await limited.closed();
      expect(firstGot.msgs.map(text)).toEqual(['1']);
      expect(limitedGot.msgs.map(text)).toEqual(['1', '2']);
    });

    it('breaking out of for-await unsubscribes', async () => {
      const a = await connect('a');
      const b = await connect('b');
      const sub = a.subscribe('brk.x');
      await a.flush();
      b.publish('brk.x', bytes('1'));
      for await (const _ of sub) break;
      await sub.closed();
      await a.flush();
      await expect(b.request('brk.x', bytes(''), { timeoutMs: 2_000 })).rejects.toBeInstanceOf(NoRespondersError);
    });

    it('close() drains: messages published just before close still arrive', async () => {
      const sink = await connect('sink');
      const pub = await connect('pub');
      const got = collect(sink.subscribe('drain.x'));
      await sink.flush();
      const n = 200;
      for (let i = 0; i < n; i++) pub.publish('drain.x', bytes(String(i)));
      await pub.close();
      await waitUntil(() => got.msgs.length === n, 'drained messages');
      expect(got.msgs.map(text)).toEqual(Array.from({ length: n }, (_, i) => String(i)));
    });

    it('close() ends subscriptions and fails pending requests; then everything is ClosedError', async () => {
      const a = await connect('a');
      const server = await connect('server');
      serve(server, 'svc.silent', () => null);
      await server.flush();
      const sub = a.subscribe('c.x');
      const got = collect(sub);
      await a.flush();
      const pending = a.request('svc.silent', bytes(''), { timeoutMs: 10_000 }).catch((e: unknown) => e);
      await a.close();
      await got.ended;
      await sub.closed();
      expect(await pending).toBeInstanceOf(ClosedError);
      expect(() => a.publish('c.x', bytes(''))).toThrow(ClosedError);
      expect(() => a.subscribe('c.x')).toThrow(ClosedError);
      await expect(a.request('c.x', bytes(''), { timeoutMs: 100 })).rejects.toBeInstanceOf(ClosedError);
      const stream = (async () => {
        for await (const _ of a.requestStream('c.x', bytes(''), { idleTimeoutMs: 100 })) void _;
      })();
      await expect(stream).rejects.toBeInstanceOf(ClosedError);
      await a.close();
    });

    it('gives every inbox a distinct subject', async () => {
      const a = await connect('a');
      const inboxes = new Set(Array.from({ length: 100 }, () => a.createInbox()));
      expect(inboxes.size).toBe(100);
    });
  });
}
