// The horizontalpodautoscaling controller over the real API: real nats-server, store, API server
// and kubectl; the test plays the kubelet (fake-kubelet.ts) and the metrics pipeline (a
// MetricsClient whose CPU usage per pod the test sets). The controller reads the Deployment
// through deployments/scale, writes replicas through it, writes the HPA's status subresource and
// records SuccessfulRescale Events.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelSelectorMatches, parseLabelSelector } from '@skiff/apimachinery';
import { Resources, type KubeObject } from '@skiff/client';
import type { HorizontalPodAutoscaler, Pod } from '@skiff/api';
import type { PodMetric } from '@skiff/controllers';
import { eventually, startTestCluster, type TestCluster } from './cluster.js';
import { registerNode, startFakeKubelet, type FakeKubelet } from './fake-kubelet.js';
import type { MetricsClient } from '../src/hpa.controller.js';

type PodObj = Pod & KubeObject;
type HpaObj = HorizontalPodAutoscaler & KubeObject;

let cluster: TestCluster;
let kubelet: FakeKubelet;
/** CPU usage every pod reports, in millicores. */
let cpuMilli = 0;
const selectorsAsked: string[] = [];

/** The metrics pipeline's part, played by the test: every live pod matching the selector uses cpuMilli. */
const metrics: MetricsClient = {
  async podMetrics(namespace, labelSelector) {
    selectorsAsked.push(labelSelector);
    const selector = parseLabelSelector(labelSelector);
    const pods = (await cluster.client.list<PodObj>(Resources.pods, { namespace })).items.filter((p) => labelSelectorMatches(selector, p.metadata.labels ?? {}));
    return new Map(pods.map((p): [string, PodMetric] => [p.metadata.name ?? '', { timestampMs: Date.now(), windowMs: 1_000, usageMilli: { cpu: cpuMilli } }]));
  },
};

beforeAll(async () => {
  cluster = await startTestCluster();
  await registerNode(cluster.client, 'node-1');
  kubelet = startFakeKubelet(cluster.client, ['node-1']);
  const kcm = await cluster.startControllerManager('kcm-1', {
    controllers: ['replicaset', 'deployment', 'horizontalpodautoscaling'],
    horizontalPodAutoscaler: { syncPeriodMs: 1_000, metrics },
  });
  await kcm.manager.whenLeading();
}, 60_000);

afterAll(async () => {
  await kubelet?.stop();
  await cluster?.stop();
}, 60_000);

const kubectlOk = (args: string[]): Promise<string> => cluster.kubectlOk(args);

const deploymentReplicas = async (): Promise<number | undefined> => (await cluster.client.get<KubeObject & { spec?: { replicas?: number } }>(Resources.deployments, 'web', { namespace: 'default' })).spec?.replicas;
const hpa = (name = 'web'): Promise<HpaObj> => cluster.client.get<HpaObj>(Resources.horizontalPodAutoscalers, name, { namespace: 'default' });
const rescaleMessages = async (): Promise<string[]> =>
  (await cluster.client.list<KubeObject & { reason?: string; message?: string; involvedObject?: { kind?: string } }>(Resources.events, { namespace: 'default' })).items
    .filter((e) => e.reason === 'SuccessfulRescale' && e.involvedObject?.kind === 'HorizontalPodAutoscaler')
    .map((e) => e.message ?? '');

