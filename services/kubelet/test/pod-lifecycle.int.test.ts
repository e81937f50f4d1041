// The kubelet's restart and eviction rules against a real cluster (nats-server, a store member,
// the API server) with the process runtime: a changed container spec restarts only that
// container (its hash changed), a failing liveness probe restarts the container, and under memory
// pressure the BestEffort pod goes before the Guaranteed one.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Event, Node, Pod } from '@skiff/api';
import { ApiStatusError, Resources } from '@skiff/client';
import type { NodeStatsSummary } from '@skiff/kubelet';
import { startKubelet, type Kubelet } from '../src/index.js';
import { startTestCluster, waitFor, type TestCluster, startTestKubelet } from './cluster.js';

const T = 90_000;
const Mi = 1024 * 1024;

let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster();
}, 120_000);

afterAll(async () => {
  await c?.stop();
}, 90_000);

/** Node n of this file: 127.0.1.(10+n), pods in 127.42.(210+n).0/24. */
function kubelet(nodeName: string, n: number, extra: Partial<Parameters<typeof startKubelet>[0]> = {}): Promise<Kubelet> {
  return startTestKubelet(c, nodeName, 10 + n, extra);
}

const notFound = (e: unknown): boolean => e instanceof ApiStatusError && e.code === 404;

function getPod(k: Kubelet, name: string): Promise<Pod | undefined> {
  return k.client.get<Pod>(Resources.pods, name, { namespace: 'default' }).catch((e: unknown) => (notFound(e) ? undefined : Promise.reject(e)));
}

function status(p: Pod | undefined, container: string): NonNullable<NonNullable<Pod['status']>['containerStatuses']>[number] | undefined {
  return p?.status?.containerStatuses?.find((s) => s.name === container);
}

function kubectl(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)('/usr/bin/kubectl', args, { env: { ...process.env, KUBECONFIG: c.api.kubeconfigPath!, HOME: c.dir }, timeout: 30_000 });
}

/** A container that sleeps until it is stopped: `sleep` gets SIGTERM from the kubelet. */
function sleeper(name: string, image = 'busybox:1.36'): NonNullable<Pod['spec']>['containers'][number] {
  return { name, image, command: ['sleep', '3600'] };
}

describe('container hash', () => {
  it('kubectl set image on one container of a pod restarts that container only', async () => {
    const k = await kubelet('hash-node', 1);
    try {
      const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pair', namespace: 'default' }, spec: { nodeName: 'hash-node', terminationGracePeriodSeconds: 2, containers: [sleeper('left'), sleeper('right')] } };
      await k.client.create(Resources.pods, pod, { namespace: 'default' });
      const running = await waitFor('both running', async () => {
        const p = await getPod(k, 'pair');
        return status(p, 'left')?.state?.running !== undefined && status(p, 'right')?.state?.running !== undefined ? p : undefined;
      });
      const rightId = status(running, 'right')?.containerID;
      const leftId = status(running, 'left')?.containerID;

      await kubectl(['set', 'image', 'pod/pair', 'left=busybox:1.37']);

      const after = await waitFor('left restarted with the new image', async () => {
        const p = await getPod(k, 'pair');
        const left = status(p, 'left');
        return left?.restartCount === 1 && left.state?.running !== undefined && left.image === 'busybox:1.37' ? p : undefined;
      });
      expect(status(after, 'left')?.containerID).not.toBe(leftId);
      expect(status(after, 'right')).toMatchObject({ restartCount: 0, containerID: rightId });
      expect(status(after, 'right')?.state?.running).toBeDefined();
      await k.client.delete(Resources.pods, 'pair', { namespace: 'default' });
    } finally {
      await k.stop();
    }
  }, T);
});

