// The proxy service against a real nats-server, a real store and the real API server: a Service
// and a hand-written Endpoints object (3 node:http backends on 127.0.2.1..3, each answering its
// own name) go through the API; traffic goes through the ClusterIP the API server allocated.
import { Resolver } from 'node:dns/promises';
import { createServer, request, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiStatusError, Resources, type KubeObject } from '@skiff/client';
import type { ProxyProcess } from '../src/start.js';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';

const BACKENDS = ['127.0.2.1', '127.0.2.2', '127.0.2.3'] as const;
const PORT = 8080;
const NODE_IP = '127.0.1.1';
/** The proxy's cluster DNS responder (a free UDP port on this loopback address). */
const DNS_IP = '127.53.0.1';

let cluster: TestCluster;
let proxy: ProxyProcess;
const servers: Server[] = [];

function get(ip: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: ip, port, path: '/', agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** `count` requests, 10 at a time; the answers counted by backend. */
async function spread(ip: string, port: number, count: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < count; i += 10) {
    const answers = await Promise.all(Array.from({ length: Math.min(10, count - i) }, () => get(ip, port)));
    for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
  }
  return counts;
}

function service(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: PORT, targetPort: PORT, protocol: 'TCP' }], ...spec } } as KubeObject;
}

function endpoints(name: string, ready: readonly string[], notReady: readonly string[] = []): KubeObject {
  const subset = { addresses: ready.map((ip) => ({ ip })), notReadyAddresses: notReady.map((ip) => ({ ip })), ports: [{ port: PORT, protocol: 'TCP' }] };
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: 'default' }, subsets: [subset] } as KubeObject;
}

const clusterIpOf = (svc: KubeObject): string => (svc['spec'] as { clusterIP: string }).clusterIP;
const nodePortOf = (svc: KubeObject): number => (svc['spec'] as { ports: { nodePort: number }[] }).ports[0]?.nodePort ?? 0;
const serving = (key: string): true | undefined => (proxy.proxy.proxier.listeners().some((l) => l.key === key && l.state === 'serving') ? true : undefined);

async function putEndpoints(name: string, ready: readonly string[], notReady: readonly string[] = []): Promise<void> {
  const current = await cluster.client.get(Resources.endpoints, name, { namespace: 'default' }).catch(() => undefined);
  if (current === undefined) await cluster.client.create(Resources.endpoints, endpoints(name, ready, notReady));
  else await cluster.client.update(Resources.endpoints, { ...endpoints(name, ready, notReady), metadata: current.metadata });
}

beforeAll(async () => {
  for (const ip of BACKENDS) {
    const server = createServer((_req, res) => res.end(ip));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(PORT, ip, resolve);
    });
    servers.push(server);
  }
  cluster = await startTestCluster();
  proxy = await cluster.startProxy([NODE_IP], { ip: DNS_IP, port: 0 });
  expect(await proxy.proxy.whenSynced()).toBe(true);
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
}, 60_000);

