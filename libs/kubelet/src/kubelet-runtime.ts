// The pod worker's runtime port (PodWorkerRuntime) over a CRI ContainerRuntime: what
// kuberuntime_container.go and kuberuntime_sandbox.go do around the CRI calls (configs, env,
// mounts, image pull policy, preStop hooks and grace periods, probes). It holds no I/O of its
// own: the runtime, the volume host and the probers are injected.
import type { Container, Pod, Service } from '@skiff/api';
import type { Clock } from '@skiff/core';
import { generateContainerConfig, podSandboxConfig } from './container-config.js';
import { ContainerConfigError, makeEnvironmentVariables, type ObjectLookup } from './container-env.js';
import { isCriNotFound, type ContainerEvent, type ContainerRuntime, type ContainerStatus as CriContainerStatus } from './cri.js';
import type { NodeAllocatable } from './downward-api.js';
import { ContainerHashAnnotation, ContainerRestartCountAnnotation, ContainerTypeAnnotation, KubernetesPodUIDLabel } from './labels.js';
import type { ProbeOutcome, Probers } from './probe.js';
import type { ProbeRequest } from './probe-worker.machine.js';
import type { ContainerStart, StartResult } from './pod-sync.js';
import { specContainer } from './pod-sync.js';
import type { LiveContainerRef, PodWorkerRuntime, SandboxInfo } from './pod-worker.js';
import type { ContainerExit, ContainerKind, RuntimeContainerStatus, RuntimeContainerState } from './runtime-status.js';
import { serviceEnvVars } from './service-env.js';
import { containerMounts, planPodVolumes, podDataDir, VolumeError, type VolumeHost } from './volumes.js';
import { podDnsFiles, podDnsMounts, type ClusterDnsConfig } from './pod-dns.js';

/** kuberuntime's minimumGracePeriodInSeconds: a container always gets at least this long after SIGTERM. */
export const MINIMUM_GRACE_PERIOD_MS = 2000;

export interface KubeletRuntimeOptions {
  readonly cri: ContainerRuntime;
  /** Prefix of container ids in pod status: `process`, `hollow`. */
  readonly runtimeName: string;
  readonly hostIP: string;
  /** Folder of pod data folders (Kubernetes: /var/lib/kubelet/pods). */
  readonly podsDir: string;
  readonly volumes: VolumeHost;
  readonly lookup: ObjectLookup;
  readonly services: () => readonly Service[];
  readonly probers: Probers;
  readonly clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;
  readonly allocatable?: NodeAllocatable;
  /** --cluster-dns and --cluster-domain; without nameservers pods keep the host's resolver. */
  readonly dns?: ClusterDnsConfig;
}

const NO_CLUSTER_DNS: ClusterDnsConfig = { clusterDNS: [], clusterDomain: 'cluster.local' };

const stateOf: Record<CriContainerStatus['state'], RuntimeContainerState> = {
  CONTAINER_CREATED: 'created',
  CONTAINER_RUNNING: 'running',
  CONTAINER_EXITED: 'exited',
  CONTAINER_UNKNOWN: 'unknown',
};

/** The kubelet's view of a CRI container status (hash, restart count and kind from its annotations). */
export function toRuntimeContainerStatus(s: CriContainerStatus): RuntimeContainerStatus {
  return {
    id: s.id,
    name: s.metadata.name,
    kind: s.annotations[ContainerTypeAnnotation] === 'init' ? 'init' : 'regular',
    state: stateOf[s.state],
    hash: s.annotations[ContainerHashAnnotation] ?? '',
    restartCount: Number(s.annotations[ContainerRestartCountAnnotation] ?? s.metadata.attempt),
    image: s.image,
    imageRef: s.imageRef,
    createdAtMs: s.createdAtMs,
    startedAtMs: s.startedAtMs,
    finishedAtMs: s.finishedAtMs,
    exitCode: s.exitCode,
    signal: s.signal,
    reason: s.reason,
    message: s.message,
  };
}

export function exitOf(s: CriContainerStatus): ContainerExit {
  return { containerId: s.id, exitCode: s.exitCode, signal: s.signal, reason: s.reason, message: s.message, finishedAtMs: s.finishedAtMs };
}

/** A stopped container's exit and its pod's uid, from a runtime event (the evented PLEG). */
export function containerExitFromEvent(event: ContainerEvent): { podUID: string; exit: ContainerExit } | undefined {
  if (event.containerEventType !== 'CONTAINER_STOPPED_EVENT') return undefined;
  const podUID = event.containerStatus.labels[KubernetesPodUIDLabel];
  if (podUID === undefined) return undefined;
  return { podUID, exit: exitOf(event.containerStatus) };
}

