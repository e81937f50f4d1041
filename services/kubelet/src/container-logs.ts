// The container a log request means, shared by the kubelet's two faces of containerLogs: NATS
// (logs-endpoint.ts) and HTTP (kubelet-server.ts). pkg/kubelet/kubelet_pods.go GetContainerLogs:
// the newest instance of the container, or the one before it with `previous`.
import type { Pod } from '@skiff/api';
import { EndpointError } from '@skiff/bus';
import { KubernetesContainerNameLabel, KubernetesPodUIDLabel, type ContainerRuntime } from '@skiff/kubelet';

export interface PodSource {
  pods(): Pod[];
}

export interface ContainerRef {
  readonly namespace: string;
  readonly pod: string;
  /** Default: the pod's first container. */
  readonly container?: string;
  readonly previous?: boolean;
}

export function findPod(pods: PodSource, namespace: string, name: string): Pod {
  const pod = pods.pods().find((p) => p.metadata.namespace === namespace && p.metadata.name === name);
  if (pod === undefined) throw new EndpointError('NotFound', `pod ${namespace}/${name} is not running on this node`);
  return pod;
}

/** The container's runtime id. Throws EndpointError NotFound (no such pod) or BadRequest (no such container). */
export async function findContainer(cri: ContainerRuntime, pods: PodSource, req: ContainerRef): Promise<string> {
  const pod = findPod(pods, req.namespace, req.pod);
  const name = req.container ?? pod.spec?.containers[0]?.name ?? '';
  const all = await cri.listContainers({ labelSelector: { [KubernetesPodUIDLabel]: pod.metadata.uid ?? '', [KubernetesContainerNameLabel]: name } });
  const sorted = [...all].sort((a, b) => b.metadata.attempt - a.metadata.attempt || b.createdAtMs - a.createdAtMs);
  const found = sorted[req.previous === true ? 1 : 0];
  if (found === undefined) {
    const what = req.previous === true ? `previous terminated container "${name}"` : `container "${name}"`;
    throw new EndpointError('BadRequest', `${what} in pod "${req.pod}" not found`);
  }
  return found.id;
}
