// The `process` runtime: containers are host processes. The default for `skiff up`; it needs
// nothing but the host.
//
// - A sandbox is a record holding the pod's own loopback address (127.x.y.z from `podCIDR`) and
//   its log folder; there is no pause process, because there is no namespace to hold open.
// - A container is a process spawned detached (leader of its own process group) with the pod's
//   command + args, env and working dir. The environment is NOT the host's: it is PATH, HOSTNAME,
//   POD_IP / SKIFF_POD_IP and the container's env, as a container would see. The process binds
//   where the app says; the pod IP is handed to it in POD_IP and SKIFF_POD_IP.
// - Images are only names: "pull" records the name, nothing is downloaded, and an image such as
//   `python:3` means "run the command on this host". An image's ENTRYPOINT and CMD come from
//   host-images.ts (host programs, or emulations of the servers the docs deploy such as nginx)
//   or from `imageEntrypoints`; a container with neither a command nor a known image fails.
// - Each container gets a root file system of its own where the host allows it (container-root.ts:
//   an overlay of the host's "/" in a private mount namespace, volumes bind-mounted at their
//   mountPaths, the host's /tmp shared). Elsewhere, or with `containerRoots: false`, mounts are
//   recorded but not applied: the process sees the host's file system.
// - stdout and stderr go to <logDirectory>/<logPath> in the CRI log format, and to attach sessions
//   (container-stdio.ts); a container whose config has stdin gets a stdin pipe kept open for them.
// - Stop: SIGTERM to the group, SIGKILL to the group once the timeout has passed; when the
//   leader exits, whatever is left of its group is killed, as when a PID namespace's init dies.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { containerArgv } from './host-images.js';
import { containerRootsSupported, enterRoot, findExecutable, launchInRoot, type ContainerRoot } from './container-root.js';
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
  type PodSandbox,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type RuntimeStatus,
  type Unsubscribe,
  type VersionResponse,
} from '@skiff/kubelet';
import { imageRecord, labelsMatch } from './runtime-common.js';
import { ContainerLogWriter, wallClockNs, type NanoClock } from './log-writer.js';
import { readLogFile } from './log-reader.js';
import { execProcess } from './process-exec.js';
import { startExecSession } from './process-exec-session.js';
import { ContainerStdio } from './container-stdio.js';
import { exitCodeOf, groupAlive, signalGroup } from './process-group.js';
import { PodIPAllocator } from './pod-ip.js';

export interface ImageEntrypoint {
  readonly command: readonly string[];
  readonly args?: readonly string[];
}

export interface ProcessRuntimeOptions {
  /** Where relative log directories and sandbox working folders go. */
  readonly rootDir: string;
  /** Loopback range for pod IPs; give each kubelet on a machine its own. Default 127.42.0.0/16. */
  readonly podCIDR?: string;
  /** Host commands for images, used when a container has no command of its own. */
  readonly imageEntrypoints?: Readonly<Record<string, ImageEntrypoint>>;
  /** PATH inside containers. */
  readonly path?: string;
  readonly nowNs?: NanoClock;
  /** How long a stopped container waits for its log streams to close (stray holders). */
  readonly logFlushTimeoutMs?: number;
  /** Give containers their own root and mounts (default: when the host supports it). */
  readonly containerRoots?: boolean;
}

interface SandboxRecord {
  readonly id: string;
  readonly config: PodSandboxConfig;
  readonly createdAtMs: number;
  readonly ip: string;
  readonly logDir: string;
  readonly workDir: string;
  state: PodSandbox['state'];
}

interface ContainerRecord {
  readonly id: string;
  readonly sandbox: SandboxRecord;
  readonly config: ContainerConfig;
  readonly imageRef: string;
  readonly logPath: string;
  readonly createdAtMs: number;
  state: ContainerStatus['state'];
  startedAtMs: number;
  finishedAtMs: number;
  exitCode: number;
  signal: number;
  reason: string;
  message: string;
  child?: ChildProcess;
  env?: Record<string, string>;
  cwd?: string;
  /** Its own root file system, when it has one (enter it for exec). */
  root?: ContainerRoot;
  /** The leader was reaped: its pid may belong to someone else now, so no more group signals. */
  leaderReaped?: boolean;
  exited?: Promise<void>;
  /** Running `kubectl exec` sessions; they die with the container, as in its PID namespace. */
  execs?: Set<ExecSession>;
  /** Its stdio for attach sessions, while it runs. */
  stdio?: ContainerStdio;
}

