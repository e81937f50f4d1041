// computePodActions, the container hash and crash-loop back-off: the rules of kuberuntime's
// SyncPod, case by case.
import { describe, expect, it } from 'vitest';
import { containerBackOffPolicy, inBackOffSince, nextBackOff, type BackOffState } from '../src/backoff.js';
import { canonicalJson, fnv32a, hashContainer } from '../src/container-hash.js';
import { computePodActions, findNextInitContainerToRun } from '../src/pod-actions.js';
import { planPodSync, type PodSyncState } from '../src/pod-sync.js';
import { noProbeFailures } from '../src/pod-actions.js';
import { container, instance, pod, runtimeStatus } from './fixtures.js';

describe('hashContainer', () => {
  it('is stable across key order and unset fields, and changes with what runs', () => {
    const a = container('app', { env: [{ name: 'A', value: '1' }] });
    const reordered = { env: [{ value: '1', name: 'A' }], command: a.command, image: a.image, name: 'app', workingDir: undefined };
    expect(hashContainer(reordered as unknown as typeof a)).toBe(hashContainer(a));
    expect(hashContainer({ ...a, image: 'busybox:1.37' })).not.toBe(hashContainer(a));
    expect(hashContainer({ ...a, args: ['x'] })).not.toBe(hashContainer(a));
    // Probes and resources can change without a restart.
    expect(hashContainer({ ...a, readinessProbe: { exec: { command: ['true'] } }, resources: { limits: { cpu: '1' } } })).toBe(hashContainer(a));
  });

  it('is FNV-1a 32 over canonical JSON (known vectors)', () => {
    expect(fnv32a('')).toBe(0x811c9dc5);
    expect(fnv32a('a')).toBe(0xe40c292c);
    expect(fnv32a('foobar')).toBe(0xbf9cf968);
    expect(canonicalJson({ b: 1, a: [undefined, { d: null, c: 'x' }] })).toBe('{"a":[null,{"c":"x","d":null}],"b":1}');
  });
});

describe('crash-loop back-off (flowcontrol.Backoff)', () => {
  it('lets the first restart go at once, then waits 10 s, 20 s, 40 s ... capped at 5 min', () => {
    let state: BackOffState = {};
    let now = 0;
    const waits: number[] = [];
    for (let crash = 0; crash < 9; crash++) {
      const exitedAt = now;
      let waited = 0;
      while (inBackOffSince(state, 'k', exitedAt, now, containerBackOffPolicy)) {
        now += 1000;
        waited += 1000;
      }
      waits.push(waited / 1000);
      state = nextBackOff(state, 'k', exitedAt, now, containerBackOffPolicy);
      now += 1000; // it runs for a second, then crashes again
    }
    expect(waits).toEqual([0, 10, 20, 40, 80, 160, 300, 300, 300]);
    expect(state['k']!.backOffMs).toBe(300_000);
  });

  it('starts over after 10 minutes without a restart', () => {
    let state: BackOffState = {};
    state = nextBackOff(state, 'k', 0, 0, containerBackOffPolicy);
    state = nextBackOff(state, 'k', 1000, 1000, containerBackOffPolicy);
    expect(state['k']!.backOffMs).toBe(20_000);
    const exitedAt = 1000 + 600_001;
    expect(inBackOffSince(state, 'k', exitedAt, exitedAt, containerBackOffPolicy)).toBe(false);
    expect(nextBackOff(state, 'k', exitedAt, exitedAt, containerBackOffPolicy)['k']!.backOffMs).toBe(10_000);
  });
});

