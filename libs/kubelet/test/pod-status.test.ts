// Pod phase (getPhase), conditions and container statuses, case by case.
import { describe, expect, it } from 'vitest';
import type { ContainerStatus } from '@skiff/api';
import { getPhase } from '../src/pod-phase.js';
import { containersReadyCondition, podInitializedCondition, withTransitionTimes } from '../src/pod-conditions.js';
import { generatePodStatus, type PodStatusInput } from '../src/pod-status.js';
import { container, instance, pod, runtimeStatus } from './fixtures.js';

const running = (name: string): ContainerStatus => ({ name, ready: true, restartCount: 0, image: 'i', imageID: '', state: { running: {} } });
const terminated = (name: string, exitCode: number): ContainerStatus => ({ name, ready: false, restartCount: 0, image: 'i', imageID: '', state: { terminated: { exitCode } } });
const waiting = (name: string, lastExit?: number): ContainerStatus => ({
  name,
  ready: false,
  restartCount: 0,
  image: 'i',
  imageID: '',
  state: { waiting: { reason: 'CrashLoopBackOff' } },
  ...(lastExit !== undefined ? { lastState: { terminated: { exitCode: lastExit } } } : {}),
});

describe('getPhase', () => {
  const two = (policy: 'Always' | 'OnFailure' | 'Never') => pod({ containers: [container('a'), container('b')], restartPolicy: policy });

  it.each([
    ['no statuses yet', 'Always', [], false, 'Pending'],
    ['one waiting for its first start', 'Always', [running('a'), waiting('b')], false, 'Pending'],
    ['all running', 'Always', [running('a'), running('b')], false, 'Running'],
    ['one running, one crash-looping', 'Always', [running('a'), waiting('b', 1)], false, 'Running'],
    ['all exited under Always (restarting)', 'Always', [terminated('a', 0), terminated('b', 1)], false, 'Running'],
    ['all succeeded under OnFailure', 'OnFailure', [terminated('a', 0), terminated('b', 0)], false, 'Succeeded'],
    ['one failed under OnFailure (restarting)', 'OnFailure', [terminated('a', 0), terminated('b', 1)], false, 'Running'],
    ['all succeeded under Never', 'Never', [terminated('a', 0), terminated('b', 0)], false, 'Succeeded'],
    ['one failed under Never', 'Never', [terminated('a', 0), terminated('b', 2)], false, 'Failed'],
    ['terminal pod under Always, one failure', 'Always', [terminated('a', 0), terminated('b', 143)], true, 'Failed'],
    ['terminal pod under Always, all clean', 'Always', [terminated('a', 0), terminated('b', 0)], true, 'Succeeded'],
    ['a container without status', 'Always', [running('a')], false, 'Pending'],
  ] as const)('%s: %s -> %s', (_name, policy, statuses, terminal, phase) => {
    expect(getPhase(two(policy), statuses, terminal)).toBe(phase);
  });

  it('is Pending while init containers run, Failed when one fails under Never', () => {
    const p = pod({ initContainers: [container('init')], containers: [container('a')], restartPolicy: 'Never' });
    expect(getPhase(p, [running('init')], false)).toBe('Pending');
    expect(getPhase(p, [terminated('init', 1)], false)).toBe('Failed');
    expect(getPhase({ ...p, spec: { ...p.spec!, restartPolicy: 'Always' } }, [waiting('init', 1)], false)).toBe('Pending');
  });
});

