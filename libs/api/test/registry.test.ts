import { describe, expect, it } from 'vitest';
import { findByKind, findResource, groupVersions, lookupResource, resources, resourcesInCategory, subresourceBodies, type KubeObject } from '../src/index.js';
import { info } from './fixtures.js';

describe('registry lookups', () => {
  it('finds resources by group, version and plural, and by kind', () => {
    expect(findResource('', 'v1', 'pods')?.kind).toBe('Pod');
    expect(findResource('apps', 'v1', 'deployments')?.listKind).toBe('DeploymentList');
    expect(findResource('', 'v1', 'deployments')).toBeUndefined();
    expect(findByKind('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding')?.resource).toBe('clusterrolebindings');
    expect(findByKind('autoscaling', 'v1', 'Scale')?.resource).toBe('scale');
    expect(findByKind('policy', 'v1', 'Eviction')).toBeDefined();
  });

  it('resolves what users type: plural, singular, short name, kind, group-qualified', () => {
    const names = (q: string): string[] => lookupResource(q).map((r) => `${r.group}/${r.resource}`);
    expect(names('po')).toEqual(['/pods']);
    expect(names('Pod')).toEqual(['/pods']);
    expect(names('deploy')).toEqual(['apps/deployments']);
    expect(names('deployments.apps')).toEqual(['apps/deployments']);
    expect(names('svc')).toEqual(['/services']);
    expect(names('hpa')).toEqual(['autoscaling/horizontalpodautoscalers']);
    expect(names('pc')).toEqual(['scheduling.k8s.io/priorityclasses']);
    expect(names('quota')).toEqual(['/resourcequotas']);
    expect(names('nosuch')).toEqual([]);
  });

  it('uses Kubernetes short names and the "all" category', () => {
    const short = Object.fromEntries(resources.filter((r) => r.shortNames.length > 0).map((r) => [r.resource, r.shortNames]));
    expect(short).toEqual({
      namespaces: ['ns'],
      nodes: ['no'],
      pods: ['po'],
      services: ['svc'],
      endpoints: ['ep'],
      configmaps: ['cm'],
      cronjobs: ['cj'],
      serviceaccounts: ['sa'],
      events: ['ev'],
      limitranges: ['limits'],
      resourcequotas: ['quota'],
      daemonsets: ['ds'],
      deployments: ['deploy'],
      replicasets: ['rs'],
      replicationcontrollers: ['rc'],
      persistentvolumes: ['pv'],
      persistentvolumeclaims: ['pvc'],
      storageclasses: ['sc'],
      statefulsets: ['sts'],
      horizontalpodautoscalers: ['hpa'],
      poddisruptionbudgets: ['pdb'],
      priorityclasses: ['pc'],
    });
    expect(resourcesInCategory('all').map((r) => r.resource).sort()).toEqual(['cronjobs', 'daemonsets', 'deployments', 'horizontalpodautoscalers', 'jobs', 'pods', 'replicasets', 'replicationcontrollers', 'services', 'statefulsets']);
  });

  it('describes scope, verbs and subresources as discovery needs them', () => {
    const pods = info('', 'v1', 'pods');
    expect(pods.namespaced).toBe(true);
    expect(pods.singular).toBe('pod');
    expect(pods.verbs).toEqual(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    expect(pods.subresources.map((s) => s.name)).toEqual(['attach', 'binding', 'eviction', 'exec', 'log', 'portforward', 'status']);
    expect(pods.subresources.find((s) => s.name === 'eviction')).toMatchObject({ kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] });
    expect(info('apps', 'v1', 'deployments').subresources.find((s) => s.name === 'scale')).toMatchObject({ kind: 'Scale', group: 'autoscaling', version: 'v1' });
    expect(info('', 'v1', 'namespaces').verbs).not.toContain('deletecollection');
    expect(info('', 'v1', 'nodes').namespaced).toBe(false);
    expect(info('authorization.k8s.io', 'v1', 'selfsubjectaccessreviews').verbs).toEqual(['create']);
    expect(info('', 'v1', 'serviceaccounts').subresources).toEqual([{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }]);
  });

  it('lists each group-version once, core first', () => {
    const gvs = groupVersions().map((g) => `${g.group}/${g.version}`);
    expect(gvs[0]).toBe('/v1');
    expect(gvs).toContain('apps/v1');
    expect(gvs).toContain('autoscaling/v2');
    expect(new Set(gvs).size).toBe(gvs.length);
    // Each group's first version is its preferred one; autoscaling/v1 is served by conversion beside v2.
    expect(groupVersions().filter((g) => !g.preferred).map((g) => `${g.group}/${g.version}`)).toEqual(['autoscaling/v1']);
    expect(gvs.indexOf('autoscaling/v2')).toBeLessThan(gvs.indexOf('autoscaling/v1'));
  });

  it('gives every resource a schema with an OpenAPI name and a table', () => {
    for (const r of [...resources, ...subresourceBodies]) {
      expect((r.schema as { $id?: string }).$id, r.resource).toMatch(/^io\.k8s\.(api|metrics\.pkg\.apis)\./);
      expect(r.tableColumns.length, r.resource).toBeGreaterThan(1);
      const row = r.tableRow({ metadata: { name: 'x', creationTimestamp: '2026-01-01T00:00:00Z' } }, Date.parse('2026-01-02T00:00:00Z'));
      expect(row, r.resource).toHaveLength(r.tableColumns.length);
    }
  });
});

