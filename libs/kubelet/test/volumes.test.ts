// The volume plan: folders and files per volume type, as the kubelet lays them out.
import { describe, expect, it } from 'vitest';
import type { ConfigMap, Pod, Secret } from '@skiff/api';
import { planPodVolumes, VolumeError } from '../src/volumes.js';

const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'special-config', namespace: 'default' }, data: { 'special.how': 'very', 'special.type': 'charm' } };
const secret: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, data: { password: Buffer.from('s3cret').toString('base64') } };
const lookup = { configMap: (_ns: string, name: string) => (name === cm.metadata.name ? cm : undefined), secret: (_ns: string, name: string) => (name === secret.metadata.name ? secret : undefined) };

function pod(volumes: NonNullable<NonNullable<Pod['spec']>['volumes']>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'kubernetes-downwardapi-volume-example', namespace: 'default', uid: 'u1', labels: { zone: 'us-est-coast', cluster: 'test-cluster1' }, annotations: { builder: 'john-doe' } },
    spec: { containers: [{ name: 'client-container', image: 'busybox', resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m' } } }], volumes },
  };
}

describe('planPodVolumes', () => {
  it('writes the docs downwardAPI example: labels and annotations as key="value" lines, resources by divisor', () => {
    const [v] = planPodVolumes(
      pod([
        {
          name: 'podinfo',
          downwardAPI: {
            items: [
              { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
              { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
              { path: 'cpu_limit', resourceFieldRef: { containerName: 'client-container', resource: 'limits.cpu', divisor: '1m' } },
            ],
          },
        },
      ]),
      '/pods/u1',
      lookup,
    );
    expect(v).toMatchObject({ type: 'downwardAPI', hostPath: '/pods/u1/volumes/kubernetes.io~downward-api/podinfo' });
    expect(v !== undefined && 'files' in v ? v.files.map((f) => [f.path, f.content]) : []).toEqual([
      ['labels', 'cluster="test-cluster1"\nzone="us-est-coast"'],
      ['annotations', 'builder="john-doe"'],
      ['cpu_limit', '500'],
    ]);
  });

  it('projects a ConfigMap, a Secret and downward API fields into one folder', () => {
    const [v] = planPodVolumes(
      pod([
        {
          name: 'all-in-one',
          projected: {
            sources: [
              { configMap: { name: 'special-config', items: [{ key: 'special.how', path: 'how' }] } },
              { secret: { name: 'creds' } },
              { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
            ],
          },
        },
      ]),
      '/pods/u1',
      lookup,
    );
    expect(v !== undefined && 'files' in v ? v.files.map((f) => [f.path, f.content]) : []).toEqual([
      ['how', 'very'],
      ['password', 's3cret'],
      ['name', 'kubernetes-downwardapi-volume-example'],
    ]);
  });

  it('refuses a missing ConfigMap in a projection, and service account tokens, with a VolumeError', () => {
    expect(() => planPodVolumes(pod([{ name: 'p', projected: { sources: [{ configMap: { name: 'nope' } }] } }]), '/pods/u1', lookup)).toThrow(VolumeError);
    expect(() => planPodVolumes(pod([{ name: 'p', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }]), '/pods/u1', lookup)).toThrow(/serviceAccountToken/);
    expect(() => planPodVolumes(pod([{ name: 'd', downwardAPI: { items: [{ path: '../x', fieldRef: { fieldPath: 'metadata.name' } }] } }]), '/pods/u1', lookup)).toThrow(/must be relative/);
  });
});
