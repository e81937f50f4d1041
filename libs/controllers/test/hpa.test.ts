import { describe, expect, it } from 'vitest';
import type { HorizontalPodAutoscaler, Pod } from '@skiff/api';
import {
  Resources,
  listerOf,
  syncHorizontalPodAutoscaler,
  type HpaState,
  type PodMetric,
  type PodMetrics,
  type ScaleTarget,
} from '../src/index.js';
import { T0, iso, pod } from './fixtures.js';

function hpa(o: { min?: number; max?: number; target?: number; behavior?: NonNullable<HorizontalPodAutoscaler['spec']>['behavior'] } = {}): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default', uid: 'hpa-1', generation: 1 },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: o.min ?? 1,
      maxReplicas: o.max ?? 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: o.target ?? 50 } } }],
      ...(o.behavior === undefined ? {} : { behavior: o.behavior }),
    },
  };
}

/** Running pods requesting 500m CPU, started long ago and ready since. */
function webPods(n: number, o: { request?: string } = {}): Pod[] {
  return Array.from({ length: n }, (_, i) => {
    const p = pod(`web-${i}`, { labels: { app: 'web' }, ready: true, readySinceMs: T0 - 3600_000, node: 'n1' });
    p.status!.startTime = iso(T0 - 3600_000);
    p.spec!.containers[0]!.resources = o.request === undefined ? { requests: { cpu: '500m' } } : {};
    return p;
  });
}

const scale = (replicas: number): ScaleTarget => ({ resource: Resources.deployments, name: 'web', replicas, selector: { matchLabels: { app: 'web' } } });
const metric = (cpuMilli: number, nowMs = T0): PodMetric => ({ timestampMs: nowMs - 10_000, windowMs: 30_000, usageMilli: { cpu: cpuMilli } });
const metricsFor = (pods: Pod[], cpu: (i: number) => number | undefined, nowMs = T0): PodMetrics =>
  new Map(pods.flatMap((p, i) => (cpu(i) === undefined ? [] : [[p.metadata.name!, metric(cpu(i)!, nowMs)] as const])));

function run(h: HorizontalPodAutoscaler, pods: Pod[], current: number, metrics: PodMetrics | { error: string }, nowMs = T0, state?: HpaState) {
  return syncHorizontalPodAutoscaler('default/web', { horizontalPodAutoscalers: listerOf([h]), pods: listerOf(pods) }, { nowMs, state, scale: scale(current), metrics });
}

const scaledTo = (r: ReturnType<typeof run>): number | undefined => {
  const patch = r.actions.find((a) => a.type === 'patch');
  return patch?.type === 'patch' ? (patch.patch as { spec: { replicas: number } }).spec.replicas : undefined;
};
const statusOf = (r: ReturnType<typeof run>) => {
  const u = r.actions.find((a) => a.type === 'updateStatus');
  return (u?.type === 'updateStatus' ? u.object : undefined) as HorizontalPodAutoscaler | undefined;
};
const condition = (r: ReturnType<typeof run>, type: string) => (statusOf(r)?.status?.conditions as { type: string }[] | undefined)?.find((c) => c.type === type);

