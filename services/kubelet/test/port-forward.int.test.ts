// kubectl port-forward end to end: the real kubectl 1.32 -> the API server's WebSocket upgrade
// (SPDY/3.1 tunneled, subprotocol SPDY/3.1+portforward.k8s.io) -> NATS `kubelet.<node>.portforward`
// -> a TCP connection to the pod's own IP, against a real nats-server, store member, API server
// (cluster.ts) and one kubelet. The pod serves HTTP with python3's http.server on $POD_IP:8080.
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '@skiff/api';
import { Resources } from '@skiff/client';
import { type Kubelet } from '../src/index.js';
import { startTestCluster, waitFor, type TestCluster, startTestKubelet } from './cluster.js';

const NODE = 'pf-node';
const POD = 'web';
const PAGE = 'hello through the tunnel';
const T = 60_000;
/** big.txt is about 3.3 MB: many times the 256 KiB credit window of the kubelet stream. */
const BIG_LINES = 500_000;

/** A TCP echo server on $POD_IP:9000 that closes once the client has half-closed and all is echoed. */
const ECHO_SERVER = [
  'import os, socketserver',
  'class Echo(socketserver.BaseRequestHandler):',
  '    def handle(self):',
  '        while True:',
  '            data = self.request.recv(65536)',
  '            if not data: break',
  '            self.request.sendall(data)',
  'socketserver.ThreadingTCPServer.allow_reuse_address = True',
  'socketserver.ThreadingTCPServer((os.environ["POD_IP"], 9000), Echo).serve_forever()',
].join('\n');

let c: TestCluster;
let k: Kubelet;
const running: ChildProcess[] = [];

beforeAll(async () => {
  c = await startTestCluster();
  k = await startTestKubelet(c, NODE, 8);
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD, namespace: 'default', labels: { app: 'web' } },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'main',
          image: 'python',
          command: ['sh', '-c', `cd "$(mktemp -d)" && echo '${PAGE}' > index.html && seq 1 ${BIG_LINES} > big.txt && exec python3 -m http.server 8080 --bind "$POD_IP"`],
          ports: [{ containerPort: 8080 }],
        },
        { name: 'echo', image: 'python', command: ['python3', '-c', ECHO_SERVER], ports: [{ containerPort: 9000 }] },
      ],
    },
  };
  await k.client.create(Resources.pods, pod, { namespace: 'default' });
  const nginx: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nginx', namespace: 'default' }, spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } };
  await k.client.create(Resources.pods, nginx, { namespace: 'default' });
  const selector = { matchLabels: { app: 'web' } };
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'python' }] } };
  await k.client.create(Resources.deployments, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 0, selector, template } }, { namespace: 'default' });
  await k.client.create(Resources.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } }, { namespace: 'default' });
  const podIP = await waitFor('pod running', async () => {
    const p = await k.client.get<Pod>(Resources.pods, POD, { namespace: 'default' });
    return p.status?.phase === 'Running' && p.status.podIP !== undefined ? p.status.podIP : undefined;
  });
  const nginxIP = await waitFor('nginx running', async () => {
    const p = await k.client.get<Pod>(Resources.pods, 'nginx', { namespace: 'default' });
    return p.status?.phase === 'Running' && p.status.podIP !== undefined ? p.status.podIP : undefined;
  });
  await waitFor('nginx up', async () => (await get(nginxIP, 80).catch(() => undefined))?.includes('Welcome to nginx'));
  // Running is not listening yet: wait until the server answers on the pod IP.
  await waitFor('http server up', async () => (await get(podIP, 8080).catch(() => undefined))?.includes(PAGE));
  await waitFor('echo server up', async () => (await echo(9000, Buffer.from('x'), podIP).catch(() => undefined))?.toString() === 'x');
}, 120_000);

afterEach(() => {
  for (const p of running.splice(0)) p.kill('SIGKILL');
});

afterAll(async () => {
  await k?.stop();
  await c?.stop();
}, 90_000);

