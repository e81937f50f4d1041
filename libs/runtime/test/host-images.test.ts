// The image catalog's argv rule, and the emulated servers answering as the real ones on a pod IP.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { containerArgv, hostImage, parseImageReference } from '../src/host-images.js';

describe('parseImageReference', () => {
  it('drops the Docker Hub defaults, the digest, and reads the tag', () => {
    expect(parseImageReference('nginx')).toEqual({ repository: 'nginx', tag: 'latest' });
    expect(parseImageReference('docker.io/library/nginx:1.14.2@sha256:abc')).toEqual({ repository: 'nginx', tag: '1.14.2' });
    expect(parseImageReference('registry.k8s.io/e2e-test-images/agnhost:2.40')).toEqual({ repository: 'registry.k8s.io/e2e-test-images/agnhost', tag: '2.40' });
    expect(parseImageReference('localhost:5000/app')).toEqual({ repository: 'localhost:5000/app', tag: 'latest' });
  });
});

describe('containerArgv', () => {
  it('runs the image CMD when the pod says nothing, the command (without CMD) when it does', () => {
    expect(containerArgv('busybox:1.28', [], [])).toEqual(['sh']);
    expect(containerArgv('busybox:1.28', ['sh', '-c'], ['echo hi'])).toEqual(['sh', '-c', 'echo hi']);
    expect(containerArgv('ubuntu', [], ['sleep', '10'])).toEqual(['sleep', '10']);
  });

  it('keeps an ENTRYPOINT and replaces its CMD with args', () => {
    const [node, script, ...rest] = containerArgv('hashicorp/http-echo', [], ['-text=hello']);
    expect(node).toBe(process.execPath);
    expect(script).toMatch(/images\/http-echo\.mjs$/);
    expect(rest).toEqual(['-text=hello']);
  });

  it('swaps programs that live only in the image for their emulation', () => {
    const argv = containerArgv('registry.k8s.io/e2e-test-images/agnhost:2.40', ['/agnhost', 'netexec', '--http-port=8080'], []);
    expect(argv.slice(2)).toEqual(['netexec', '--http-port=8080']);
    expect(argv[1]).toMatch(/agnhost\.mjs$/);
    expect(containerArgv('registry.k8s.io/liveness', [], ['/server']).slice(2)).toEqual(['liveness']);
    expect(containerArgv('busybox', ['/agnhost'], [])).toEqual(['/agnhost']);
  });

  it('knows nothing of an unknown image, and an operator mapping wins', () => {
    expect(hostImage('redis:7')).toBeUndefined();
    expect(containerArgv('redis:7', [], [])).toEqual([]);
    expect(containerArgv('redis:7', [], [], { 'redis:7': { command: ['sleep'], args: ['1'] } })).toEqual(['sleep', '1']);
  });

  it('prints the tag of hello-app as its version', () => {
    expect(containerArgv('gcr.io/google-samples/hello-app:2.0', [], []).slice(2)).toEqual(['--version=2.0.0']);
  });
});

describe('emulated servers', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  /** Runs an image's argv with the env the process runtime gives, and fetches `path` once it answers. */
  async function fetchFrom(image: string, args: string[], ip: string, port: number, path: string, logs = false): Promise<{ status: number; body: string; log: string }> {
    const [cmd, ...rest] = containerArgv(image, [], args);
    const child = spawn(cmd!, rest, { env: { PATH: process.env['PATH'] ?? '', POD_IP: ip, SKIFF_POD_IP: ip, HOSTNAME: 'web-0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let log = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (log += d));
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`http://${ip}:${port}${path}`).catch(() => undefined);
      if (res !== undefined) {
        const body = await res.text();
        // The access line follows the answer; give a loaded machine time to write it.
        for (let j = 0; j < 50 && log === '' && logs; j++) await new Promise((r) => setTimeout(r, 100));
        return { status: res.status, body, log };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${image} never answered on ${ip}:${port}`);
  }

  it('nginx serves its welcome page on port 80 and logs the request', async () => {
    const r = await fetchFrom('nginx:1.14.2', [], '127.77.0.1', 80, '/', true);
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>Welcome to nginx!</title>');
    expect(r.log).toMatch(/^127\.0\.0\.1 - - \[.+\] "GET \/ HTTP\/1\.1" 200 \d+ "-" ".*"$/m);
  });

  it('agnhost netexec answers its hostname, and hello-app its version', async () => {
    expect((await fetchFrom('registry.k8s.io/e2e-test-images/agnhost:2.40', ['netexec', '--http-port=8080'], '127.77.0.2', 8080, '/hostname')).body).toBe('web-0');
    expect((await fetchFrom('gcr.io/google-samples/hello-app:1.0', [], '127.77.0.3', 8080, '/')).body).toBe('Hello, world!\nVersion: 1.0.0\nHostname: web-0\n');
  });
});
