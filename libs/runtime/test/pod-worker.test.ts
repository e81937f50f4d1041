// The kubelet's pod worker machine against the hollow runtime, through KubeletRuntime (the real
// CRI glue), all on one SimulationClock: the happy path, crash loops, restart policies, spec
// changes, probes, init containers, graceful termination and eviction. It lives here, not in
// libs/kubelet, because @skiff/runtime depends on @skiff/kubelet and not the other way round.
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { SeededRandom, SimulationClock } from '@skiff/core';
import type { ConfigMap, Pod, PodStatus } from '@skiff/api';
import { containerExitFromEvent, KubeletRuntime, podWorkerMachine, type ContainerConfig, type ContainerEvent, type VolumeHost } from '@skiff/kubelet';
import { HollowRuntime, type HollowBehavior } from '../src/hollow-runtime.js';
import { container, pod, run } from './sim.js';

const T0 = 1_700_000_000_000;

interface Options {
  readonly behavior?: (config: ContainerConfig) => HollowBehavior;
  /** Exit code of exec calls (probes, hooks) per container name; default 0. */
  readonly execExit?: Map<string, number>;
  readonly startLatencyMs?: number;
  readonly configMaps?: ConfigMap[];
}

function harness(p: Pod, options: Options = {}) {
  const clock = new SimulationClock(T0);
  const execCalls: { at: number; container: string; cmd: readonly string[] }[] = [];
  const cri = new HollowRuntime({
    clock,
    random: new SeededRandom(3),
    ...(options.startLatencyMs !== undefined ? { startLatencyMs: options.startLatencyMs } : {}),
    behavior: (c) => options.behavior?.(c) ?? {},
    exec: (c, cmd) => {
      execCalls.push({ at: clock.now() - T0, container: c.metadata.name, cmd });
      return { stdout: '', stderr: '', exitCode: options.execExit?.get(c.metadata.name) ?? 0, timedOut: false };
    },
  });
  const volumes: VolumeHost = { setUp: async () => undefined, tearDown: async () => undefined };
  const runtime = new KubeletRuntime({
    cri,
    runtimeName: 'hollow',
    hostIP: '127.0.0.1',
    podsDir: '/var/lib/kubelet/pods',
    volumes,
    lookup: { configMap: (ns, name) => options.configMaps?.find((c) => c.metadata.namespace === ns && c.metadata.name === name), secret: () => undefined },
    services: () => [],
    probers: { tcp: async () => ({ result: 'success', output: '' }), http: async () => ({ result: 'success', output: '' }) },
    clock,
  });
  const events: { at: number; name: string; type: ContainerEvent['containerEventType']; exitCode: number; id: string }[] = [];
  const actor = createActor(podWorkerMachine, { clock, input: { pod: p, runtime, now: () => clock.now(), hostIP: '127.0.0.1' } });
  cri.getContainerEvents((e) => {
    events.push({ at: e.createdAtMs - T0, name: e.containerStatus.metadata.name, type: e.containerEventType, exitCode: e.containerStatus.exitCode, id: e.containerId });
    const exit = containerExitFromEvent(e);
    if (exit !== undefined && exit.podUID === p.metadata.uid) actor.send({ type: 'CONTAINER_EXITED', exit: exit.exit });
  });
  const statuses: PodStatus[] = [];
  const states: string[] = [];
  actor.on('podStatus', (e) => statuses.push(e.status));
  actor.subscribe((s) => {
    const v = typeof s.value === 'string' ? s.value : JSON.stringify(s.value);
    if (states.at(-1) !== v) states.push(v);
  });
  actor.start();
  const status = () => actor.getSnapshot().context.status!;
  const starts = (name: string) => events.filter((e) => e.name === name && e.type === 'CONTAINER_STARTED_EVENT').map((e) => e.at);
  const stops = (name: string) => events.filter((e) => e.name === name && e.type === 'CONTAINER_STOPPED_EVENT');
  return { clock, cri, actor, events, statuses, states, status, starts, stops, execCalls };
}

const cond = (s: PodStatus, type: string) => s.conditions?.find((c) => c.type === type)?.status;

