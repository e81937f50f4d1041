// The container runtime port, shaped after the Kubernetes CRI (k8s.io/cri-api, runtime/v1
// api.proto): a RuntimeService (pod sandboxes, containers, exec, status, container events) and an
// ImageService (pull, list, status, remove).
//
// Why here, in @skiff/kubelet: the kubelet is the consumer, so it owns the port (as etcd-io/raft
// owns its Storage interface); @skiff/runtime (type:adapter) implements it and may depend on this
// package, never the other way round, so the kubelet's machines cannot reach an implementation.
// A separate type:core package would only hold these types and one error class.
//
// Departures from the proto, all deliberate: times are milliseconds since the epoch (`...AtMs`,
// 0 = not set, as CRI's 0 nanoseconds), byte fields are strings, and container logs are read
// through the runtime (`readContainerLogs`) instead of from files by path, so a hollow runtime
// needs no files at all.

export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type LogStream = 'stdout' | 'stderr';

export type Labels = Readonly<Record<string, string>>;

export interface PodSandboxMetadata {
  readonly name: string;
  readonly uid: string;
  readonly namespace: string;
  /** How many sandboxes were created for this pod before this one. */
  readonly attempt: number;
}

export interface PortMapping {
  readonly protocol: Protocol;
  readonly containerPort: number;
  readonly hostPort: number;
  readonly hostIp: string;
}

export interface PodSandboxConfig {
  readonly metadata: PodSandboxMetadata;
  readonly hostname: string;
  /** Folder of this pod's container logs (Kubernetes: /var/log/pods/<ns>_<name>_<uid>). */
  readonly logDirectory: string;
  readonly portMappings: readonly PortMapping[];
  readonly labels: Labels;
  readonly annotations: Labels;
}

export interface PodSandbox {
  readonly id: string;
  readonly metadata: PodSandboxMetadata;
  readonly state: PodSandboxState;
  readonly createdAtMs: number;
  readonly labels: Labels;
  readonly annotations: Labels;
}

export interface PodSandboxStatus extends PodSandbox {
  readonly network: { readonly ip: string };
}

export interface PodSandboxFilter {
  readonly id?: string;
  readonly state?: PodSandboxState;
  readonly labelSelector?: Labels;
}

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

export interface Mount {
  readonly containerPath: string;
  readonly hostPath: string;
  readonly readonly: boolean;
}

export interface ContainerMetadata {
  readonly name: string;
  /** Restart count of this container in its pod: 0 for the first instance. */
  readonly attempt: number;
}

export interface ContainerConfig {
  readonly metadata: ContainerMetadata;
  readonly image: { readonly image: string };
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly workingDir: string;
  readonly envs: readonly KeyValue[];
  readonly mounts: readonly Mount[];
  readonly labels: Labels;
  readonly annotations: Labels;
  /** Relative to the sandbox's logDirectory (Kubernetes: <container>/<restartCount>.log). */
  readonly logPath: string;
  /** Keep a stdin pipe open for attach (Container.stdin); absent means false. */
  readonly stdin?: boolean;
  /** Close that stdin once the first attach session that took it ends (Container.stdinOnce). */
  readonly stdinOnce?: boolean;
  /** The container asked for a terminal (Container.tty); runtimes without one merge stderr into stdout. */
  readonly tty?: boolean;
}

export interface Container {
  readonly id: string;
  readonly podSandboxId: string;
  readonly metadata: ContainerMetadata;
  readonly image: string;
  readonly imageRef: string;
  readonly state: ContainerState;
  readonly createdAtMs: number;
  readonly labels: Labels;
  readonly annotations: Labels;
}

export interface ContainerStatus extends Container {
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly exitCode: number;
  /** Brief CamelCase reason of the exit: Completed, Error, OOMKilled (CRI ContainerStatus.reason). */
  readonly reason: string;
  readonly message: string;
  /** The signal that ended the process, when one did (e.g. 9); 0 otherwise. */
  readonly signal: number;
  readonly mounts: readonly Mount[];
  /** Absolute path of the log file, or '' when the runtime keeps logs elsewhere. */
  readonly logPath: string;
}

export interface ContainerFilter {
  readonly id?: string;
  readonly state?: ContainerState;
  readonly podSandboxId?: string;
  readonly labelSelector?: Labels;
}

export interface ExecSyncResponse {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  /** True when the command was killed because it outlived its timeout. */
  readonly timedOut: boolean;
}

/** CRI ExecRequest, minus the streaming URL: Skiff streams the session itself (kubelet.<node>.exec). */
export interface ExecOptions {
  readonly cmd: readonly string[];
  /** Pipe the caller's stdin to the command; without it the command reads an empty stdin. */
  readonly stdin: boolean;
  /** A terminal was asked for (kubectl exec -t). Runtimes that allocate none merge stderr into stdout. */
  readonly tty: boolean;
}

/** CRI AttachRequest, minus the streaming URL: Skiff streams the session itself (kubelet.<node>.attach). */
export interface AttachOptions {
  /** Send the caller's stdin to the container's (only a container started with stdin has one). */
  readonly stdin: boolean;
  readonly tty: boolean;
}

export interface TerminalSize {
  readonly width: number;
  readonly height: number;
}