describe('HorizontalPodAutoscaler controller', () => {
  it('scales a Deployment up under CPU load and back down when the load stops', async () => {
    await kubectlOk(['create', 'deployment', 'web', '--image=busybox', '--replicas=1']);
    await kubectlOk(['set', 'resources', 'deployment/web', '--requests=cpu=100m']);
    await kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    cpuMilli = 10;
    const body = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
      },
    };
    await cluster.client.create(Resources.horizontalPodAutoscalers, body as unknown as KubeObject);

    // Idle: 10% of the request, within min..max, nothing moves; the status says what was measured.
    const idle = await eventually(async () => {
      const h = await hpa();
      return h.status?.currentMetrics?.[0]?.resource?.current.averageUtilization === 10 ? h : undefined;
    }, 'the HPA status reports 10%');
    expect(idle.status).toMatchObject({ currentReplicas: 1, desiredReplicas: 1 });
    expect(selectorsAsked).toContain('app=web');
    expect(await deploymentReplicas()).toBe(1);

    // Load: 200% of the request against a 50% target wants 4 pods; maxReplicas caps it at 3.
    cpuMilli = 200;
    await eventually(async () => ((await deploymentReplicas()) === 3 ? true : undefined), 'the Deployment scaled to 3', 30_000);
    await eventually(async () => ((await rescaleMessages()).includes('New size: 3; reason: cpu resource utilization (percentage of request) above target') ? true : undefined), 'the scale-up Event');
    const up = await eventually(async () => {
      const h = await hpa();
      return h.status?.currentReplicas === 3 ? h : undefined;
    }, 'the HPA status at 3 replicas');
    expect(up.status?.lastScaleTime).toBeDefined();
    const limited = (up.status?.conditions as { type: string; status: string; reason?: string }[] | undefined)?.find((c) => c.type === 'ScalingLimited');
    expect(limited).toMatchObject({ status: 'True', reason: 'TooManyReplicas' });
    const table = await kubectlOk(['get', 'hpa', 'web']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/);
    expect(table).toMatch(/web\s+Deployment\/web\s+cpu: 200%\/50%\s+1\s+3\s+3\s+/);
    const described = await kubectlOk(['describe', 'hpa', 'web']);
    expect(described).toMatch(/resource cpu on pods\s+\(as a percentage of request\):\s+200% \(200m\) \/ 50%/);
    expect(described).toMatch(/Normal\s+SuccessfulRescale\s+\S+\s+horizontal-pod-autoscaler\s+New size: 3; reason: cpu resource utilization \(percentage of request\) above target/);

    // The load stops: with a zero scale-down window the HPA goes back to minReplicas at once.
    cpuMilli = 5;
    await eventually(async () => ((await deploymentReplicas()) === 1 ? true : undefined), 'the Deployment scaled back to 1', 30_000);
    await eventually(async () => ((await rescaleMessages()).includes('New size: 1; reason: All metrics below target') ? true : undefined), 'the scale-down Event');
  }, 120_000);

  it('kubectl autoscale (autoscaling/v1) makes an HPA the controller runs as autoscaling/v2', async () => {
    await kubectlOk(['create', 'deployment', 'api', '--image=busybox', '--replicas=1']);
    await kubectlOk(['set', 'resources', 'deployment/api', '--requests=cpu=100m']);
    expect(await kubectlOk(['autoscale', 'deployment', 'api', '--cpu-percent=50', '--min=1', '--max=5'])).toContain('horizontalpodautoscaler.autoscaling/api autoscaled');
    const stored = await cluster.client.get<HpaObj>(Resources.horizontalPodAutoscalers, 'api', { namespace: 'default' });
    expect(stored.spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name: 'api' }, minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] });
    await eventually(async () => ((await hpa('api')).status?.conditions !== undefined ? true : undefined), 'the controller wrote a status');
    const v1 = JSON.parse(await kubectlOk(['get', 'horizontalpodautoscalers.v1.autoscaling', 'api', '-o', 'json'])) as { apiVersion: string; spec: { targetCPUUtilizationPercentage?: number } };
    expect(v1).toMatchObject({ apiVersion: 'autoscaling/v1', spec: { targetCPUUtilizationPercentage: 50 } });
    const all = await kubectlOk(['get', 'all']);
    expect(all.split('\n').filter((l) => l.startsWith('horizontalpodautoscaler.autoscaling/api ')).length).toBe(1);
  }, 60_000);

  it('reports a target it cannot find instead of scaling anything', async () => {
    const body = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'ghost', namespace: 'default' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ghost' }, minReplicas: 1, maxReplicas: 3 },
    };
    await cluster.client.create(Resources.horizontalPodAutoscalers, body as unknown as KubeObject);
    const cond = await eventually(async () => {
      const h = await cluster.client.get<HpaObj>(Resources.horizontalPodAutoscalers, 'ghost', { namespace: 'default' });
      return (h.status?.conditions as { type: string; status: string; reason?: string; message?: string }[] | undefined)?.find((c) => c.type === 'AbleToScale');
    }, 'the AbleToScale condition');
    expect(cond).toMatchObject({ status: 'False', reason: 'FailedGetScale' });
    expect(cond.message).toContain('deployments.apps "ghost" not found');
  }, 60_000);
});
