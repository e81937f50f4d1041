// pods/exec: the checks the apiserver makes before it connects a client to the pod's kubelet
// (Kubernetes: pkg/registry/core/pod/strategy.go ExecLocation and the PodExecOptions conversion),
// and the port through which the session then flows. Pure.
//
// Query: command (repeated, at least one), container (defaults to the only container), stdin,
// stdout, stderr, tty (booleans; at least one of stdin, stdout, stderr).

import type { KubeObject } from '@skiff/api';
import { fail } from '../errors.js';
import { badRequest } from '../status.js';

export interface ExecTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly node: string;
  readonly container: string;
  readonly command: readonly string[];
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

/** What comes back from the command, in order; `exit` or `error` is the last event. */
export type ExecEvent =
  | { readonly type: 'stdout' | 'stderr'; readonly data: Uint8Array }
  | { readonly type: 'exit'; readonly exitCode: number }
  | { readonly type: 'error'; readonly message: string };

/** A running exec, as the HTTP front sees it (the kubelet behind it is the source's business). */
export interface ExecStream {
  /** Pulled: the next chunk is asked of the kubelet only as the client takes the last one. */
  readonly events: AsyncIterable<ExecEvent>;
  /** Resolves when there is room for more (the kubelet has taken enough of what was sent). */
  writeStdin(data: Uint8Array): Promise<void>;
  closeStdin(): void;
  resize(width: number, height: number): void;
  /** The client went away: the command is killed. Idempotent. */
  cancel(): void;
}

/** Where an exec runs: the pod's kubelet (Skiff: NATS, nats/kubelet-exec.ts). Throws ApiError. */
export type PodExecSource = (target: ExecTarget) => Promise<ExecStream>;

export interface PodShape {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: {
    readonly nodeName?: string;
    readonly containers?: readonly { readonly name: string }[];
    readonly initContainers?: readonly { readonly name: string }[];
    readonly ephemeralContainers?: readonly { readonly name: string }[];
  };
}

/** Kubernetes reads boolean query parameters with strconv.ParseBool. */
export function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}

/** The stream a pods/exec or pods/attach query asks for on this pod (the checks both share), or a 400. */
export function streamTarget(object: KubeObject, query: URLSearchParams): Omit<ExecTarget, 'command'> {
  const pod = object as PodShape;
  const name = pod.metadata?.name ?? '';
  const stdin = flag(query, 'stdin');
  const stdout = flag(query, 'stdout');
  const stderr = flag(query, 'stderr');
  if (!stdin && !stdout && !stderr) fail(badRequest('you must specify at least 1 of stdin, stdout, stderr'));
  const container = containerOf(pod, query.get('container') ?? '');
  const node = pod.spec?.nodeName ?? '';
  if (node === '') fail(badRequest(`pod ${name} does not have a host assigned`));
  return { namespace: pod.metadata?.namespace ?? 'default', pod: name, node, container, stdin, stdout, stderr, tty: flag(query, 'tty') };
}

/** The exec the query asks for on this pod, or a 400 with Kubernetes' message. */
export function execTarget(object: KubeObject, query: URLSearchParams): ExecTarget {
  const command = query.getAll('command');
  if (command.length === 0) fail(badRequest('you must specify at least one command for the container'));
  return { ...streamTarget(object, query), command };
}

export function containerOf(pod: PodShape, asked: string): string {
  const name = pod.metadata?.name ?? '';
  const containers = pod.spec?.containers ?? [];
  if (asked === '') {
    if (containers.length === 1) return containers[0]!.name;
    fail(badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`));
  }
  const all = [...containers, ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
  if (!all.some((c) => c.name === asked)) fail(badRequest(`container ${asked} is not valid for pod ${name}`));
  return asked;
}
