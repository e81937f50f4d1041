// The `hollow` runtime: simulated containers, no processes, for thousands of nodes in one process
// (kubemark's hollow kubelet has the same idea). Time comes from an injected Clock and chance from
// an injected Random, so a SimulationClock and a seed replay a run exactly.
//
// A container "runs" from startContainer (after a start latency) until one of:
// - its behaviour says it exits by itself (runForMs, exitCode);
// - it "crashes": with probability failureRate a start is followed by exit code 1 after a random
//   delay in crashAfterMs;
// - stopContainer: it honours SIGTERM after terminationDelayMs (exit 143, or exitCodeOnSigterm),
//   unless that is longer than the stop timeout or it ignores SIGTERM: then SIGKILL (137) at the
//   timeout;
// - exitContainer (tests): it exits now with the given code.
// Memory per container is a record and a small ring of log lines (logLinesMax).
import type { Clock, Random, TimerId } from '@skiff/core';
import {
  CriError,
  type Container,
  type ContainerConfig,
  type ContainerEvent,
  type ContainerEventType,
  type ContainerFilter,
  type ContainerRuntime,
  type ContainerStatus,
  type AttachOptions,
  type ExecOptions,
  type ExecSession,
  type ExecSyncResponse,
  type Image,
  type LogLine,
  type LogOptions,
  type LogStream,
  type PodSandbox,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type RuntimeStatus,
  type Unsubscribe,
  type VersionResponse,
} from '@skiff/kubelet';
import { formatRfc3339Nano, tailRecords } from './cri-log.js';
import { intToIp, PodIPAllocator } from './pod-ip.js';
import { imageRecord, labelsMatch } from './runtime-common.js';

export interface HollowBehavior {
  /** Exits by itself this long after it started; undefined: runs until stopped. */
  readonly runForMs?: number;
  /** Exit code when it exits by itself. Default 0. */
  readonly exitCode?: number;
  /** Time between SIGTERM and its exit. Default 0. */
  readonly terminationDelayMs?: number;
  readonly ignoreSigterm?: boolean;
  /** Exit code after a graceful SIGTERM. Default 143 (128 + SIGTERM). */
  readonly exitCodeOnSigterm?: number;
  /** startContainer fails (the command cannot be run). */
  readonly startFails?: boolean;
  /** Lines written to stdout when it starts. */
  readonly stdout?: readonly string[];
}

export interface LatencyRange {
  readonly minMs: number;
  readonly maxMs: number;
}

export interface HollowRuntimeOptions {
  readonly clock: Clock;
  readonly random: Random;
  readonly startLatencyMs?: number | LatencyRange;
  readonly pullLatencyMs?: number | LatencyRange;
  /** Probability that a started container crashes (exit 1) on its own. */
  readonly failureRate?: number;
  readonly crashAfterMs?: LatencyRange;
  readonly behavior?: (config: ContainerConfig, sandbox: PodSandboxConfig) => HollowBehavior;
  readonly exec?: (config: ContainerConfig, cmd: readonly string[]) => ExecSyncResponse;
  /** Images that fail to pull (ErrImagePull). */
  readonly unpullableImages?: ReadonlySet<string>;
  /** First pod IP; the others follow it. Default 10.88.0.1. Unused once a pod CIDR is set. */
  readonly podIPBase?: string;
  /** The node's pod CIDR (inside 127.0.0.0/8): sandbox IPs come from it and are released with the sandbox. */
  readonly podCIDR?: string;
  readonly logLinesMax?: number;
}

interface HollowSandbox {
  readonly id: string;
  readonly config: PodSandboxConfig;
  readonly createdAtMs: number;
  readonly ip: string;
  state: PodSandbox['state'];
}

