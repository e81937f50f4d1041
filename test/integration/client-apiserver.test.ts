// The client against the real apiserver (services/apiserver: REST core over an in-memory store,
// its NATS API) on a real nats-server: verbs and Status errors, an informer scoped to one node
// following binds and deletes (bookmarks moving its resourceVersion), an expired watch answered
// with ERROR 410, watches rotated by timeoutSeconds and resumed without a relist, leader election
// with release, and the event recorder.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@skiff/actors';
import { apiRegistry, createApiCore, decodeProtobufBody, MemoryStorage, startApiServer, type ApiServer } from '@skiff/apiserver';
import { NatsBus, startNatsServer, type NatsServerProcess } from '@skiff/bus';
import { RealClock, SeededRandom } from '@skiff/core';
import {
  createApiClient,
  type ApiClient,
  isAlreadyExists,
  isConflict,
  isNotFound,
  isResourceExpired,
  errorFromWatchStatus,
  createEventRecorder,
  createInformer,
  type Informer,
  startLeaderElector,
  recordFromLease,
  Resources,
  isDeletedFinalStateUnknown,
  objectKey,
  type KubeObject,
  type WatchMessage,
} from '@skiff/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLUSTER = 'clienttest';
let nats: NatsServerProcess;
let server: ApiServer;
let clientBus: NatsBus;
let client: ApiClient;
let dir: string;
const clock = new RealClock();

async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs && !check(); waited += 20) await new Promise((r) => setTimeout(r, 20));
  return check();
}

beforeAll(async () => {
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), 'skiff-client-it-'));
  server = await startApiServer({
    core: ({ port, inspect }) =>
      createApiCore({
        storage: new MemoryStorage(),
        clock,
        random: new SeededRandom(11),
        apiserverPort: port,
        bookmarkIntervalMs: 300,
        watchWindowSize: 5,
        ...(inspect === undefined ? {} : { inspect }),
      }),
    registry: apiRegistry,
    decodeProtobuf: decodeProtobufBody,
    dataDir: dir,
    port: 0,
    insecureHttp: true,
    logger: silentLogger(),
    nats: { bus: await NatsBus.connect({ servers: [nats.url], name: 'apiserver' }), cluster: CLUSTER, instance: 'a1', version: '0.1.0' },
  });
  await server.ready;
  clientBus = await NatsBus.connect({ servers: [nats.url], name: 'client' });
  client = createApiClient({ bus: clientBus, cluster: CLUSTER, clock, random: new SeededRandom(5), requestTimeoutMs: 5_000, fieldManager: 'client-it' });
}, 60_000);