describe('pod conditions', () => {
  it('reports unready and unknown containers as Kubernetes words them', () => {
    const p = pod({ containers: [container('a'), container('b'), container('c')] });
    expect(containersReadyCondition(p, [running('a'), { ...running('b'), ready: false }], 'Running')).toEqual({
      type: 'ContainersReady',
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unknown status: [c], containers with unready status: [b]',
    });
    expect(containersReadyCondition(p, [terminated('a', 0), terminated('b', 0), terminated('c', 0)], 'Succeeded')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });

  it('is Initialized only once every init container succeeded', () => {
    const p = pod({ initContainers: [container('i1'), container('i2')] });
    expect(podInitializedCondition(p, [terminated('i1', 0)], [], 'Pending')).toEqual({ type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: 'containers with unknown status: [i2]' });
    expect(podInitializedCondition(p, [terminated('i1', 0), terminated('i2', 0)], [], 'Pending').status).toBe('True');
  });

  it('keeps lastTransitionTime while a condition holds its status', () => {
    const first = withTransitionTimes([{ type: 'Ready', status: 'False' }], [], 't1');
    expect(withTransitionTimes([{ type: 'Ready', status: 'False' }], first, 't2')[0]!.lastTransitionTime).toBe('t1');
    expect(withTransitionTimes([{ type: 'Ready', status: 'True' }], first, 't2')[0]!.lastTransitionTime).toBe('t2');
  });
});

describe('generatePodStatus', () => {
  const input = (over: Partial<PodStatusInput>): PodStatusInput => ({
    pod: pod(),
    runtime: runtimeStatus([]),
    runtimeName: 'process',
    readyIds: new Set(),
    startedIds: new Set(),
    waiting: {},
    podIsTerminal: false,
    hostIP: '127.0.0.1',
    startTimeMs: 0,
    nowMs: 5000,
    ...over,
  });

  it('shows a running, ready container with its pod IP, QoS class and conditions', () => {
    const app = container('app');
    const run = instance(app, 'running', { startedAtMs: 3000 });
    const s = generatePodStatus(input({ runtime: runtimeStatus([run]) }));
    expect(s).toMatchObject({ phase: 'Running', podIP: '127.42.0.1', hostIP: '127.0.0.1', qosClass: 'BestEffort', startTime: '1970-01-01T00:00:00Z' });
    expect(s.containerStatuses).toEqual([
      { name: 'app', image: 'busybox:1.36', imageID: 'sha256:x', containerID: `process://${run.id}`, restartCount: 0, ready: true, started: true, state: { running: { startedAt: '1970-01-01T00:00:03Z' } }, lastState: {} },
    ]);
    expect(s.conditions!.map((c) => `${c.type}=${c.status}`)).toEqual(['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
  });

  it('is not ready while a readiness probe has not passed, and shows CrashLoopBackOff with the last exit', () => {
    const app = container('app', { readinessProbe: { exec: { command: ['true'] } } });
    const p = pod({ containers: [app] });
    const run = instance(app, 'running');
    expect(generatePodStatus(input({ pod: p, runtime: runtimeStatus([run]) })).containerStatuses![0]!.ready).toBe(false);
    expect(generatePodStatus(input({ pod: p, runtime: runtimeStatus([run]), readyIds: new Set([run.id]) })).containerStatuses![0]!.ready).toBe(true);
    const crashed = instance(app, 'exited', { exitCode: 2, restartCount: 3 });
    const s = generatePodStatus(input({ pod: p, runtime: runtimeStatus([crashed]), waiting: { app: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app pod=web_default(uid-1)' } } }));
    expect(s.containerStatuses![0]).toMatchObject({
      restartCount: 3,
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app pod=web_default(uid-1)' } },
      lastState: { terminated: { exitCode: 2, reason: 'Error' } },
    });
    expect(s.phase).toBe('Running');
  });

  it('marks an evicted pod Failed with reason Evicted and a DisruptionTarget condition', () => {
    const app = container('app');
    const s = generatePodStatus(input({ runtime: runtimeStatus([instance(app, 'exited', { exitCode: 137 })]), podIsTerminal: true, terminalReason: { reason: 'Evicted', message: 'The node was low on resource: memory. ' } }));
    expect(s).toMatchObject({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory. ' });
    expect(s.conditions!.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'TerminationByKubelet' });
  });

  it('says ContainerCreating before a start and PodInitializing while init containers run', () => {
    expect(generatePodStatus(input({})).containerStatuses![0]!.state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    const p = pod({ initContainers: [container('init')] });
    const s = generatePodStatus(input({ pod: p }));
    expect(s.containerStatuses![0]!.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(s.initContainerStatuses![0]!.state).toEqual({ waiting: { reason: 'PodInitializing' } });
  });
});