describe('proxy on ClusterIPs', () => {
  let clusterIp: string;

  it('spreads 300 requests over the three endpoints of a ClusterIP in 127.96.0.0/16', async () => {
    const svc = await cluster.client.create(Resources.services, service('web'));
    clusterIp = clusterIpOf(svc);
    expect(clusterIp).toMatch(/^127\.96\.\d+\.\d+$/);
    await putEndpoints('web', BACKENDS);
    await eventually(async () => serving(`${clusterIp}:${PORT}/TCP`), 'ClusterIP listener serving');
    await eventually(async () => (proxy.proxy.proxier.listeners().find((l) => l.key === `${clusterIp}:${PORT}/TCP`)?.readyEndpoints === 3 ? true : undefined), '3 ready endpoints');
    const counts = await spread(clusterIp, PORT, 300);
    expect([...counts.keys()].sort()).toEqual([...BACKENDS]);
    for (const ip of BACKENDS) expect(counts.get(ip)).toBeGreaterThanOrEqual(60);
  }, 60_000);

  it('answers the service name with its ClusterIP on the DNS responder', async () => {
    const resolver = new Resolver({ timeout: 1_000, tries: 2 });
    resolver.setServers([`${DNS_IP}:${proxy.proxy.dns?.port ?? 0}`]);
    expect(await resolver.resolve4('web.default.svc.cluster.local')).toEqual([clusterIp]);
  }, 30_000);

  it('sends no new traffic to an address moved to notReadyAddresses', async () => {
    await putEndpoints('web', BACKENDS.slice(0, 2), [BACKENDS[2]]);
    await eventually(async () => (proxy.proxy.proxier.listeners().find((l) => l.key === `${clusterIp}:${PORT}/TCP`)?.readyEndpoints === 2 ? true : undefined), '2 ready endpoints');
    const counts = await spread(clusterIp, PORT, 60);
    expect(counts.get(BACKENDS[2])).toBeUndefined();
    expect([...counts.keys()].sort()).toEqual([BACKENDS[0], BACKENDS[1]]);
    await putEndpoints('web', BACKENDS);
    await eventually(async () => (proxy.proxy.proxier.listeners().find((l) => l.key === `${clusterIp}:${PORT}/TCP`)?.readyEndpoints === 3 ? true : undefined), '3 ready endpoints again');
  }, 60_000);

  it('sessionAffinity ClientIP sends every request to one endpoint', async () => {
    const current = await cluster.client.get(Resources.services, 'web', { namespace: 'default' });
    await cluster.client.update(Resources.services, { ...current, spec: { ...(current['spec'] as object), sessionAffinity: 'ClientIP' } });
    // Before the update reaches the proxy, round robin spreads requests; after it, one endpoint takes all.
    await eventually(async () => ((await spread(clusterIp, PORT, 10)).size === 1 ? true : undefined), 'affinity applied');
    const counts = await spread(clusterIp, PORT, 60);
    expect(counts.size).toBe(1);
    expect(BACKENDS).toContain([...counts.keys()][0]);
  }, 60_000);

  it('serves a NodePort service on the node address', async () => {
    const svc = await cluster.client.create(Resources.services, service('web-np', { type: 'NodePort' }));
    const nodePort = nodePortOf(svc);
    expect(nodePort).toBeGreaterThanOrEqual(30_000);
    await putEndpoints('web-np', BACKENDS);
    await eventually(async () => serving(`${NODE_IP}:${nodePort}/TCP`), 'NodePort listener serving');
    const counts = await spread(NODE_IP, nodePort, 30);
    expect([...counts.keys()].sort()).toEqual([...BACKENDS]);
  }, 60_000);

  it('closes the listener when the service is deleted', async () => {
    const svc = await cluster.client.get(Resources.services, 'web-np', { namespace: 'default' });
    const ip = clusterIpOf(svc);
    await cluster.client.delete(Resources.services, 'web-np', { namespace: 'default' });
    await eventually(async () => (proxy.proxy.proxier.listeners().some((l) => l.key === `${ip}:${PORT}/TCP`) ? undefined : true), 'listener gone');
    await expect(get(ip, PORT)).rejects.toThrow(/ECONNREFUSED/);
  }, 60_000);
});

describe('apiserver service validation', () => {
  it('refuses an out-of-range nodePort with 422', async () => {
    const bad = service('bad-np', { type: 'NodePort', ports: [{ port: PORT, targetPort: PORT, protocol: 'TCP', nodePort: 99 }] });
    const err = await cluster.client.create(Resources.services, bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiStatusError);
    expect((err as ApiStatusError).code).toBe(422);
  });

  it('refuses a duplicate clusterIP with 422', async () => {
    const web = await cluster.client.get(Resources.services, 'web', { namespace: 'default' });
    const err = await cluster.client.create(Resources.services, service('dup', { clusterIP: clusterIpOf(web) })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiStatusError);
    expect((err as ApiStatusError).code).toBe(422);
  });
});
