// The kubelet's own API against a real cluster (nats-server, a store member, the API server) with
// the process runtime: its HTTPS server on the node IP (healthz, pods, containerLogs,
// stats/summary, run, the pod manifest endpoint), the NATS pods/healthz endpoints, and the
// --manifest-url source fed by a test HTTP server on 127.0.0.1. Tests run in order.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node, Pod } from '@skiff/api';
import { decode, encode } from '@skiff/bus';
import { ApiStatusError, Resources } from '@skiff/client';
import { type Kubelet } from '../src/index.js';
import { CLUSTER, startTestCluster, waitFor, type TestCluster, startTestKubelet } from './cluster.js';

const NODE = 'api-node';
const NODE_IP = '127.0.1.9';
const TOKEN = 'kubelet-it-token';
const T = 60_000;

let c: TestCluster;
let k: Kubelet;
let manifests: Server;
/** What the manifest URL answers: status and body; `served` counts the requests. */
const manifest = { status: 200, body: '', served: 0 };

beforeAll(async () => {
  c = await startTestCluster();
  manifests = createServer((_req, res) => {
    manifest.served++;
    res.writeHead(manifest.status, { 'content-type': 'application/yaml' });
    res.end(manifest.body);
  });
  await new Promise<void>((r) => manifests.listen(0, '127.0.0.1', r));
  k = await startTestKubelet(c, NODE, 9, { port: 0, authToken: TOKEN, manifestUrl: `http://127.0.0.1:${(manifests.address() as AddressInfo).port}/manifest`, httpCheckFrequencyMs: 300 });
}, 120_000);

afterAll(async () => {
  await k?.stop();
  manifests?.close();
  await c?.stop();
}, 90_000);

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One HTTPS request to the kubelet, trusting its self-signed certificate. */
function call(method: string, path: string, opts: { token?: string | null; body?: string } = {}): Promise<Answer> {
  const server = k.api.server!;
  const token = opts.token === undefined ? TOKEN : opts.token;
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method, ca: server.caCertPem, headers: token === null ? {} : { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Reads a streamed answer until `enough` says so (or the stream ends), then hangs up. */
function stream(path: string, enough: (text: string) => boolean): Promise<Answer> {
  const server = k.api.server!;
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { ca: server.caCertPem, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
      let body = '';
      const done = (): void => {
        resolve({ status: res.statusCode ?? 0, body });
        req.destroy();
      };
      res.setEncoding('utf8').on('data', (d: string) => {
        body += d;
        if (enough(body)) done();
      });
      res.on('end', done);
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    req.end();
  });
}

function kubectl(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)('/usr/bin/kubectl', args, { env: { ...process.env, KUBECONFIG: c.api.kubeconfigPath!, HOME: c.dir }, timeout: 30_000 });
}

const notFound = (e: unknown): boolean => e instanceof ApiStatusError && e.code === 404;
const getPod = (name: string): Promise<Pod | undefined> => k.client.get<Pod>(Resources.pods, name, { namespace: 'default' }).catch((e: unknown) => (notFound(e) ? undefined : Promise.reject(e)));
const listed = async (): Promise<Pod[]> => (JSON.parse((await call('GET', '/pods')).body) as { items: Pod[] }).items;

function sleeperYaml(name: string, word: string): string {
  return ['apiVersion: v1', 'kind: Pod', 'metadata:', `  name: ${name}`, 'spec:', '  terminationGracePeriodSeconds: 1', '  containers:', '  - name: main', '    image: busybox', `    command: ["sh", "-c", "echo ${word}; exec sleep 3600"]`, ''].join('\n');
}

