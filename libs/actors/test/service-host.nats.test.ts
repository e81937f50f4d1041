// The service host on a real nats-server: discovery through the NATS services framework, health,
// describe, bad input, and a stop that drains in-flight requests and leaves nothing subscribed.

import { Svcm, type ServiceClient, type ServiceIdentity, type ServiceInfo, type ServiceStats } from '@nats-io/services';
import { call, decode, encode, isErrorReply, monitorGet, NatsBus, type Envelope } from '@skiff/bus';
import { startNatsServer, type NatsServerProcess } from '@skiff/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { silentLogger, startServiceHost, type DescribeReply, type HealthReply, type ServiceHost } from '../src/index.js';

// closed --OPEN--> open --CLOSE--> closed
const door = setup({ types: {} as { events: { type: 'OPEN' } | { type: 'CLOSE' } } }).createMachine({
  id: 'door',
  initial: 'closed',
  states: { closed: { on: { OPEN: 'open' } }, open: { on: { CLOSE: 'closed' } } },
});

const ECHO = 'skiff.itest.demo.d1.echo';

interface Connz {
  readonly connections?: readonly { readonly name?: string; readonly subscriptions_list?: readonly string[] }[];
}

let server: NatsServerProcess;
let client: NatsBus;
let services: ServiceClient;
let host: ServiceHost | undefined;
let hostBus: NatsBus;

beforeAll(async () => {
  server = await startNatsServer();
  client = await NatsBus.connect({ servers: [server.url], name: 'test-client' });
  services = new Svcm(client.connection as never).client({ strategy: 'stall', maxWait: 2_000 });
});

afterAll(async () => {
  await client?.close();
  await server?.dispose();
});

afterEach(async () => {
  await host?.stop();
  host = undefined;
});

async function startHost(): Promise<ServiceHost> {
  hostBus = await NatsBus.connect({ servers: [server.url], name: 'demo-d1' });
  host = await startServiceHost({
    bus: hostBus,
    cluster: 'itest',
    service: 'demo',
    instance: 'd1',
    version: '1.2.3',
    description: 'a demo service',
    logger: silentLogger(),
  });
  return host;
}

async function collect<T>(responses: Promise<AsyncIterable<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of await responses) out.push(r);
  return out;
}

async function eventually(check: () => Promise<boolean>, attempts = 100): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

async function hostConnection(): Promise<{ readonly subscriptions_list?: readonly string[] } | undefined> {
  const connz = (await monitorGet(server.monitorUrl, '/connz?subs=1')) as Connz;
  return connz.connections?.find((c) => c.name === 'demo-d1');
}

