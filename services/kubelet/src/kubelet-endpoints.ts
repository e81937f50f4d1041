// Adapter: `kubelet.<node>.pods` and `kubelet.<node>.healthz`, the NATS twins of the HTTP
// server's GET /pods and GET /healthz (what the apiserver's nodes/proxy reaches). NATS
// permissions guard these subjects (DESIGN.md §6), so they take no bearer token.
import type { ServiceHost } from '@skiff/actors';
import { guardOf, type Envelope } from '@skiff/bus';
import { kubeletPodList } from '@skiff/kubelet';
import type { PodManager } from './pod-manager.js';

export interface KubeletPodsRequest extends Envelope {
  readonly type: 'kubelet.pods';
}

export interface KubeletHealthzRequest extends Envelope {
  readonly type: 'kubelet.healthz';
}

export interface KubeletPodsReply {
  readonly type: 'kubelet.pods.list';
  readonly podList: ReturnType<typeof kubeletPodList>;
}

export interface KubeletHealthzReply {
  readonly type: 'kubelet.healthz.status';
  readonly status: 'ok';
}

export const isKubeletPodsRequest = guardOf<KubeletPodsRequest>('kubelet.pods', {});
export const isKubeletHealthzRequest = guardOf<KubeletHealthzRequest>('kubelet.healthz', {});

/** Both endpoints; the host stops them with itself. */
export async function servePodsAndHealthz(host: ServiceHost, nodeName: string, pods: PodManager): Promise<void> {
  await host.addEndpoint<KubeletPodsRequest>(
    'pods',
    host.subjects.kubelet(nodeName, 'pods'),
    (): KubeletPodsReply => ({ type: 'kubelet.pods.list', podList: kubeletPodList(pods.pods(), (p) => pods.status(p.metadata.uid ?? '')) }),
    { guard: isKubeletPodsRequest },
  );
  await host.addEndpoint<KubeletHealthzRequest>('healthz', host.subjects.kubelet(nodeName, 'healthz'), (): KubeletHealthzReply => ({ type: 'kubelet.healthz.status', status: 'ok' }), { guard: isKubeletHealthzRequest });
}
