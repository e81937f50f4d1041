// Per-kind SetDefaults_* beyond the schema defaults. Each runs after Value.Default(schema, obj).
import type { DaemonSet, Deployment } from '../schema/apps.schema.js';
import type { LimitRange, Namespace, Node, Secret, Service } from '../schema/core.schema.js';
import type { HorizontalPodAutoscaler, Job, RoleBinding } from '../schema/groups.schema.js';
import type { PodTemplateSpec } from '../schema/pod.schema.js';
import type { KubeObject } from '../types.js';
import { asRecord } from '../validation/common.js';
import { defaultPodSpec } from './pod.defaults.js';

export function defaultTemplate(template: PodTemplateSpec | undefined): void {
  if (typeof template === 'object' && template !== null) defaultPodSpec(template.spec);
}

export function defaultDeployment(d: Deployment): void {
  const spec = d.spec;
  if (spec === undefined) return;
  const strategy = spec.strategy;
  if (strategy !== undefined && strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  defaultTemplate(spec.template);
}

export function defaultDaemonSet(ds: DaemonSet): void {
  const spec = ds.spec;
  if (spec === undefined) return;
  const strategy = spec.updateStrategy;
  if (strategy !== undefined && strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  defaultTemplate(spec.template);
}

export function defaultJob(job: Job): void {
  const spec = job.spec;
  if (spec === undefined) return;
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  if (spec.podFailurePolicy === undefined) spec.podReplacementPolicy ??= 'TerminatingOrFailed';
  const templateLabels = spec.template?.metadata?.labels;
  if (templateLabels !== undefined && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...templateLabels };
  defaultTemplate(spec.template);
}

export function defaultService(svc: Service): void {
  const spec = svc.spec;
  if (spec === undefined) return;
  for (const port of Array.isArray(spec.ports) ? spec.ports : []) {
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type !== 'ExternalName') spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  if (spec.sessionAffinity === 'ClientIP') {
    const config = (spec.sessionAffinityConfig ??= {});
    const clientIP = (config.clientIP ??= {});
    clientIP.timeoutSeconds ??= 10800;
  }
}

export function defaultNamespace(ns: Namespace): void {
  // SetDefaults_Namespace: every namespace carries its name as a label, for namespace selectors.
  const name = ns.metadata.name;
  if (name) ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
}

export function defaultNode(node: Node): void {
  const status = node.status;
  if (status !== undefined && status.allocatable === undefined && status.capacity !== undefined) status.allocatable = { ...status.capacity };
  const spec = node.spec;
  if (spec !== undefined) {
    if ((spec.podCIDRs ?? []).length === 0 && spec.podCIDR) spec.podCIDRs = [spec.podCIDR];
    if (!spec.podCIDR && spec.podCIDRs?.[0] !== undefined) spec.podCIDR = spec.podCIDRs[0];
  }
}

/** stringData is write-only: its entries overwrite data (base64-encoded) and it is dropped. */
export function defaultSecret(secret: Secret): void {
  const stringData = secret.stringData;
  if (stringData === undefined) return;
  const data = { ...(secret.data ?? {}) };
  for (const [k, v] of Object.entries(stringData)) if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
  secret.data = data;
  delete secret.stringData;
}

export function defaultLimitRange(lr: LimitRange): void {
  for (const item of Array.isArray(lr.spec?.limits) ? lr.spec.limits : []) {
    if (item.type !== 'Container') continue;
    const def = (item.default ??= {});
    const req = (item.defaultRequest ??= {});
    for (const [k, v] of Object.entries(item.max ?? {})) def[k] ??= v;
    for (const [k, v] of Object.entries(def)) req[k] ??= v;
    for (const [k, v] of Object.entries(item.min ?? {})) req[k] ??= v;
  }
}

export function defaultHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): void {
  const spec = hpa.spec;
  if (spec === undefined) return;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  const behavior = spec.behavior;
  if (behavior === undefined) return;
  const up = (behavior.scaleUp ??= {});
  up.stabilizationWindowSeconds ??= 0;
  up.selectPolicy ??= 'Max';
  up.policies ??= [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ];
  const down = (behavior.scaleDown ??= {});
  down.selectPolicy ??= 'Max';
  down.policies ??= [{ type: 'Percent', value: 100, periodSeconds: 15 }];
}

export function defaultRoleBinding(rb: RoleBinding): void {
  const ref = asRecord(rb.roleRef);
  if (!ref.apiGroup) ref.apiGroup = 'rbac.authorization.k8s.io';
  for (const s of Array.isArray(rb.subjects) ? rb.subjects : []) {
    if (s.apiGroup) continue;
    s.apiGroup = s.kind === 'User' || s.kind === 'Group' ? 'rbac.authorization.k8s.io' : '';
  }
}

export function defaultNothing(_obj: KubeObject): void {}
