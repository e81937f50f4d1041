// Services end to end, as a person drives them: `skiff up --detach` (every component: store,
// apiserver, controller manager, scheduler, two kubelets with the process runtime, the proxy), then
// the real kubectl applies a Deployment of three Python HTTP servers (each answers with its pod's
// name) behind a Service. Requests to the ClusterIP reach all three pods; ClientIP affinity pins a
// client to one; scaling to 1 and back to 3 serves every request once the endpoints are ready; a
// NodePort answers on each node's address; a pod started with `kubectl run -i` reaches the
// Service by its DNS name (cluster DNS needs root: skipped otherwise).

import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const CLUSTER = `svc${process.pid}`;
const home = mkdtempSync(join(tmpdir(), 'skiff-svc-e2e-'));
const dataDir = join(home, 'data');
const kubeconfig = join(dataDir, 'kubeconfig');

const SERVER = [
  'import http.server, os',
  "name = os.environ['POD_NAME'].encode()",
  'class H(http.server.BaseHTTPRequestHandler):',
  '    def do_GET(self):',
  "        self.send_response(200); self.send_header('Content-Length', str(len(name))); self.end_headers(); self.wfile.write(name)",
  '    def log_message(self, *args): pass',
  "http.server.ThreadingHTTPServer((os.environ['POD_IP'], 8080), H).serve_forever()",
].join('\n');

const manifests = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'server',
                image: 'python:3',
                command: ['python3', '-c', SERVER],
                env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
                ports: [{ containerPort: 8080, name: 'http' }],
                readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
              },
            ],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } },
];

function skiff(...args: string[]): Promise<{ stdout: string }> {
  return run(process.execPath, ['--import', 'tsx', join(ROOT, 'services/cli/src/main.ts'), ...args, '--cluster', CLUSTER, '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, HOME: home },
    timeout: 120_000,
  });
}

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', args, { env: { ...process.env, HOME: home, KUBECONFIG: kubeconfig }, timeout: 60_000 });
  return stdout;
}

function get(host: string, port: number): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const req = http.get({ host, port, path: '/', agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolveBody(body) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function spread(host: string, port: number, n: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const name = await get(host, port);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** Polls `check` every 500 ms until it returns true, at most `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function readyEndpoints(): Promise<number> {
  const ips = await kubectl('get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}');
  return ips.split(' ').filter((s) => s !== '').length;
}

let clusterIP = '';

beforeAll(async () => {
  await skiff('up', '--detach', '--nodes', '2');
  // Two YAML documents, as a manifest file usually holds them.
  const file = join(home, 'web.yaml');
  writeFileSync(file, manifests.map((m) => stringify(m)).join('---\n'));
  await kubectl('apply', '-f', file);
  await until('3 ready endpoints', async () => (await readyEndpoints()) === 3);
  clusterIP = (await kubectl('get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}')).trim();
}, 180_000);

afterAll(async () => {
  await skiff('down').catch(() => undefined);
  // A cluster whose down failed must not outlive the test: kill what its state file names.
  spawn('pkill', ['-f', dataDir]).on('error', () => undefined);
  rmSync(home, { recursive: true, force: true });
}, 120_000);

describe('a Service in front of a Deployment, through the proxy', () => {
  it('allocates a ClusterIP in 127.96.0.0/16 and spreads 300 requests over the three pods', { timeout: 120_000 }, async () => {
    expect(clusterIP).toMatch(/^127\.96\.\d+\.\d+$/);
    await until('the proxy to serve the ClusterIP', async () => (await get(clusterIP, 80)).startsWith('web-'));
    const counts = await spread(clusterIP, 80, 300);
    expect([...counts.keys()].sort()).toHaveLength(3);
    for (const n of counts.values()) expect(n).toBeGreaterThanOrEqual(50);
  });

  it('pins a client to one pod with sessionAffinity ClientIP', { timeout: 120_000 }, async () => {
    await kubectl('patch', 'service', 'web', '--type=merge', '-p', '{"spec":{"sessionAffinity":"ClientIP"}}');
    await until('affinity to apply', async () => (await spread(clusterIP, 80, 10)).size === 1, 30_000);
    expect((await spread(clusterIP, 80, 60)).size).toBe(1);
    await kubectl('patch', 'service', 'web', '--type=merge', '-p', '{"spec":{"sessionAffinity":"None","sessionAffinityConfig":null}}');
    await until('round robin to return', async () => (await spread(clusterIP, 80, 12)).size === 3, 30_000);
  });

  it('serves every request after scaling to 1 and back to 3 once the endpoints are ready', { timeout: 180_000 }, async () => {
    await kubectl('scale', 'deployment', 'web', '--replicas=1');
    await until('1 ready endpoint', async () => (await readyEndpoints()) === 1);
    await until('the proxy to follow', async () => (await spread(clusterIP, 80, 10)).size === 1, 30_000);
    expect([...(await spread(clusterIP, 80, 30)).values()].reduce((a, b) => a + b, 0)).toBe(30);
    await kubectl('scale', 'deployment', 'web', '--replicas=3');
    await until('3 ready endpoints', async () => (await readyEndpoints()) === 3);
    await until('the proxy to follow', async () => (await spread(clusterIP, 80, 12)).size === 3, 30_000);
    const counts = await spread(clusterIP, 80, 60);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(60);
    expect(counts.size).toBe(3);
  });

  it('answers a NodePort on each node address', { timeout: 120_000 }, async () => {
    await kubectl('patch', 'service', 'web', '--type=merge', '-p', '{"spec":{"type":"NodePort"}}');
    const nodePort = Number(await kubectl('get', 'service', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}'));
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    for (const node of ['127.0.1.1', '127.0.1.2']) {
      await until(`NodePort on ${node}`, async () => (await get(node, nodePort)).startsWith('web-'), 30_000);
    }
  });

  it.runIf(process.getuid?.() === 0)('resolves the Service by name from inside a pod (cluster DNS, search path)', { timeout: 120_000 }, async () => {
    const script = 'wget -qO- http://web; echo; wget -qO- http://web.default.svc.cluster.local; echo; hostname';
    const out = await kubectl('run', 'dns-client', '-i', '--rm', '--restart=Never', '--image=busybox', '--', 'sh', '-c', script);
    const lines = out.split('\n').filter((l) => l !== '');
    expect(lines.slice(0, 2).every((l) => l.startsWith('web-'))).toBe(true);
    expect(lines[2]).toBe('dns-client');
  });
});