describe('service host on NATS', () => {
  it('is discovered through $SRV.PING and $SRV.INFO with its endpoints', async () => {
    const h = await startHost();
    await h.addEndpoint('echo', ECHO, (req) => ({ type: 'echoed', got: req.type }), { queue: 'demo' });
    expect(h.discoverable).toBe(true);
    const pings = (await collect<ServiceIdentity>(services.ping())).filter((p) => p.name === 'demo');
    expect(pings).toHaveLength(1);
    expect(pings[0]).toMatchObject({ version: '1.2.3', metadata: { cluster: 'itest', instance: 'd1' } });
    const [info] = await collect<ServiceInfo>(services.info('demo'));
    expect(info).toMatchObject({ name: 'demo', description: 'a demo service' });
    const endpoints = Object.fromEntries(info!.endpoints.map((e) => [e.name, e]));
    expect(endpoints['health']).toMatchObject({ subject: h.healthSubject, queue_group: '' });
    expect(endpoints['inspect-describe']).toMatchObject({ subject: 'skiff.itest.inspect.demo.d1.describe' });
    expect(endpoints['inspect-describe-all']).toMatchObject({ subject: 'skiff.itest.inspect.describe', queue_group: '' });
    expect(endpoints['echo']).toMatchObject({ subject: ECHO, queue_group: 'demo' });
  });

  it('answers health and describe (with machine definitions) over NATS', async () => {
    const h = await startHost();
    const actor = h.spawn(door, { id: 'front-door', systemId: 'door' });
    actor.send({ type: 'OPEN' });
    h.setReady(true);
    const health = await call<HealthReply & Envelope>(client, h.healthSubject, { type: 'health' }, 2_000);
    expect(health).toMatchObject({ healthy: true, ready: true, actors: [{ id: 'front-door', machineId: 'door', status: 'running' }] });
    const mine = await call<DescribeReply & Envelope>(
      client,
      h.subjects.inspectDescribe('demo', 'd1'),
      { type: 'inspect.describe', withDefinitions: true },
      2_000,
    );
    expect(mine.actors).toHaveLength(1);
    expect(mine.actors[0]).toMatchObject({ id: 'door', machineId: 'door', state: 'open', status: 'active' });
    expect(Object.keys((mine.actors[0]!.definition as { states: object }).states)).toEqual(['closed', 'open']);
    const broadcast = await call<DescribeReply & Envelope>(client, h.subjects.inspectDescribeAll, { type: 'inspect.describe' }, 2_000);
    expect(broadcast).toMatchObject({ service: 'demo', instance: 'd1', actors: [{ id: 'door', state: 'open' }] });
    expect(broadcast.actors[0]).not.toHaveProperty('definition');
  });

  it('publishes inspection events on its events subject', async () => {
    const h = await startHost();
    const events = client.subscribe(h.subjects.inspectEvents('demo', 'd1'));
    await client.flush();
    const seen: Envelope[] = [];
    const done = (async () => {
      for await (const m of events) {
        seen.push(decode(m.data));
        if (seen.some((e) => e.type === 'inspect.snapshot' && e['state'] === 'open')) return;
      }
    })();
    h.spawn(door, { id: 'front-door' }).send({ type: 'OPEN' });
    await done;
    events.unsubscribe();
    expect(seen[0]).toMatchObject({ type: 'inspect.actor', actorId: 'front-door', machineId: 'door' });
  });

  it('answers a malformed payload with an error reply and then serves the next request; stats count both', async () => {
    const h = await startHost();
    await h.addEndpoint('echo', ECHO, (req) => ({ type: 'echoed', got: req.type }));
    const bad = await client.request(ECHO, new Uint8Array([0xc1, 0x00, 0xff]), { timeoutMs: 2_000 });
    const error = decode(bad.data);
    expect(isErrorReply(error)).toBe(true);
    expect(error).toMatchObject({ type: 'error', code: 'BadRequest' });
    expect(await call(client, ECHO, { type: 'hello' }, 2_000)).toMatchObject({ type: 'echoed', got: 'hello' });
    const [stats] = await collect<ServiceStats>(services.stats('demo'));
    expect(stats!.endpoints?.find((e) => e.name === 'echo')?.num_requests).toBe(2);
  });

  it('stop() finishes the request in flight, then drains and leaves no subscription', async () => {
    const h = await startHost();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => {};
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    await h.addEndpoint('slow', 'skiff.itest.demo.d1.slow', async () => {
      entered();
      await gate;
      return { type: 'finally' };
    });
    const actor = h.spawn(door, { id: 'front-door' });
    expect((await hostConnection())?.subscriptions_list?.length).toBeGreaterThan(0);
    const pending = client.request('skiff.itest.demo.d1.slow', encode({ type: 'wait' }), { timeoutMs: 3_000 });
    await inHandler;
    const stopping = h.stop();
    // Hold the handler until the endpoint's subscription is gone from the server: from then on only
    // the host's wait for requests in flight keeps the connection open for the reply.
    const unsubscribed = async () => !((await hostConnection())?.subscriptions_list ?? []).includes('skiff.itest.demo.d1.slow');
    expect(await eventually(unsubscribed)).toBe(true);
    release();
    const reply = await pending;
    expect(decode(reply.data)).toMatchObject({ type: 'finally' });
    await stopping;
    expect(actor.getSnapshot().status).toBe('stopped');
    expect(hostBus.connection.isClosed()).toBe(true);
    // The server notices the closed socket on its own schedule: poll, boundedly.
    expect(await eventually(async () => (await hostConnection()) === undefined)).toBe(true);
    await expect(collect<ServiceIdentity>(services.ping())).rejects.toThrow(/no responders/);
  });
});
