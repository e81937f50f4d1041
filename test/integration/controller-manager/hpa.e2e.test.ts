// The HorizontalPodAutoscaler end to end, on real CPU: real nats-server, store, API server, scheduler,
// one kubelet with the process runtime (containers are host processes, so their CPU is measured
// from /proc), metrics.k8s.io served by the API server from the kubelet's stats, and the controller
// manager's horizontalpodautoscaling controller reading them through its MetricsClient adapter.
// A Deployment of Python loops requesting 100m CPU burns ~20% of a core per pod while a flag file
// exists; `kubectl autoscale` (autoscaling/v1) puts an HPA on it (min 1, max 3, 50%), `kubectl
// patch` (autoscaling/v2) sets a zero scale-down window. Under load it scales to 3; when the flag
// goes, back to 1. Nothing in the metrics path is faked.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HorizontalPodAutoscaler, Pod } from '@skiff/api';
import { SeededRandom } from '@skiff/core';
import { startKubelet, type Kubelet } from '@skiff/kubelet-service';
import { startSchedulerProcess, type SchedulerProcess } from '@skiff/kube-scheduler';
import { Resources, type KubeObject } from '@skiff/client';
import { child, CLUSTER, eventually, startTestCluster, type TestCluster } from '@skiff/kube-controller-manager/testing';

const T = 300_000;
let c: TestCluster;
let kubelet: Kubelet | undefined;
let scheduler: SchedulerProcess | undefined;
let flag = '';

/** Busy for 20 ms of every 100 ms while the flag file exists (about 200m, twice the request); idle otherwise. */
const BURNER = [
  'import os, time',
  "flag = os.environ['BURN_FLAG']",
  'while True:',
  '    if os.path.exists(flag):',
  '        end = time.monotonic() + 0.02',
  '        while time.monotonic() < end: pass',
  '        time.sleep(0.08)',
  '    else:',
  '        time.sleep(0.2)',
].join('\n');

beforeAll(async () => {
  c = await startTestCluster();
  flag = join(c.dir, 'burn');
  // The sync period is the flag's (--horizontal-pod-autoscaler-sync-period), shortened for the test.
  await c.startControllerManager('kcm-hpa', { controllers: ['replicaset', 'deployment', 'horizontalpodautoscaling'], horizontalPodAutoscaler: { syncPeriodMs: 3_000 } });
  scheduler = await startSchedulerProcess({ natsUrls: [c.natsUrl], cluster: CLUSTER, schedulerName: 'default-scheduler', instance: 'sched-hpa', version: '0.1.0', clock: c.clock, random: new SeededRandom(3), logger: child(c.logger, { part: 'scheduler' }) });
  kubelet = await startKubelet({
    natsUrls: [c.natsUrl],
    cluster: CLUSTER,
    nodeName: 'hpa-node',
    nodeIP: '127.0.8.1',
    podCIDR: '127.43.8.0/24',
    rootDir: join(c.dir, 'kubelet'),
    clock: c.clock,
    random: new SeededRandom(5),
    logger: child(c.logger, { part: 'kubelet' }),
  });
  await kubelet.ready;
}, T);

afterAll(async () => {
  if (flag !== '') rmSync(flag, { force: true });
  await kubelet?.stop();
  await scheduler?.stop();
  await c?.stop();
}, T);

async function kubectl(args: string[]): Promise<string> {
  const r = await c.kubectl(args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.code} ${r.stderr}`);
  return r.stdout;
}

const manifest = (): string =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'burner' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'burner' } },
      template: {
        metadata: { labels: { app: 'burner' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'burn', image: 'python:3', command: ['python3', '-c', BURNER], env: [{ name: 'BURN_FLAG', value: flag }], resources: { requests: { cpu: '100m' } } }],
        },
      },
    },
  });

const replicas = async (): Promise<number | undefined> => (await c.client.get<KubeObject & { spec?: { replicas?: number } }>(Resources.deployments, 'burner', { namespace: 'default' })).spec?.replicas;
const runningPods = async (): Promise<number> =>
  (await c.client.list<Pod & KubeObject>(Resources.pods, { namespace: 'default', labelSelector: 'app=burner' })).items.filter((p) => p.metadata.deletionTimestamp === undefined && p.status?.phase === 'Running').length;
const hpa = (): Promise<HorizontalPodAutoscaler & KubeObject> => c.client.get(Resources.horizontalPodAutoscalers, 'burner', { namespace: 'default' });
const utilization = (h: HorizontalPodAutoscaler): number | undefined => h.status?.currentMetrics?.[0]?.resource?.current.averageUtilization;
const rescales = async (): Promise<string[]> =>
  (await c.client.list<KubeObject & { reason?: string; message?: string; involvedObject?: { name?: string } }>(Resources.events, { namespace: 'default' })).items
    .filter((e) => e.reason === 'SuccessfulRescale' && e.involvedObject?.name === 'burner')
    .map((e) => e.message ?? '');

describe('HorizontalPodAutoscaler on measured CPU', () => {
  it('scales a Deployment up under load and back down when the load stops', async () => {
    const file = join(c.dir, 'burner.json');
    writeFileSync(file, manifest());
    await kubectl(['apply', '-f', file]);
    await eventually(async () => ((await runningPods()) === 1 ? true : undefined), 'one running burner', 90_000);

    expect(await kubectl(['autoscale', 'deployment', 'burner', '--cpu-percent=50', '--min=1', '--max=3'])).toContain('horizontalpodautoscaler.autoscaling/burner autoscaled');
    await kubectl(['patch', 'hpa', 'burner', '--type=merge', '-p', JSON.stringify({ spec: { behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } } })]);

    // Idle: the metrics pipeline reports the pod, under the target; nothing scales.
    const idle = await eventually(async () => {
      const h = await hpa();
      const u = utilization(h);
      return u !== undefined && u < 50 ? h : undefined;
    }, 'an idle utilization in the HPA status', 120_000);
    expect(idle.status?.currentReplicas).toBe(1);
    expect(await replicas()).toBe(1);

    // Load: each pod asks for twice its request; the HPA goes to maxReplicas.
    writeFileSync(flag, '');
    await eventually(async () => ((await replicas()) === 3 ? true : undefined), 'the Deployment scaled to 3', 180_000);
    // The Event is written after the scale (best effort): wait for it.
    await eventually(async () => ((await rescales()).some((m) => /^New size: [23]; reason: cpu resource utilization \(percentage of request\) above target$/.test(m)) ? true : undefined), 'the scale-up Event');
    await eventually(async () => ((await runningPods()) === 3 ? true : undefined), 'three running burners', 90_000);
    const busy = await eventually(async () => {
      const h = await hpa();
      return h.status?.currentReplicas === 3 && (utilization(h) ?? 0) > 50 ? h : undefined;
    }, 'the HPA status at 3 replicas above target', 120_000);
    const table = await kubectl(['get', 'hpa', 'burner']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/);
    expect(table).toMatch(new RegExp(`burner\\s+Deployment/burner\\s+cpu: \\d+%/50%\\s+1\\s+3\\s+3\\s+`));
    expect(utilization(busy)).toBeGreaterThan(50);

    // The load stops: with a zero scale-down window the HPA returns to minReplicas.
    rmSync(flag, { force: true });
    await eventually(async () => ((await replicas()) === 1 ? true : undefined), 'the Deployment scaled back to 1', 180_000);
    await eventually(async () => ((await rescales()).includes('New size: 1; reason: All metrics below target') ? true : undefined), 'the scale-down Event');
  }, 600_000);
});
