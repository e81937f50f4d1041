// Pure pieces of the per-pod scheduling machine: its context, and the back-off arithmetic the
// machine's delays and guards call (the same rules as the scheduling queue).
import { backoffDurationMs } from '../queue/scheduling-queue.js';

export interface PodSchedulingInput {
  readonly podKey: string;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How long an unschedulable pod waits for a cluster event before it is retried anyway. */
  readonly maxInUnschedulableMs?: number;
}

export interface PodSchedulingContext {
  readonly podKey: string;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly maxInUnschedulableMs: number;
  /** Scheduling attempts started. */
  readonly attempts: number;
  readonly nodeName: string | undefined;
  readonly nominatedNodeName: string | undefined;
  readonly lastMessage: string | undefined;
  /** When the last attempt failed (the back-off counts from there). */
  readonly lastFailureMs: number;
  /** The delay of the `backoff` state, fixed when it is entered. */
  readonly backoffRemainingMs: number;
}

export function initialContext(input: PodSchedulingInput): PodSchedulingContext {
  return {
    podKey: input.podKey,
    initialBackoffMs: input.initialBackoffMs ?? 1000,
    maxBackoffMs: input.maxBackoffMs ?? 10_000,
    maxInUnschedulableMs: input.maxInUnschedulableMs ?? 5 * 60_000,
    attempts: 0,
    nodeName: undefined,
    nominatedNodeName: undefined,
    lastMessage: undefined,
    lastFailureMs: 0,
    backoffRemainingMs: 0,
  };
}

/** Back-off left at `nowMs` for a pod that failed at lastFailureMs after `attempts` attempts. */
export function remainingBackoffMs(c: PodSchedulingContext, nowMs: number): number {
  const total = backoffDurationMs(Math.max(c.attempts, 1), c.initialBackoffMs, c.maxBackoffMs);
  return Math.max(0, c.lastFailureMs + total - nowMs);
}

export function recordFailure(c: PodSchedulingContext, message: string, nowMs: number, nominatedNodeName?: string): PodSchedulingContext {
  return { ...c, lastMessage: message, lastFailureMs: nowMs, nodeName: undefined, nominatedNodeName: nominatedNodeName ?? c.nominatedNodeName };
}

export function enterBackoff(c: PodSchedulingContext, nowMs: number): PodSchedulingContext {
  return { ...c, backoffRemainingMs: remainingBackoffMs(c, nowMs) };
}