describe('pod worker', () => {
  it('takes a pod through pending -> sandbox -> pulling -> starting -> running', async () => {
    const h = harness(pod({ containers: [container('app'), container('sidecar')] }), { startLatencyMs: 100 });
    await run(h.clock, 1_000);
    expect(h.states).toEqual(['pending', 'sandbox', 'pulling', 'starting', 'running']);
    const s = h.status();
    expect(s).toMatchObject({ phase: 'Running', podIP: '10.88.0.1', hostIP: '127.0.0.1', qosClass: 'BestEffort' });
    expect(s.containerStatuses!.map((c) => [c.name, c.ready, c.started, c.restartCount, Object.keys(c.state!)[0]])).toEqual([
      ['app', true, true, 0, 'running'],
      ['sidecar', true, true, 0, 'running'],
    ]);
    expect(s.containerStatuses![0]!.containerID).toMatch(/^hollow:\/\/hollow-container-\d+$/);
    expect(cond(s, 'Ready')).toBe('True');
    // Containers start one after the other, each after its start latency.
    expect([...h.starts('app'), ...h.starts('sidecar')]).toEqual([100, 200]);
    // The first status was Pending with ContainerCreating, and statuses are emitted only on change.
    expect(h.statuses[0]!.phase).toBe('Pending');
    expect(h.statuses[0]!.containerStatuses![0]!.state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(h.statuses.at(-1)!.phase).toBe('Running');
    const n = h.statuses.length;
    h.actor.send({ type: 'SYNC' });
    await run(h.clock, 1);
    expect(h.statuses).toHaveLength(n);
  });

  it('crash-loops with back-off 10 s, 20 s, 40 s ... capped at 5 min, reporting CrashLoopBackOff', async () => {
    const h = harness(pod(), { behavior: () => ({ runForMs: 1_000, exitCode: 1 }) });
    await run(h.clock, 30 * 60_000);
    const starts = h.starts('app');
    const exits = h.stops('app').map((e) => e.at);
    const waits = starts.slice(1).map((s, i) => (s - exits[i]!) / 1000);
    expect(waits.slice(0, 9)).toEqual([0, 10, 20, 40, 80, 160, 300, 300, 300]);
    expect(h.stops('app').every((e) => e.exitCode === 1)).toBe(true);
    const backOff = h.statuses.find((s) => s.containerStatuses?.[0]?.state?.waiting?.message?.includes('back-off 40s'));
    expect(backOff?.containerStatuses![0]).toMatchObject({
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app pod=web_default(uid-1)' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
      restartCount: 3,
    });
    expect(backOff?.phase).toBe('Running');
    expect(h.status().containerStatuses![0]!.restartCount).toBe(starts.length - 1);
  });

  it('restartPolicy Never: a failed container is not restarted and the pod ends Failed', async () => {
    const h = harness(pod({ restartPolicy: 'Never' }), { behavior: () => ({ runForMs: 5_000, exitCode: 3 }) });
    await run(h.clock, 60_000);
    expect(h.starts('app')).toHaveLength(1);
    expect(h.actor.getSnapshot().status).toBe('done');
    expect(h.states.at(-1)).toBe('terminated');
    expect(h.status()).toMatchObject({ phase: 'Failed' });
    expect(h.status().containerStatuses![0]!.state).toMatchObject({ terminated: { exitCode: 3, reason: 'Error' } });
    expect(cond(h.status(), 'Ready')).toBe('False');
  });

  it('restartPolicy OnFailure: restarts on failure, and the pod Succeeds once the container exits 0', async () => {
    let runs = 0;
    const h = harness(pod({ restartPolicy: 'OnFailure' }), { behavior: () => ({ runForMs: 1_000, exitCode: ++runs < 3 ? 1 : 0 }) });
    await run(h.clock, 120_000);
    expect(h.starts('app')).toHaveLength(3);
    expect(h.status()).toMatchObject({ phase: 'Succeeded' });
    expect(h.status().containerStatuses![0]).toMatchObject({ restartCount: 2, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    expect(cond(h.status(), 'ContainersReady')).toBe('False');
    expect(h.actor.getSnapshot().status).toBe('done');
  });

  it('restarts only the container whose spec hash changed', async () => {
    const p = pod({ containers: [container('a'), container('b')] });
    const h = harness(p);
    await run(h.clock, 1_000);
    const before = h.status().containerStatuses!.map((c) => c.containerID);
    const updated: Pod = { ...p, spec: { ...p.spec!, containers: [container('a'), container('b', { image: 'busybox:1.37' })] } };
    h.actor.send({ type: 'UPDATE', pod: updated });
    await run(h.clock, 1_000);
    const after = h.status().containerStatuses!;
    expect(after[0]!.containerID).toBe(before[0]);
    expect(after[1]!.containerID).not.toBe(before[1]);
    expect(after[1]).toMatchObject({ image: 'busybox:1.37', restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 143 } } });
    expect(h.starts('a')).toHaveLength(1);
    expect(h.starts('b')).toHaveLength(2);
  });

  it('restarts a container whose liveness probe fails failureThreshold times', async () => {
    const execExit = new Map([['app', 0]]);
    const probe = { exec: { command: ['healthy'] }, periodSeconds: 10, failureThreshold: 3 };
    const h = harness(pod({ containers: [container('app', { livenessProbe: probe })] }), { execExit });
    await run(h.clock, 60_000);
    expect(h.starts('app')).toHaveLength(1);
    execExit.set('app', 1);
    const sickAt = h.clock.now() - T0;
    await run(h.clock, 29_000);
    expect(h.starts('app')).toHaveLength(1);
    await run(h.clock, 2_000);
    expect(h.starts('app')).toHaveLength(2);
    // The probe at sickAt still passed; three failures ten seconds apart, then the kill and an
    // immediate restart (the first restart has no back-off).
    expect(h.execCalls.filter((c) => c.at > sickAt && c.at < h.starts('app')[1]!).map((c) => c.at - sickAt)).toEqual([10_000, 20_000]);
    expect(h.starts('app')[1]).toBe(sickAt + 30_000);
    expect(h.stops('app').map((e) => e.at - sickAt)).toEqual([30_000]);
    expect(h.status().containerStatuses![0]).toMatchObject({ restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 143 } } });
    // The new container is probed afresh: healthy again, it stays.
    execExit.set('app', 0);
    await run(h.clock, 120_000);
    expect(h.starts('app')).toHaveLength(2);
  });

  it('toggles Ready with the readiness probe', async () => {
    const execExit = new Map([['app', 1]]);
    const h = harness(pod({ containers: [container('app', { readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 5, failureThreshold: 1 } })] }), { execExit });
    await run(h.clock, 20_000);
    expect(cond(h.status(), 'Ready')).toBe('False');
    expect(h.status().conditions!.find((c) => c.type === 'Ready')).toMatchObject({ reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
    expect(h.status().phase).toBe('Running');
    execExit.set('app', 0);
    await run(h.clock, 5_000);
    expect(cond(h.status(), 'Ready')).toBe('True');
    expect(h.status().containerStatuses![0]!.ready).toBe(true);
    execExit.set('app', 1);
    await run(h.clock, 5_000);
    expect(cond(h.status(), 'Ready')).toBe('False');
    expect(h.starts('app')).toHaveLength(1);
    const readyFlips = h.statuses.map((s) => cond(s, 'Ready')).filter((v, i, all) => v !== all[i - 1]);
    expect(readyFlips).toEqual(['False', 'True', 'False']);
  });

  it('runs init containers in order, each to completion, before the app containers', async () => {
    const p = pod({ initContainers: [container('init-1'), container('init-2')], containers: [container('app')] });
    const h = harness(p, { behavior: (c) => (c.metadata.name.startsWith('init') ? { runForMs: 2_000, exitCode: 0 } : {}) });
    await run(h.clock, 1_000);
    expect(h.status().phase).toBe('Pending');
    expect(h.status().conditions!.find((c) => c.type === 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized' });
    expect(h.status().containerStatuses![0]!.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    await run(h.clock, 10_000);
    const order = h.events.filter((e) => e.type === 'CONTAINER_STARTED_EVENT' || e.type === 'CONTAINER_STOPPED_EVENT').map((e) => `${e.type === 'CONTAINER_STARTED_EVENT' ? 'start' : 'exit'} ${e.name}`);
    expect(order).toEqual(['start init-1', 'exit init-1', 'start init-2', 'exit init-2', 'start app']);
    expect(h.status()).toMatchObject({ phase: 'Running' });
    expect(cond(h.status(), 'Initialized')).toBe('True');
    expect(h.status().initContainerStatuses!.map((c) => [c.name, c.ready, c.state?.terminated?.reason])).toEqual([
      ['init-1', true, 'Completed'],
      ['init-2', true, 'Completed'],
    ]);
  });

  it('fails the pod when an init container fails under restartPolicy Never', async () => {
    const p = pod({ restartPolicy: 'Never', initContainers: [container('init')], containers: [container('app')] });
    const h = harness(p, { behavior: (c) => (c.metadata.name === 'init' ? { runForMs: 1_000, exitCode: 2 } : {}) });
    await run(h.clock, 30_000);
    expect(h.starts('app')).toEqual([]);
    expect(h.status().phase).toBe('Failed');
    expect(h.actor.getSnapshot().status).toBe('done');
  });

  it('terminates gracefully: preStop first, SIGTERM, then SIGKILL when the grace period runs out', async () => {
    const app = container('app', { lifecycle: { preStop: { exec: { command: ['drain'] } } } });
    const stubborn = container('stubborn', { lifecycle: { preStop: { sleep: { seconds: 10 } } } });
    const h = harness(pod({ containers: [app, stubborn], terminationGracePeriodSeconds: 30 }), {
      behavior: (c) => (c.metadata.name === 'stubborn' ? { ignoreSigterm: true } : { terminationDelayMs: 4_000, exitCodeOnSigterm: 0 }),
    });
    await run(h.clock, 1_000);
    const deleteAt = h.clock.now() - T0;
    h.actor.send({ type: 'TERMINATE' });
    await run(h.clock, 29_000);
    expect(h.execCalls.map((c) => [c.at - deleteAt, c.container, c.cmd])).toEqual([[0, 'app', ['drain']]]);
    expect(h.stops('app').map((e) => [e.at - deleteAt, e.exitCode])).toEqual([[4_000, 0]]);
    expect(h.stops('stubborn')).toEqual([]);
    expect(h.actor.getSnapshot().value).toBe('terminating');
    await run(h.clock, 2_000);
    // The preStop sleep took 10 s of the 30 s grace; SIGKILL came at the end of it.
    expect(h.stops('stubborn').map((e) => [e.at - deleteAt, e.exitCode])).toEqual([[30_000, 137]]);
    expect(h.actor.getSnapshot().value).toBe('terminated');
    expect(h.status().phase).toBe('Failed');
    expect(h.status().containerStatuses!.map((c) => c.state?.terminated?.exitCode)).toEqual([0, 137]);
  });

  it('honours a deletion with its own grace period, and an eviction sets Failed / Evicted', async () => {
    const p = pod();
    const h = harness(p, { behavior: () => ({ ignoreSigterm: true }) });
    await run(h.clock, 1_000);
    h.actor.send({ type: 'UPDATE', pod: { ...p, metadata: { ...p.metadata, deletionTimestamp: '2024-01-01T00:00:00Z', deletionGracePeriodSeconds: 5 } } });
    await run(h.clock, 10_000);
    expect(h.stops('app').map((e) => e.exitCode)).toEqual([137]);
    expect(h.actor.getSnapshot().value).toBe('terminated');

    const e = harness(pod());
    await run(e.clock, 1_000);
    e.actor.send({ type: 'TERMINATE', gracePeriodSeconds: 1, reason: 'Evicted', message: 'The node was low on resource: memory. ' });
    await run(e.clock, 5_000);
    expect(e.status()).toMatchObject({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory. ' });
  });

  it('reports a CreateContainerConfigError and retries until the ConfigMap exists', async () => {
    const app = container('app', { env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } }] });
    const configMaps: ConfigMap[] = [];
    const h = harness(pod({ containers: [app] }), { configMaps });
    await run(h.clock, 1_000);
    expect(h.status().containerStatuses![0]!.state).toEqual({ waiting: { reason: 'CreateContainerConfigError', message: 'configmap "cfg" not found' } });
    expect(h.status().phase).toBe('Pending');
    expect(h.starts('app')).toEqual([]);
    expect(h.actor.getSnapshot().value).toBe('backOff');
    configMaps.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { mode: 'fast' } });
    await run(h.clock, 10_000);
    expect(h.starts('app')).toHaveLength(1);
    expect(h.status().containerStatuses![0]!.state).toHaveProperty('running');
  });
});
