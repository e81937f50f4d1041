import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '@skiff/api';
import { addDefaultTolerations } from '../../src/core/admission/default-toleration-seconds.js';
import { resolvePriority } from '../../src/core/admission/priority.js';
import { pod, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

type Spec = Record<string, unknown> & { tolerations?: Record<string, unknown>[] };
const spec = (o: KubeObject) => o['spec'] as Spec;

describe('NamespaceLifecycle', () => {
  it('refuses creates in a missing namespace and admits them once it exists', async () => {
    expect(await h.err({ verb: 'create', resource: 'pods', namespace: 'later', body: pod('p') })).toMatchObject({ code: 404, message: 'namespaces "later" not found' });
    await h.obj({ verb: 'create', resource: 'namespaces', body: { metadata: { name: 'later' } } });
    expect((await h.obj({ verb: 'create', resource: 'pods', namespace: 'later', body: pod('p') })).metadata.namespace).toBe('later');
  });
});

describe('ServiceAccount', () => {
  it('runs pods as `default` unless they name an account, which must exist (403)', async () => {
    const p = await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('p') });
    expect(spec(p)['serviceAccountName']).toBe('default');
    const named = pod('q');
    spec(named)['serviceAccountName'] = 'robot';
    expect(await h.err({ verb: 'create', resource: 'pods', namespace: 'default', body: named })).toMatchObject({
      code: 403,
      message: 'pods "q" is forbidden: error looking up service account default/robot: serviceaccount "robot" not found',
    });
    await h.obj({ verb: 'create', resource: 'serviceaccounts', namespace: 'default', body: { metadata: { name: 'robot' } } });
    expect(spec(await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: named }))['serviceAccountName']).toBe('robot');
  });
});

describe('Priority', () => {
  const withClass = (name: string, cls: string) => {
    const p = pod(name);
    spec(p)['priorityClassName'] = cls;
    return p;
  };

  it('resolves the system classes and refuses unknown ones with Kubernetes\' message', async () => {
    const critical = await h.obj({ verb: 'create', resource: 'pods', namespace: 'kube-system', body: withClass('dns', 'system-cluster-critical') });
    expect(spec(critical)).toMatchObject({ priority: 2_000_000_000, priorityClassName: 'system-cluster-critical', preemptionPolicy: 'PreemptLowerPriority' });
    const node = await h.obj({ verb: 'create', resource: 'pods', namespace: 'kube-system', body: withClass('proxy', 'system-node-critical') });
    expect(spec(node)['priority']).toBe(2_000_001_000);
    expect(await h.err({ verb: 'create', resource: 'pods', namespace: 'default', body: withClass('x', 'gold') })).toMatchObject({
      code: 403,
      message: 'pods "x" is forbidden: no PriorityClass with name gold was found',
    });
  });

  it('gives pods without a class priority 0, or the globalDefault class once one exists', async () => {
    expect(spec(await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('a') }))['priority']).toBe(0);
    await h.obj({ verb: 'create', resource: 'priorityclasses', body: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'normal' }, value: 1000, globalDefault: true } });
    // The default class is read from the watch cache: wait until it has the new class.
    const classes = await h.obj({ verb: 'list', resource: 'priorityclasses' });
    await h.obj({ verb: 'list', resource: 'priorityclasses', query: new URLSearchParams({ resourceVersion: classes.metadata.resourceVersion as string }) });
    expect(spec(await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('b') }))).toMatchObject({ priority: 1000, priorityClassName: 'normal' });
    const second = await h.err({ verb: 'create', resource: 'priorityclasses', body: { metadata: { name: 'other' }, value: 5, globalDefault: true } });
    expect(second).toMatchObject({ code: 403, message: 'priorityclasses.scheduling.k8s.io "other" is forbidden: PriorityClass normal is already marked as default. Only one default can exist' });
  });

  it('refuses a spec.priority that disagrees with the class (pure rule)', () => {
    const p = pod('p');
    spec(p)['priority'] = 7;
    expect(resolvePriority(p, undefined, undefined)).toEqual({
      type: 'refused',
      reason: 'the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name',
    });
  });
});

describe('DefaultTolerationSeconds', () => {
  it('adds the not-ready and unreachable NoExecute tolerations for 300 s', async () => {
    const p = await h.obj({ verb: 'create', resource: 'pods', namespace: 'default', body: pod('p') });
    expect(spec(p).tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });

  it('keeps a pod\'s own toleration of those taints, and a toleration of everything', () => {
    const own = pod('own');
    spec(own).tolerations = [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }];
    addDefaultTolerations(own);
    expect(spec(own).tolerations).toEqual([
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const all = pod('all');
    spec(all).tolerations = [{ operator: 'Exists' }];
    addDefaultTolerations(all);
    expect(spec(all).tolerations).toEqual([{ operator: 'Exists' }]);
  });
});

describe('the chain', () => {
  it('runs on writes only, mutating before validating, and can be replaced', async () => {
    const seen: string[] = [];
    await h.stop();
    h = await startHarness({
      admission: [
        { name: 'A', admit: (a) => void seen.push(`admit ${a.operation} ${a.info.resource}`), validate: (a) => void seen.push(`validate ${a.operation} ${a.info.resource}`) },
        { name: 'B', admit: (a) => void seen.push(`admit-b ${a.operation}`) },
      ],
      bootstrap: false,
    });
    await h.obj({ verb: 'create', resource: 'namespaces', body: { metadata: { name: 'n' } } });
    seen.length = 0;
    await h.obj({ verb: 'create', resource: 'configmaps', namespace: 'n', body: { metadata: { name: 'c' } } });
    await h.obj({ verb: 'get', resource: 'configmaps', namespace: 'n', name: 'c' });
    await h.obj({ verb: 'list', resource: 'configmaps', namespace: 'n' });
    await h.obj({ verb: 'delete', resource: 'configmaps', namespace: 'n', name: 'c' });
    expect(seen).toEqual(['admit CREATE configmaps', 'admit-b CREATE', 'validate CREATE configmaps', 'admit DELETE configmaps', 'admit-b DELETE', 'validate DELETE configmaps']);
  });
});
