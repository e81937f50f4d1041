// autoscaling/v1 HorizontalPodAutoscaler served by conversion over the stored autoscaling/v2.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiRequest, WatchEvent } from '../../src/core/types.js';
import { q, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const V1 = { group: 'autoscaling', version: 'v1' } as const;
const V2 = { group: 'autoscaling', version: 'v2' } as const;
const R = 'horizontalpodautoscalers';
const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
const hpaV1 = (extra: Record<string, unknown> = {}) => ({
  apiVersion: 'autoscaling/v1',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web' },
  spec: { scaleTargetRef: target, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50, ...extra },
});
const cpu = (averageUtilization: number) => [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } } }];

describe('autoscaling/v1 HorizontalPodAutoscaler', () => {
  it('stores what kubectl autoscale posts as autoscaling/v2 and answers in v1', async () => {
    const created = await h.obj({ ...V1, verb: 'create', resource: R, namespace: 'default', body: hpaV1() });
    expect(created.apiVersion).toBe('autoscaling/v1');
    expect(created['spec']).toEqual({ scaleTargetRef: target, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 });
    const stored = await h.obj({ ...V2, verb: 'get', resource: R, namespace: 'default', name: 'web' });
    expect(stored.apiVersion).toBe('autoscaling/v2');
    expect(stored['spec']).toEqual({ scaleTargetRef: target, minReplicas: 1, maxReplicas: 5, metrics: cpu(50) });
    expect(stored.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    const list = await h.obj({ ...V1, verb: 'list', resource: R, namespace: 'default' });
    expect(list).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscalerList' });
    expect((list['items'] as { apiVersion: string; spec: unknown }[]).map((i) => [i.apiVersion, i.spec])).toEqual([['autoscaling/v1', created['spec']]]);
  });

  it('validates the converted object (maxReplicas below minReplicas is 422) and the v1 structure', async () => {
    const bad = await h.err({ ...V1, verb: 'create', resource: R, namespace: 'default', body: hpaV1({ minReplicas: 4, maxReplicas: 2 }) });
    expect(bad.code).toBe(422);
    expect(bad.message).toContain('spec.maxReplicas');
    const wrongType = await h.err({ ...V1, verb: 'create', resource: R, namespace: 'default', body: hpaV1({ targetCPUUtilizationPercentage: 'half' }) });
    expect(wrongType.code).toBe(422);
    expect(wrongType.message).toContain('spec.targetCPUUtilizationPercentage');
  });

  it('applies a v1 merge patch to the v1 representation, keeping v2-only fields', async () => {
    const behavior = { scaleDown: { stabilizationWindowSeconds: 0 } };
    await h.obj({ ...V2, verb: 'create', resource: R, namespace: 'default', body: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: target, maxReplicas: 3, metrics: cpu(50), behavior } } });
    const patched = await h.obj({ ...V1, verb: 'patch', resource: R, namespace: 'default', name: 'web', patchType: 'merge', body: { spec: { targetCPUUtilizationPercentage: 70 } } });
    expect(patched['spec']).toMatchObject({ targetCPUUtilizationPercentage: 70, maxReplicas: 3 });
    const stored = await h.obj({ ...V2, verb: 'get', resource: R, namespace: 'default', name: 'web' });
    expect(stored['spec']).toMatchObject({ metrics: cpu(70) });
    expect((stored['spec'] as { behavior: { scaleDown: unknown } }).behavior.scaleDown).toMatchObject({ stabilizationWindowSeconds: 0 });
    expect(stored.metadata.annotations).toBeUndefined();
  });

  it('writes v1 status through the status subresource and reports v2 status as currentCPUUtilizationPercentage', async () => {
    await h.obj({ ...V1, verb: 'create', resource: R, namespace: 'default', body: hpaV1() });
    const current = await h.obj({ ...V2, verb: 'get', resource: R, namespace: 'default', name: 'web' });
    const status = { currentReplicas: 2, desiredReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 90, averageValue: '90m' } } }] };
    await h.obj({ ...V2, verb: 'update', resource: R, subresource: 'status', namespace: 'default', name: 'web', body: { ...current, status } });
    const got = await h.obj({ ...V1, verb: 'get', resource: R, subresource: 'status', namespace: 'default', name: 'web' });
    expect(got['status']).toEqual({ currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 90 });
  });

  it('converts watch events', async () => {
    const res = await h.call({ ...V1, verb: 'watch', resource: R, namespace: 'default', query: q({ resourceVersion: '0' }) } as Partial<ApiRequest> & Pick<ApiRequest, 'verb' | 'resource'>);
    if (res.kind !== 'watch') throw new Error('expected a watch');
    await h.obj({ ...V2, verb: 'create', resource: R, namespace: 'default', body: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'w2' }, spec: { scaleTargetRef: target, maxReplicas: 2, metrics: cpu(40) } } });
    const it = res.events[Symbol.asyncIterator]();
    let event: WatchEvent | undefined;
    for (let i = 0; i < 10; i++) {
      const next = await it.next();
      if (next.done === true) break;
      if (next.value.type === 'ADDED') {
        event = next.value;
        break;
      }
    }
    res.cancel();
    expect(event?.object).toMatchObject({ apiVersion: 'autoscaling/v1', metadata: { name: 'w2' }, spec: { targetCPUUtilizationPercentage: 40, maxReplicas: 2 } });
  });
});
