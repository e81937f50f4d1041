// Rows of the other kinds, cell for cell as Kubernetes' printers build them.
import { ageSince, formatAge } from '../age.js';
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet } from '../schema/apps.schema.js';
import type { ConfigMap, Endpoints, Event, Namespace, Node, ResourceQuota, Secret, Service, ServiceAccount } from '../schema/core.schema.js';
import type { EndpointSlice, HorizontalPodAutoscaler, Job, Lease, MetricSpec, MetricStatus, PodDisruptionBudget, PriorityClass, RoleBinding } from '../schema/groups.schema.js';
import type { KubeObject, TableColumn } from '../types.js';
import { formatLabelSelector, formatLabelSelectorOrNone, formatLabels } from '../validation/label-selector.validation.js';
import { ageCol, col, containerCells, nameCol, wide } from './columns.js';

const age = (o: KubeObject, nowMs: number): string => ageSince(o.metadata.creationTimestamp, nowMs);
const templateCols = [wide('Containers', 'Names of each container in the template.'), wide('Images', 'Images referenced by each container in the template.')];

export const nodeColumns: TableColumn[] = [
  nameCol,
  col('Status', 'string', 'The status of the node'),
  col('Roles', 'string', 'The roles of the node'),
  ageCol,
  col('Version', 'string', 'Kubelet Version reported by the node.'),
  wide('Internal-IP', 'List of addresses reachable to the node.'),
  wide('External-IP', 'List of addresses reachable to the node.'),
  wide('OS-Image', 'OS Image reported by the node from /etc/os-release.'),
  wide('Kernel-Version', "Kernel Version reported by the node from 'uname -r'."),
  wide('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API.'),
];

function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role !== '') roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

