import { describe, expect, it } from 'vitest';
import type { KubeObject, ReplicationController } from '../src/index.js';
import { info } from './fixtures.js';

const rcs = info('', 'v1', 'replicationcontrollers');

// The docs' replication.yaml.
function nginxRC(): ReplicationController {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'nginx', namespace: 'default' },
    spec: { replicas: 3, selector: { app: 'nginx' }, template: { metadata: { name: 'nginx', labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] } } },
  };
}

const errors = (rc: ReplicationController): string[] => {
  const obj = rc as unknown as KubeObject;
  rcs.defaults(obj);
  return rcs.validate(obj).map((e) => `${e.field}: ${e.message}`);
};

describe('ReplicationController', () => {
  it('accepts the docs example and defaults its labels from the template', () => {
    const rc = nginxRC();
    expect(errors(rc)).toEqual([]);
    expect(rc.metadata.labels).toEqual({ app: 'nginx' });
    expect(rc.spec?.template?.spec?.restartPolicy).toBe('Always');
  });

  it('takes the selector from the template labels when none is given, and one replica', () => {
    const rc = nginxRC();
    delete rc.spec!.selector;
    delete rc.spec!.replicas;
    expect(errors(rc)).toEqual([]);
    expect(rc.spec).toMatchObject({ selector: { app: 'nginx' }, replicas: 1 });
  });

  it('refuses a selector that does not match the template, and a missing template', () => {
    const rc = nginxRC();
    rc.spec!.selector = { app: 'other' };
    expect(errors(rc).join('\n')).toMatch(/^spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/);
    const bare: ReplicationController = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'x', namespace: 'default' }, spec: { replicas: 1 } };
    expect(errors(bare)).toEqual(['spec.selector: Required value', 'spec.template: Required value']);
  });

  it('prints NAME DESIRED CURRENT READY AGE, and the selector when wide', () => {
    expect(rcs.tableColumns.map((c) => c.name)).toEqual(['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector']);
    const rc = { ...nginxRC(), metadata: { name: 'nginx', creationTimestamp: '2026-01-01T00:00:00Z' }, status: { replicas: 3, readyReplicas: 2 } };
    expect(rcs.tableRow(rc as unknown as KubeObject, Date.parse('2026-01-01T00:05:00Z'))).toEqual(['nginx', 3, 3, 2, '5m', 'nginx', 'nginx', 'app=nginx']);
  });
});
