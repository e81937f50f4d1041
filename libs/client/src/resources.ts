// Which collection a request is about: Kubernetes' GroupVersionResource (plural resource names, ''
// for the core group), and the ones Skiff's components use, so callers do not spell them out.

export interface ResourceRef {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  /** Plural, lower case: 'pods'. */
  readonly resource: string;
}

const core = (resource: string): ResourceRef => ({ group: '', version: 'v1', resource });

export const Resources = {
  pods: core('pods'),
  nodes: core('nodes'),
  namespaces: core('namespaces'),
  services: core('services'),
  endpoints: core('endpoints'),
  events: core('events'),
  configMaps: core('configmaps'),
  secrets: core('secrets'),
  serviceAccounts: core('serviceaccounts'),
  deployments: { group: 'apps', version: 'v1', resource: 'deployments' },
  replicaSets: { group: 'apps', version: 'v1', resource: 'replicasets' },
  daemonSets: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  controllerRevisions: { group: 'apps', version: 'v1', resource: 'controllerrevisions' },
  leases: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' },
  endpointSlices: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' },
  priorityClasses: { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses' },
  podDisruptionBudgets: { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' },
  horizontalPodAutoscalers: { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' },
  nodeMetrics: { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'nodes' },
  podMetrics: { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods' },
} as const satisfies Record<string, ResourceRef>;

/** `pods`, `deployments.apps`: how Kubernetes names a group-resource in messages. */
export function groupResourceString(ref: ResourceRef): string {
  return ref.group === '' ? ref.resource : `${ref.resource}.${ref.group}`;
}
