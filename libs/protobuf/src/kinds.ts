// Which top-level kinds a protobuf body may carry, and the message each one decodes as.

export interface GroupVersionKind {
  readonly apiVersion: string;
  readonly kind: string;
}

const kindMessages: ReadonlyArray<readonly [apiVersion: string, kind: string, message: string]> = [
  ['v1', 'Namespace', 'core.Namespace'],
  ['v1', 'ConfigMap', 'core.ConfigMap'],
  ['v1', 'Secret', 'core.Secret'],
  ['v1', 'ServiceAccount', 'core.ServiceAccount'],
  ['v1', 'Service', 'core.Service'],
  ['v1', 'ResourceQuota', 'core.ResourceQuota'],
  ['v1', 'Pod', 'core.Pod'],
  ['apps/v1', 'Deployment', 'apps.Deployment'],
  ['batch/v1', 'Job', 'batch.Job'],
  ['batch/v1', 'CronJob', 'batch.CronJob'],
  ['autoscaling/v1', 'HorizontalPodAutoscaler', 'autoscaling.HorizontalPodAutoscaler'],
  ['authorization.k8s.io/v1', 'SelfSubjectAccessReview', 'authorization.SelfSubjectAccessReview'],
  ['authorization.k8s.io/v1', 'SelfSubjectRulesReview', 'authorization.SelfSubjectRulesReview'],
  ['authorization.k8s.io/v1', 'SubjectAccessReview', 'authorization.SubjectAccessReview'],
  ['authorization.k8s.io/v1', 'LocalSubjectAccessReview', 'authorization.SubjectAccessReview'],
  ['authentication.k8s.io/v1', 'TokenRequest', 'authentication.TokenRequest'],
  ['authentication.k8s.io/v1', 'TokenReview', 'authentication.TokenReview'],
  ['authentication.k8s.io/v1', 'SelfSubjectReview', 'authentication.SelfSubjectReview'],
  ['rbac.authorization.k8s.io/v1', 'Role', 'rbac.Role'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'rbac.ClusterRole'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'rbac.RoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'rbac.RoleBinding'],
  ['scheduling.k8s.io/v1', 'PriorityClass', 'scheduling.PriorityClass'],
  ['policy/v1', 'PodDisruptionBudget', 'policy.PodDisruptionBudget'],
  ['policy/v1', 'Eviction', 'policy.Eviction'],
  ['networking.k8s.io/v1', 'Ingress', 'networking.Ingress'],
];

const key = (apiVersion: string, kind: string): string => `${apiVersion}\u0000${kind}`;

function buildRegistry(): ReadonlyMap<string, string> {
  const registry = new Map<string, string>();
  for (const [apiVersion, kind, message] of kindMessages) registry.set(key(apiVersion, kind), message);
  // metav1.AddToGroupVersion registers DeleteOptions in every group version (a DELETE body names the
  // version of the resource it deletes, e.g. drain's "v1"), and meta.k8s.io/v1 is its own home.
  const apiVersions = new Set(['meta.k8s.io/v1', ...kindMessages.map(([apiVersion]) => apiVersion)]);
  for (const apiVersion of apiVersions) registry.set(key(apiVersion, 'DeleteOptions'), 'meta.DeleteOptions');
  return registry;
}

const registry = buildRegistry();

/** The message name for a top-level kind, or undefined when no schema exists. */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  return registry.get(key(apiVersion, kind));
}

export function supportedKinds(): GroupVersionKind[] {
  return [...registry.keys()]
    .map((k) => {
      const [apiVersion = '', kind = ''] = k.split('\u0000');
      return { apiVersion, kind };
    })
    .sort((a, b) => a.apiVersion.localeCompare(b.apiVersion) || a.kind.localeCompare(b.kind));
}