describe('field selectors', () => {
  const pod: KubeObject = {
    metadata: { name: 'p' },
    spec: { nodeName: 'node-1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default', hostNetwork: true },
    status: { phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }], nominatedNodeName: 'node-2' },
  };

  it('reads the pod fields Kubernetes supports', () => {
    const fields = info('', 'v1', 'pods').fieldSelectors;
    expect(Object.fromEntries(Object.entries(fields).map(([k, get]) => [k, get(pod)]))).toEqual({
      'spec.nodeName': 'node-1',
      'spec.restartPolicy': 'Always',
      'spec.schedulerName': 'default-scheduler',
      'spec.serviceAccountName': 'default',
      'spec.hostNetwork': 'true',
      'status.phase': 'Running',
      'status.podIP': '10.0.0.5',
      'status.nominatedNodeName': 'node-2',
    });
    expect(fields['spec.nodeName']?.({ metadata: { name: 'q' }, spec: {} })).toBe('');
    expect(fields['spec.hostNetwork']?.({ metadata: { name: 'q' }, spec: {} })).toBe('false');
  });

  it('reads node, event, secret, namespace, replica set and job fields', () => {
    expect(info('', 'v1', 'nodes').fieldSelectors['spec.unschedulable']?.({ metadata: {}, spec: { unschedulable: true } })).toBe('true');
    const ev: KubeObject = { metadata: {}, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default', uid: 'u1' }, reason: 'Started', type: 'Normal', source: { component: 'kubelet' }, reportingComponent: 'kubelet' };
    const evFields = info('', 'v1', 'events').fieldSelectors;
    expect(evFields['involvedObject.uid']?.(ev)).toBe('u1');
    expect(evFields['involvedObject.kind']?.(ev)).toBe('Pod');
    expect(evFields['source']?.(ev)).toBe('kubelet');
    expect(evFields['reason']?.(ev)).toBe('Started');
    expect(info('', 'v1', 'secrets').fieldSelectors['type']?.({ metadata: {}, type: 'kubernetes.io/tls' })).toBe('kubernetes.io/tls');
    expect(info('', 'v1', 'namespaces').fieldSelectors['status.phase']?.({ metadata: {}, status: { phase: 'Terminating' } })).toBe('Terminating');
    expect(info('apps', 'v1', 'replicasets').fieldSelectors['status.replicas']?.({ metadata: {}, status: { replicas: 3 } })).toBe('3');
    expect(info('batch', 'v1', 'jobs').fieldSelectors['status.successful']?.({ metadata: {}, status: { succeeded: 2 } })).toBe('2');
  });
});
