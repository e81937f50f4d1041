import { describe, expect, it } from 'vitest';
import { messageForKind, supportedKinds } from '../src/kinds.js';
import type { FieldKind } from '../src/schema.js';
import { messageTable } from '../src/schemas/index.js';

function referencedMessage(kind: FieldKind): string | undefined {
  const inner = kind.startsWith('map:') ? kind.slice('map:'.length) : kind;
  for (const prefix of ['msg:', 'inline:']) if (inner.startsWith(prefix)) return inner.slice(prefix.length);
  return undefined;
}

describe('descriptor tables', () => {
  it('resolve every message they reference', () => {
    const missing: string[] = [];
    for (const [name, spec] of Object.entries(messageTable)) {
      for (const [number, [, kind]] of Object.entries(spec)) {
        const ref = referencedMessage(kind);
        if (ref !== undefined && messageTable[ref] === undefined) missing.push(`${name}.${number} -> ${ref}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('give each message unique JSON names', () => {
    for (const [name, spec] of Object.entries(messageTable)) {
      const names = Object.values(spec).map(([json]) => json).filter((json) => json !== '');
      expect(new Set(names).size, name).toBe(names.length);
    }
  });

  it('only use keepZero on scalars and IntOrString, where a zero can be dropped', () => {
    for (const [name, spec] of Object.entries(messageTable)) {
      for (const [json, kind, mode] of Object.values(spec)) {
        if (mode === 'keepZero') expect(['string', 'int32', 'int64', 'bool', 'intOrString'], `${name}.${json}`).toContain(kind);
      }
    }
  });
});

describe('supported kinds', () => {
  it('cover every kind kubectl 1.32 was seen or expected to send as protobuf', () => {
    const kinds = supportedKinds().map((k) => `${k.apiVersion} ${k.kind}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'v1 Namespace',
        'v1 ConfigMap',
        'v1 Secret',
        'v1 ServiceAccount',
        'v1 Service',
        'v1 ResourceQuota',
        'v1 DeleteOptions',
        'apps/v1 Deployment',
        'batch/v1 Job',
        'batch/v1 CronJob',
        'autoscaling/v1 HorizontalPodAutoscaler',
        'authorization.k8s.io/v1 SelfSubjectAccessReview',
        'authorization.k8s.io/v1 SelfSubjectRulesReview',
        'authentication.k8s.io/v1 SelfSubjectReview',
        'authentication.k8s.io/v1 TokenRequest',
        'rbac.authorization.k8s.io/v1 Role',
        'rbac.authorization.k8s.io/v1 ClusterRole',
        'rbac.authorization.k8s.io/v1 RoleBinding',
        'rbac.authorization.k8s.io/v1 ClusterRoleBinding',
        'scheduling.k8s.io/v1 PriorityClass',
        'policy/v1 PodDisruptionBudget',
        'policy/v1 Eviction',
        'networking.k8s.io/v1 Ingress',
      ]),
    );
  });

  it('map every kind to a described message', () => {
    for (const { apiVersion, kind } of supportedKinds()) {
      const message = messageForKind(apiVersion, kind);
      expect(message, `${apiVersion} ${kind}`).toBeDefined();
      expect(messageTable[message ?? '']).toBeDefined();
    }
  });

  it('accept DeleteOptions in every served group version and meta.k8s.io/v1, but not elsewhere', () => {
    expect(messageForKind('apps/v1', 'DeleteOptions')).toBe('meta.DeleteOptions');
    expect(messageForKind('meta.k8s.io/v1', 'DeleteOptions')).toBe('meta.DeleteOptions');
    expect(messageForKind('example.com/v1', 'DeleteOptions')).toBeUndefined();
  });
});
