// The pod row kubectl prints (printPod in pkg/printers/internalversion/printers.go): READY counts
// ready containers, STATUS is the most telling reason (init progress, a waiting or terminated
// container's reason, Terminating), RESTARTS carries "(5m ago)" after the last restart.
import { ageSince } from '../age.js';
import type { ContainerStatus, Pod } from '../schema/pod.schema.js';
import type { TableColumn } from '../types.js';
import { ageCol, col, nameCol } from './columns.js';

export const podColumns: TableColumn[] = [
  nameCol,
  col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
  col('Status', 'string', 'The aggregate status of the containers in this pod.'),
  col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  ageCol,
  col('IP', 'string', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
  col('Node', 'string', 'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.', 1),
  col('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', 1),
  col('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
];

function hasCondition(pod: Pod, type: string): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

function initializedConditionTrue(pod: Pod): boolean {
  const c = (pod.status?.conditions ?? []).find((x) => x.type === 'Initialized');
  return c !== undefined && c.status === 'True';
}

interface Tally {
  reason: string;
  restarts: number;
  lastRestartMs: number;
  ready: number;
}

function lastTerminationMs(s: ContainerStatus): number {
  const t = s.lastState?.terminated?.finishedAt;
  return t === undefined ? 0 : Date.parse(t) || 0;
}

/** Walks init container statuses; returns true while the pod is still initializing. */
function tallyInit(pod: Pod, t: Tally, restartable: Set<string>, sidecar: { restarts: number; lastMs: number }): boolean {
  const inits = pod.spec?.initContainers ?? [];
  const statuses = pod.status?.initContainerStatuses ?? [];
  for (let i = 0; i < statuses.length; i++) {
    const s = statuses[i];
    if (s === undefined) continue;
    t.restarts += s.restartCount;
    t.lastRestartMs = Math.max(t.lastRestartMs, lastTerminationMs(s));
    const isSidecar = restartable.has(s.name);
    if (isSidecar) {
      sidecar.restarts += s.restartCount;
      sidecar.lastMs = Math.max(sidecar.lastMs, lastTerminationMs(s));
    }
    const term = s.state?.terminated;
    const waiting = s.state?.waiting;
    if (term !== undefined && term.exitCode === 0) continue;
    if (isSidecar && s.started === true) {
      if (s.ready) t.ready++;
      continue;
    }
    if (term !== undefined) {
      t.reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      t.reason = `Init:${waiting.reason}`;
    } else {
      t.reason = `Init:${i}/${inits.length}`;
    }
    return true;
  }
  return false;
}

function tallyContainers(pod: Pod, t: Tally): void {
  let hasRunning = false;
  const statuses = pod.status?.containerStatuses ?? [];
  for (let i = statuses.length - 1; i >= 0; i--) {
    const s = statuses[i];
    if (s === undefined) continue;
    t.restarts += s.restartCount;
    t.lastRestartMs = Math.max(t.lastRestartMs, lastTerminationMs(s));
    const waiting = s.state?.waiting;
    const term = s.state?.terminated;
    if (waiting?.reason) t.reason = waiting.reason;
    else if (term?.reason) t.reason = term.reason;
    else if (term !== undefined) t.reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
    else if (s.ready && s.state?.running !== undefined) {
      hasRunning = true;
      t.ready++;
    }
  }
  // A completed container beside a running one: the pod is still serving (or not ready).
  if (t.reason === 'Completed' && hasRunning) t.reason = hasCondition(pod, 'Ready') ? 'Running' : 'NotReady';
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions = pod.status?.conditions ?? [];
  const ok = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${ok}/${gates.length}`;
}

export function podRow(pod: Pod, nowMs: number): unknown[] {
  const status = pod.status ?? {};
  const restartable = new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const total = (pod.spec?.containers ?? []).length + restartable.size;
  const t: Tally = { reason: status.reason || (status.phase ?? ''), restarts: 0, lastRestartMs: 0, ready: 0 };
  if ((status.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) t.reason = 'SchedulingGated';
  const sidecar = { restarts: 0, lastMs: 0 };
  const initializing = tallyInit(pod, t, restartable, sidecar);
  if (!initializing || initializedConditionTrue(pod)) {
    t.restarts = sidecar.restarts;
    t.lastRestartMs = sidecar.lastMs;
    tallyContainers(pod, t);
  }
  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp !== undefined && status.reason === 'NodeLost') t.reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp !== undefined && !terminal) t.reason = 'Terminating';
  const restarts = t.restarts !== 0 && t.lastRestartMs > 0 ? `${t.restarts} (${ageSince(new Date(t.lastRestartMs).toISOString(), nowMs)} ago)` : String(t.restarts);
  const podIP = status.podIPs?.[0]?.ip || status.podIP || '<none>';
  return [
    pod.metadata.name ?? '',
    `${t.ready}/${total}`,
    t.reason,
    restarts,
    ageSince(pod.metadata.creationTimestamp, nowMs),
    podIP,
    pod.spec?.nodeName || '<none>',
    status.nominatedNodeName || '<none>',
    readinessGates(pod),
  ];
}
