// Resource metrics end to end (real nats-server, store member, API server, a process-runtime
// kubelet): a pod spinning a CPU shows non-zero CPU in `kubectl top pod`, the node in `kubectl top
// node`, discovery lists metrics.k8s.io as kubectl needs it, and the NATS API client lists
// PodMetrics by label selector as the HPA controller does. A Ready node without a kubelet is left
// out without failing the others.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, Pod, PodMetrics } from '@skiff/api';
import { systemRandom } from '@skiff/actors';
import { Resources } from '@skiff/client';
import { startKubelet, type Kubelet } from '../src/index.js';
import { child, CLUSTER, startTestCluster, waitFor, type TestCluster, startTestKubelet } from './cluster.js';

const T = 120_000;
const NODE = 'metrics-node';

let c: TestCluster;
let k: Kubelet;

beforeAll(async () => {
  c = await startTestCluster();
  k = await startTestKubelet(c, NODE, 31);
}, 120_000);

afterAll(async () => {
  await k?.stop();
  await c?.stop();
}, 90_000);

function kubectl(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)('/usr/bin/kubectl', args, { env: { ...process.env, KUBECONFIG: c.api.kubeconfigPath!, HOME: c.dir }, timeout: 30_000 });
}

function pod(name: string, app: string, script: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app } },
    spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox:1.36', command: ['sh', '-c', script], resources: { requests: { cpu: '100m', memory: '16Mi' } } }] },
  };
}

/** `kubectl top` rows as [name, cpu, memory], once the command succeeds. */
function rows(stdout: string): string[][] {
  return stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
}

/** "250m" -> 250; "1" (cores) -> 1000. */
function milliCores(q: string | undefined): number {
  if (q === undefined) return NaN;
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}

describe('metrics.k8s.io', () => {
  it('kubectl top pod shows a busy pod using CPU and kubectl top node shows the node', async () => {
    await k.client.create(Resources.pods, pod('busy', 'spin', 'while :; do :; done'), { namespace: 'default' });
    await k.client.create(Resources.pods, pod('idle', 'rest', 'sleep 3600'), { namespace: 'default' });

    const busy = await waitFor(
      'kubectl top pod busy with CPU',
      async () => {
        const row = rows((await kubectl(['top', 'pod', 'busy', '--no-headers'])).stdout)[0];
        return row !== undefined && milliCores(row[1]) > 0 ? row : undefined;
      },
      90_000,
    );
    expect(busy[0]).toBe('busy');
    expect(busy[2]).toMatch(/^\d+Mi$/);

    const node = await waitFor('kubectl top node', async () => rows((await kubectl(['top', 'node', '--no-headers'])).stdout).find((r) => r[0] === NODE && r[1] !== '<unknown>'), 60_000);
    // NAME CPU(cores) CPU(%) MEMORY(bytes) MEMORY(%): the node is at least as busy as its pod.
    expect(milliCores(node[1])).toBeGreaterThan(0);
    expect(node[3]).toMatch(/^\d+Mi$/);

    const selected = await waitFor('kubectl top pod -l app=spin', async () => {
      const out = rows((await kubectl(['top', 'pod', '-l', 'app=spin', '--no-headers'])).stdout);
      return out.length === 1 ? out : undefined;
    });
    expect(selected[0]?.[0]).toBe('busy');
  }, T);

  it('discovery lists nodes and pods with get and list, aggregated and legacy', async () => {
    const legacy = JSON.parse((await kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1'])).stdout) as { resources: { name: string; kind: string; verbs: string[]; namespaced: boolean }[] };
    expect(legacy.resources.map((r) => [r.name, r.kind, r.namespaced, r.verbs])).toEqual([
      ['nodes', 'NodeMetrics', false, ['get', 'list']],
      ['pods', 'PodMetrics', true, ['get', 'list']],
    ]);
    const versions = (await kubectl(['api-versions'])).stdout.split('\n');
    expect(versions).toContain('metrics.k8s.io/v1beta1');
    const resources = (await kubectl(['api-resources', '--api-group=metrics.k8s.io', '--no-headers'])).stdout;
    expect(resources).toMatch(/^nodes\s+metrics\.k8s\.io\/v1beta1\s+false\s+NodeMetrics/m);
    expect(resources).toMatch(/^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics/m);
  }, T);

  it('the NATS API client lists PodMetrics by namespace and label selector', async () => {
    const list = await waitFor('PodMetrics of app=spin', async () => {
      const l = await k.client.list<KubeObject>(Resources.podMetrics, { namespace: 'default', labelSelector: 'app=spin' });
      return l.items.length === 1 ? l : undefined;
    });
    const m = list.items[0] as unknown as PodMetrics;
    expect(m.metadata.name).toBe('busy');
    expect(m.containers[0]?.name).toBe('main');
    expect(String(m.containers[0]?.usage['cpu'])).toMatch(/^\d+n$/);
  }, T);

  it('a hollow node reports its pods at the load their annotation asks for', async () => {
    const hollow = await startKubelet({
      natsUrls: [c.nats.url],
      cluster: CLUSTER,
      nodeName: 'hollow-node',
      nodeIP: '127.0.1.32',
      rootDir: join(c.dir, 'kubelet', 'hollow-node'),
      runtime: 'hollow',
      clock: c.clock,
      random: systemRandom(),
      logger: child(c.logger, { part: 'hollow-node' }),
    });
    try {
      await hollow.ready;
      const p = pod('synthetic', 'synthetic', 'true');
      p.metadata.annotations = { 'skiff.dev/hollow-cpu-load': '0.5' };
      p.spec!.nodeName = 'hollow-node';
      p.spec!.containers[0]!.resources = { requests: { cpu: '400m', memory: '64Mi' } };
      await k.client.create(Resources.pods, p, { namespace: 'default' });
      // Half of a 400m request; memory is half of the request by default.
      const row = await waitFor('kubectl top pod synthetic', async () => rows((await kubectl(['top', 'pod', 'synthetic', '--no-headers'])).stdout)[0], 60_000);
      expect(row).toEqual(['synthetic', '200m', '32Mi']);
      await kubectl(['annotate', 'pod', 'synthetic', 'skiff.dev/hollow-cpu-load=1.5', '--overwrite']);
      await waitFor('the new load', async () => (rows((await kubectl(['top', 'pod', 'synthetic', '--no-headers'])).stdout)[0]?.[1] === '600m' ? true : undefined), 60_000);
      await k.client.delete(Resources.pods, 'synthetic', { namespace: 'default' });
    } finally {
      await hollow.stop();
    }
  }, T);

  it('a Ready node without a kubelet is left out and does not stall the others', async () => {
    const ghost = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'ghost' }, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: '' }] } };
    await k.client.create(Resources.nodes, ghost as unknown as KubeObject);
    const list = await waitFor('NodeMetrics', async () => {
      const l = await k.client.list<KubeObject>(Resources.nodeMetrics);
      return l.items.length > 0 ? l : undefined;
    });
    // (The stopped hollow node's last answer may still be cached for a moment; the ghost never answered.)
    expect(list.items.map((i) => i.metadata.name)).toContain(NODE);
    expect(list.items.map((i) => i.metadata.name)).not.toContain('ghost');
    await expect(k.client.get(Resources.nodeMetrics, 'ghost')).rejects.toMatchObject({ code: 404 });
  }, T);
});
