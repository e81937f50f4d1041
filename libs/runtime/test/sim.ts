// Pods, and driving actors and promises together on a SimulationClock: fire timers one at a time
// and let promise callbacks run between them, so async runtime calls resolve at their simulated time.
import type { Container, Pod, PodSpec } from '@skiff/api';
import type { SimulationClock } from '@skiff/core';

export function container(name: string, extra: Partial<Container> = {}): Container {
  return { name, image: 'busybox:1.36', command: ['sh', '-c', `echo ${name}; sleep 3600`], ...extra };
}

export function pod(spec: Partial<PodSpec> = {}, name = 'web', uid = 'uid-1'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid },
    spec: { containers: [container('app')], restartPolicy: 'Always', terminationGracePeriodSeconds: 30, nodeName: 'node-1', ...spec },
  };
}

/** Lets every pending promise callback (and the ones they queue) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

/** Moves simulated time forward by `ms`, firing due timers in order, settling promises between them. */
export async function run(clock: SimulationClock, ms: number): Promise<void> {
  const until = clock.now() + ms;
  await flush();
  for (let guard = 0; guard < 100_000; guard++) {
    const next = clock.nextDeadline();
    if (next === undefined || next > until) break;
    clock.step();
    await flush();
  }
  clock.advance(until - clock.now());
  await flush();
}
