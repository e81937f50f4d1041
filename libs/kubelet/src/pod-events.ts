// What the kubelet tells about a pod as Events (pkg/kubelet/events/event.go and the messages of
// kuberuntime), so that `kubectl describe pod` reads as it does against Kubernetes: Pulled,
// Created, Started, Killing, Unhealthy, BackOff, Failed. Pure: the pod worker machine emits these
// and the kubelet's adapter writes them through its event recorder.
import type { Pod } from '@skiff/api';
import type { ContainerToKill } from './pod-actions.js';
import type { BlockedStart, ContainerStart, PullResult, StartResult } from './pod-sync.js';
import type { ProbeResultEvent } from './probe-worker.machine.js';
import type { ContainerKind } from './runtime-status.js';

export interface PodEvent {
  readonly type: 'podEvent';
  readonly eventType: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  /** The container's place in the spec, as involvedObject.fieldPath: `spec.containers{web}`. */
  readonly fieldPath?: string;
}

export function containerFieldPath(name: string, kind: ContainerKind): string {
  return `${kind === 'init' ? 'spec.initContainers' : 'spec.containers'}{${name}}`;
}

function event(eventType: PodEvent['eventType'], reason: string, message: string, fieldPath?: string): PodEvent {
  return fieldPath === undefined ? { type: 'podEvent', eventType, reason, message } : { type: 'podEvent', eventType, reason, message, fieldPath };
}

/** Runtimes here keep no image store to pull into: an image is always "present" (IfNotPresent's message). */
export function pullEvents(starts: readonly ContainerStart[], results: readonly PullResult[]): PodEvent[] {
  return results.map((r) => {
    const fieldPath = containerFieldPath(r.name, starts.find((s) => s.name === r.name)?.kind ?? 'regular');
    return 'error' in r
      ? event('Warning', 'Failed', `Failed to pull image "${r.image}": ${r.error}`, fieldPath)
      : event('Normal', 'Pulled', `Container image "${r.image}" already present on machine`, fieldPath);
  });
}

/** A pod whose volumes cannot be set up (an unbound claim, a missing ConfigMap) waits: FailedMount, retried. */
export function prepareErrorEvents(message: string): PodEvent[] {
  return [event('Warning', 'FailedMount', message)];
}

export function startEvents(results: readonly StartResult[]): PodEvent[] {
  return results.flatMap((r) => {
    const fieldPath = containerFieldPath(r.start.name, r.start.kind);
    if ('error' in r) return [event('Warning', 'Failed', `Error: ${r.error.message}`, fieldPath)];
    return [event('Normal', 'Created', `Created container ${r.start.name}`, fieldPath), event('Normal', 'Started', `Started container ${r.start.name}`, fieldPath)];
  });
}

/** killContainer's message: why (computePodActions says whether it comes back), else a plain stop. */
export function killEvents(kills: readonly ContainerToKill[], kindOf: (name: string) => ContainerKind): PodEvent[] {
  return kills.map((k) => {
    const message = k.reason === 'SpecChanged' || k.reason === 'LivenessProbe' || k.reason === 'StartupProbe' ? k.message : `Stopping container ${k.name}`;
    return event('Normal', 'Killing', message, containerFieldPath(k.name, kindOf(k.name)));
  });
}

export function terminationEvents(live: readonly { readonly name: string; readonly kind: ContainerKind }[]): PodEvent[] {
  return live.map((c) => event('Normal', 'Killing', `Stopping container ${c.name}`, containerFieldPath(c.name, c.kind)));
}

const PROBE_NAMES = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' } as const;

export function probeEvents(result: ProbeResultEvent): PodEvent[] {
  if (result.result !== 'failure') return [];
  const output = result.output.trim();
  return [event('Warning', 'Unhealthy', `${PROBE_NAMES[result.probeType]} probe failed: ${output}`, containerFieldPath(result.containerName, 'regular'))];
}

export function backOffEvents(pod: Pod, blocked: readonly BlockedStart[]): PodEvent[] {
  const m = pod.metadata;
  return blocked.flatMap((b) => {
    const fieldPath = containerFieldPath(b.name, b.kind);
    if (b.reason === 'CrashLoopBackOff') return [event('Warning', 'BackOff', `Back-off restarting failed container ${b.name} in pod ${m.name ?? ''}_${m.namespace ?? ''}(${m.uid ?? ''})`, fieldPath)];
    if (b.reason === 'ImagePullBackOff') return [event('Normal', 'BackOff', `Back-off pulling image "${containerImage(pod, b.name)}"`, fieldPath)];
    return [];
  });
}

function containerImage(pod: Pod, name: string): string {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === name)?.image ?? '';
}
