// The downward API for env vars (pkg/kubelet/kubelet_pods.go podFieldSelectorRuntimeValue,
// pkg/api/v1/resource ExtractContainerResourceValue): pod fields and container resources as
// strings. Pure.
import { parseQuantityNanos, type Container, type Pod } from '@skiff/api';

export class DownwardAPIError extends Error {
  override readonly name = 'DownwardAPIError';
}

export interface PodRuntimeFields {
  readonly podIP: string;
  readonly hostIP: string;
}

const labelOrAnnotation = /^metadata\.(labels|annotations)\['([^']*)'\]$/;

/** Go's fmt of a map for metadata.labels: `key="value"` lines, sorted by key. */
function formatMap(m: Readonly<Record<string, string>> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m![k])}`)
    .join('\n');
}

export function podFieldValue(fieldPath: string, pod: Pod, fields: PodRuntimeFields): string {
  const m = labelOrAnnotation.exec(fieldPath);
  if (m !== null) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]!] ?? '';
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'metadata.labels':
      return formatMap(pod.metadata.labels);
    case 'metadata.annotations':
      return formatMap(pod.metadata.annotations);
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return fields.hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return fields.podIP;
    default:
      throw new DownwardAPIError(`unsupported fieldPath: ${fieldPath}`);
  }
}

export interface ResourceFieldRef {
  readonly containerName?: string;
  readonly resource: string;
  readonly divisor?: unknown;
}

/** Node allocatable amounts, the value of a limit the container does not set. */
export type NodeAllocatable = Readonly<Record<string, string | number>>;

function ceilDiv(a: bigint, b: bigint): bigint {
  return a / b + (a % b === 0n ? 0n : 1n);
}

export function resourceFieldValue(ref: ResourceFieldRef, pod: Pod, container: Container, allocatable: NodeAllocatable = {}): string {
  const target = ref.containerName === undefined || ref.containerName === '' ? container : [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === ref.containerName);
  if (target === undefined) throw new DownwardAPIError(`container ${ref.containerName} not found in the pod`);
  const [kind, resource] = ref.resource.split('.', 2) as [string, string | undefined];
  if ((kind !== 'limits' && kind !== 'requests') || resource === undefined || !['cpu', 'memory', 'ephemeral-storage'].includes(resource)) {
    throw new DownwardAPIError(`unsupported container resource: ${ref.resource}`);
  }
  const requests = target.resources?.requests ?? {};
  const limits = target.resources?.limits ?? {};
  const raw = kind === 'limits' ? (limits[resource] ?? allocatable[resource]) : (requests[resource] ?? limits[resource]);
  const amount = raw === undefined ? 0n : parseQuantityNanos(raw);
  const divisor = parseQuantityNanos(ref.divisor ?? '1');
  if (amount === undefined || divisor === undefined || divisor <= 0n) throw new DownwardAPIError(`invalid quantity for ${ref.resource}`);
  return ceilDiv(amount, divisor).toString();
}