describe('HPA: replica math', () => {
  it('scales to ceil(current * usage / target) and reports why', () => {
    const pods = webPods(4);
    const r = run(hpa(), pods, 4, metricsFor(pods, () => 400)); // 80% of 500m against 50%
    expect(scaledTo(r)).toBe(7); // ceil(4 * 1.6)
    expect(r.actions.find((a) => a.type === 'patch')).toMatchObject({ resource: Resources.deployments, name: 'web', subresource: 'scale', patchType: 'merge' });
    expect(r.actions.find((a) => a.type === 'event')).toMatchObject({ reason: 'SuccessfulRescale', message: 'New size: 7; reason: cpu resource utilization (percentage of request) above target' });
    const status = statusOf(r)!.status!;
    expect(status).toMatchObject({ currentReplicas: 4, desiredReplicas: 7, lastScaleTime: iso(T0), observedGeneration: 1 });
    expect(status.currentMetrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 80, averageValue: '400m' } } }]);
    expect(condition(r, 'AbleToScale')).toMatchObject({ status: 'True', reason: 'SucceededRescale', message: 'the HPA controller was able to update the target scale to 7' });
    expect(condition(r, 'ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' });
    expect(condition(r, 'ScalingLimited')).toMatchObject({ status: 'False', reason: 'DesiredWithinRange' });
  });

  it('does nothing within the 10% tolerance', () => {
    const pods = webPods(4);
    expect(scaledTo(run(hpa(), pods, 4, metricsFor(pods, () => 270)))).toBeUndefined(); // 54%: ratio 1.08
    expect(scaledTo(run(hpa(), pods, 4, metricsFor(pods, () => 280)))).toBe(5); // 56%: ratio 1.12
    expect(scaledTo(run(hpa(), pods, 4, metricsFor(pods, () => 230)))).toBeUndefined(); // 46%: ratio 0.92
  });

  it('clamps to maxReplicas and minReplicas and says so in ScalingLimited', () => {
    const pods = webPods(4);
    const high = run(hpa({ max: 6 }), pods, 4, metricsFor(pods, () => 1000));
    expect(scaledTo(high)).toBe(6);
    expect(condition(high, 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'TooManyReplicas' });
    const fast = run(hpa({ max: 50 }), pods, 4, metricsFor(pods, () => 2000)); // 400%: 16, but at most 2 x 4
    expect(scaledTo(fast)).toBe(8);
    expect(condition(fast, 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'ScaleUpLimit' });
    const over = run(hpa({ max: 3 }), pods, 4, metricsFor(pods, () => 250));
    expect(scaledTo(over)).toBe(3);
    expect(over.actions.find((a) => a.type === 'event')).toMatchObject({ message: 'New size: 3; reason: Current number of replicas above Spec.MaxReplicas' });
  });

  it('treats missing metrics conservatively: no scale when they could flip the direction', () => {
    const pods = webPods(4);
    // Two pods at 20%, two without metrics: on a scale-down they count as 100%, 60% overall: no change.
    expect(scaledTo(run(hpa(), pods, 4, metricsFor(pods, (i) => (i < 2 ? 100 : undefined))))).toBeUndefined();
    // Two pods at 100%, two without: on a scale-up they count as 0%, 50% overall: within tolerance.
    expect(scaledTo(run(hpa(), pods, 4, metricsFor(pods, (i) => (i < 2 ? 500 : undefined))))).toBeUndefined();
    // Two pods at 200%, two without: (200+200+0+0)/4 = 100% -> ratio 2 -> 8.
    expect(scaledTo(run(hpa(), pods, 4, metricsFor(pods, (i) => (i < 2 ? 1000 : undefined))))).toBe(8);
  });

  it('counts unready pods as idle when scaling up', () => {
    const pods = webPods(4);
    pods[3]!.status!.phase = 'Pending';
    // 3 ready pods at 100% (ratio 2); the pending one counts 0: 300/4 = 75% -> ceil(1.5 * 4) = 6.
    expect(scaledTo(run(hpa(), pods, 4, metricsFor(pods, () => 500)))).toBe(6);
  });

  it('reports a pod without a CPU request as a failed metric and does not scale', () => {
    const pods = webPods(2, { request: 'none' });
    const r = run(hpa(), pods, 2, metricsFor(pods, () => 400));
    expect(scaledTo(r)).toBeUndefined();
    expect(condition(r, 'ScalingActive')).toMatchObject({ status: 'False', reason: 'FailedGetResourceMetric', message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod web-0' });
    expect(r.actions.filter((a) => a.type === 'event').map((a) => (a.type === 'event' ? a.reason : ''))).toEqual(['FailedGetResourceMetric', 'FailedComputeMetricsReplicas']);
    const noMetrics = run(hpa(), pods, 2, { error: 'the server could not find the requested resource' });
    expect(condition(noMetrics, 'ScalingActive')).toMatchObject({ status: 'False', reason: 'FailedGetResourceMetric' });
  });

  it('leaves a target scaled to zero alone', () => {
    const r = run(hpa(), [], 0, new Map());
    expect(scaledTo(r)).toBeUndefined();
    expect(condition(r, 'ScalingActive')).toMatchObject({ status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero' });
  });
});

describe('HPA: stabilization and rate limits', () => {
  for (const behavior of [undefined, {}]) {
    it(`keeps the highest recommendation of the last 300 s before scaling down (behavior ${behavior === undefined ? 'unset' : 'defaulted'})`, () => {
      const h = hpa(behavior === undefined ? {} : { behavior });
      let pods = webPods(4);
      const up = run(h, pods, 4, metricsFor(pods, () => 400));
      expect(scaledTo(up)).toBe(7);
      pods = webPods(7);
      let state = up.state;
      let now = T0;
      // Load drops to 10%: the proposal is 2, but the 7 of 15 s ago holds for 300 s.
      for (let t = 15_000; t < 300_000; t += 15_000) {
        now = T0 + t;
        const r = run(h, pods, 7, metricsFor(pods, () => 50, now), now, state);
        state = r.state;
        expect(scaledTo(r)).toBeUndefined();
        expect(condition(r, 'AbleToScale')).toMatchObject({ reason: 'ScaleDownStabilized' });
      }
      now = T0 + 300_001;
      const down = run(h, pods, 7, metricsFor(pods, () => 50, now), now, state);
      expect(scaledTo(down)).toBe(2);
      expect(down.actions.find((a) => a.type === 'event')).toMatchObject({ message: 'New size: 2; reason: All metrics below target' });
    });
  }

  for (const behavior of [undefined, {}]) {
    it(`takes the downscale window of the flag when the HPA sets none (behavior ${behavior === undefined ? 'unset' : 'defaulted'})`, () => {
      const h = hpa(behavior === undefined ? {} : { behavior });
      const downscaleStabilizationSeconds = 60;
      const sync = (pods: Pod[], current: number, cpu: number, nowMs: number, state?: HpaState) =>
        syncHorizontalPodAutoscaler('default/web', { horizontalPodAutoscalers: listerOf([h]), pods: listerOf(pods) }, { nowMs, state, scale: scale(current), metrics: metricsFor(pods, () => cpu, nowMs), downscaleStabilizationSeconds });
      const up = sync(webPods(4), 4, 400, T0);
      expect(scaledTo(up)).toBe(7);
      const held = sync(webPods(7), 7, 50, T0 + 45_000, up.state);
      expect(scaledTo(held)).toBeUndefined();
      expect(scaledTo(sync(webPods(7), 7, 50, T0 + 60_001, held.state))).toBe(2);
    });
  }

  it('scales down at once with spec.behavior.scaleDown.stabilizationWindowSeconds 0', () => {
    const h = hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } });
    const up = run(h, webPods(4), 4, metricsFor(webPods(4), () => 400));
    expect(scaledTo(up)).toBe(7);
    const pods = webPods(7);
    expect(scaledTo(run(h, pods, 7, metricsFor(pods, () => 50, T0 + 15_000), T0 + 15_000, up.state))).toBe(2);
  });

  it('limits scale-up by the policies within their period', () => {
    const h = hpa({ max: 20, behavior: { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } });
    let pods = webPods(2);
    const first = run(h, pods, 2, metricsFor(pods, () => 500));
    expect(scaledTo(first)).toBe(3);
    expect(condition(first, 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'ScaleUpLimit' });
    pods = webPods(3);
    const soon = run(h, pods, 3, metricsFor(pods, () => 500, T0 + 30_000), T0 + 30_000, first.state);
    expect(scaledTo(soon)).toBeUndefined();
    const later = run(h, pods, 3, metricsFor(pods, () => 500, T0 + 61_000), T0 + 61_000, soon.state);
    expect(scaledTo(later)).toBe(4);
  });

  it('scales up at once by default (4 pods or 100% per 15 s, no window)', () => {
    const pods = webPods(2);
    const r = run(hpa({ max: 20, behavior: {} }), pods, 2, metricsFor(pods, () => 2500)); // 500%: 20
    expect(scaledTo(r)).toBe(6); // max(2 + 4, 2 * 2)
  });
});
