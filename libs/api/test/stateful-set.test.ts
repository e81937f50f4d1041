import { describe, expect, it } from 'vitest';
import type { KubeObject, StatefulSet } from '../src/index.js';
import { info } from './fixtures.js';

const sets = info('apps', 'v1', 'statefulsets');

// The docs' StatefulSet Basics web.yaml.
function web(): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      serviceName: 'nginx',
      replicas: 2,
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'registry.k8s.io/nginx-slim:0.21', ports: [{ containerPort: 80, name: 'web' }], volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
}

const errors = (sts: StatefulSet, old?: StatefulSet): string[] => {
  const obj = sts as unknown as KubeObject;
  sets.defaults(obj);
  return sets.validate(obj, old as unknown as KubeObject).map((e) => `${e.field}: ${e.message}`);
};

describe('StatefulSet', () => {
  it('accepts the docs example and defaults its policies', () => {
    const sts = web();
    expect(errors(sts)).toEqual([]);
    expect(sts.spec).toMatchObject({
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    expect(sts.metadata.labels).toEqual({ app: 'nginx' });
  });

  it('refuses a selector that does not match, another restart policy and unknown policies', () => {
    const sts = web();
    sts.spec!.selector = { matchLabels: { app: 'other' } };
    sts.spec!.template.spec!.restartPolicy = 'Never';
    sts.spec!.podManagementPolicy = 'Random' as 'Parallel';
    sts.spec!.updateStrategy = { type: 'OnDelete', rollingUpdate: { partition: 1 } };
    const errs = errors(sts).join('\n');
    expect(errs).toMatch(/spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/);
    expect(errs).toMatch(/spec\.template\.spec\.restartPolicy: Unsupported value: "Never"/);
    expect(errs).toMatch(/spec\.podManagementPolicy: Invalid value: "Random": must be 'OrderedReady' or 'Parallel'/);
    expect(errs).toMatch(/spec\.updateStrategy\.rollingUpdate: Invalid value: .*only allowed for updateStrategy 'RollingUpdate'/);
  });

  it('lets an update change replicas, template and strategy but not serviceName or claims', () => {
    const old = web();
    errors(old);
    const next = structuredClone(old);
    next.spec!.replicas = 5;
    next.spec!.template.spec!.containers[0]!.image = 'registry.k8s.io/nginx-slim:0.24';
    next.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 2 } };
    expect(errors(next, old)).toEqual([]);
    next.spec!.serviceName = 'other';
    expect(errors(next, old)).toEqual([
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });

  it('prints NAME READY AGE, and containers and images when wide', () => {
    expect(sets.tableColumns.map((c) => c.name)).toEqual(['Name', 'Ready', 'Age', 'Containers', 'Images']);
    const sts = { ...web(), metadata: { name: 'web', creationTimestamp: '2026-01-01T00:00:00Z' }, status: { replicas: 2, readyReplicas: 1 } };
    expect(sets.tableRow(sts as unknown as KubeObject, Date.parse('2026-01-01T00:05:00Z'))).toEqual(['web', '1/2', '5m', 'nginx', 'registry.k8s.io/nginx-slim:0.21']);
  });
});