interface Forwarding {
  readonly localPort: number;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts `kubectl port-forward <what> :<port>` and waits for its "Forwarding from" line. */
function portForward(what: string, port: number, env: Record<string, string> = {}): Promise<Forwarding> {
  return new Promise((resolve, reject) => {
    const proc = spawn('/usr/bin/kubectl', ['port-forward', '--address', '127.0.0.1', what, `:${port}`], { env: { ...process.env, KUBECONFIG: c.api.kubeconfigPath!, HOME: c.dir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(proc);
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((done) => proc.on('close', done));
    proc.stderr.on('data', (b: Buffer) => (err += b.toString()));
    proc.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(out);
      if (m !== null) resolve({ localPort: Number(m[1]), stderr: () => err, exited });
    });
    proc.on('error', reject);
    void exited.then((code) => reject(new Error(`kubectl port-forward exited ${code}: ${err}`)));
  });
}

/** Sends `data`, half-closes, and collects everything the other side sends until it closes. */
function echo(port: number, data: Buffer, host = '127.0.0.1'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const got: Buffer[] = [];
    socket.setTimeout(30_000, () => socket.destroy(new Error('timed out')));
    socket.on('data', (b: Buffer) => got.push(b));
    socket.on('end', () => resolve(Buffer.concat(got)));
    socket.on('error', reject);
    socket.end(data);
  });
}

/** GET `path` over a fresh connection; the body. */
function get(host: string, port: number, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, agent: false, timeout: 30_000 }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('kubectl port-forward', () => {
  it('forwards a local port to the pod: one request, then two connections at once', async () => {
    const f = await portForward(`pod/${POD}`, 8080);
    expect(await get('127.0.0.1', f.localPort)).toContain(PAGE);
    const both = await Promise.all([get('127.0.0.1', f.localPort), get('127.0.0.1', f.localPort)]);
    expect(both.every((body) => body.includes(PAGE))).toBe(true);
    expect(f.stderr()).not.toContain('error');
  }, T);

  it("forwards to port 80 of Skiff's nginx, as the docs do", async () => {
    const f = await portForward('pod/nginx', 80);
    expect(await get('127.0.0.1', f.localPort)).toContain('Welcome to nginx!');
  }, T);

  it('speaks plain SPDY/3.1 too, when kubectl is told not to tunnel it (PORT_FORWARD_WEBSOCKETS=false)', async () => {
    const f = await portForward(`pod/${POD}`, 8080, { PORT_FORWARD_WEBSOCKETS: 'false' });
    const both = await Promise.all([get('127.0.0.1', f.localPort), get('127.0.0.1', f.localPort, '/big.txt')]);
    expect(both[0]).toContain(PAGE);
    expect(both[1].trimEnd().split('\n').length).toBe(BIG_LINES);
  }, T);

  it('resolves svc/<name> to a pod and its targetPort', async () => {
    const f = await portForward('svc/web', 80);
    expect(await get('127.0.0.1', f.localPort)).toContain(PAGE);
  }, T);

  it('carries a response much larger than the flow-control window, intact', async () => {
    const f = await portForward(`pod/${POD}`, 8080);
    const [big, page] = await Promise.all([get('127.0.0.1', f.localPort, '/big.txt'), get('127.0.0.1', f.localPort)]);
    const lines = big.trimEnd().split('\n');
    expect(lines.length).toBe(BIG_LINES);
    expect([lines[0], lines[250_000], lines.at(-1)]).toEqual(['1', '250001', String(BIG_LINES)]);
    expect(page).toContain(PAGE);
  }, T);

  it('carries bytes to the pod far over the window, and a half-close, both ways intact', async () => {
    const f = await portForward(`pod/${POD}`, 9000);
    const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `${i}\n`).join(''));
    const [a, b] = await Promise.all([echo(f.localPort, data), echo(f.localPort, Buffer.from('small'))]);
    expect(a.length).toBe(data.length);
    expect(a.equals(data)).toBe(true);
    expect(b.toString()).toBe('small');
  }, T);

  it('resolves deploy/<name> to a pod of its selector', async () => {
    const f = await portForward('deploy/web', 8080);
    expect(await get('127.0.0.1', f.localPort)).toContain(PAGE);
  }, T);

  it('reports a refused port as kubectl reports it', async () => {
    const f = await portForward(`pod/${POD}`, 9);
    await get('127.0.0.1', f.localPort).catch(() => undefined);
    await waitFor('kubectl reports the error', () => (f.stderr().includes('an error occurred forwarding') ? true : undefined));
    expect(f.stderr()).toContain(`an error occurred forwarding ${f.localPort} -> 9`);
    expect(f.stderr()).toContain('connect: connection refused');
  }, T);
});
