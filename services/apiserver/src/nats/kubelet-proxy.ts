// nodes/proxy (GET /api/v1/nodes/<node>/proxy/<path>): how Kubernetes reaches a kubelet through
// the apiserver (`kubectl get --raw /api/v1/nodes/node-1/proxy/healthz`). Skiff's apiserver
// talks to kubelets over NATS only, so the paths with a NATS twin are proxied:
// `healthz` -> kubelet.<node>.healthz ("ok"), `pods` -> kubelet.<node>.pods (the PodList JSON).
// Other kubelet paths (containerLogs: use pods/log; stats/summary: metrics.k8s.io; run: pods/exec)
// answer 404 here.
import { decode, encode, isErrorReply, NoRespondersError, TimeoutError, type Bus } from '@skiff/bus';
import { fail } from '../core/errors.js';
import { internalError, notFoundPath, serviceUnavailable } from '../core/status.js';
import type { NodeProxySource } from '../core/types.js';

export const KUBELET_PROXY_TIMEOUT_MS = 10_000;

const PROXIED: Readonly<Record<string, 'healthz' | 'pods'>> = { healthz: 'healthz', pods: 'pods' };

export function kubeletNodeProxy(bus: Bus, cluster: string, timeoutMs = KUBELET_PROXY_TIMEOUT_MS): NodeProxySource {
  return async (node, path) => {
    const op = PROXIED[path.replace(/^\/+|\/+$/g, '')];
    if (op === undefined) fail(notFoundPath());
    const msg = await bus.request(`skiff.${cluster}.kubelet.${node}.${op}`, encode({ type: `kubelet.${op}` }), { timeoutMs }).catch((e: unknown) => {
      if (e instanceof NoRespondersError || e instanceof TimeoutError) fail(serviceUnavailable(`the kubelet of node ${node} does not answer`));
      throw e;
    });
    const env = decode(msg.data);
    if (isErrorReply(env)) fail(internalError(env.message));
    const text = op === 'healthz' ? String(env['status'] ?? '') : JSON.stringify(env['podList'] ?? {});
    return { chunks: (async function* () { yield text; })(), cancel: () => undefined };
  };
}
