// pods/portforward: the checks the apiserver makes before it connects a client to the pod's kubelet
// (Kubernetes: pkg/registry/core/pod/strategy.go PortForwardLocation), and the port through which
// each forwarded connection then flows. Pure.
//
// The pod must be Running (a dial to a pod without its sandbox could not succeed anyway).
// Query: ports (repeated, optional with SPDY where each stream names its port; each 1..65535).
import type { KubeObject } from '@skiff/api';
import { fail } from '../errors.js';
import { badRequest } from '../status.js';
import type { ExecStream, PodShape } from './exec.js';

export interface PortForwardTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly node: string;
}

/**
 * One forwarded connection to `port` of the pod, as an ExecStream: stdin is what the client sends,
 * stdout what the pod answers, closeStdin a half-close, cancel a reset, `exit` the pod's end of it.
 */
export type PodPortForwardSource = (target: PortForwardTarget, port: number) => Promise<ExecStream>;

/** The pod whose ports the query asks for, or a 400 with Kubernetes' message. */
export function portForwardTarget(object: KubeObject, query: URLSearchParams): PortForwardTarget {
  const pod = object as PodShape & { readonly status?: { readonly phase?: string } };
  const name = pod.metadata?.name ?? '';
  for (const value of query.getAll('ports').flatMap((v) => v.split(','))) {
    if (parsePort(value) === undefined) fail(badRequest(`invalid port ${JSON.stringify(value)}: ports must be integers between 1 and 65535`));
  }
  const node = pod.spec?.nodeName ?? '';
  if (node === '') fail(badRequest(`pod ${name} does not have a host assigned`));
  // kubectl checks this before it connects (same words); the apiserver checks it for every other client.
  const phase = pod.status?.phase ?? 'Pending';
  if (phase !== 'Running') fail(badRequest(`unable to forward port because pod is not running. Current status=${phase}`));
  return { namespace: pod.metadata?.namespace ?? 'default', pod: name, node };
}

/** A port as a stream header or query carries it; undefined unless a whole number in 1..65535. */
export function parsePort(value: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(value.trim())) return undefined;
  const port = Number(value.trim());
  return port >= 1 && port <= 65535 ? port : undefined;
}