afterAll(async () => {
  await clientBus?.close();
  await server?.stop();
  await server?.core.stop();
  await nats?.dispose();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('against the real apiserver over NATS', () => {
  it('serves every verb and answers errors as typed Statuses', async () => {
    const created = await client.create(Resources.pods, pod('it-crud', { labels: { app: 'it' } }));
    expect(created.metadata).toMatchObject({ name: 'it-crud', namespace: 'default' });
    expect(isAlreadyExists(await client.create(Resources.pods, pod('it-crud')).catch((e: unknown) => e))).toBe(true);
    const patched = await client.patch(Resources.pods, 'it-crud', 'merge', { metadata: { labels: { extra: 'x' } } }, { namespace: 'default' });
    expect(isConflict(await client.update(Resources.pods, created).catch((e: unknown) => e))).toBe(true);
    const status = await client.updateStatus(Resources.pods, { ...patched, status: { phase: 'Running' } });
    expect(status['status']).toMatchObject({ phase: 'Running' });
    const listed = await client.list(Resources.pods, { namespace: 'default', labelSelector: 'app=it,extra=x' });
    expect(listed.items.map((p) => p.metadata.name)).toEqual(['it-crud']);
    await client.bind({ metadata: { name: 'it-crud', namespace: 'default' }, target: { name: 'node-9' } });
    expect((await client.get(Resources.pods, 'it-crud', { namespace: 'default' }))['spec']).toMatchObject({ nodeName: 'node-9' });
    await client.delete(Resources.pods, 'it-crud', { namespace: 'default', gracePeriodSeconds: 0 });
    const gone = await client.get(Resources.pods, 'it-crud', { namespace: 'default' }).then(
      (p) => p.metadata.deletionTimestamp !== undefined, // graceful deletion may keep it a moment
      (e: unknown) => isNotFound(e),
    );
    expect(gone).toBe(true);
  });

  it('an informer scoped to one node follows binds and deletes; bookmarks move its resourceVersion', async () => {
    const informer: Informer<KubeObject> = createInformer({
      client,
      resource: Resources.pods,
      scope: { namespace: 'default', fieldSelector: 'spec.nodeName=node-1' },
      tunables: { heartbeatMs: 500 },
    });
    const log: string[] = [];
    informer.addEventHandler({
      onAdd: (p) => log.push(`add ${objectKey(p)}`),
      onUpdate: (_, p) => log.push(`update ${objectKey(p)}`),
      onDelete: (p) => log.push(`delete ${isDeletedFinalStateUnknown(p) ? p.key : objectKey(p)}`),
    });
    try {
      await client.create(Resources.pods, pod('inf-a'));
      await client.create(Resources.pods, pod('inf-b', { nodeName: 'node-2' }));
      informer.start();
      expect(await informer.whenSynced()).toBe(true);
      expect(informer.lister.list()).toEqual([]);
      await client.bind({ metadata: { name: 'inf-a', namespace: 'default' }, target: { name: 'node-1' } });
      expect(await eventually(() => log.includes('add default/inf-a'))).toBe(true);
      await client.patch(Resources.pods, 'inf-a', 'merge', { metadata: { labels: { seen: 'yes' } } }, { namespace: 'default' });
      expect(await eventually(() => informer.lister.get('inf-a', 'default')?.metadata.labels?.['seen'] === 'yes')).toBe(true);
      await client.delete(Resources.pods, 'inf-a', { namespace: 'default', gracePeriodSeconds: 0 });
      expect(await eventually(() => log.some((l) => l === 'delete default/inf-a'))).toBe(true);
      expect(log.filter((l) => l.includes('inf-b'))).toEqual([]);
      // Writes elsewhere move the server's revision; bookmarks carry it to the informer.
      const before = Number(informer.lastSyncResourceVersion());
      await client.create(Resources.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rv-bump', namespace: 'default' } });
      expect(await eventually(() => Number(informer.lastSyncResourceVersion()) > before)).toBe(true);
      expect(informer.reflector!.getSnapshot().context.stats.relists).toBe(0);
    } finally {
      informer.stop();
    }
  });

  it('a watch from a resourceVersion older than the watch cache gets ERROR 410', async () => {
    const first = await client.create<KubeObject>(Resources.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old-0', namespace: 'default' } });
    for (let i = 1; i <= 8; i++) await client.create(Resources.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `old-${i}`, namespace: 'default' } });
    const messages: WatchMessage[] = [];
    const handle = client.watch(Resources.configMaps, { namespace: 'default', resourceVersion: first.metadata.resourceVersion! }, (m) => messages.push(m));
    try {
      expect(await eventually(() => messages.some((m) => m.type === 'ended' || m.type === 'failed'))).toBe(true);
    } finally {
      handle.stop();
    }
    expect(messages.map((m) => m.type)).toEqual(['opened', 'event', 'ended']);
    const error = messages[1]!.type === 'event' ? messages[1]!.event : undefined;
    expect(error?.type).toBe('ERROR');
    expect(isResourceExpired(errorFromWatchStatus(error?.object))).toBe(true);
  });

  it('rotates watches by timeoutSeconds and resumes them without relisting', async () => {
    const informer = createInformer({ client, resource: Resources.configMaps, scope: { namespace: 'default' }, tunables: { heartbeatMs: 500, minWatchTimeoutMs: 1_000, backoff: { initialMs: 50, maxMs: 200, factor: 2 } } });
    try {
      informer.start();
      await informer.whenSynced();
      const stats = () => informer.reflector!.getSnapshot().context.stats;
      expect(await eventually(() => stats().watches >= 3, 15_000)).toBe(true);
      await client.create(Resources.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-rotation', namespace: 'default' } });
      expect(await eventually(() => informer.lister.get('after-rotation', 'default') !== undefined)).toBe(true);
      expect(stats().relists).toBe(0);
      expect(stats().ends['ended']).toBeGreaterThanOrEqual(2);
    } finally {
      informer.stop();
    }
  });

  it('elects one leader on a real Lease and hands over when it stops', async () => {
    const timings = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 300, jitterFactor: 1.2 };
    const log: string[] = [];
    const make = (identity: string) =>
      startLeaderElector({
        client,
        namespace: 'kube-system',
        name: 'it-lease',
        identity,
        timings,
        onStartedLeading: () => log.push(`${identity} started`),
        onStoppedLeading: () => log.push(`${identity} stopped`),
      });
    const a = make('a');
    expect(await eventually(() => a.isLeader())).toBe(true);
    const b = make('b');
    try {
      expect(await eventually(() => b.leader() === 'a')).toBe(true);
      expect(b.isLeader()).toBe(false);
      await a.stop();
      expect(await eventually(() => b.isLeader())).toBe(true);
      expect(log).toEqual(['a started', 'a stopped', 'b started']);
      const lease = recordFromLease(await client.get(Resources.leases, 'it-lease', { namespace: 'kube-system' }));
      expect(lease).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1, leaseDurationSeconds: 3 });
    } finally {
      await b.stop();
    }
  });

  it('records Events and counts repeats', async () => {
    const target = await client.create(Resources.pods, pod('ev-target'));
    const errors: unknown[] = [];
    const recorder = createEventRecorder({ client, source: { component: 'skiff-it' }, onError: (e) => errors.push(e) });
    await recorder.event(target, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await recorder.event(target, 'Warning', 'BackOff', 'Back-off restarting failed container');
    expect(errors).toEqual([]);
    const events = (await client.list(Resources.events, { namespace: 'default', fieldSelector: 'involvedObject.name=ev-target' })).items;
    expect(events).toMatchObject([{ reason: 'BackOff', type: 'Warning', count: 2, involvedObject: { kind: 'Pod', name: 'ev-target', uid: target.metadata.uid }, source: { component: 'skiff-it' } }]);
  });
});

function pod(name: string, opts: { namespace?: string; labels?: Record<string, string>; nodeName?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.namespace ?? 'default', ...(opts.labels === undefined ? {} : { labels: opts.labels }) },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...(opts.nodeName === undefined ? {} : { nodeName: opts.nodeName }) },
  };
}
