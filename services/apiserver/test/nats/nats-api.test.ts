// The API over NATS on a real nats-server: every verb maps to the core's request, errors arrive
// as error envelopes carrying the Status, watches stream to the requester's inbox and end when
// the requester goes away; the apiserver is discoverable through $SRV.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Svcm } from '@nats-io/services';
import { silentLogger } from '@skiff/actors';
import { call, decode, encode, isErrorReply, NatsBus, RemoteError, startNatsServer, subjects, type NatsServerProcess } from '@skiff/bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiWatchOpened } from '../../src/nats/api-protocol.js';
import { startApiServer, type ApiServer } from '../../src/server.js';
import { FakeCore } from '../support/fake-core.js';
import { fakeRegistry } from '../support/fake-registry.js';
import { eventually } from '../support/http-client.js';

const CLUSTER = 'natsapi';
const s = subjects(CLUSTER);
let nats: NatsServerProcess;
let client: NatsBus;
let server: ApiServer;
let core: FakeCore;
let dir: string;

beforeAll(async () => {
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), 'skiff-apiserver-nats-'));
  core = new FakeCore();
  server = await startApiServer({
    core,
    registry: fakeRegistry,
    decodeProtobuf: () => ({}),
    dataDir: dir,
    port: 0,
    insecureHttp: true,
    logger: silentLogger(),
    nats: { bus: await NatsBus.connect({ servers: [nats.url], name: 'apiserver' }), cluster: CLUSTER, instance: 'a1', version: '0.1.0' },
  });
  await server.ready;
  client = await NatsBus.connect({ servers: [nats.url], name: 'component' });
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
  await nats?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

describe('api.<verb>', () => {
  it('creates, gets, lists, patches and deletes through the core', async () => {
    const created = await call(client, s.api('create'), { type: 'api.request', version: 'v1', resource: 'pods', namespace: 'default', body: pod('n1'), query: { fieldManager: 'kubelet' } }, 5_000);
    expect(created).toMatchObject({ type: 'api.object', status: 201, object: { metadata: { name: 'n1', namespace: 'default' } } });
    expect(core.requests.at(-1)).toMatchObject({ verb: 'create', resource: 'pods', namespace: 'default', user: { username: 'system:skiff:component' } });
    expect(core.requests.at(-1)!.query.get('fieldManager')).toBe('kubelet');

    const got = await call(client, s.api('get'), { type: 'api.request', version: 'v1', resource: 'pods', namespace: 'default', name: 'n1' }, 5_000);
    expect(got['object']).toMatchObject({ kind: 'Pod', metadata: { name: 'n1' } });
    const list = await call(client, s.api('list'), { type: 'api.request', version: 'v1', resource: 'pods', query: { labelSelector: 'a=b', limit: 10 } }, 5_000);
    expect(list['object']).toMatchObject({ kind: 'PodList', items: [{ metadata: { name: 'n1' } }] });
    expect(core.requests.at(-1)!.query.get('limit')).toBe('10');
    await call(client, s.api('patch'), { type: 'api.request', version: 'v1', resource: 'pods', namespace: 'default', name: 'n1', patchType: 'merge', body: { metadata: { labels: { x: 'y' } } } }, 5_000);
    expect(core.requests.at(-1)).toMatchObject({ verb: 'patch', patchType: 'merge' });
    await call(client, s.api('status'), { type: 'api.request', version: 'v1', resource: 'pods', namespace: 'default', name: 'n1', body: pod('n1') }, 5_000);
    expect(core.requests.at(-1)).toMatchObject({ verb: 'update', subresource: 'status', name: 'n1' });
    await call(client, s.api('bind'), { type: 'api.request', version: 'v1', resource: 'pods', namespace: 'default', body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'n1' }, target: { kind: 'Node', name: 'node-1' } } }, 5_000);
    expect(core.requests.at(-1)).toMatchObject({ verb: 'create', resource: 'pods', subresource: 'binding', name: 'n1' });
    const deleted = await call(client, s.api('delete'), { type: 'api.request', version: 'v1', resource: 'pods', namespace: 'default', name: 'n1' }, 5_000);
    expect(deleted).toMatchObject({ status: 200 });
  });

  it('answers core errors with error envelopes carrying the Status, and bad requests with BadRequest', async () => {
    const err = await call(client, s.api('get'), { type: 'api.request', version: 'v1', resource: 'pods', namespace: 'default', name: 'ghost' }, 5_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err).toMatchObject({ code: 'NotFound', details: { kind: 'Status', code: 404, reason: 'NotFound', message: 'pods "ghost" not found' } });
    const reply = await client.request(s.api('get'), encode({ type: 'api.request', resource: 'pods' }), { timeoutMs: 5_000 });
    const env = decode(reply.data);
    expect(isErrorReply(env) && env.code).toBe('BadRequest');
    const garbage = decode((await client.request(s.api('list'), new Uint8Array([1, 2, 3]), { timeoutMs: 5_000 })).data);
    expect(isErrorReply(garbage) && garbage.code).toBe('BadRequest');
    core.failNext = new Error('kaboom');
    const crash = await call(client, s.api('list'), { type: 'api.request', version: 'v1', resource: 'pods' }, 5_000).catch((e: unknown) => e);
    expect(crash).toMatchObject({ code: 'InternalError', details: { code: 500 } });
  });
});