describe('HTTPS server', () => {
  it('listens on the node IP at a free port, which the Node advertises', async () => {
    const server = k.api.server!;
    expect(server.url).toBe(`https://${NODE_IP}:${server.port}`);
    const node = await waitFor('Node', () => k.client.get<Node>(Resources.nodes, NODE).catch(() => undefined));
    expect(node.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(server.port);
  }, T);

  it('answers /healthz without a token, everything else only with the right one', async () => {
    expect(await call('GET', '/healthz', { token: null })).toEqual({ status: 200, body: 'ok' });
    expect((await call('GET', '/pods', { token: null })).status).toBe(401);
    expect((await call('GET', '/pods', { token: 'wrong' })).status).toBe(401);
    expect((await call('POST', '/run/default/x/y?cmd=id', { token: null })).status).toBe(401);
    expect((await call('GET', '/nope')).status).toBe(404);
    expect((await call('DELETE', '/healthz')).status).toBe(405);
  }, T);
});

describe('a pod from the API', () => {
  const name = 'ticker';

  it('is listed by GET /pods with its status', async () => {
    await k.client.create(
      Resources.pods,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default' },
        spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'echo started; while true; do echo tick; sleep 0.2; done'] }] },
      },
      { namespace: 'default' },
    );
    const pod = await waitFor('ticker in /pods, Running', async () => (await listed()).find((p) => p.metadata.name === name && p.status?.phase === 'Running'));
    expect(pod.spec?.nodeName).toBe(NODE);
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({ name: 'main', ready: true });
  }, T);

  it('serves its container log: tailLines, timestamps, follow', async () => {
    const first = await waitFor('two lines', async () => {
      const a = await call('GET', `/containerLogs/default/${name}/main`);
      return a.body.split('\n').length > 2 ? a : undefined;
    });
    expect(first.status).toBe(200);
    expect(first.body.startsWith('started\ntick\n')).toBe(true);
    const tail = await call('GET', `/containerLogs/default/${name}/main?tailLines=1`);
    expect(tail.body).toBe('tick\n');
    const stamped = await call('GET', `/containerLogs/default/${name}/main?tailLines=1&timestamps=true`);
    expect(stamped.body).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z tick\n$/);
    const followed = await stream(`/containerLogs/default/${name}/main?tailLines=0&follow=true`, (t) => t.split('tick\n').length > 3);
    expect(followed.status).toBe(200);
    expect(followed.body.startsWith('tick\ntick\n')).toBe(true);
    expect((await call('GET', `/containerLogs/default/nosuchpod/main`)).status).toBe(404);
    expect((await call('GET', `/containerLogs/default/${name}/nosuch`)).status).toBe(400);
    expect((await call('GET', `/containerLogs/default/${name}/main?previous=true`)).status).toBe(400);
  }, T);

  it('runs a command in the container (POST /run) and reports a failing one', async () => {
    expect(await call('POST', `/run/default/${name}/main?cmd=echo%20hello%20run`)).toEqual({ status: 200, body: 'hello run\n' });
    const failed = await call('POST', `/run/default/${name}/main?cmd=false`);
    expect(failed.status).toBe(500);
    expect(failed.body).toMatch(/exit code: 1/);
    expect((await call('POST', `/run/default/${name}/nosuch?cmd=id`)).status).toBe(400);
  }, T);

  it('reports /stats/summary from the host stats provider, with the pod', async () => {
    const pod = (await getPod(name))!;
    const summary = await waitFor('pod stats', async () => {
      const s = JSON.parse((await call('GET', '/stats/summary')).body) as { node: any; pods: any[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
      return s.pods.find((p) => p.podRef?.name === name)?.memory !== undefined ? s : undefined;
    });
    expect(summary.node.nodeName).toBe(NODE);
    expect(summary.node.memory.availableBytes).toBeGreaterThan(0);
    expect(summary.node.fs.capacityBytes).toBeGreaterThan(summary.node.fs.availableBytes);
    expect(summary.node.rlimit.maxpid).toBeGreaterThan(summary.node.rlimit.curproc);
    const entry = summary.pods.find((p) => p.podRef.name === name);
    expect(entry.podRef).toEqual({ name, namespace: 'default', uid: pod.metadata.uid });
    expect(entry.memory.workingSetBytes).toBeGreaterThan(0);
    expect(entry.containers.map((x: { name: string }) => x.name)).toEqual(['main']);
  }, T);
});

describe('NATS endpoints', () => {
  it('kubelet.<node>.pods lists the same pods; kubelet.<node>.healthz says ok', async () => {
    const pods = decode((await k.host.bus.request(`skiff.${CLUSTER}.kubelet.${NODE}.pods`, encode({ type: 'kubelet.pods' }), { timeoutMs: 10_000 })).data) as unknown as { type: string; podList: { items: Pod[] } };
    expect(pods.type).toBe('kubelet.pods.list');
    expect(pods.podList.items.map((p) => p.metadata.name)).toContain('ticker');
    const health = decode((await k.host.bus.request(`skiff.${CLUSTER}.kubelet.${NODE}.healthz`, encode({ type: 'kubelet.healthz' }), { timeoutMs: 10_000 })).data);
    expect(health).toMatchObject({ type: 'kubelet.healthz.status', status: 'ok' });
    const bad = decode((await k.host.bus.request(`skiff.${CLUSTER}.kubelet.${NODE}.pods`, encode({ type: 'something.else' }), { timeoutMs: 10_000 })).data);
    expect(bad['type']).toBe('error');
  }, T);
});

