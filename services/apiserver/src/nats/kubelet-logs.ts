// pods/log through the pod's kubelet (the apiserver's kubelet client): Skiff's kubelets serve
// `skiff.<cluster>.kubelet.<node>.logs` over NATS (services/kubelet/src/logs-endpoint.ts). A plain
// request answers with the text; follow=true is a Bus.requestStream whose chunks are passed on as
// they come until the container stops or the HTTP client goes away.
import type { KubeObject } from '@skiff/api';
import { decode, encode, isEndOfStream, isErrorReply, NoRespondersError, TimeoutError, type Bus } from '@skiff/bus';
import type { Clock } from '@skiff/core';
import { fail } from '../core/errors.js';
import { badRequest, internalError, serviceUnavailable } from '../core/status.js';
import type { PodLogSource } from '../core/types.js';

export const KUBELET_LOGS_TIMEOUT_MS = 10_000;

interface PodShape {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: { readonly nodeName?: string };
}

/** The kubelet's request from the pods/log query (container, tailLines, sinceSeconds, sinceTime, timestamps, previous, follow). */
export function logsRequest(pod: PodShape, query: URLSearchParams, nowMs: number): Record<string, unknown> {
  const int = (name: string): number | undefined => {
    const v = query.get(name);
    if (v === null) return undefined;
    if (!/^\d+$/.test(v)) fail(badRequest(`${name}: must be a non-negative integer`));
    return Number(v);
  };
  const flag = (name: string): boolean => query.get(name) === 'true';
  const sinceSeconds = int('sinceSeconds');
  const sinceTime = query.get('sinceTime');
  const sinceTimeMs = sinceSeconds !== undefined ? nowMs - sinceSeconds * 1000 : sinceTime !== null ? Date.parse(sinceTime) : undefined;
  if (sinceTimeMs !== undefined && Number.isNaN(sinceTimeMs)) fail(badRequest('sinceTime: must be an RFC 3339 time'));
  const tailLines = int('tailLines');
  const container = query.get('container');
  return {
    type: 'kubelet.logs',
    namespace: pod.metadata?.namespace ?? 'default',
    pod: pod.metadata?.name ?? '',
    ...(container !== null && container !== '' ? { container } : {}),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(sinceTimeMs !== undefined ? { sinceTimeMs } : {}),
    timestamps: flag('timestamps'),
    previous: flag('previous'),
    follow: flag('follow'),
  };
}

function failFromKubelet(err: unknown, node: string): never {
  if (err instanceof NoRespondersError || err instanceof TimeoutError) fail(serviceUnavailable(`the kubelet of node ${node} does not answer`));
  throw err;
}

function failFromReply(env: { code: string; message: string }): never {
  // The pod is not on that kubelet (yet) or has no such container: the caller's to fix, as in Kubernetes.
  if (env.code === 'NotFound' || env.code === 'BadRequest') fail(badRequest(env.message));
  fail(internalError(env.message));
}

export function kubeletPodLogs(bus: Bus, cluster: string, clock: Pick<Clock, 'now'>, timeoutMs = KUBELET_LOGS_TIMEOUT_MS): PodLogSource {
  return async (object: KubeObject, query: URLSearchParams) => {
    const pod = object as PodShape;
    const node = pod.spec?.nodeName ?? '';
    if (node === '') fail(badRequest(`pod ${pod.metadata?.name ?? ''} is not scheduled to a node yet`));
    const request = logsRequest(pod, query, clock.now());
    const subject = `skiff.${cluster}.kubelet.${node}.logs`;
    if (request['follow'] !== true) {
      const msg = await bus.request(subject, encode(request as { type: string }), { timeoutMs }).catch((e: unknown) => failFromKubelet(e, node));
      const env = decode(msg.data);
      if (isErrorReply(env)) failFromReply(env);
      const text = typeof env['text'] === 'string' ? env['text'] : '';
      return { chunks: (async function* () { yield text; })(), cancel: () => undefined };
    }
    // Follow: an idle stream is normal (a quiet container), so the idle deadline is long.
    const stream = bus.requestStream(subject, encode(request as { type: string }), { idleTimeoutMs: 24 * 3_600_000 })[Symbol.asyncIterator]();
    const first = await stream.next().catch((e: unknown) => failFromKubelet(e, node));
    if (first.done === true || isEndOfStream(first.value)) fail(internalError(`the kubelet of node ${node} ended the log stream at once`));
    const opened = decode(first.value.data);
    if (isErrorReply(opened)) failFromReply(opened);
    let cancelled = false;
    const chunks = (async function* () {
      while (!cancelled) {
        const next = await stream.next();
        if (next.done === true || isEndOfStream(next.value)) return;
        const env = decode(next.value.data);
        if (typeof env['text'] === 'string') yield env['text'];
      }
    })();
    return {
      chunks,
      cancel: () => {
        cancelled = true;
        void stream.return?.();
      },
    };
  };
}