describe('liveness', () => {
  it('restarts a container whose liveness probe fails, with Unhealthy and Killing events', async () => {
    const k = await kubelet('live-node', 2);
    try {
      const pod: Pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'liveness-exec', namespace: 'default' },
        spec: {
          nodeName: 'live-node',
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              ...sleeper('liveness'),
              // The docs' liveness-exec example, faster: healthy for 2 s, then the file is gone.
              command: ['sh', '-c', 'touch healthy; sleep 2; rm -f healthy; sleep 600'],
              livenessProbe: { exec: { command: ['cat', 'healthy'] }, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 2 },
            },
          ],
        },
      };
      await k.client.create(Resources.pods, pod, { namespace: 'default' });
      const restarted = await waitFor('restartCount 1', async () => {
        const p = await getPod(k, 'liveness-exec');
        return (status(p, 'liveness')?.restartCount ?? 0) >= 1 ? p : undefined;
      }, 60_000);
      expect(status(restarted, 'liveness')?.lastState?.terminated).toBeDefined();
      // Events are written after the fact (best effort, as Kubernetes): wait for both.
      await waitFor('Unhealthy and Killing events', async () => {
        const events = await k.client.list<Event>(Resources.events, { namespace: 'default' });
        const reasons = events.items.filter((e) => e.involvedObject?.name === 'liveness-exec').map((e) => e.reason);
        return reasons.includes('Unhealthy') && reasons.includes('Killing') ? true : undefined;
      });
      await k.client.delete(Resources.pods, 'liveness-exec', { namespace: 'default' });
    } finally {
      await k.stop();
    }
  }, T);
});

describe('eviction order', () => {
  it('evicts the BestEffort pod and keeps the Guaranteed one once the pressure is gone', async () => {
    const node: { kubelet?: Kubelet } = {};
    let squeeze = false;
    // Each active pod uses 200 MiB; once squeezed, the node is short of memory while the
    // BestEffort pod runs, as it would be if that pod were the one eating it.
    const summary = async (): Promise<NodeStatsSummary> => {
      const active = node.kubelet?.pods.activePods() ?? [];
      const pressure = squeeze && active.some((p) => p.metadata.name === 'best-effort');
      return {
        node: { memory: { availableBytes: (pressure ? 50 : 4096) * Mi, workingSetBytes: 1024 * Mi } },
        pods: active.map((p) => ({ uid: p.metadata.uid ?? '', memoryWorkingSetBytes: 200 * Mi, ephemeralStorageBytes: 0, processCount: 1 })),
      };
    };
    const k = await kubelet('pressure-node', 3, { stats: { summary }, eviction: { evictionHard: { 'memory.available': '100Mi' } }, evictionMonitoringIntervalMs: 200 });
    node.kubelet = k;
    try {
      const guaranteed = { ...sleeper('app'), resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '100m', memory: '256Mi' } } };
      const pods: Pod[] = [
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'guaranteed', namespace: 'default' }, spec: { nodeName: 'pressure-node', terminationGracePeriodSeconds: 1, containers: [guaranteed] } },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'best-effort', namespace: 'default' }, spec: { nodeName: 'pressure-node', terminationGracePeriodSeconds: 1, containers: [sleeper('app')] } },
      ];
      for (const p of pods) {
        await k.client.create<Pod>(Resources.pods, p, { namespace: 'default' });
        await waitFor(`${p.metadata.name} running`, async () => ((await getPod(k, p.metadata.name!))?.status?.phase === 'Running' ? true : undefined));
      }
      expect((await getPod(k, 'guaranteed'))?.status?.qosClass).toBe('Guaranteed');
      squeeze = true;
      const evicted = await waitFor('best-effort evicted', async () => {
        const p = await getPod(k, 'best-effort');
        return p?.status?.phase === 'Failed' ? p : undefined;
      });
      expect(evicted.status?.reason).toBe('Evicted');
      const node = await k.client.get<Node>(Resources.nodes, 'pressure-node');
      expect(node.status?.conditions?.find((x) => x.type === 'MemoryPressure')?.status).toBe('True');
      // A few monitoring intervals with no pressure: the Guaranteed pod stays.
      await new Promise((r) => setTimeout(r, 1_500));
      expect((await getPod(k, 'guaranteed'))?.status?.phase).toBe('Running');
    } finally {
      await k.stop();
    }
  }, T);
});
