/* eslint-disable @typescript-eslint/no-explicit-any -- parsed kubectl JSON in tests */
// The kubelet against a real cluster (nats-server, a store member, the API server) with the
// process runtime: real host processes on 127.0.0.0/8. One kubelet for the file; tests use their
// own pod names and run in order (the pod's life: running, restarted, deleted).
import { execFile, spawn } from 'node:child_process';
import { readFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lease, Node, Pod } from '@skiff/api';
import { systemRandom } from '@skiff/actors';
import { decode, encode } from '@skiff/bus';
import { ApiStatusError, Resources } from '@skiff/client';
import { startKubelet, logsSubject, type Kubelet } from '../src/index.js';
import { child, CLUSTER, startTestCluster, waitFor, type TestCluster } from './cluster.js';

const NODE = 'node-1';
const NODE_IP = '127.0.1.1';
const POD_CIDR = '127.42.201.0/24';
const T = 60_000;

let c: TestCluster;
let k: Kubelet;
let manifests: string;

beforeAll(async () => {
  c = await startTestCluster();
  manifests = join(c.dir, 'manifests');
  mkdirSync(manifests, { recursive: true });
  k = await startKubelet({
    natsUrls: [c.nats.url],
    cluster: CLUSTER,
    nodeName: NODE,
    nodeIP: NODE_IP,
    podCIDR: POD_CIDR,
    rootDir: join(c.dir, 'kubelet', NODE),
    labels: { 'skiff.dev/role': 'worker' },
    taints: [{ key: 'skiff.dev/test', value: 'yes', effect: 'PreferNoSchedule' }],
    podManifestPath: manifests,
    staticPodIntervalMs: 300,
    clock: c.clock,
    random: systemRandom(),
    logger: child(c.logger, { part: 'kubelet' }),
  });
  await k.ready;
}, 120_000);

afterAll(async () => {
  await k?.stop();
  await c?.stop();
}, 90_000);

const notFound = (e: unknown): boolean => e instanceof ApiStatusError && e.code === 404;
const getPod = (name: string): Promise<Pod | undefined> => k.client.get<Pod>(Resources.pods, name, { namespace: 'default' }).catch((e: unknown) => (notFound(e) ? undefined : Promise.reject(e)));
const cond = (p: Pod | undefined, type: string): string | undefined => p?.status?.conditions?.find((x) => x.type === type)?.status;

/** The pid a container wrote to `file`; undefined while the file is empty or half written. */
function pidIn(file: string): number | undefined {
  const n = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function alive(pid: number): boolean {
  // process.kill(0) would signal this very process group: never probe or kill a pid <= 0.
  if (!(pid > 0)) throw new Error(`not a pid: ${pid}`);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A pod running python's http.server on its own loopback IP, writing its pid to `pidFile` (`$$$$`: `$$` after the kubelet's $(VAR) expansion). */
function webPod(name: string, pidFile: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 5,
      containers: [
        {
          name: 'web',
          image: 'python:3',
          command: ['sh', '-c', `echo $$$$ > ${pidFile}; exec python3 -m http.server 8080 --bind "$POD_IP"`],
          ports: [{ containerPort: 8080 }],
          readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1, initialDelaySeconds: 0 },
        },
      ],
    },
  };
}

function kubectl(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)('/usr/bin/kubectl', args, { env: { ...process.env, KUBECONFIG: c.api.kubeconfigPath!, HOME: c.dir }, timeout: 30_000 });
}