/** One running exec: the command's output as it comes, its stdin, and its exit. */
export interface ExecSession {
  /** Pulled by the caller: a runtime reads no more output than the caller takes (backpressure). */
  readonly stdout: AsyncIterable<Uint8Array>;
  readonly stderr: AsyncIterable<Uint8Array>;
  /** Resolves once the command has taken the bytes (so the caller can bound what is in flight). */
  writeStdin(data: Uint8Array): Promise<void>;
  closeStdin(): void;
  resize(size: TerminalSize): void;
  /** Ends the command (and whatever it started). Idempotent. */
  kill(): void;
  /** The exit code once the command has exited and its output is drained (128+N for signal N). */
  readonly exit: Promise<number>;
}

export interface Image {
  readonly id: string;
  readonly repoTags: readonly string[];
  readonly sizeBytes: number;
}

export interface VersionResponse {
  readonly version: string;
  readonly runtimeName: string;
  readonly runtimeVersion: string;
  readonly runtimeApiVersion: string;
}

export interface RuntimeCondition {
  readonly type: 'RuntimeReady' | 'NetworkReady';
  readonly status: boolean;
  readonly reason: string;
  readonly message: string;
}

export interface RuntimeStatus {
  readonly conditions: readonly RuntimeCondition[];
}

export type ContainerEventType =
  | 'CONTAINER_CREATED_EVENT'
  | 'CONTAINER_STARTED_EVENT'
  | 'CONTAINER_STOPPED_EVENT'
  | 'CONTAINER_DELETED_EVENT';

/** CRI GetContainerEvents (the evented PLEG): what changed, with the container's status then. */
export interface ContainerEvent {
  readonly containerId: string;
  readonly containerEventType: ContainerEventType;
  readonly createdAtMs: number;
  readonly podSandboxId: string;
  readonly containerStatus: ContainerStatus;
}

export interface LogOptions {
  /** Only the last N lines (kubectl logs --tail). */
  readonly tailLines?: number;
  /** Only lines written at or after this time (kubectl logs --since / --since-time). */
  readonly sinceTimeMs?: number;
  /** Keep reading until the container exits or `signal` aborts (kubectl logs -f). */
  readonly follow?: boolean;
  readonly signal?: AbortSignal;
}

/** One line of the CRI log format: `<RFC3339Nano> <stream> <P|F> <content>`. */
export interface LogLine {
  readonly timestamp: string;
  readonly timeMs: number;
  readonly stream: LogStream;
  /** F: the line is complete; P: a partial line, continued by the next record. */
  readonly tag: 'F' | 'P';
  readonly content: string;
}

export type Unsubscribe = () => void;

export interface RuntimeService {
  version(): Promise<VersionResponse>;
  status(): Promise<RuntimeStatus>;
  /** Creates and starts a sandbox (network address and all); returns its id. */
  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  /** Stops every container of the sandbox (no grace) and marks it not ready. Idempotent. */
  stopPodSandbox(podSandboxId: string): Promise<void>;
  /** Removes the sandbox and its containers. Idempotent. */
  removePodSandbox(podSandboxId: string): Promise<void>;
  podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus>;
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]>;
  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** SIGTERM, then SIGKILL once `timeoutMs` has passed; resolves once the container has exited. */
  stopContainer(containerId: string, timeoutMs: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  listContainers(filter?: ContainerFilter): Promise<Container[]>;
  containerStatus(containerId: string): Promise<ContainerStatus>;
  /** Runs a command in the container's environment; a timeout kills it and sets `timedOut`. */
  execSync(containerId: string, cmd: readonly string[], timeoutMs: number): Promise<ExecSyncResponse>;
  /** CRI Exec, streamed: starts the command in the container's context (FailedPrecondition if not running). */
  exec(containerId: string, options: ExecOptions): Promise<ExecSession>;
  /**
   * CRI Attach, streamed: the running container's own stdio as a session. kill() detaches (the
   * container runs on); `exit` resolves 0 once the session has ended (detached, or the container's
   * output closed), as Kubernetes answers attach with Success whatever the container's exit code.
   */
  attach(containerId: string, options: AttachOptions): Promise<ExecSession>;
  readContainerLogs(containerId: string, options?: LogOptions): AsyncIterable<LogLine>;
  /** Subscribes to container lifecycle events; events are delivered in the order they happened. */
  getContainerEvents(listener: (event: ContainerEvent) => void): Unsubscribe;
}

export interface ImageService {
  listImages(): Promise<Image[]>;
  imageStatus(image: string): Promise<Image | undefined>;
  /** Returns the image reference (its id). */
  pullImage(image: string): Promise<string>;
  removeImage(image: string): Promise<void>;
}

export interface ContainerRuntime extends RuntimeService, ImageService {
  /** Stops every container and releases what the runtime holds. */
  close(): Promise<void>;
}

/** gRPC-style status codes that the kubelet acts on. */
export type CriErrorCode = 'NotFound' | 'InvalidArgument' | 'FailedPrecondition' | 'AlreadyExists' | 'DeadlineExceeded' | 'Unknown';

export class CriError extends Error {
  override readonly name = 'CriError';
  constructor(
    readonly code: CriErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isCriNotFound(error: unknown): boolean {
  return error instanceof CriError && error.code === 'NotFound';
}
