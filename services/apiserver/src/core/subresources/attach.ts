// pods/attach: the checks the apiserver makes before it connects a client to a running container's
// own stdio (Kubernetes: pkg/registry/core/pod/strategy.go AttachLocation and the
// PodAttachOptions conversion). Pure. The session then flows through the same port as exec: the
// kubelet answers an ExecStream whose `exit` is 0 once the attach ends (Success, as ServeAttach).
//
// Query: container (defaults to the only container), stdin, stdout, stderr, tty (booleans; at
// least one of stdin, stdout, stderr).
import type { KubeObject } from '@skiff/api';
import { streamTarget, type ExecStream } from './exec.js';

export interface AttachTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly node: string;
  readonly container: string;
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

/** Where an attach runs: the pod's kubelet (Skiff: NATS, nats/kubelet-attach.ts). Throws ApiError. */
export type PodAttachSource = (target: AttachTarget) => Promise<ExecStream>;

/** The attach the query asks for on this pod, or a 400 with Kubernetes' message. */
export function attachTarget(object: KubeObject, query: URLSearchParams): AttachTarget {
  return streamTarget(object, query);
}