describe('node', () => {
  it('registers the Node with labels, taints, capacity, addresses and node info, Ready', async () => {
    const node = await waitFor('Node Ready', async () => {
      const n = await k.client.get<Node>(Resources.nodes, NODE);
      return n.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True' ? n : undefined;
    });
    expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': NODE, 'kubernetes.io/os': 'linux', 'skiff.dev/role': 'worker' });
    expect(node.spec?.taints).toEqual([{ key: 'skiff.dev/test', value: 'yes', effect: 'PreferNoSchedule' }]);
    expect(node.status?.capacity?.['pods']).toBe('110');
    expect(node.status?.addresses).toEqual([
      { type: 'InternalIP', address: NODE_IP },
      { type: 'Hostname', address: NODE },
    ]);
    expect(node.status?.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0-skiff', containerRuntimeVersion: 'skiff-process://0.1', operatingSystem: 'linux' });
    const ready = node.status!.conditions!.find((x) => x.type === 'Ready')!;
    expect([ready.reason, ready.message]).toEqual(['KubeletReady', 'kubelet is posting ready status']);
    for (const t of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) expect(node.status!.conditions!.find((x) => x.type === t)?.status).toBe('False');
    const lease = await waitFor('node lease', () => k.client.get<Lease>(Resources.leases, NODE, { namespace: 'kube-node-lease' }).catch(() => undefined));
    expect(lease.spec?.holderIdentity).toBe(NODE);
  }, T);

  it('kubectl get nodes shows the node Ready', async () => {
    const { stdout } = await kubectl(['get', 'nodes', '-o', 'json']);
    const items = (JSON.parse(stdout) as any).items as any[];
    const node = items.find((n) => n.metadata.name === NODE);
    expect(node.status.conditions.find((x: any) => x.type === 'Ready').status).toBe('True');
  }, T);
});

describe('pods', () => {
  const name = 'web';
  let pidFile: string;
  let firstPid = 0;

  it('runs a pod bound to the node: Running and Ready through an httpGet readiness probe', async () => {
    pidFile = join(c.dir, 'web.pid');
    await k.client.create(Resources.pods, webPod(name, pidFile), { namespace: 'default' });
    const pod = await waitFor('pod Ready', async () => {
      const p = await getPod(name);
      return p?.status?.phase === 'Running' && cond(p, 'Ready') === 'True' ? p : undefined;
    });
    expect(pod.status?.hostIP).toBe(NODE_IP);
    expect(pod.status?.podIP).toMatch(/^127\.42\.201\.\d+$/);
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({ name: 'web', ready: true, restartCount: 0 });
    expect(pod.status?.qosClass).toBe('BestEffort');
    const res = await fetch(`http://${pod.status!.podIP}:8080/`);
    expect(res.status).toBe(200);
    firstPid = await waitFor('the pid file', () => pidIn(pidFile));
    expect(alive(firstPid)).toBe(true);
  }, T);

  it('serves the container log over kubelet.<node>.logs', async () => {
    const reply = await k.host.bus.request(logsSubject(CLUSTER, NODE), encode({ type: 'kubelet.logs', namespace: 'default', pod: name }), { timeoutMs: 10_000 });
    const msg = decode(reply.data) as { type: string; text?: string };
    expect(msg.type).toBe('kubelet.logs.text');
    expect(msg.text).toMatch(/"GET \/ HTTP\/1\.1" 200/);
  }, T);

  it('kubectl logs reaches the kubelet through the apiserver (pods/log)', async () => {
    const { stdout } = await kubectl(['logs', name, '-c', 'web', '--tail=2']);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => /"GET \/ HTTP\/1\.1" 200/.test(l))).toBe(true);
  }, T);

  it('kubectl logs -f streams new lines as the container writes them', async () => {
    const proc = spawn('/usr/bin/kubectl', ['logs', '-f', name, '--tail=0'], { env: { ...process.env, KUBECONFIG: c.api.kubeconfigPath!, HOME: c.dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    try {
      await waitFor('a followed line', () => (/"GET \/ HTTP\/1\.1" 200/.test(out) ? true : undefined), 20_000);
      expect(proc.exitCode).toBeNull();
    } finally {
      proc.kill('SIGKILL');
    }
  }, T);

  it('restarts a killed container: restartCount 1, Ready again, a new process', async () => {
    expect(firstPid).toBeGreaterThan(0);
    process.kill(firstPid, 'SIGKILL');
    const pod = await waitFor('restart', async () => {
      const p = await getPod(name);
      const s = p?.status?.containerStatuses?.[0];
      return s?.restartCount === 1 && s.ready === true ? p : undefined;
    });
    expect(pod.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(137);
    const pid = await waitFor('new pid', () => {
      const n = pidIn(pidFile);
      return n !== undefined && n !== firstPid ? n : undefined;
    });
    expect(alive(pid)).toBe(true);
    firstPid = pid;
  }, T);

  it('follows the log of the restarted container over NATS: new probe requests arrive as chunks', async () => {
    const req = encode({ type: 'kubelet.logs', namespace: 'default', pod: name, container: 'web', tailLines: 0, follow: true });
    const types: string[] = [];
    let text = '';
    for await (const m of k.host.bus.requestStream(logsSubject(CLUSTER, NODE), req, { idleTimeoutMs: 10_000 })) {
      const env = decode(m.data) as { type: string; text?: string };
      types.push(env.type);
      text += env.text ?? '';
      if (/"GET \/ HTTP\/1\.1" 200/.test(text) || types.length > 50) break;
    }
    expect(types[0]).toBe('kubelet.logs.opened');
    expect(types.slice(1).every((t) => t === 'kubelet.logs.chunk')).toBe(true);
    expect(text).toMatch(/"GET \/ HTTP\/1\.1" 200/);
  }, T);

  it('deletes gracefully: the process stops, then the kubelet removes the pod from the API', async () => {
    await k.client.delete(Resources.pods, name, { namespace: 'default' });
    await waitFor('pod gone from the API', async () => ((await getPod(name)) === undefined ? true : undefined));
    await waitFor('process gone', () => (alive(firstPid) ? undefined : true), 10_000);
  }, T);
});

describe('static pods', () => {
  it('runs a manifest as a static pod with a mirror pod, removed with its file; a bad manifest is an Event', async () => {
    const pidFile = join(c.dir, 'static.pid');
    const manifest = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'static-web', namespace: 'default' }, spec: { terminationGracePeriodSeconds: 5, containers: webPod('x', pidFile).spec!.containers } };
    writeFileSync(join(manifests, 'web.yaml'), JSON.stringify(manifest));
    writeFileSync(join(manifests, 'bad.yaml'), 'kind: Pod\nspec: [this is not a pod');
    const mirrorName = `static-web-${NODE}`;
    const mirror = await waitFor('mirror pod Running', async () => {
      const p = await getPod(mirrorName);
      return p?.status?.phase === 'Running' ? p : undefined;
    });
    expect(mirror.metadata.annotations?.['kubernetes.io/config.mirror']).toBeTruthy();
    expect(mirror.spec?.nodeName).toBe(NODE);
    const pid = await waitFor('static pid', () => {
      try {
        return pidIn(pidFile);
      } catch {
        return undefined;
      }
    });
    const events = await waitFor('parse event', async () => {
      const list = await k.client.list(Resources.events, { namespace: 'default' });
      const found = list.items.filter((e: any) => e.reason === 'FailedToParseStaticPod');
      return found.length > 0 ? found : undefined;
    });
    expect((events[0] as any).involvedObject).toMatchObject({ kind: 'Node', name: NODE });
    rmSync(join(manifests, 'web.yaml'));
    await waitFor('mirror pod deleted', async () => ((await getPod(mirrorName)) === undefined ? true : undefined));
    await waitFor('static process gone', () => (alive(pid) ? undefined : true), 15_000);
  }, T);
});

describe('eviction', () => {
  it('reports MemoryPressure from the stats provider and evicts the BestEffort pod (Failed, reason Evicted)', async () => {
    const Mi = 1024 * 1024;
    let availableMi = 4096;
    const k2 = await startKubelet({
      natsUrls: [c.nats.url],
      cluster: CLUSTER,
      nodeName: 'node-2',
      nodeIP: '127.0.1.2',
      podCIDR: '127.42.202.0/24',
      rootDir: join(c.dir, 'kubelet', 'node-2'),
      clock: c.clock,
      random: systemRandom(),
      logger: child(c.logger, { part: 'kubelet-2' }),
      stats: { summary: async () => ({ node: { memory: { availableBytes: availableMi * Mi, workingSetBytes: 1024 * Mi } }, pods: [] }) },
      eviction: { evictionHard: { 'memory.available': '100Mi' } },
      evictionMonitoringIntervalMs: 200,
    });
    try {
      await k2.ready;
      const pod = webPod('victim', join(c.dir, 'victim.pid'));
      await k2.client.create(Resources.pods, { ...pod, spec: { ...pod.spec!, nodeName: 'node-2' } }, { namespace: 'default' });
      await waitFor('victim Ready', async () => (cond(await getPod('victim'), 'Ready') === 'True' ? true : undefined));
      const pid = await waitFor('the victim pid', () => pidIn(join(c.dir, 'victim.pid')));
      availableMi = 50;
      const node = await waitFor('MemoryPressure', async () => {
        const n = await k2.client.get<Node>(Resources.nodes, 'node-2');
        return n.status?.conditions?.find((x) => x.type === 'MemoryPressure')?.status === 'True' ? n : undefined;
      });
      expect(node.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('True');
      const evicted = await waitFor('evicted', async () => {
        const p = await getPod('victim');
        return p?.status?.phase === 'Failed' ? p : undefined;
      });
      expect(evicted.status?.reason).toBe('Evicted');
      await waitFor('victim process gone', () => (alive(pid) ? undefined : true), 15_000);
    } finally {
      await k2.stop();
    }
  }, T);
});