describe('api.watch', () => {
  it('streams events after the opened reply, then ends on timeoutSeconds', async () => {
    const stream = client.requestStream(s.apiWatch, encode({ type: 'api.watch', version: 'v1', resource: 'pods', namespace: 'default', query: { resourceVersion: '100', timeoutSeconds: 2 } }), { idleTimeoutMs: 10_000 });
    const it = stream[Symbol.asyncIterator]();
    const opened = decode((await it.next()).value.data) as unknown as ApiWatchOpened;
    expect(opened).toMatchObject({ type: 'api.watch.opened', seq: 1 });
    expect(core.requests.at(-1)).toMatchObject({ verb: 'watch', resource: 'pods', namespace: 'default' });
    expect(core.requests.at(-1)!.query.get('resourceVersion')).toBe('100');
    await call(client, s.api('create'), { type: 'api.request', version: 'v1', resource: 'pods', namespace: 'default', body: pod('w1') }, 5_000);
    const ev = decode((await it.next()).value.data);
    expect(ev).toMatchObject({ type: 'api.watch.event', seq: 2, event: { type: 'ADDED', object: { metadata: { name: 'w1' } } } });
    // Ends (end-of-stream) when timeoutSeconds passes; heartbeats may come before.
    let rest = 0;
    for (;;) {
      const next = await it.next();
      if (next.done === true) break;
      expect(decode(next.value.data).type).toBe('api.watch.heartbeat');
      rest++;
      expect(rest).toBeLessThan(10);
    }
    expect(await eventually(() => core.openWatches === 0)).toBe(true);
  });

  it('sends an expired resourceVersion as an ERROR event and ends the stream', async () => {
    const msgs = [];
    for await (const m of client.requestStream(s.apiWatch, encode({ type: 'api.watch', version: 'v1', resource: 'pods', query: { resourceVersion: '1' } }), { idleTimeoutMs: 10_000 })) {
      msgs.push(decode(m.data));
      expect(msgs.length).toBeLessThan(5);
    }
    expect(msgs.map((m) => m.type)).toEqual(['api.watch.opened', 'api.watch.event']);
    expect(msgs[1]).toMatchObject({ event: { type: 'ERROR', object: { code: 410, reason: 'Expired' } } });
  });

  it('cancels the core watch once the requester stops listening (heartbeat finds no responders)', async () => {
    const before = core.openWatches;
    const stream = client.requestStream(s.apiWatch, encode({ type: 'api.watch', version: 'v1', resource: 'pods', heartbeatMs: 500 }), { idleTimeoutMs: 10_000 });
    for await (const m of stream) {
      expect(decode(m.data).type).toBe('api.watch.opened');
      break; // unsubscribes the inbox
    }
    expect(core.openWatches).toBe(before + 1);
    expect(await eventually(() => core.openWatches === before, 500)).toBe(true);
    expect(await eventually(() => server.openWatches() === 0)).toBe(true);
  });
});

describe('discovery', () => {
  it('registers the apiserver and its endpoints with the NATS services framework', async () => {
    const svc = new Svcm(client.connection as never).client({ strategy: 'stall', maxWait: 2_000 });
    const infos = [];
    for await (const info of await svc.info('apiserver')) infos.push(info);
    expect(infos).toHaveLength(1);
    const subjectsServed = infos[0]!.endpoints.map((e) => e.subject);
    for (const verb of ['get', 'list', 'create', 'update', 'patch', 'delete', 'bind', 'status']) expect(subjectsServed).toContain(s.api(verb as 'get'));
    expect(subjectsServed).toContain(s.apiWatch);
    expect(infos[0]!.metadata?.['url']).toBe(server.url);
  });
});
