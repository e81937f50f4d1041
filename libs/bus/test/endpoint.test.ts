import { RealClock, SeededRandom } from '@skiff/core';
import { startNatsServer, type NatsServerProcess } from '../src/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../src/bus.js';
import { decode, encode, guardOf, isErrorReply, type Envelope } from '../src/codec.js';
import { call, EndpointError, RemoteError, serveRequests, type Endpoint } from '../src/endpoint.js';
import { NoRespondersError } from '../src/errors.js';
import { MemoryNetwork } from '../src/memory-network.js';
import { NatsBus } from '../src/nats-bus.js';

interface Add extends Envelope {
  readonly type: 'add';
  readonly a: number;
  readonly b: number;
}
const isAdd = guardOf<Add>('add', { a: 'number', b: 'number' });
interface Sum extends Envelope {
  readonly type: 'sum';
  readonly sum: number;
}
const isSum = guardOf<Sum>('sum', { sum: 'number' });

function endpointSuite(label: string, pair: () => Promise<[Bus, Bus]>): void {
  describe(`serveRequests/call: ${label}`, () => {
    let server: Bus;
    let client: Bus;
    const endpoints: Endpoint[] = [];
    const errors: unknown[] = [];
    const serveAdd = async (subject: string): Promise<Endpoint> => {
      const ep = serveRequests<Add>(
        server,
        subject,
        (req) => {
          if (req.a < 0) throw new EndpointError('BadRequest', 'negative numbers are not allowed', { a: req.a });
          if (req.a === 13) throw new Error('unlucky');
          return { type: 'sum', sum: req.a + req.b };
        },
        { guard: isAdd, onError: (err) => errors.push(err) },
      );
      endpoints.push(ep);
      await server.flush();
      return ep;
    };
    afterEach(async () => {
      await Promise.all(endpoints.splice(0).map((e) => e.stop()));
      await Promise.all([server?.close(), client?.close()]);
      errors.length = 0;
    });

    it('answers a request with the handler reply', async () => {
      [server, client] = await pair();
      await serveAdd('calc.add');
      const reply = await call(client, 'calc.add', { type: 'add', a: 2, b: 3 }, 2_000, { guard: isSum });
      expect(reply.sum).toBe(5);
    });

    it('answers malformed payloads with BadRequest and keeps serving', async () => {
      [server, client] = await pair();
      const ep = await serveAdd('calc.add');
      for (const junk of [new Uint8Array([0xc1, 0xff]), new Uint8Array(), new TextEncoder().encode('{"json":1}'), encode({ type: 'add', a: 'x', b: 1 })]) {
        const reply = decode((await client.request('calc.add', junk, { timeoutMs: 2_000 })).data);
        expect(isErrorReply(reply)).toBe(true);
        expect(reply['code']).toBe('BadRequest');
      }
      const ok = await call(client, 'calc.add', { type: 'add', a: 1, b: 1 }, 2_000, { guard: isSum });
      expect(ok.sum).toBe(2);
      expect(ep.stats.requests).toBe(5);
      expect(ep.stats.errors).toBe(4);
      expect(errors).toHaveLength(4);
    });

    it('turns handler throws into RemoteError with their code, and keeps serving', async () => {
      [server, client] = await pair();
      await serveAdd('calc.add');
      const internal = await call(client, 'calc.add', { type: 'add', a: 13, b: 0 }, 2_000).catch((e: unknown) => e);
      expect(internal).toBeInstanceOf(RemoteError);
      expect((internal as RemoteError).code).toBe('Internal');
      expect((internal as RemoteError).message).toContain('unlucky');
      const coded = await call(client, 'calc.add', { type: 'add', a: -1, b: 0 }, 2_000).catch((e: unknown) => e);
      expect((coded as RemoteError).code).toBe('BadRequest');
      expect((coded as RemoteError).details).toEqual({ a: -1 });
      expect((await call(client, 'calc.add', { type: 'add', a: 4, b: 4 }, 2_000, { guard: isSum })).sum).toBe(8);
    });

    it('stop() ends the endpoint', async () => {
      [server, client] = await pair();
      const ep = await serveAdd('calc.stop');
      await ep.stop();
      await server.flush();
      await expect(call(client, 'calc.stop', { type: 'add', a: 1, b: 1 }, 2_000)).rejects.toBeInstanceOf(NoRespondersError);
    });

    it('runs at most `concurrency` handlers at once', async () => {
      [server, client] = await pair();
      let active = 0;
      let maxActive = 0;
      let open: () => void = () => {};
      const gate = new Promise<void>((resolve) => (open = resolve));
      endpoints.push(
        serveRequests(
          server,
          'calc.slow',
          async () => {
            active++;
            maxActive = Math.max(maxActive, active);
            if (active === 3) open();
            await gate;
            active--;
            return { type: 'done' };
          },
          { concurrency: 3 },
        ),
      );
      await server.flush();
      const replies = await Promise.all(Array.from({ length: 6 }, () => call(client, 'calc.slow', { type: 'go' }, 5_000)));
      expect(replies.map((r) => r.type)).toEqual(Array(6).fill('done'));
      expect(maxActive).toBe(3);
    });
  });
}

endpointSuite('MemoryBus', async () => {
  const net = new MemoryNetwork({ random: new SeededRandom(11), clock: new RealClock() });
  return [net.connect('server'), net.connect('client')];
});

let nats: NatsServerProcess;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => nats?.dispose());
endpointSuite('NatsBus', async () => [
  await NatsBus.connect({ servers: [nats.url], name: 'server' }),
  await NatsBus.connect({ servers: [nats.url], name: 'client' }),
]);
