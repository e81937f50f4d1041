// Plugin statuses (framework.Status). The code tells the queue and preemption what a rejection
// means: Unschedulable may be fixed by preempting pods on that node, UnschedulableAndUnresolvable
// may not (preemption skips the node), Skip tells the framework to skip that plugin's later
// extension points for this pod, Error is an internal failure and sends the pod to back-off.

export const Code = {
  Success: 'Success',
  Error: 'Error',
  Unschedulable: 'Unschedulable',
  UnschedulableAndUnresolvable: 'UnschedulableAndUnresolvable',
  Skip: 'Skip',
} as const;
export type Code = (typeof Code)[keyof typeof Code];

export interface Status {
  readonly code: Code;
  /** Reasons, each counted separately in the FailedScheduling message. */
  readonly reasons: readonly string[];
  /** The plugin that returned it (set by the framework). */
  readonly plugin: string;
}

/** A plugin's answer: `null` is success (no allocation on the hot path). */
export type PluginResult = Status | null;

export function newStatus(code: Code, plugin: string, ...reasons: string[]): Status {
  return { code, reasons, plugin };
}

export function isRejected(status: PluginResult): boolean {
  return status !== null && (status.code === Code.Unschedulable || status.code === Code.UnschedulableAndUnresolvable);
}

export function statusMessage(status: PluginResult): string {
  return status === null ? '' : status.reasons.join(', ');
}

export const SKIP: Status = { code: Code.Skip, reasons: [], plugin: '' };
