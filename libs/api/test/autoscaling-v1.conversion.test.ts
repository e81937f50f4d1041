import { describe, expect, it } from 'vitest';
import { findResource, type KubeObject } from '../src/index.js';
import { hpaV1ToV2, hpaV2ToV1, HPA_BEHAVIOR_ANNOTATION, HPA_CONDITIONS_ANNOTATION, HPA_METRICS_ANNOTATION } from '../src/conversion/autoscaling-v1.conversion.js';

const v1 = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, ...spec }, ...extra }) as KubeObject;

const cpu = (averageUtilization: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } } });
const memory = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } };

describe('autoscaling/v1 <-> v2 HorizontalPodAutoscaler', () => {
  it('turns targetCPUUtilizationPercentage into a CPU Utilization metric and back', () => {
    const v2 = hpaV1ToV2(v1({ minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 }));
    expect(v2).toEqual({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, metrics: [cpu(50)] },
    });
    expect(hpaV2ToV1(v2)).toEqual(v1({ minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 }));
  });

  it('leaves metrics unset without a CPU target (v2 defaulting picks 80%)', () => {
    expect((hpaV1ToV2(v1({ maxReplicas: 3 })) as { spec?: { metrics?: unknown } }).spec?.metrics).toBeUndefined();
  });

  it('reports the current CPU utilization in the v1 status; conditions ride in an annotation', () => {
    const conditions = [{ type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale' }];
    const stored = {
      ...hpaV1ToV2(v1({ maxReplicas: 3, targetCPUUtilizationPercentage: 50 })),
      status: { currentReplicas: 2, desiredReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 80, averageValue: '80m' } } }], conditions },
    } as KubeObject;
    const out = hpaV2ToV1(stored) as KubeObject & { status?: Record<string, unknown> };
    expect(out.status).toEqual({ currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 80 });
    expect(JSON.parse(String(out.metadata.annotations?.[HPA_CONDITIONS_ANNOTATION]))).toEqual(conditions);
    expect((hpaV1ToV2(out) as { status?: { conditions?: unknown } }).status?.conditions).toEqual(conditions);
  });

  it('keeps v2-only fields through a v1 read-modify-write', () => {
    const behavior = { scaleDown: { stabilizationWindowSeconds: 0 } };
    const stored = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default', annotations: { team: 'a' } },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 4, metrics: [memory, cpu(60)], behavior },
    } as KubeObject;
    const asV1 = hpaV2ToV1(stored) as KubeObject & { spec: Record<string, unknown> };
    expect(asV1.spec).toEqual({ scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 4, targetCPUUtilizationPercentage: 60 });
    expect(asV1.metadata.annotations).toMatchObject({ team: 'a', [HPA_METRICS_ANNOTATION]: JSON.stringify([memory]), [HPA_BEHAVIOR_ANNOTATION]: JSON.stringify(behavior) });
    asV1.spec['maxReplicas'] = 6;
    const back = hpaV1ToV2(asV1) as KubeObject & { spec: Record<string, unknown> };
    expect(back.metadata.annotations).toEqual({ team: 'a' });
    expect(back.spec).toEqual({ scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 6, metrics: [cpu(60), memory], behavior });
  });

  it('ignores a conversion annotation that is not JSON', () => {
    const broken = v1({ maxReplicas: 3, targetCPUUtilizationPercentage: 50 });
    broken.metadata.annotations = { [HPA_METRICS_ANNOTATION]: '{not json' };
    expect((hpaV1ToV2(broken) as { spec?: { metrics?: unknown } }).spec?.metrics).toEqual([cpu(50)]);
  });

  it('is served as autoscaling/v1 with v2 as the stored version', () => {
    const info = findResource('autoscaling', 'v1', 'horizontalpodautoscalers');
    expect(info?.conversion?.storageVersion).toBe('v2');
    expect(info?.shortNames).toEqual(['hpa']);
    const row = info?.tableRow(hpaV2ToV1({ ...hpaV1ToV2(v1({ minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 })), status: { currentReplicas: 1, desiredReplicas: 1, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 40 } } }] } } as KubeObject), Date.now());
    expect(row?.slice(0, 6)).toEqual(['web', 'Deployment/web', 'cpu: 40%/50%', '1', 5, 1]);
  });
});
