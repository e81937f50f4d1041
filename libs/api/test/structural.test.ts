import { describe, expect, it } from 'vitest';
import { unknownFields } from '../src/index.js';
import { deployment, deployments, pod, pods } from './fixtures.js';

describe('structural checks', () => {
  it('reports wrong types with Kubernetes field paths', () => {
    const obj = deployment({ replicas: 'three', selector: { matchLabels: { app: 1 } }, template: { spec: { containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 1.5 }] }] } } });
    const errs = deployments.validate(obj).map((e) => `${e.type} ${e.field}: ${e.message}`);
    expect(errs).toEqual([
      'TypeInvalid spec.replicas: Invalid value: "three": must be of type integer',
      'TypeInvalid spec.selector.matchLabels[app]: Invalid value: 1: must be of type string',
      'TypeInvalid spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 1.5: must be of type integer',
    ]);
  });

  it('checks timestamps and base64 data', () => {
    const errs = pods.validate(pod({ containers: [{ name: 'a', image: 'x' }] }, { creationTimestamp: 'yesterday' }));
    expect(errs.map((e) => e.field)).toEqual(['metadata.creationTimestamp']);
  });

  it('accepts int-or-string and quantities of either form', () => {
    const obj = pod({ containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: 1, memory: '64Mi' } }, livenessProbe: { tcpSocket: { port: 'http' } }, ports: [{ containerPort: 80, name: 'http' }] }] });
    pods.defaults(obj);
    expect(pods.validate(obj)).toEqual([]);
  });

  it('finds unknown fields for strict field validation, and keeps them in the object', () => {
    const obj = pod({ containers: [{ name: 'a', image: 'x', imagePolicy: 'Always' }], nodeSelect: { a: 'b' } }, { labels: { ok: 'yes' } });
    (obj as Record<string, unknown>).extra = 1;
    expect(unknownFields(pods.schema, obj)).toEqual(['spec.containers[0].imagePolicy', 'spec.nodeSelect', 'extra']);
    pods.defaults(obj);
    expect((obj.spec as Record<string, unknown>).nodeSelect).toEqual({ a: 'b' });
    expect(pods.validate(obj)).toEqual([]);
  });
});

describe('fields named like schema keywords', () => {
  it('still type-checks a LimitRange item field called "default"', async () => {
    const { info } = await import('./fixtures.js');
    const limits = info('', 'v1', 'limitranges');
    const lr = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: 'default' }, spec: { limits: [{ type: 'Container', default: { cpu: true } }] } };
    expect(limits.validate(lr as never).map((e) => e.field)).toEqual(['spec.limits[0].default[cpu]']);
    const ok = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: 'default' }, spec: { limits: [{ type: 'Container', max: { cpu: '2' } }] } };
    limits.defaults(ok as never);
    expect(ok.spec.limits[0]).toEqual({ type: 'Container', max: { cpu: '2' }, default: { cpu: '2' }, defaultRequest: { cpu: '2' } });
    expect(limits.validate(ok as never)).toEqual([]);
  });
});