const GROUP_EXIT_POLLS = 40;
const GROUP_EXIT_POLL_MS = 50;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export class ProcessRuntime implements ContainerRuntime {
  private readonly sandboxes = new Map<string, SandboxRecord>();
  private readonly containers = new Map<string, ContainerRecord>();
  private readonly images = new Map<string, Image>();
  private readonly listeners = new Set<(event: ContainerEvent) => void>();
  private readonly ips: PodIPAllocator;
  private readonly nowNs: NanoClock;
  private readonly rootDir: string;
  private rootsSupported: Promise<boolean> | undefined;

  constructor(private readonly options: ProcessRuntimeOptions) {
    this.rootDir = resolve(options.rootDir);
    this.ips = new PodIPAllocator(options.podCIDR ?? '127.42.0.0/16');
    this.nowNs = options.nowNs ?? wallClockNs();
  }

  private nowMs(): number {
    return Number(this.nowNs() / 1_000_000n);
  }

  async version(): Promise<VersionResponse> {
    return { version: '0.1.0', runtimeName: 'skiff-process', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' };
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
    const id = newId();
    const logDir = isAbsolute(config.logDirectory) ? config.logDirectory : join(this.rootDir, 'logs', config.logDirectory);
    const workDir = join(this.rootDir, 'sandboxes', id);
    await mkdir(logDir, { recursive: true });
    await mkdir(workDir, { recursive: true });
    const ip = this.ips.allocate();
    this.sandboxes.set(id, { id, config, createdAtMs: this.nowMs(), ip, logDir, workDir, state: 'SANDBOX_READY' });
    return id;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    const sandbox = this.sandboxes.get(podSandboxId);
    if (sandbox === undefined) return;
    await Promise.all(this.containersOf(podSandboxId).map((c) => this.stopContainer(c.id, 0)));
    if (sandbox.state === 'SANDBOX_READY') this.ips.release(sandbox.ip);
    sandbox.state = 'SANDBOX_NOTREADY';
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    const sandbox = this.sandboxes.get(podSandboxId);
    if (sandbox === undefined) return;
    await this.stopPodSandbox(podSandboxId);
    for (const c of this.containersOf(podSandboxId)) await this.removeContainer(c.id);
    this.sandboxes.delete(podSandboxId);
    await rm(sandbox.workDir, { recursive: true, force: true });
    if (this.isInsideRoot(sandbox.logDir)) await rm(sandbox.logDir, { recursive: true, force: true });
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
    const image = this.images.get(config.image.image);
    const id = newId();
    const logPath = join(sandbox.logDir, config.logPath === '' ? `${config.metadata.name}/${config.metadata.attempt}.log` : config.logPath);
    if (!isInside(sandbox.logDir, logPath)) throw new CriError('InvalidArgument', `log path ${JSON.stringify(config.logPath)} leaves the log directory`);
    await mkdir(dirname(logPath), { recursive: true });
    const record: ContainerRecord = {
      id,
      sandbox,
      config,
      imageRef: image?.id ?? '',
      logPath,
      createdAtMs: this.nowMs(),
      state: 'CONTAINER_CREATED',
      startedAtMs: 0,
      finishedAtMs: 0,
      exitCode: 0,
      signal: 0,
      reason: '',
      message: '',
    };
    this.containers.set(id, record);
    this.emit(record, 'CONTAINER_CREATED_EVENT');
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    const c = this.container(containerId);
    if (c.state !== 'CONTAINER_CREATED') throw new CriError('FailedPrecondition', `container ${containerId} is ${c.state}, not created`);
    let argv = this.argv(c);
    c.env = this.environment(c);
    c.cwd = await this.workingDir(c);
    if (await this.useRoots()) {
      // The program is looked up first, so a missing one fails the start (StartError) as before.
      const found = await findExecutable(argv[0]!, c.env['PATH'] ?? DEFAULT_PATH, c.cwd);
      if (found === undefined) {
        this.finish(c, { exitCode: 128, signal: 0 }, 'StartError', `exec: ${JSON.stringify(argv[0])}: executable file not found in $PATH`);
        throw new CriError('Unknown', c.message);
      }
      c.root = await this.prepareRoot(c);
      argv = launchInRoot(c.root, c.config.mounts, c.cwd, c.sandbox.config.hostname, argv);
    }
    const child = spawn(argv[0]!, argv.slice(1), { cwd: c.cwd, env: c.env, detached: true, stdio: [c.config.stdin === true ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const writer = new ContainerLogWriter(c.logPath, child.stdout!, child.stderr!, this.nowNs);
    const stdio = new ContainerStdio({ stdin: child.stdin ?? undefined, stdinOnce: c.config.stdinOnce === true, tty: c.config.tty === true });
    child.stdout!.on('data', (chunk: Buffer) => stdio.output('stdout', chunk));
    child.stderr!.on('data', (chunk: Buffer) => stdio.output('stderr', chunk));
    c.stdio = stdio;
    await new Promise<void>((resolveSpawn, rejectSpawn) => {
      // 'error' comes once when the spawn fails; later errors (a failed kill) must not crash us.
      child.on('error', () => undefined);
      child.once('spawn', () => {
        c.child = child;
        c.state = 'CONTAINER_RUNNING';
        c.startedAtMs = this.nowMs();
        c.exited = this.watchExit(c, child, writer);
        this.emit(c, 'CONTAINER_STARTED_EVENT');
        resolveSpawn();
      });
      child.once('error', (e) => {
        if (c.state !== 'CONTAINER_CREATED') return;
        this.finish(c, { exitCode: 128, signal: 0 }, 'StartError', `failed to start ${JSON.stringify(argv[0])}: ${e.message}`);
        rejectSpawn(new CriError('Unknown', c.message, { cause: e }));
      });
    });
  }

  async stopContainer(containerId: string, timeoutMs: number): Promise<void> {
    const c = this.containers.get(containerId);
    if (c === undefined) return;
    if (c.state === 'CONTAINER_CREATED') {
      this.finish(c, { exitCode: 0, signal: 0 }, '', 'stopped before it started');
      return;
    }
    if (c.state !== 'CONTAINER_RUNNING' || c.child?.pid === undefined || c.leaderReaped === true) return c.exited;
    const pid = c.child.pid;
    if (timeoutMs > 0) {
      signalGroup(pid, 'SIGTERM');
      // After the leader is reaped, watchExit has killed what was left of the group itself.
      const timer = setTimeout(() => c.leaderReaped !== true && signalGroup(pid, 'SIGKILL'), timeoutMs);
      await c.exited;
      clearTimeout(timer);
    } else {
      signalGroup(pid, 'SIGKILL');
      await c.exited;
    }
  }

  async removeContainer(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (c === undefined) return;
    await this.stopContainer(containerId, 0);
    this.containers.delete(containerId);
    await rm(c.logPath, { force: true });
    if (c.root !== undefined) await rm(dirname(c.root.rootDir), { recursive: true, force: true });
    this.emit(c, 'CONTAINER_DELETED_EVENT');
  }

  async listContainers(filter: ContainerFilter = {}): Promise<Container[]> {
    return [...this.containers.values()]
      .filter((c) => filter.id === undefined || c.id === filter.id)
      .filter((c) => filter.state === undefined || c.state === filter.state)
      .filter((c) => filter.podSandboxId === undefined || c.sandbox.id === filter.podSandboxId)
      .filter((c) => labelsMatch(c.config.labels, filter.labelSelector))
      .map((c) => containerView(c));
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    return statusView(this.container(containerId));
  }

  async execSync(containerId: string, cmd: readonly string[], timeoutMs: number): Promise<ExecSyncResponse> {
    const c = this.container(containerId);
    if (c.state !== 'CONTAINER_RUNNING') throw new CriError('FailedPrecondition', `container ${containerId} is not running`);
    return execProcess({ cmd: this.inContainer(c, cmd), env: c.env ?? {}, cwd: c.cwd ?? c.sandbox.workDir, timeoutMs });
  }

  async exec(containerId: string, options: ExecOptions): Promise<ExecSession> {
    const c = this.container(containerId);
    if (c.state !== 'CONTAINER_RUNNING') throw new CriError('FailedPrecondition', `container ${containerId} is not running`);
    const session = await startExecSession({ ...options, cmd: this.inContainer(c, options.cmd), env: c.env ?? {}, cwd: c.cwd ?? c.sandbox.workDir });
    const execs = (c.execs ??= new Set());
    execs.add(session);
    void session.exit.finally(() => execs.delete(session));
    return session;
  }

  async attach(containerId: string, options: AttachOptions): Promise<ExecSession> {
    const c = this.container(containerId);
    if (c.state !== 'CONTAINER_RUNNING' || c.stdio === undefined) throw new CriError('FailedPrecondition', `container ${containerId} is not running`);
    return c.stdio.attach(options);
  }

  readContainerLogs(containerId: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    const c = this.container(containerId);
    let flushed = false;
    void c.exited?.then(() => (flushed = true));
    const finished = (): boolean => !this.containers.has(containerId) || flushed || (c.state === 'CONTAINER_EXITED' && c.exited === undefined);
    return readLogFile(c.logPath, options, { finished });
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
    const record = this.images.get(image) ?? imageRecord(image);
    this.images.set(image, record);
    return record.id;
  }

  async removeImage(image: string): Promise<void> {
    this.images.delete(image);
  }

  async close(): Promise<void> {
    await Promise.all([...this.containers.keys()].map((id) => this.stopContainer(id, 0)));
    this.listeners.clear();
  }

  /** Running containers' process-group leaders with their pod, for stats. */
  containerProcesses(): { containerId: string; name: string; podUID: string; pid: number }[] {
    const out: { containerId: string; name: string; podUID: string; pid: number }[] = [];
    for (const c of this.containers.values()) {
      if (c.state !== 'CONTAINER_RUNNING' || c.child?.pid === undefined) continue;
      out.push({ containerId: c.id, name: c.config.metadata.name, podUID: c.sandbox.config.metadata.uid, pid: c.child.pid });
    }
    return out;
  }

  /** Pids of running container processes (group leaders), for stats and tests. */
  pids(): Map<string, number> {
    const out = new Map<string, number>();
    for (const c of this.containers.values()) if (c.state === 'CONTAINER_RUNNING' && c.child?.pid !== undefined) out.set(c.id, c.child.pid);
    return out;
  }

  private async watchExit(c: ContainerRecord, child: ChildProcess, writer: ContainerLogWriter): Promise<void> {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) => child.once('exit', (...r) => done(r)));
    c.leaderReaped = true;
    // The leader is gone: end the rest of its group, as the death of a PID namespace's init does.
    if (child.pid !== undefined) await this.killGroup(child.pid);
    for (const session of c.execs ?? []) session.kill();
    await Promise.race([writer.finished(), sleep(this.options.logFlushTimeoutMs ?? 2000)]);
    c.stdio?.end();
    const result = exitCodeOf(code, signal);
    this.finish(c, result, result.exitCode === 0 ? 'Completed' : 'Error', '');
  }

  private finish(c: ContainerRecord, result: { exitCode: number; signal: number }, reason: string, message: string): void {
    c.state = 'CONTAINER_EXITED';
    c.exitCode = result.exitCode;
    c.signal = result.signal;
    c.reason = reason;
    c.message = message;
    c.finishedAtMs = this.nowMs();
    delete c.child;
    this.emit(c, 'CONTAINER_STOPPED_EVENT');
  }

  /** SIGKILL to what is left of the group, and a bounded wait until it is gone (a container's mount namespace takes a moment to tear down). */
  private async killGroup(pid: number): Promise<void> {
    signalGroup(pid, 'SIGKILL');
    for (let i = 0; i < GROUP_EXIT_POLLS && groupAlive(pid); i++) await sleep(GROUP_EXIT_POLL_MS);
  }

  private useRoots(): Promise<boolean> {
    if (this.options.containerRoots === false) return Promise.resolve(false);
    this.rootsSupported ??= containerRootsSupported();
    return this.rootsSupported;
  }

  private async prepareRoot(c: ContainerRecord): Promise<ContainerRoot> {
    const base = join(this.rootDir, 'containers', c.id);
    const root = { rootDir: join(base, 'rootfs'), upperDir: join(base, 'upper'), workDir: join(base, 'work') };
    await Promise.all([root.rootDir, root.upperDir, root.workDir].map((d) => mkdir(d, { recursive: true })));
    return root;
  }

  /** A command to run in the container: inside its root when it has one. */
  private inContainer(c: ContainerRecord, cmd: readonly string[]): readonly string[] {
    const pid = c.child?.pid;
    return c.root === undefined || pid === undefined || cmd.length === 0 ? cmd : enterRoot(pid, cmd);
  }

  private argv(c: ContainerRecord): string[] {
    const argv = containerArgv(c.config.image.image, c.config.command, c.config.args, this.options.imageEntrypoints);
    if (argv.length === 0) {
      throw new CriError(
        'InvalidArgument',
        `container ${c.config.metadata.name}: no command, and image ${JSON.stringify(c.config.image.image)} is not one the process runtime knows (it runs host commands; give the container a command)`,
      );
    }
    return argv;
  }

  private environment(c: ContainerRecord): Record<string, string> {
    const env: Record<string, string> = { PATH: this.options.path ?? DEFAULT_PATH, HOSTNAME: c.sandbox.config.hostname, POD_IP: c.sandbox.ip };
    for (const { key, value } of c.config.envs) env[key] = value;
    env['SKIFF_POD_IP'] = c.sandbox.ip;
    return env;
  }

  private async workingDir(c: ContainerRecord): Promise<string> {
    const dir = c.config.workingDir;
    if (dir === '') return c.sandbox.workDir;
    const info = await stat(dir).catch(() => undefined);
    if (info?.isDirectory() !== true) throw new CriError('FailedPrecondition', `working directory ${dir} does not exist on this host`);
    return dir;
  }

  private isInsideRoot(path: string): boolean {
    return isInside(this.rootDir, path);
  }

  private containersOf(sandboxId: string): ContainerRecord[] {
    return [...this.containers.values()].filter((c) => c.sandbox.id === sandboxId);
  }

  private sandbox(id: string): SandboxRecord {
    const s = this.sandboxes.get(id);
    if (s === undefined) throw new CriError('NotFound', `pod sandbox ${id} not found`);
    return s;
  }

  private container(id: string): ContainerRecord {
    const c = this.containers.get(id);
    if (c === undefined) throw new CriError('NotFound', `container ${id} not found`);
    return c;
  }

  private emit(c: ContainerRecord, containerEventType: ContainerEventType): void {
    const event: ContainerEvent = { containerId: c.id, containerEventType, createdAtMs: this.nowMs(), podSandboxId: c.sandbox.id, containerStatus: statusView(c) };
    for (const listener of this.listeners) listener(event);
  }
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function newId(): string {
  return randomBytes(16).toString('hex');
}

function sandboxView(s: SandboxRecord): PodSandbox {
  return { id: s.id, metadata: s.config.metadata, state: s.state, createdAtMs: s.createdAtMs, labels: s.config.labels, annotations: s.config.annotations };
}

function containerView(c: ContainerRecord): Container {
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

function statusView(c: ContainerRecord): ContainerStatus {
  return {
    ...containerView(c),
    startedAtMs: c.startedAtMs,
    finishedAtMs: c.finishedAtMs,
    exitCode: c.exitCode,
    signal: c.signal,
    reason: c.reason,
    message: c.message,
    mounts: c.config.mounts,
    logPath: c.logPath,
  };
}
