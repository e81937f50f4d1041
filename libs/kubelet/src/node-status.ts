// The node conditions a kubelet reports (pkg/kubelet/nodestatus/setters.go: ReadyCondition,
// MemoryPressureCondition, DiskPressureCondition, PIDPressureCondition) and the taints Kubernetes'
// node lifecycle controller derives from them (TaintNodesByCondition). Pure.
import type { Taint } from '@skiff/api';

export type NodePressure = 'MemoryPressure' | 'DiskPressure' | 'PIDPressure';

export interface NodeCondition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly lastHeartbeatTime: string;
  readonly lastTransitionTime: string;
}

export interface NodeConditionsInput {
  /** The runtime answers and the kubelet works. */
  readonly ready: boolean;
  /** Why not ready (e.g. "container runtime is down"). */
  readonly notReadyMessage: string;
  readonly pressure: ReadonlySet<NodePressure>;
  readonly nowTime: string;
  readonly previous?: readonly NodeCondition[];
}

const pressureText: Readonly<Record<NodePressure, { true: [string, string]; false: [string, string] }>> = {
  MemoryPressure: { true: ['KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'], false: ['KubeletHasSufficientMemory', 'kubelet has sufficient memory available'] },
  DiskPressure: { true: ['KubeletHasDiskPressure', 'kubelet has disk pressure'], false: ['KubeletHasNoDiskPressure', 'kubelet has no disk pressure'] },
  PIDPressure: { true: ['KubeletHasInsufficientPID', 'kubelet has insufficient PID available'], false: ['KubeletHasSufficientPID', 'kubelet has sufficient PID available'] },
};

/** Conditions in Kubernetes' order; a condition keeps its lastTransitionTime while its status holds. */
export function nodeConditions(input: NodeConditionsInput): NodeCondition[] {
  const make = (type: string, on: boolean, reason: string, message: string): NodeCondition => {
    const status = on ? 'True' : 'False';
    const old = input.previous?.find((c) => c.type === type);
    const lastTransitionTime = old !== undefined && old.status === status ? old.lastTransitionTime : input.nowTime;
    return { type, status, reason, message, lastHeartbeatTime: input.nowTime, lastTransitionTime };
  };
  const pressure = (['MemoryPressure', 'DiskPressure', 'PIDPressure'] as const).map((p) => {
    const on = input.pressure.has(p);
    const [reason, message] = on ? pressureText[p].true : pressureText[p].false;
    return make(p, on, reason, message);
  });
  const ready = input.ready ? make('Ready', true, 'KubeletReady', 'kubelet is posting ready status') : make('Ready', false, 'KubeletNotReady', input.notReadyMessage);
  return [...pressure, ready];
}

const pressureTaintKeys: Readonly<Record<NodePressure, string>> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
};

/** NoSchedule taints for pressure conditions, and not-ready for a node that is not ready. */
export function conditionTaints(ready: boolean, pressure: ReadonlySet<NodePressure>): Taint[] {
  const taints: Taint[] = (['MemoryPressure', 'DiskPressure', 'PIDPressure'] as const).filter((p) => pressure.has(p)).map((p) => ({ key: pressureTaintKeys[p], effect: 'NoSchedule' }));
  if (!ready) taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
  return taints;
}

/** registerWithAPIServer's retry: 100 ms doubling, at most 7 s. */
export function registrationBackOffMs(failures: number): number {
  return Math.min(7000, 100 * 2 ** Math.min(Math.max(0, failures - 1), 10));
}