interface HollowContainer {
  readonly id: string;
  readonly sandbox: HollowSandbox;
  readonly config: ContainerConfig;
  readonly behavior: HollowBehavior;
  readonly imageRef: string;
  readonly createdAtMs: number;
  state: ContainerStatus['state'];
  startedAtMs: number;
  finishedAtMs: number;
  exitCode: number;
  signal: number;
  reason: string;
  logs: LogLine[];
  /** Lines ever written: the first line in `logs` is number logsWritten - logs.length. */
  logsWritten: number;
  timers: TimerId[];
  exited: Promise<void>;
  markExited: () => void;
  logWaiters: (() => void)[];
}

export class HollowRuntime implements ContainerRuntime {
  private readonly sandboxes = new Map<string, HollowSandbox>();
  private readonly containers = new Map<string, HollowContainer>();
  private readonly images = new Map<string, Image>();
  private readonly listeners = new Set<(event: ContainerEvent) => void>();
  private nextId = 1;
  private nextIp = 0;
  private readonly ipBase: number;
  private podIPs: PodIPAllocator | undefined;

  constructor(private readonly options: HollowRuntimeOptions) {
    const parts = (options.podIPBase ?? '10.88.0.1').split('.').map(Number);
    this.ipBase = parts.reduce((n, p) => n * 256 + p, 0);
    if (options.podCIDR !== undefined) this.setPodCIDR(options.podCIDR);
  }

  /**
   * The node's pod CIDR, known once node IPAM has assigned it (the kubelet's UpdateRuntimeConfig
   * call in Kubernetes): later sandboxes take their IPs from it. Throws PodIPRangeError when bad.
   */
  setPodCIDR(cidr: string): void {
    this.podIPs = new PodIPAllocator(cidr);
  }