describe('nodes/proxy through the apiserver', () => {
  it('kubectl get --raw reaches healthz and pods of the kubelet; other paths are 404', async () => {
    expect((await kubectl(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/healthz`])).stdout).toBe('ok');
    const list = JSON.parse((await kubectl(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/pods`])).stdout) as { kind: string; items: Pod[] };
    expect(list.kind).toBe('PodList');
    expect(list.items.map((p) => p.metadata.name)).toContain('ticker');
    await expect(kubectl(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/run`])).rejects.toThrow(/NotFound|could not find/);
    await expect(kubectl(['get', '--raw', '/api/v1/nodes/no-such-node/proxy/healthz'])).rejects.toThrow(/not found/i);
  }, T);
});

describe('--manifest-url', () => {
  const mirrorName = `from-url-${NODE}`;
  let firstHash = '';

  it('runs the served pod with a mirror pod in the API', async () => {
    manifest.body = sleeperYaml('from-url', 'one');
    const mirror = await waitFor('mirror pod', async () => {
      const p = await getPod(mirrorName);
      return p?.status?.phase === 'Running' ? p : undefined;
    });
    firstHash = mirror.metadata.annotations?.['kubernetes.io/config.mirror'] ?? '';
    expect(firstHash).not.toBe('');
    expect(mirror.metadata.annotations?.['kubernetes.io/config.source']).toBe('http');
    expect((await listed()).filter((p) => p.metadata.name === mirrorName)).toHaveLength(1);
  }, T);

  it('replaces the pod when the manifest changes', async () => {
    manifest.body = sleeperYaml('from-url', 'two');
    const mirror = await waitFor('new mirror', async () => {
      const p = await getPod(mirrorName);
      const hash = p?.metadata.annotations?.['kubernetes.io/config.mirror'];
      return hash !== undefined && hash !== firstHash ? p : undefined;
    });
    expect(mirror.spec?.containers[0]?.command?.[2]).toContain('echo two');
    await waitFor('one running copy', async () => {
      const mine = (await listed()).filter((p) => p.metadata.name === mirrorName);
      return mine.length === 1 && mine[0]?.metadata.uid === mirror.metadata.annotations?.['kubernetes.io/config.mirror'] ? true : undefined;
    });
  }, T);

  it('keeps the pod while the URL answers an error, as Kubernetes does', async () => {
    manifest.status = 500;
    const from = manifest.served;
    await waitFor('three failed polls', () => (manifest.served >= from + 3 ? true : undefined));
    expect(await getPod(mirrorName)).toBeDefined();
    manifest.status = 200;
  }, T);

  it('stops the pod and deletes its mirror when the URL serves no pods', async () => {
    manifest.body = '';
    await waitFor('mirror gone', async () => ((await getPod(mirrorName)) === undefined ? true : undefined));
    await waitFor('pod gone from /pods', async () => ((await listed()).some((p) => p.metadata.name === mirrorName) ? undefined : true));
  }, T);
});

describe('POST /pods (the manifest endpoint)', () => {
  const runName = `posted-${NODE}`;

  it('runs a posted manifest as a static pod with a mirror', async () => {
    const created = await call('POST', '/pods', { body: sleeperYaml('posted', 'hi') });
    expect(created.status).toBe(201);
    expect((JSON.parse(created.body) as Pod).metadata.name).toBe(runName);
    const mirror = await waitFor('posted mirror Running', async () => {
      const p = await getPod(runName);
      return p?.status?.phase === 'Running' ? p : undefined;
    });
    expect(mirror.metadata.annotations?.['kubernetes.io/config.source']).toBe('kubelet-api');
    expect((await call('PUT', '/pods', { body: sleeperYaml('posted', 'hi') })).status).toBe(200);
  }, T);

  it('rejects a malformed manifest with 400 and keeps the running pod', async () => {
    const bad = await call('POST', '/pods', { body: 'kind: Service\nmetadata: {name: x}\n' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/want "Pod"/);
    expect((await call('POST', '/pods', { body: '{not json' })).status).toBe(400);
    expect((await listed()).some((p) => p.metadata.name === runName)).toBe(true);
  }, T);

  it('DELETE /pods/<ns>/<name> stops it and deletes the mirror; a second delete is 404', async () => {
    expect((await call('DELETE', `/pods/default/${runName}`)).status).toBe(200);
    await waitFor('posted mirror gone', async () => ((await getPod(runName)) === undefined ? true : undefined));
    expect((await call('DELETE', `/pods/default/${runName}`)).status).toBe(404);
    expect((await call('DELETE', '/pods/default/ticker')).status).toBe(404);
  }, T);
});
