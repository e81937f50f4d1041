// CRI configs for a pod's sandbox and containers (pkg/kubelet/kuberuntime:
// kuberuntime_sandbox.go generatePodSandboxConfig, kuberuntime_container.go
// generateContainerConfig, labels.go). Pure.
import type { Container, Pod } from '@skiff/api';
import { hashContainer } from './container-hash.js';
import { expandCommandAndArgs } from './container-env.js';
import type { ContainerConfig, Mount, PodSandboxConfig, PortMapping, Protocol } from './cri.js';
import {
  ContainerHashAnnotation,
  ContainerRestartCountAnnotation,
  ContainerTerminationMessagePathAnnotation,
  ContainerTypeAnnotation,
  KubernetesContainerNameLabel,
  KubernetesPodNameLabel,
  KubernetesPodNamespaceLabel,
  KubernetesPodUIDLabel,
  PodTerminationGracePeriodAnnotation,
} from './labels.js';
import type { ContainerKind } from './runtime-status.js';
import type { EnvVarValue } from './service-env.js';

export function podLabels(pod: Pod): Record<string, string> {
  return {
    [KubernetesPodNameLabel]: pod.metadata.name ?? '',
    [KubernetesPodNamespaceLabel]: pod.metadata.namespace ?? 'default',
    [KubernetesPodUIDLabel]: pod.metadata.uid ?? '',
  };
}

/** /var/log/pods/<namespace>_<name>_<uid> (BuildPodLogsDirectory), relative to the runtime's log root. */
export function podLogDirectory(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}_${pod.metadata.name ?? ''}_${pod.metadata.uid ?? ''}`;
}

/** <container>/<restartCount>.log (BuildContainerLogsDirectory + restartCount). */
export function containerLogPath(containerName: string, restartCount: number): string {
  return `${containerName}/${restartCount}.log`;
}

/** The pod's hostname: spec.hostname, else its name, cut to 63 characters (GeneratePodHostNameAndDomain). */
export function podHostname(pod: Pod): string {
  const name = pod.spec?.hostname ?? pod.metadata.name ?? '';
  return name.slice(0, 63).replace(/[-.]+$/, '');
}

function portMappings(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.hostPort === undefined || p.hostPort === 0) continue;
      out.push({ protocol: (p.protocol ?? 'TCP') as Protocol, containerPort: p.containerPort, hostPort: p.hostPort, hostIp: p.hostIP ?? '' });
    }
  }
  return out;
}

export function podSandboxConfig(pod: Pod, attempt: number): PodSandboxConfig {
  return {
    metadata: { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? 'default', uid: pod.metadata.uid ?? '', attempt },
    hostname: podHostname(pod),
    logDirectory: podLogDirectory(pod),
    portMappings: portMappings(pod),
    labels: { ...(pod.metadata.labels ?? {}), ...podLabels(pod) },
    annotations: { ...(pod.metadata.annotations ?? {}) },
  };
}

export interface ContainerConfigInput {
  readonly pod: Pod;
  readonly container: Container;
  readonly kind: ContainerKind;
  readonly restartCount: number;
  readonly env: readonly EnvVarValue[];
  readonly mounts: readonly Mount[];
}

export function generateContainerConfig(input: ContainerConfigInput): ContainerConfig {
  const { pod, container } = input;
  const { command, args } = expandCommandAndArgs(container, input.env);
  return {
    metadata: { name: container.name, attempt: input.restartCount },
    image: { image: container.image ?? '' },
    command,
    args,
    workingDir: container.workingDir ?? '',
    envs: input.env.map((e) => ({ key: e.name, value: e.value })),
    mounts: input.mounts,
    labels: { ...podLabels(pod), [KubernetesContainerNameLabel]: container.name },
    annotations: {
      [ContainerHashAnnotation]: hashContainer(container),
      [ContainerRestartCountAnnotation]: String(input.restartCount),
      [ContainerTerminationMessagePathAnnotation]: container.terminationMessagePath ?? '/dev/termination-log',
      [PodTerminationGracePeriodAnnotation]: String(pod.spec?.terminationGracePeriodSeconds ?? 30),
      [ContainerTypeAnnotation]: input.kind,
    },
    logPath: containerLogPath(container.name, input.restartCount),
    // kuberuntime_container.go generateContainerConfig: Stdin, StdinOnce, Tty from the spec.
    stdin: container.stdin ?? false,
    stdinOnce: container.stdinOnce ?? false,
    tty: container.tty ?? false,
  };
}