describe('computePodActions', () => {
  it('creates a sandbox and starts every container of a new pod', () => {
    const p = pod({ containers: [container('a'), container('b')] });
    expect(computePodActions(p, runtimeStatus([], null))).toMatchObject({ createSandbox: true, attempt: 0, containersToStart: ['a', 'b'], containersToKill: [] });
  });

  it('keeps running containers whose spec is unchanged', () => {
    const a = container('a');
    expect(computePodActions(pod({ containers: [a] }), runtimeStatus([instance(a, 'running')]))).toMatchObject({ killPod: false, createSandbox: false, containersToStart: [], containersToKill: [] });
  });

  it('restarts only the container whose spec hash changed', () => {
    const a = container('a');
    const b = container('b');
    const running = [instance(a, 'running'), instance(b, 'running')];
    const changed = pod({ containers: [a, { ...b, image: 'busybox:1.37' }] });
    const actions = computePodActions(changed, runtimeStatus(running));
    expect(actions.containersToStart).toEqual(['b']);
    expect(actions.containersToKill).toEqual([{ containerId: running[1]!.id, name: 'b', reason: 'SpecChanged', message: 'Container b definition changed, will be restarted' }]);
    // A changed spec restarts even under restartPolicy Never.
    expect(computePodActions({ ...changed, spec: { ...changed.spec!, restartPolicy: 'Never' } }, runtimeStatus(running)).containersToStart).toEqual(['b']);
  });

  it('kills a container that failed liveness, restarting it unless the policy is Never', () => {
    const a = container('a');
    const running = instance(a, 'running');
    const probes = { liveness: new Set([running.id]), startup: new Set<string>() };
    expect(computePodActions(pod({ containers: [a] }), runtimeStatus([running]), probes)).toMatchObject({
      containersToStart: ['a'],
      containersToKill: [{ reason: 'LivenessProbe', message: 'Container a failed liveness probe, will be restarted' }],
    });
    expect(computePodActions(pod({ containers: [a], restartPolicy: 'Never' }), runtimeStatus([running]), probes)).toMatchObject({
      killPod: true,
      containersToStart: [],
      containersToKill: [{ reason: 'LivenessProbe', message: 'Container a failed liveness probe' }],
    });
  });

  it('restarts exited containers by restart policy', () => {
    const a = container('a');
    const failed = instance(a, 'exited', { exitCode: 1 });
    const succeeded = instance(a, 'exited', { exitCode: 0 });
    const start = (policy: 'Always' | 'OnFailure' | 'Never', c: typeof failed) => computePodActions(pod({ containers: [a], restartPolicy: policy }), runtimeStatus([c]));
    expect(start('Always', succeeded).containersToStart).toEqual(['a']);
    expect(start('OnFailure', failed).containersToStart).toEqual(['a']);
    expect(start('OnFailure', succeeded)).toMatchObject({ containersToStart: [], killPod: true });
    expect(start('Never', failed)).toMatchObject({ containersToStart: [], killPod: true });
  });

  it('does not start a deleted pod again', () => {
    const a = container('a');
    const p = pod({ containers: [a] });
    const deleted = { ...p, metadata: { ...p.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } };
    expect(computePodActions(deleted, runtimeStatus([instance(a, 'exited', { exitCode: 1 })]))).toMatchObject({ killPod: true, containersToStart: [] });
  });

  it('replaces a dead sandbox, except for a finished Never pod', () => {
    const a = container('a');
    const dead = runtimeStatus([instance(a, 'exited', { exitCode: 0 })], { ready: false, attempt: 2 });
    expect(computePodActions(pod({ containers: [a] }), dead)).toMatchObject({ createSandbox: true, killPod: true, attempt: 3, containersToStart: ['a'] });
    expect(computePodActions(pod({ containers: [a], restartPolicy: 'Never' }), dead)).toMatchObject({ createSandbox: false, killPod: true });
    expect(computePodActions(pod({ containers: [a] }), runtimeStatus([], { podIP: '' })).createSandbox).toBe(true);
  });

  it('runs init containers one at a time, in order, before any app container', () => {
    const i1 = container('init-1');
    const i2 = container('init-2');
    const app = container('app');
    const p = pod({ initContainers: [i1, i2], containers: [app] });
    const init = (c: typeof i1, state: 'running' | 'exited', exitCode = 0) => ({ ...instance(c, state, { exitCode }), kind: 'init' as const });
    expect(computePodActions(p, runtimeStatus([], null))).toMatchObject({ createSandbox: true, nextInitContainerToStart: 'init-1', containersToStart: [] });
    expect(computePodActions(p, runtimeStatus([]))).toMatchObject({ nextInitContainerToStart: 'init-1' });
    expect(computePodActions(p, runtimeStatus([init(i1, 'running')])).nextInitContainerToStart).toBeUndefined();
    expect(computePodActions(p, runtimeStatus([init(i1, 'exited')]))).toMatchObject({ nextInitContainerToStart: 'init-2', containersToStart: [] });
    expect(computePodActions(p, runtimeStatus([init(i2, 'exited'), init(i1, 'exited')]))).toMatchObject({ containersToStart: ['app'] });
    // A failed init container is retried unless the policy is Never, which fails the pod.
    expect(computePodActions(p, runtimeStatus([init(i1, 'exited', 1)]))).toMatchObject({ nextInitContainerToStart: 'init-1', initFailed: true });
    expect(computePodActions({ ...p, spec: { ...p.spec!, restartPolicy: 'Never' } }, runtimeStatus([init(i1, 'exited', 1)]))).toMatchObject({ killPod: true, initFailed: true });
    expect(findNextInitContainerToRun(p, runtimeStatus([instance(app, 'running')]))).toEqual({ done: true });
  });
});

describe('planPodSync', () => {
  const base = (p: ReturnType<typeof pod>, runtime: PodSyncState['runtime']): PodSyncState => ({
    pod: p,
    runtime,
    probeFailures: noProbeFailures,
    backOff: {},
    imageBackOff: {},
    startErrors: {},
    sandboxRetryAtMs: 0,
  });

  it('holds a crashed container in CrashLoopBackOff until its back-off ends', () => {
    const a = container('a');
    const p = pod({ containers: [a] });
    const crashed = instance(a, 'exited', { exitCode: 1, finishedAtMs: 50_000, restartCount: 3 });
    const state = { ...base(p, runtimeStatus([crashed])), backOff: { [`web_default_uid-1_a_${hashContainer(a)}`]: { backOffMs: 20_000, lastUpdateMs: 30_000 } } };
    expect(planPodSync(state, 60_000)).toEqual({ type: 'wait', blocked: [{ name: 'a', kind: 'regular', reason: 'CrashLoopBackOff', untilMs: 70_000, backOffMs: 20_000 }], untilMs: 70_000 });
    expect(planPodSync(state, 70_000)).toMatchObject({ type: 'act', start: [{ name: 'a', restartCount: 4, restartsAfterExitAtMs: 50_000 }] });
  });

  it('terminates a pod that asked to, and one that is done', () => {
    const a = container('a');
    expect(planPodSync({ ...base(pod(), runtimeStatus([])), termination: {} }, 0)).toEqual({ type: 'terminate' });
    expect(planPodSync(base(pod({ containers: [a], restartPolicy: 'Never' }), runtimeStatus([instance(a, 'exited')])), 0)).toEqual({ type: 'terminate' });
  });
});
