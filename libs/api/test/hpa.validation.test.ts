import { describe, expect, it } from 'vitest';
import { createErrors, info } from './fixtures.js';

const hpas = info('autoscaling', 'v2', 'horizontalpodautoscalers');
const hpa = (spec: Record<string, unknown>) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'h', namespace: 'default' },
  spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, ...spec },
});
const cpu = (target: Record<string, unknown>) => ({ metrics: [{ type: 'Resource', resource: { name: 'cpu', target } }] });

describe('HorizontalPodAutoscaler metric targets and behavior', () => {
  it('accepts a CPU utilization target and a zero scale-down window', () => {
    expect(createErrors(hpas, hpa({ ...cpu({ type: 'Utilization', averageUtilization: 50 }), behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } }))).toEqual([]);
  });

  it('rejects targets the controller would divide by, or that say two things', () => {
    expect(createErrors(hpas, hpa(cpu({ type: 'Utilization', averageUtilization: 0 })))).toEqual(['spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0']);
    expect(createErrors(hpas, hpa(cpu({ type: 'AverageValue', averageValue: '0' })))).toEqual(['spec.metrics[0].resource.target.averageValue: Invalid value: "0": must be positive']);
    expect(createErrors(hpas, hpa(cpu({ type: 'Utilization' })))).toEqual(['spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization']);
    expect(createErrors(hpas, hpa(cpu({ type: 'Utilization', averageUtilization: 50, averageValue: '100m' })))).toEqual(['spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization']);
    expect(createErrors(hpas, hpa(cpu({ type: 'Percent', averageUtilization: 50 })))).toEqual(['spec.metrics[0].resource.target.type: Invalid value: "Percent": must be either Utilization, Value, or AverageValue']);
  });

  it('bounds the scaling rules as Kubernetes does', () => {
    const errs = createErrors(
      hpas,
      hpa({
        behavior: {
          scaleUp: { stabilizationWindowSeconds: 3601, selectPolicy: 'Fastest', policies: [{ type: 'Pods', value: 0, periodSeconds: 1801 }] },
          scaleDown: { stabilizationWindowSeconds: -1, policies: [{ type: 'Replicas', value: 1, periodSeconds: 0 }] },
        },
      }),
    );
    expect(errs).toEqual([
      'spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal to 3600',
      'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Fastest": supported values: "Disabled", "Max", "Min"',
      'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
      'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800',
      'spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: -1: must be greater than or equal to zero',
      'spec.behavior.scaleDown.policies[0].type: Unsupported value: "Replicas": supported values: "Percent", "Pods"',
      'spec.behavior.scaleDown.policies[0].periodSeconds: Invalid value: 0: must be greater than zero',
    ]);
  });
});
