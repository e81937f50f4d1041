// Pods and runtime views for kubelet tests.
import type { Container, Pod, PodSpec } from '@skiff/api';
import { hashContainer } from '../src/container-hash.js';
import type { RuntimeContainerStatus, RuntimePodStatus } from '../src/runtime-status.js';

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

let nextId = 1;

export function instance(c: Container, state: RuntimeContainerStatus['state'], extra: Partial<RuntimeContainerStatus> = {}): RuntimeContainerStatus {
  return {
    id: `c${nextId++}`,
    name: c.name,
    kind: 'regular',
    state,
    hash: hashContainer(c),
    restartCount: 0,
    image: c.image ?? '',
    imageRef: 'sha256:x',
    createdAtMs: 1000,
    startedAtMs: state === 'created' ? 0 : 1000,
    finishedAtMs: state === 'exited' ? 2000 : 0,
    exitCode: 0,
    signal: 0,
    reason: '',
    message: '',
    ...extra,
  };
}

export function runtimeStatus(containers: RuntimeContainerStatus[], sandbox: Partial<NonNullable<RuntimePodStatus['sandbox']>> | null = {}): RuntimePodStatus {
  return {
    ...(sandbox === null ? {} : { sandbox: { id: 's1', ready: true, podIP: '127.42.0.1', attempt: 0, ...sandbox } }),
    containers,
  };
}