  async version(): Promise<VersionResponse> {
    return { version: '0.1.0', runtimeName: 'skiff-hollow', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' };
  }

  async status(): Promise<RuntimeStatus> {
    return {
      conditions: [
        { type: 'RuntimeReady', status: true, reason: '', message: '' },
        { type: 'NetworkReady', status: true, reason: '', message: '' },
      ],
    };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = this.id('sandbox');
    const ip = this.podIPs?.allocate() ?? intToIp(this.ipBase + this.nextIp++);
    this.sandboxes.set(id, { id, config, createdAtMs: this.options.clock.now(), ip, state: 'SANDBOX_READY' });
    return id;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    const s = this.sandboxes.get(podSandboxId);
    if (s === undefined) return;
    await Promise.all(this.containersOf(podSandboxId).map((c) => this.stopContainer(c.id, 0)));
    s.state = 'SANDBOX_NOTREADY';
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    const s = this.sandboxes.get(podSandboxId);
    if (s === undefined) return;
    await this.stopPodSandbox(podSandboxId);
    for (const c of this.containersOf(podSandboxId)) await this.removeContainer(c.id);
    this.sandboxes.delete(podSandboxId);
    this.podIPs?.release(s.ip);
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus> {
    const s = this.sandbox(podSandboxId);
    return { ...sandboxView(s), network: { ip: s.state === 'SANDBOX_READY' ? s.ip : '' } };
  }

  async listPodSandbox(filter: PodSandboxFilter = {}): Promise<PodSandbox[]> {
    return [...this.sandboxes.values()]
      .filter((s) => (filter.id === undefined || s.id === filter.id) && (filter.state === undefined || s.state === filter.state))
      .filter((s) => labelsMatch(s.config.labels, filter.labelSelector))
      .map(sandboxView);
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, _sandboxConfig?: PodSandboxConfig): Promise<string> {
    const sandbox = this.sandbox(podSandboxId);
    if (sandbox.state !== 'SANDBOX_READY') throw new CriError('FailedPrecondition', `sandbox ${podSandboxId} is not ready`);
    const id = this.id('container');
    let markExited = (): void => undefined;
    const exited = new Promise<void>((r) => (markExited = r));
    const c: HollowContainer = {
      id,
      sandbox,
      config,
      behavior: this.options.behavior?.(config, sandbox.config) ?? {},
      imageRef: this.images.get(config.image.image)?.id ?? '',
      createdAtMs: this.options.clock.now(),
      state: 'CONTAINER_CREATED',
      startedAtMs: 0,
      finishedAtMs: 0,
      exitCode: 0,
      signal: 0,
      reason: '',
      logs: [],
      logsWritten: 0,
      timers: [],
      exited,
      markExited,
      logWaiters: [],
    };
    this.containers.set(id, c);
    this.emit(c, 'CONTAINER_CREATED_EVENT');
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    const c = this.container(containerId);
    if (c.state !== 'CONTAINER_CREATED') throw new CriError('FailedPrecondition', `container ${containerId} is ${c.state}, not created`);
    await this.delay(this.options.startLatencyMs);
    if (c.state !== 'CONTAINER_CREATED') throw new CriError('FailedPrecondition', `container ${containerId} was stopped while starting`);
    if (c.behavior.startFails === true) {
      this.exit(c, 128, 0, 'StartError');
      throw new CriError('Unknown', `hollow container ${c.config.metadata.name} failed to start`);
    }
    c.state = 'CONTAINER_RUNNING';
    c.startedAtMs = this.options.clock.now();
    this.emit(c, 'CONTAINER_STARTED_EVENT');
    for (const line of c.behavior.stdout ?? []) this.log(c, 'stdout', line);
    this.scheduleSelfExit(c);
  }

  async stopContainer(containerId: string, timeoutMs: number): Promise<void> {
    const c = this.containers.get(containerId);
    if (c === undefined) return;
    if (c.state === 'CONTAINER_CREATED') return this.exit(c, 0, 0, '');
    if (c.state !== 'CONTAINER_RUNNING') return c.exited;
    const graceful = c.behavior.ignoreSigterm !== true && (c.behavior.terminationDelayMs ?? 0) <= timeoutMs && timeoutMs > 0;
    const at = graceful ? (c.behavior.terminationDelayMs ?? 0) : Math.max(0, timeoutMs);
    const code = graceful ? (c.behavior.exitCodeOnSigterm ?? 143) : 137;
    const signal = graceful ? (code === 143 ? 15 : 0) : 9;
    if (at === 0) this.exit(c, code, signal, code === 0 ? 'Completed' : 'Error');
    else c.timers.push(this.options.clock.setTimeout(() => this.exit(c, code, signal, code === 0 ? 'Completed' : 'Error'), at));
    return c.exited;
  }

  async removeContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (c === undefined) return;
    if (c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED') await this.stopContainer(containerId, 0);
    this.containers.delete(containerId);
    this.emit(c, 'CONTAINER_DELETED_EVENT');
  }

  async listContainers(filter: ContainerFilter = {}): Promise<Container[]> {
    return [...this.containers.values()]
      .filter((c) => (filter.id === undefined || c.id === filter.id) && (filter.state === undefined || c.state === filter.state))
      .filter((c) => filter.podSandboxId === undefined || c.sandbox.id === filter.podSandboxId)
      .filter((c) => labelsMatch(c.config.labels, filter.labelSelector))
      .map(containerView);
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    return statusView(this.container(containerId));
  }

  async execSync(containerId: string, cmd: readonly string[]): Promise<ExecSyncResponse> {
    const c = this.container(containerId);
    if (c.state !== 'CONTAINER_RUNNING') throw new CriError('FailedPrecondition', `container ${containerId} is not running`);
    return this.options.exec?.(c.config, cmd) ?? { stdout: '', stderr: '', exitCode: 0, timedOut: false };
  }

  /**
   * A simulated exec: the answer of the `exec` option (as for execSync; default: no output, exit 0)
   * comes out at once. Stdin is taken and dropped, so `kubectl exec -i ... cat` echoes nothing.
   */
  async exec(containerId: string, options: ExecOptions): Promise<ExecSession> {
    const c = this.container(containerId);
    if (c.state !== 'CONTAINER_RUNNING') throw new CriError('FailedPrecondition', `container ${containerId} is not running`);
    const answer = this.options.exec?.(c.config, options.cmd) ?? { stdout: '', stderr: '', exitCode: 0, timedOut: false };
    const bytes = (text: string): AsyncIterable<Uint8Array> => (async function* () {
      if (text !== '') yield new TextEncoder().encode(text);
    })();
    return {
      stdout: bytes(options.tty ? answer.stdout + answer.stderr : answer.stdout),
      stderr: bytes(options.tty ? '' : answer.stderr),
      writeStdin: () => Promise.resolve(),
      closeStdin: () => undefined,
      resize: () => undefined,
      kill: () => undefined,
      exit: Promise.resolve(answer.exitCode),
    };
  }

  /** Hollow containers run no process, so there is no stdio to attach to: a FailedPrecondition (the apiserver answers 400, kubectl falls back to logs). */
  async attach(containerId: string, _options: AttachOptions): Promise<ExecSession> {
    const c = this.container(containerId);
    if (c.state !== 'CONTAINER_RUNNING') throw new CriError('FailedPrecondition', `container ${containerId} is not running`);
    throw new CriError('FailedPrecondition', `container ${c.config.metadata.name} runs on a hollow node, which has no process and no stdio to attach to`);
  }

  readContainerLogs(containerId: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    const c = this.container(containerId);
    return this.followLogs(c, options);
  }

  getContainerEvents(listener: (event: ContainerEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async listImages(): Promise<Image[]> {
    return [...this.images.values()];
  }

  async imageStatus(image: string): Promise<Image | undefined> {
    return this.images.get(image);
  }

  async pullImage(image: string): Promise<string> {
    await this.delay(this.options.pullLatencyMs);
    if (this.options.unpullableImages?.has(image) === true) throw new CriError('NotFound', `pull access denied for ${image}, repository does not exist`);
    const record = this.images.get(image) ?? imageRecord(image);
    this.images.set(image, record);
    return record.id;
  }

  async removeImage(image: string): Promise<void> {
    this.images.delete(image);
  }

  async close(): Promise<void> {
    for (const c of this.containers.values()) if (c.state !== 'CONTAINER_EXITED') this.exit(c, 137, 9, 'Error');
    this.listeners.clear();
  }

  /** Test hook: the container's process exits now with this code. */
  exitContainer(containerId: string, exitCode: number, reason?: string): void {
    const c = this.container(containerId);
    if (c.state !== 'CONTAINER_RUNNING') throw new CriError('FailedPrecondition', `container ${containerId} is not running`);
    this.exit(c, exitCode, 0, reason ?? (exitCode === 0 ? 'Completed' : 'Error'));
  }

  /** Test hook: a line on the container's stdout or stderr. */
  writeLog(containerId: string, stream: LogStream, content: string): void {
    this.log(this.container(containerId), stream, content);
  }

  get containerCount(): number {
    return this.containers.size;
  }

  private scheduleSelfExit(c: HollowContainer): void {
    const { clock, random } = this.options;
    if (c.behavior.runForMs !== undefined) {
      const code = c.behavior.exitCode ?? 0;
      c.timers.push(clock.setTimeout(() => this.exit(c, code, 0, code === 0 ? 'Completed' : 'Error'), c.behavior.runForMs));
    }
    if (random.chance(this.options.failureRate ?? 0)) {
      const crash = this.options.crashAfterMs ?? { minMs: 0, maxMs: 1000 };
      c.timers.push(clock.setTimeout(() => this.exit(c, 1, 0, 'Error'), random.int(crash.minMs, crash.maxMs)));
    }
  }

  private exit(c: HollowContainer, exitCode: number, signal: number, reason: string): void {
    if (c.state === 'CONTAINER_EXITED') return;
    for (const t of c.timers) this.options.clock.clearTimeout(t);
    c.timers = [];
    c.state = 'CONTAINER_EXITED';
    c.exitCode = exitCode;
    c.signal = signal;
    c.reason = reason;
    c.finishedAtMs = this.options.clock.now();
    this.wakeLogReaders(c);
    c.markExited();
    this.emit(c, 'CONTAINER_STOPPED_EVENT');
  }

  private log(c: HollowContainer, stream: LogStream, content: string): void {
    const timeMs = this.options.clock.now();
    c.logs.push({ timestamp: formatRfc3339Nano(BigInt(timeMs) * 1_000_000n), timeMs, stream, tag: 'F', content });
    c.logsWritten++;
    const max = this.options.logLinesMax ?? 50;
    if (c.logs.length > max) c.logs.splice(0, c.logs.length - max);
    this.wakeLogReaders(c);
  }

  private wakeLogReaders(c: HollowContainer): void {
    const waiters = c.logWaiters;
    c.logWaiters = [];
    for (const w of waiters) w();
  }

  private async *followLogs(c: HollowContainer, options: LogOptions): AsyncGenerator<LogLine> {
    const keep = (l: LogLine): boolean => options.sinceTimeMs === undefined || l.timeMs >= options.sinceTimeMs;
    // Read the buffer and remember how far in one step, before yielding: writes may come between yields.
    const initial = c.logs.filter(keep);
    let next = c.logsWritten;
    yield* options.tailLines === undefined ? initial : tailRecords(initial, options.tailLines);
    for (let guard = 0; options.follow === true && guard < 1_000_000; guard++) {
      if (next === c.logsWritten) {
        if (c.state === 'CONTAINER_EXITED' || options.signal?.aborted === true || !this.containers.has(c.id)) return;
        await new Promise<void>((r) => {
          c.logWaiters.push(r);
          options.signal?.addEventListener('abort', () => r(), { once: true });
        });
      }
      const first = c.logsWritten - c.logs.length;
      const fresh = c.logs.slice(Math.max(0, next - first));
      next = c.logsWritten;
      yield* fresh.filter(keep);
    }
  }

  private delay(latency: number | LatencyRange | undefined): Promise<void> {
    const ms = latency === undefined ? 0 : typeof latency === 'number' ? latency : this.options.random.int(latency.minMs, latency.maxMs);
    if (ms <= 0) return Promise.resolve();
    return new Promise((r) => this.options.clock.setTimeout(r, ms));
  }

  private id(kind: string): string {
    return `hollow-${kind}-${this.nextId++}`;
  }

  private containersOf(sandboxId: string): HollowContainer[] {
    return [...this.containers.values()].filter((c) => c.sandbox.id === sandboxId);
  }

  private sandbox(id: string): HollowSandbox {
    const s = this.sandboxes.get(id);
    if (s === undefined) throw new CriError('NotFound', `pod sandbox ${id} not found`);
    return s;
  }

  private container(id: string): HollowContainer {
    const c = this.containers.get(id);
    if (c === undefined) throw new CriError('NotFound', `container ${id} not found`);
    return c;
  }

  private emit(c: HollowContainer, containerEventType: ContainerEventType): void {
    const event: ContainerEvent = { containerId: c.id, containerEventType, createdAtMs: this.options.clock.now(), podSandboxId: c.sandbox.id, containerStatus: statusView(c) };
    for (const listener of this.listeners) listener(event);
  }
}

function sandboxView(s: HollowSandbox): PodSandbox {
  return { id: s.id, metadata: s.config.metadata, state: s.state, createdAtMs: s.createdAtMs, labels: s.config.labels, annotations: s.config.annotations };
}

function containerView(c: HollowContainer): Container {
  return {
    id: c.id,
    podSandboxId: c.sandbox.id,
    metadata: c.config.metadata,
    image: c.config.image.image,
    imageRef: c.imageRef,
    state: c.state,
    createdAtMs: c.createdAtMs,
    labels: c.config.labels,
    annotations: c.config.annotations,
  };
}

function statusView(c: HollowContainer): ContainerStatus {
  return {
    ...containerView(c),
    startedAtMs: c.startedAtMs,
    finishedAtMs: c.finishedAtMs,
    exitCode: c.exitCode,
    signal: c.signal,
    reason: c.reason,
    message: '',
    mounts: c.config.mounts,
    logPath: '',
  };
}
