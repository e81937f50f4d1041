import { describe, expect, it } from 'vitest';
import type { Pod } from '@skiff/api';
import { backOffEvents, killEvents, probeEvents, pullEvents, startEvents, terminationEvents } from '../src/pod-events.js';

const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], initContainers: [{ name: 'setup', image: 'busybox' }] } };

describe('pod events', () => {
  it('say a present image was pulled and a failed pull failed, with the container as fieldPath', () => {
    const events = pullEvents([{ name: 'setup', kind: 'init', restartCount: 0 }], [
      { name: 'setup', image: 'busybox', imageRef: 'busybox@1' },
      { name: 'app', image: 'nginx:1.27', error: 'no such image' },
    ]);
    expect(events).toEqual([
      { type: 'podEvent', eventType: 'Normal', reason: 'Pulled', message: 'Container image "busybox" already present on machine', fieldPath: 'spec.initContainers{setup}' },
      { type: 'podEvent', eventType: 'Warning', reason: 'Failed', message: 'Failed to pull image "nginx:1.27": no such image', fieldPath: 'spec.containers{app}' },
    ]);
  });

  it('say Created then Started for a start, Failed for an error', () => {
    const start = { name: 'app', kind: 'regular' as const, restartCount: 0 };
    const ok = startEvents([{ start, status: {} as never }]);
    expect(ok.map((e) => [e.reason, e.message])).toEqual([['Created', 'Created container app'], ['Started', 'Started container app']]);
    const failed = startEvents([{ start, error: { reason: 'RunContainerError', message: 'exec: "nope": not found' } }]);
    expect(failed).toEqual([{ type: 'podEvent', eventType: 'Warning', reason: 'Failed', message: 'Error: exec: "nope": not found', fieldPath: 'spec.containers{app}' }]);
  });

  it('say why a container is killed and whether it comes back', () => {
    const kindOf = (): 'regular' => 'regular';
    const liveness = { containerId: 'c1', name: 'app', reason: 'LivenessProbe' as const, message: 'Container app failed liveness probe, will be restarted' };
    expect(killEvents([liveness], kindOf)[0]?.message).toBe('Container app failed liveness probe, will be restarted');
    expect(killEvents([{ containerId: 'c1', name: 'app', reason: 'NotInSpec', message: 'gone' }], kindOf)[0]?.message).toBe('Stopping container app');
    expect(terminationEvents([{ name: 'app', kind: 'regular' }])).toEqual([{ type: 'podEvent', eventType: 'Normal', reason: 'Killing', message: 'Stopping container app', fieldPath: 'spec.containers{app}' }]);
  });

  it('report a failed probe as Unhealthy and nothing for a success', () => {
    const base = { type: 'PROBE_RESULT' as const, containerName: 'app', containerId: 'c1', output: 'HTTP probe failed with statuscode: 500\n' };
    expect(probeEvents({ ...base, probeType: 'readiness', result: 'failure' })).toEqual([
      { type: 'podEvent', eventType: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 500', fieldPath: 'spec.containers{app}' },
    ]);
    expect(probeEvents({ ...base, probeType: 'liveness', result: 'success' })).toEqual([]);
  });

  it('name the pod in a crash-loop back-off, the image in a pull back-off', () => {
    const events = backOffEvents(pod, [
      { name: 'app', kind: 'regular', reason: 'CrashLoopBackOff', untilMs: 10_000, backOffMs: 10_000 },
      { name: 'setup', kind: 'init', reason: 'ImagePullBackOff', untilMs: 10_000, backOffMs: 10_000 },
      { name: 'app', kind: 'regular', reason: 'StartRetry', untilMs: 10_000, backOffMs: 10_000 },
    ]);
    expect(events.map((e) => [e.eventType, e.reason, e.message])).toEqual([
      ['Warning', 'BackOff', 'Back-off restarting failed container app in pod web_default(u1)'],
      ['Normal', 'BackOff', 'Back-off pulling image "busybox"'],
    ]);
  });
});