export function nodeRow(node: Node, nowMs: number): unknown[] {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const status = [ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (node.spec?.unschedulable === true) status.push('SchedulingDisabled');
  const address = (type: string): string => (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
  const info = node.status?.nodeInfo ?? {};
  return [
    node.metadata.name ?? '',
    status.join(','),
    nodeRoles(node),
    age(node, nowMs),
    info.kubeletVersion ?? '',
    address('InternalIP'),
    address('ExternalIP'),
    info.osImage || '<unknown>',
    info.kernelVersion || '<unknown>',
    info.containerRuntimeVersion || '<unknown>',
  ];
}

export const serviceColumns: TableColumn[] = [
  nameCol,
  col('Type', 'string', 'type determines how the Service is exposed.'),
  col('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
  col('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
  col('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
  ageCol,
  wide('Selector', 'Route service traffic to pods with label keys and values matching this selector.'),
];

function serviceExternalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = [...new Set((svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter((x) => x !== ''))].sort();
      const all = [...lb, ...external];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

export function serviceRow(svc: Service, nowMs: number): unknown[] {
  const spec = svc.spec ?? {};
  const ports = (spec.ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
  return [svc.metadata.name ?? '', spec.type ?? '', spec.clusterIPs?.[0] ?? '<none>', serviceExternalIP(svc), ports || '<none>', age(svc, nowMs), formatLabels(spec.selector)];
}

export const deploymentColumns: TableColumn[] = [
  nameCol,
  col('Ready', 'string', 'Number of the pod with ready state'),
  col('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
  col('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
  ageCol,
  ...templateCols,
  wide('Selector', 'Label selector for pods.'),
];

export function deploymentRow(d: Deployment, nowMs: number): unknown[] {
  const st = d.status ?? {};
  const [names, images] = containerCells(d.spec?.template?.spec?.containers);
  return [d.metadata.name ?? '', `${st.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, st.updatedReplicas ?? 0, st.availableReplicas ?? 0, age(d, nowMs), names, images, formatLabelSelector(d.spec?.selector)];
}

export const replicaSetColumns: TableColumn[] = [
  nameCol,
  col('Desired', 'integer', 'Replicas is the number of desired replicas.'),
  col('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
  col('Ready', 'integer', 'The number of ready replicas for this replica set.'),
  ageCol,
  ...templateCols,
  wide('Selector', 'Selector is a label query over pods that should match the replica count.'),
];

export function replicaSetRow(rs: ReplicaSet, nowMs: number): unknown[] {
  const [names, images] = containerCells(rs.spec?.template?.spec?.containers);
  return [rs.metadata.name ?? '', rs.spec?.replicas ?? 0, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0, age(rs, nowMs), names, images, formatLabelSelectorOrNone(rs.spec?.selector)];
}

export const daemonSetColumns: TableColumn[] = [
  nameCol,
  col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
  col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
  col('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
  col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
  col('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.'),
  col('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
  ageCol,
  ...templateCols,
  wide('Selector', 'A label query over pods that are managed by the daemon set.'),
];

export function daemonSetRow(ds: DaemonSet, nowMs: number): unknown[] {
  const st = ds.status;
  const [names, images] = containerCells(ds.spec?.template?.spec?.containers);
  return [
    ds.metadata.name ?? '',
    st?.desiredNumberScheduled ?? 0,
    st?.currentNumberScheduled ?? 0,
    st?.numberReady ?? 0,
    st?.updatedNumberScheduled ?? 0,
    st?.numberAvailable ?? 0,
    formatLabels(ds.spec?.template?.spec?.nodeSelector),
    age(ds, nowMs),
    names,
    images,
    formatLabelSelectorOrNone(ds.spec?.selector),
  ];
}

export const controllerRevisionColumns: TableColumn[] = [nameCol, col('Controller', 'string', 'Controller of the object'), col('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'), ageCol];

export function controllerRevisionRow(cr: ControllerRevision, nowMs: number): unknown[] {
  const ref = (cr.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  let controller = '<none>';
  if (ref !== undefined) {
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.indexOf('/')) : '';
    controller = `${(group === '' ? ref.kind : `${ref.kind}.${group}`).toLowerCase()}/${ref.name}`;
  }
  return [cr.metadata.name ?? '', controller, cr.revision, age(cr, nowMs)];
}

export const namespaceColumns: TableColumn[] = [nameCol, col('Status', 'string', 'The status of the namespace'), ageCol];
export const namespaceRow = (ns: Namespace, nowMs: number): unknown[] => [ns.metadata.name ?? '', ns.status?.phase ?? '', age(ns, nowMs)];

export const configMapColumns: TableColumn[] = [nameCol, col('Data', 'string', 'Data contains the configuration data.'), ageCol];
export const configMapRow = (cm: ConfigMap, nowMs: number): unknown[] => [
  cm.metadata.name ?? '',
  Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
  age(cm, nowMs),
];

export const secretColumns: TableColumn[] = [nameCol, col('Type', 'string', 'Used to facilitate programmatic handling of secret data.'), col('Data', 'string', 'Data contains the secret data.'), ageCol];
export const secretRow = (s: Secret, nowMs: number): unknown[] => [s.metadata.name ?? '', s.type ?? '', Object.keys(s.data ?? {}).length, age(s, nowMs)];

export const serviceAccountColumns: TableColumn[] = [nameCol, col('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), ageCol];
export const serviceAccountRow = (sa: ServiceAccount, nowMs: number): unknown[] => [sa.metadata.name ?? '', (sa.secrets ?? []).length, age(sa, nowMs)];

export const endpointsColumns: TableColumn[] = [nameCol, col('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'), ageCol];

/** formatEndpoints: the first three ip:port pairs and "+ N more...". */
function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  let more = false;
  const add = (s: string): void => {
    if (list.length === max) more = true;
    else list.push(s);
  };
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    if ((ss.ports ?? []).length === 0) {
      count += addresses.length;
      for (const a of addresses) add(a.ip);
      continue;
    }
    for (const port of ss.ports ?? []) {
      count += addresses.length;
      for (const a of addresses) add(a.ip.includes(':') ? `[${a.ip}]:${port.port}` : `${a.ip}:${port.port}`);
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${count - max} more...` : joined;
}

export const endpointsRow = (ep: Endpoints, nowMs: number): unknown[] => [ep.metadata.name ?? '', formatEndpoints(ep), age(ep, nowMs)];

export const eventColumns: TableColumn[] = [
  col('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
  col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
  col('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
  col('Object', 'string', 'The object that this event is about.'),
  wide('Subobject', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.'),
  wide('Source', 'The component reporting this event.'),
  col('Message', 'string', 'A human-readable description of the status of this operation.'),
  wide('First Seen', 'The time at which the event was first recorded.'),
  wide('Count', 'The number of times this event has occurred.'),
  { ...wide('Name', 'Name must be unique within a namespace.'), format: 'name' },
];

export function eventRow(ev: Event, nowMs: number): unknown[] {
  const first = ev.firstTimestamp !== undefined ? ageSince(ev.firstTimestamp, nowMs) : ageSince(ev.eventTime, nowMs);
  let last = ev.lastTimestamp !== undefined ? ageSince(ev.lastTimestamp, nowMs) : first;
  let count = ev.count ?? 0;
  if (ev.series !== undefined) {
    last = ageSince(ev.series.lastObservedTime, nowMs);
    count = ev.series.count ?? 0;
  } else if (count === 0) count = 1;
  const involved = ev.involvedObject ?? {};
  const kind = (involved.kind ?? '').toLowerCase();
  const target = involved.name ? `${kind}/${involved.name}` : kind;
  const component = ev.source?.component || ev.reportingComponent || '';
  const host = ev.source?.host || ev.reportingInstance || '';
  const source = host === '' ? component : `${component}, ${host}`;
  return [last, ev.type ?? '', ev.reason ?? '', target, involved.fieldPath ?? '', source, (ev.message ?? '').trim(), first, count, ev.metadata.name ?? ''];
}

export const priorityClassColumns: TableColumn[] = [
  nameCol,
  col('Value', 'integer', 'value represents the integer value of this priority class.'),
  col('Global-Default', 'boolean', 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.'),
  ageCol,
  col('PreemptionPolicy', 'string', 'preemptionPolicy is the Policy for preempting pods with lower priority.'),
];
export const priorityClassRow = (pc: PriorityClass, nowMs: number): unknown[] => [pc.metadata.name ?? '', pc.value, pc.globalDefault ?? false, age(pc, nowMs), pc.preemptionPolicy ?? ''];

export const leaseColumns: TableColumn[] = [nameCol, col('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'), ageCol];
export const leaseRow = (l: Lease, nowMs: number): unknown[] => [l.metadata.name ?? '', l.spec?.holderIdentity ?? '', age(l, nowMs)];

export const roleBindingColumns: TableColumn[] = [
  nameCol,
  col('Role', 'string', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'),
  ageCol,
  wide('Users', 'Users in the roleBinding'),
  wide('Groups', 'Groups in the roleBinding'),
  wide('ServiceAccounts', 'ServiceAccounts in the roleBinding'),
];

export function roleBindingRow(rb: RoleBinding, nowMs: number): unknown[] {
  const subjects = rb.subjects ?? [];
  const of = (kind: string): string[] => subjects.filter((s) => s.kind === kind).map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name));
  return [rb.metadata.name ?? '', `${rb.roleRef?.kind ?? ''}/${rb.roleRef?.name ?? ''}`, age(rb, nowMs), of('User').join(', '), of('Group').join(', '), of('ServiceAccount').join(', ')];
}

export const hpaColumns: TableColumn[] = [
  nameCol,
  col('Reference', 'string', 'scaleTargetRef points to the target resource to scale.'),
  col('Targets', 'string', 'metrics contains the specifications for which to use to calculate the desired replica count.'),
  col('MinPods', 'string', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'),
  col('MaxPods', 'string', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'),
  col('Replicas', 'string', 'currentReplicas is current number of replicas of pods managed by this autoscaler.'),
  ageCol,
];

function quantityText(q: unknown): string {
  return q === undefined ? '<unknown>' : String(q);
}

function formatMetric(spec: MetricSpec, status: MetricStatus | undefined): string {
  const cur = (s: { current: { value?: unknown; averageValue?: unknown } } | undefined, avg: boolean): string =>
    s === undefined ? '<unknown>' : quantityText(avg ? s.current.averageValue : s.current.value);
  switch (spec.type) {
    case 'External':
    case 'Object': {
      const m = spec.type === 'External' ? spec.external : spec.object;
      const st = spec.type === 'External' ? status?.external : status?.object;
      if (m?.target.averageValue !== undefined) return `${cur(st, true)}/${quantityText(m.target.averageValue)} (avg)`;
      return `${cur(st, false)}/${quantityText(m?.target.value)}`;
    }
    case 'Pods':
      return `${cur(status?.pods, true)}/${quantityText(spec.pods?.target.averageValue)}`;
    case 'Resource':
    case 'ContainerResource': {
      const m = spec.type === 'Resource' ? spec.resource : spec.containerResource;
      const st = spec.type === 'Resource' ? status?.resource : status?.containerResource;
      if (m === undefined) return '<unknown type>';
      if (m.target.averageValue !== undefined) return `${m.name}: ${cur(st, true)}/${quantityText(m.target.averageValue)}`;
      const current = st?.current.averageUtilization !== undefined ? `${st.current.averageUtilization}%` : '<unknown>';
      const target = m.target.averageUtilization !== undefined ? `${m.target.averageUtilization}%` : '<auto>';
      return `${m.name}: ${current}/${target}`;
    }
    default:
      return '<unknown type>';
  }
}

export function hpaRow(hpa: HorizontalPodAutoscaler, nowMs: number): unknown[] {
  const specs = hpa.spec?.metrics ?? [];
  const statuses = hpa.status?.currentMetrics ?? [];
  let targets = '<none>';
  if (specs.length > 0) {
    const list = specs.map((m, i) => formatMetric(m, statuses[i]));
    targets = list.length > 2 ? `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...` : list.join(', ');
  }
  const ref = hpa.spec?.scaleTargetRef;
  const min = hpa.spec?.minReplicas;
  return [hpa.metadata.name ?? '', `${ref?.kind ?? ''}/${ref?.name ?? ''}`, targets, min === undefined ? '<unset>' : String(min), hpa.spec?.maxReplicas ?? 0, hpa.status?.currentReplicas ?? 0, age(hpa, nowMs)];
}

export const pdbColumns: TableColumn[] = [
  nameCol,
  col('Min Available', 'string', 'The minimum number of pods that must be available.'),
  col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
  col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
  ageCol,
];
export const pdbRow = (pdb: PodDisruptionBudget, nowMs: number): unknown[] => [
  pdb.metadata.name ?? '',
  pdb.spec?.minAvailable === undefined ? 'N/A' : String(pdb.spec.minAvailable),
  pdb.spec?.maxUnavailable === undefined ? 'N/A' : String(pdb.spec.maxUnavailable),
  pdb.status?.disruptionsAllowed ?? 0,
  age(pdb, nowMs),
];

export const jobColumns: TableColumn[] = [
  nameCol,
  col('Status', 'string', 'Status of the job.'),
  col('Completions', 'string', 'The number of pods which reached phase Succeeded.'),
  col('Duration', 'string', 'Time required to complete the job.'),
  ageCol,
  ...templateCols,
  wide('Selector', 'A label query over pods that should match the pod count.'),
];

export function jobRow(job: Job, nowMs: number): unknown[] {
  const spec = job.spec;
  const st = job.status ?? {};
  const succeeded = st.succeeded ?? 0;
  const parallelism = spec?.parallelism ?? 0;
  const completions = spec?.completions !== undefined ? `${succeeded}/${spec.completions}` : parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
  let duration = '';
  if (st.startTime !== undefined) {
    const start = Date.parse(st.startTime);
    duration = formatAge((st.completionTime !== undefined ? Date.parse(st.completionTime) : nowMs) - start);
  }
  const conditions = (st.conditions ?? []) as { type?: string; status?: string }[];
  const has = (type: string): boolean => conditions.find((c) => c.type === type)?.status === 'True';
  const status = has('Complete')
    ? 'Complete'
    : has('Failed')
      ? 'Failed'
      : job.metadata.deletionTimestamp !== undefined
        ? 'Terminating'
        : has('Suspended')
          ? 'Suspended'
          : has('FailureTarget')
            ? 'FailureTarget'
            : has('SuccessCriteriaMet')
              ? 'SuccessCriteriaMet'
              : 'Running';
  const [names, images] = containerCells(spec?.template?.spec?.containers);
  return [job.metadata.name ?? '', status, completions, duration, age(job, nowMs), names, images, formatLabelSelectorOrNone(spec?.selector)];
}

export const resourceQuotaColumns: TableColumn[] = [
  nameCol,
  col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
  col('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
  ageCol,
];

export function resourceQuotaRow(rq: ResourceQuota, nowMs: number): unknown[] {
  const hard = rq.status?.hard ?? {};
  const used = rq.status?.used ?? {};
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const text = `${name}: ${String(used[name] ?? '0')}/${String(hard[name])}`;
    if (name.split('.')[0] === 'limits' && name.includes('.')) limit.push(text);
    else request.push(text);
  }
  return [rq.metadata.name ?? '', request.join(', '), limit.join(', '), age(rq, nowMs)];
}

export const endpointSliceColumns: TableColumn[] = [
  nameCol,
  col('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice.'),
  col('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
  col('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.'),
  ageCol,
];

function listWithMore(all: string[]): string {
  const max = 3;
  if (all.length === 0) return '<unset>';
  return all.length > max ? `${all.slice(0, max).join(',')} + ${all.length - max} more...` : all.join(',');
}

export function endpointSliceRow(es: EndpointSlice, nowMs: number): unknown[] {
  const ports = (es.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : p.name !== undefined ? p.name : '*'));
  const addresses = (es.endpoints ?? []).flatMap((e) => e.addresses ?? []);
  return [es.metadata.name ?? '', es.addressType, listWithMore(ports), listWithMore(addresses), age(es, nowMs)];
}

/** The default table: name and the RFC 3339 creation time. */
export const defaultRow = (o: KubeObject): unknown[] => [o.metadata.name ?? '', o.metadata.creationTimestamp ?? ''];