/** imagePullPolicy defaulting: Always for :latest or no tag, else IfNotPresent. */
export function imagePullPolicy(container: Container): 'Always' | 'IfNotPresent' | 'Never' {
  if (container.imagePullPolicy !== undefined) return container.imagePullPolicy;
  const image = container.image ?? '';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  if (image.includes('@')) return 'IfNotPresent';
  return !lastPart.includes(':') || lastPart.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

/** A probe's port: a number, a numeric string, or the name of a container port. */
export function resolvePort(port: number | string, container: Container | undefined): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container?.ports?.find((p) => p.name === port)?.containerPort;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class KubeletRuntime implements PodWorkerRuntime {
  readonly runtimeName: string;

  constructor(private readonly options: KubeletRuntimeOptions) {
    this.runtimeName = options.runtimeName;
  }

  podDir(pod: Pod): string {
    return podDataDir(this.options.podsDir, pod.metadata.uid ?? '');
  }

  async preparePod(pod: Pod): Promise<void> {
    const podDir = this.podDir(pod);
    await this.options.volumes.setUp(podDir, planPodVolumes(pod, podDir, this.options.lookup));
  }

  async createSandbox(pod: Pod, attempt: number, old: { readonly sandboxId?: string; readonly live: readonly LiveContainerRef[] }): Promise<SandboxInfo> {
    if (old.sandboxId !== undefined) await this.killPod(pod, old.sandboxId, pod.spec?.terminationGracePeriodSeconds ?? 30);
    const id = await this.options.cri.runPodSandbox(podSandboxConfig(pod, attempt));
    const status = await this.options.cri.podSandboxStatus(id);
    // /etc/hosts names the pod's IP, so the pod's DNS files are written once the sandbox has one.
    const dns = podDnsFiles(pod, this.podDir(pod), status.network.ip, this.options.dns ?? NO_CLUSTER_DNS);
    if (dns !== undefined) await this.options.volumes.setUp(this.podDir(pod), [dns]);
    return { id, podIP: status.network.ip, attempt };
  }

  async pullImage(_pod: Pod, container: Container): Promise<string> {
    const image = container.image ?? '';
    const policy = imagePullPolicy(container);
    const present = await this.options.cri.imageStatus(image);
    if (policy === 'Never') {
      if (present === undefined) throw new Error(`Container image ${JSON.stringify(image)} is not present with pull policy of Never`);
      return present.id;
    }
    if (policy === 'IfNotPresent' && present !== undefined) return present.id;
    return this.options.cri.pullImage(image);
  }

  async startContainer(pod: Pod, sandbox: SandboxInfo, container: Container, start: ContainerStart): Promise<StartResult> {
    const { cri } = this.options;
    let config;
    try {
      config = this.containerConfig(pod, sandbox, container, start);
    } catch (e) {
      if (e instanceof ContainerConfigError || e instanceof VolumeError) return { start, error: { reason: 'CreateContainerConfigError', message: e.message } };
      throw e;
    }
    let id: string;
    try {
      id = await cri.createContainer(sandbox.id, config, podSandboxConfig(pod, sandbox.attempt));
    } catch (e) {
      return { start, error: { reason: 'CreateContainerError', message: message(e) } };
    }
    try {
      await cri.startContainer(id);
    } catch (e) {
      const status = await cri.containerStatus(id).catch(() => undefined);
      if (status?.state !== 'CONTAINER_EXITED') return { start, error: { reason: 'RunContainerError', message: message(e) } };
    }
    return { start, status: toRuntimeContainerStatus(await cri.containerStatus(id)) };
  }

  async killContainer(pod: Pod, target: LiveContainerRef, gracePeriodSeconds: number): Promise<ContainerExit> {
    const { cri, clock } = this.options;
    const graceMs = Math.max(0, gracePeriodSeconds * 1000);
    const began = clock.now();
    const container = specContainer(pod, target.name, target.kind);
    if (container?.lifecycle?.preStop !== undefined && graceMs > 0) await this.runPreStop(target, container, graceMs);
    const remainingMs = Math.max(graceMs - (clock.now() - began), Math.min(MINIMUM_GRACE_PERIOD_MS, graceMs));
    try {
      await cri.stopContainer(target.containerId, remainingMs);
      return exitOf(await cri.containerStatus(target.containerId));
    } catch (e) {
      if (!isCriNotFound(e)) throw e;
      const message = 'The container could not be located when the pod was terminated';
      return { containerId: target.containerId, exitCode: 137, signal: 0, reason: 'ContainerStatusUnknown', message, finishedAtMs: clock.now() };
    }
  }

  async killPod(pod: Pod, sandboxId: string | undefined, gracePeriodSeconds: number): Promise<ContainerExit[]> {
    if (sandboxId === undefined) return [];
    const { cri } = this.options;
    const containers = await cri.listContainers({ podSandboxId: sandboxId });
    const live = containers.filter((c) => c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED');
    const exits = await Promise.all(
      live.map((c) => {
        const kind: ContainerKind = c.annotations[ContainerTypeAnnotation] === 'init' ? 'init' : 'regular';
        return this.killContainer(pod, { containerId: c.id, name: c.metadata.name, kind }, gracePeriodSeconds);
      }),
    );
    await cri.stopPodSandbox(sandboxId);
    return exits;
  }

  async probe(pod: Pod, request: ProbeRequest): Promise<ProbeOutcome> {
    const { probe } = request;
    const container = specContainer(pod, request.containerName, 'regular');
    if (probe.exec !== undefined) {
      const r = await this.options.cri.execSync(request.containerId, probe.exec.command ?? [], request.timeoutMs);
      if (r.timedOut) return { result: 'failure', output: `command timed out after ${request.timeoutMs / 1000}s` };
      return { result: r.exitCode === 0 ? 'success' : 'failure', output: r.stdout + r.stderr };
    }
    if (probe.tcpSocket !== undefined) {
      const port = resolvePort(probe.tcpSocket.port, container);
      if (port === undefined) return { result: 'failure', output: `unknown port ${probe.tcpSocket.port}` };
      return this.options.probers.tcp(probe.tcpSocket.host ?? request.podIP, port, request.timeoutMs);
    }
    if (probe.httpGet !== undefined) {
      const get = probe.httpGet;
      const port = resolvePort(get.port, container);
      if (port === undefined) return { result: 'failure', output: `unknown port ${get.port}` };
      return this.options.probers.http({ scheme: get.scheme ?? 'HTTP', host: get.host ?? request.podIP, port, path: get.path ?? '/', headers: get.httpHeaders ?? [], timeoutMs: request.timeoutMs });
    }
    return { result: 'failure', output: 'unsupported probe handler (exec, tcpSocket and httpGet are supported)' };
  }

  /** Removes the pod's sandboxes (and their containers and logs) and its data folder. */
  async cleanupPod(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    for (const s of await this.options.cri.listPodSandbox({ labelSelector: { [KubernetesPodUIDLabel]: uid } })) await this.options.cri.removePodSandbox(s.id);
    await this.options.volumes.tearDown(this.podDir(pod));
  }

  private containerConfig(pod: Pod, sandbox: SandboxInfo, container: Container, start: ContainerStart) {
    const { lookup, hostIP } = this.options;
    const serviceEnv = serviceEnvVars(this.options.services(), pod.metadata.namespace ?? 'default', pod.spec?.enableServiceLinks ?? true);
    const env = makeEnvironmentVariables({
      pod,
      container,
      fields: { podIP: sandbox.podIP, hostIP },
      serviceEnv,
      lookup,
      ...(this.options.allocatable !== undefined ? { allocatable: this.options.allocatable } : {}),
    });
    // The pod's /etc/hosts and /etc/resolv.conf first: a volume the container mounts there wins.
    const dns = podDnsMounts(podDnsFiles(pod, this.podDir(pod), sandbox.podIP, this.options.dns ?? NO_CLUSTER_DNS));
    const mounts = [...dns, ...containerMounts(container, planPodVolumes(pod, this.podDir(pod), lookup))];
    return generateContainerConfig({ pod, container, kind: start.kind, restartCount: start.restartCount, env, mounts });
  }

  /**
   * The preStop hook, bounded by the grace period (executePreStopHook); its failure does not stop
   * the kill. tcpSocket handlers are accepted and do nothing, as in Kubernetes.
   */
  private async runPreStop(target: LiveContainerRef, container: Container, graceMs: number): Promise<void> {
    const hook = container.lifecycle!.preStop!;
    const { cri, clock, probers } = this.options;
    let timer = 0;
    const deadline = new Promise<void>((r) => (timer = clock.setTimeout(r, graceMs)));
    const run = async (): Promise<void> => {
      if (hook.exec !== undefined) await cri.execSync(target.containerId, hook.exec.command ?? [], graceMs);
      else if (hook.sleep !== undefined) await new Promise<void>((r) => clock.setTimeout(r, Math.min(graceMs, hook.sleep!.seconds * 1000)));
      else if (hook.httpGet !== undefined) {
        const get = hook.httpGet;
        const port = resolvePort(get.port, container);
        const sandbox = await cri.podSandboxStatus((await cri.containerStatus(target.containerId)).podSandboxId);
        if (port !== undefined) await probers.http({ scheme: get.scheme ?? 'HTTP', host: get.host ?? sandbox.network.ip, port, path: get.path ?? '/', headers: get.httpHeaders ?? [], timeoutMs: graceMs });
      }
    };
    await Promise.race([run().catch(() => undefined), deadline]);
    clock.clearTimeout(timer);
  }
}
