// The bodies kubectl v1.32.4 really sent (captured by a recording server, hex in the fixture).
import { describe, expect, it } from 'vitest';
import { decodeKubeProtobuf, isKubeProtobuf, type JsonObject } from '../src/index.js';
import { capturedBodies } from './captured-bodies.js';

function decodedFor(cmd: string, urlPart: string): JsonObject[] {
  return capturedBodies.filter((b) => b.cmd === cmd && b.url.includes(urlPart)).map((b) => decodeKubeProtobuf(b.bytes).object);
}

describe('bodies captured from kubectl 1.32', () => {
  it('are all protobuf and all decode', () => {
    expect(capturedBodies.length).toBeGreaterThanOrEqual(15);
    for (const body of capturedBodies) {
      expect(body.contentType).toBe('application/vnd.kubernetes.protobuf');
      expect(isKubeProtobuf(body.bytes)).toBe(true);
      expect(() => decodeKubeProtobuf(body.bytes), `${body.method} ${body.url}`).not.toThrow();
    }
  });

  it('create deployment: a Deployment named d1 running nginx', () => {
    expect(decodedFor('kubectl create deployment', '/deployments')).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd1', labels: { app: 'd1' } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'd1' } },
          template: { metadata: { labels: { app: 'd1' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] } },
          strategy: {},
        },
        status: {},
      },
    ]);
  });

  it('create configmap, secret generic, namespace, serviceaccount', () => {
    expect(decodedFor('kubectl create configmap', '/configmaps')).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c9' }, data: { a: 'b' } },
    ]);
    expect(decodedFor('kubectl create secret generic', '/secrets')).toEqual([
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' }, data: { a: Buffer.from('b').toString('base64') } },
    ]);
    expect(decodedFor('kubectl create namespace', '/namespaces')).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' }, spec: {}, status: {} },
    ]);
    expect(decodedFor('kubectl create serviceaccount', '/serviceaccounts')).toEqual([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa1' } },
    ]);
  });

  it('create job: a Job whose pods never restart', () => {
    expect(decodedFor('kubectl create job', '/jobs')).toEqual([
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'j1' },
        spec: {
          template: { metadata: {}, spec: { containers: [{ name: 'j1', image: 'busybox', resources: {} }], restartPolicy: 'Never' } },
        },
        status: {},
      },
    ]);
  });

  it('auth can-i: SelfSubjectAccessReviews and a SelfSubjectRulesReview', () => {
    const reviews = decodedFor('kubectl auth can-i', '/selfsubjectaccessreviews').map((r) => r.spec);
    expect(reviews).toEqual([
      { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
      { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
      { resourceAttributes: { namespace: 'kube-system', verb: 'get', resource: 'pods', subresource: 'log' } },
      { resourceAttributes: { namespace: 'default', verb: 'delete', resource: 'nodes' } },
    ]);
    expect(decodedFor('kubectl auth can-i', '/selfsubjectrulesreviews')).toEqual([
      {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectRulesReview',
        metadata: {},
        spec: { namespace: 'default' },
        status: { incomplete: false },
      },
    ]);
  });

  it('create token: TokenRequests with audiences, duration and a bound pod', () => {
    expect(decodedFor('kubectl create token', '/token').map((r) => r.spec)).toEqual([
      {},
      { audiences: ['foo'], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'nginx' }, expirationSeconds: 600 },
      { audiences: ['foo'], expirationSeconds: 600 },
    ]);
  });

  it("drain's DELETE: empty DeleteOptions", () => {
    expect(decodedFor('kubectl drain', '/pods/p2')).toEqual([{ apiVersion: 'v1', kind: 'DeleteOptions' }]);
  });
});
