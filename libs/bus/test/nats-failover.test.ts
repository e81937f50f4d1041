// Failover: a client connected to server 0 of a 3-server cluster keeps calling a responder on
// server 1 while server 0 is killed. Every request either succeeds or fails with a typed bus error,
// and requests succeed again once the client has reconnected to another server.

import { startNatsCluster, type NatsCluster } from '../src/index.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encode } from '../src/codec.js';
import { call, serveRequests, type Endpoint } from '../src/endpoint.js';
import { BusError } from '../src/errors.js';
import { NatsBus, type BusStatus } from '../src/nats-bus.js';

let cluster: NatsCluster;
beforeAll(async () => {
  cluster = await startNatsCluster(3);
}, 30_000);
afterAll(async () => cluster?.stop());

const REQUESTS_MAX = 5_000;
const PACE_MS = 5;
const CALLERS = 8;
const OK_AFTER_KILL = 50;

it('keeps requests flowing through the kill of the server the client is on', async () => {
  const responder = await NatsBus.connect({ servers: [cluster.urls[1]!], name: 'responder' });
  let endpoint: Endpoint | undefined;
  const statuses: BusStatus[] = [];
  const client = await NatsBus.connect({
    servers: [...cluster.urls],
    noRandomize: true,
    name: 'client',
    onStatus: (s) => statuses.push(s),
  });
  try {
    expect(client.connection.getServer()).toContain(String(cluster.servers[0]!.port));
    endpoint = serveRequests(responder, 'failover.echo', (req) => ({ type: 'echo', n: req['n'] }));
    await responder.flush();

    // Several callers keep requests in flight so that the kill lands in the middle of some.
    const failures: unknown[] = [];
    let ok = 0;
    let sent = 0;
    let killed = false;
    let okAfterKill = 0;
    const caller = async (): Promise<void> => {
      while (sent < REQUESTS_MAX && okAfterKill < OK_AFTER_KILL) {
        const n = sent++;
        try {
          const reply = await call(client, 'failover.echo', { type: 'ping', n }, 500);
          expect(reply['n']).toBe(n);
          ok++;
          if (killed) okAfterKill++;
        } catch (err) {
          failures.push(err);
        }
        await new Promise((resolve) => setTimeout(resolve, PACE_MS));
      }
    };
    const controller = async (): Promise<void> => {
      while (ok < 50 && sent < REQUESTS_MAX) await new Promise((resolve) => setTimeout(resolve, 5));
      await cluster.kill(0);
      killed = true;
    };
    await Promise.all([controller(), ...Array.from({ length: CALLERS }, caller)]);
    if (process.env['DEBUG_FAILOVER']) {
      console.log({ ok, sent, failures: failures.map(String), statuses: statuses.map((s) => s.type) });
    }

    expect(killed).toBe(true);
    expect(okAfterKill).toBeGreaterThanOrEqual(OK_AFTER_KILL);
    expect(sent).toBeLessThan(REQUESTS_MAX);
    for (const err of failures) expect(err).toBeInstanceOf(BusError);
    expect(statuses.some((s) => s.type === 'disconnect')).toBe(true);
    expect(statuses.some((s) => s.type === 'reconnect')).toBe(true);
    expect(client.connection.getServer()).not.toContain(String(cluster.servers[0]!.port));
    // Still usable for plain publishes after the failover.
    client.publish('failover.after', encode({ type: 'noop' }));
    await client.flush();
  } finally {
    await endpoint?.stop();
    await client.close();
    await responder.close();
  }
}, 60_000);
