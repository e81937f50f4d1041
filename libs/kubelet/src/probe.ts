// Probe arithmetic (pkg/kubelet/prober/worker.go): defaults, initial results and counting
// consecutive results against successThreshold / failureThreshold. Pure.
import type { Probe } from '@skiff/api';

export type ProbeType = 'liveness' | 'readiness' | 'startup';
export type ProbeResult = 'success' | 'failure';

export interface ProbeOutcome {
  readonly result: ProbeResult;
  /** What the probe said (exec output, HTTP body or error), for events and messages. */
  readonly output: string;
}

export interface ProbeTiming {
  readonly initialDelayMs: number;
  readonly periodMs: number;
  readonly timeoutMs: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
}

/** API defaults: period 10 s, timeout 1 s, success 1 (always 1 for liveness and startup), failure 3. */
export function probeTiming(probe: Probe, type: ProbeType): ProbeTiming {
  const positive = (v: number | undefined, d: number): number => (v === undefined || v < 1 ? d : v);
  return {
    initialDelayMs: Math.max(0, probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: positive(probe.periodSeconds, 10) * 1000,
    timeoutMs: positive(probe.timeoutSeconds, 1) * 1000,
    successThreshold: type === 'readiness' ? positive(probe.successThreshold, 1) : 1,
    failureThreshold: positive(probe.failureThreshold, 3),
  };
}

/** Until a probe decides otherwise: not ready, alive, and (startup) not known to have started. */
export function initialProbeResult(type: ProbeType): ProbeResult | 'unknown' {
  return type === 'readiness' ? 'failure' : type === 'liveness' ? 'success' : 'unknown';
}

export interface ProbeCounter {
  /** The result last reported to the kubelet. */
  readonly reported: ProbeResult | 'unknown';
  readonly lastResult?: ProbeResult;
  /** How many probes in a row gave lastResult. */
  readonly resultRun: number;
}

export function newProbeCounter(type: ProbeType): ProbeCounter {
  return { reported: initialProbeResult(type), resultRun: 0 };
}

export interface ProbeCount {
  readonly counter: ProbeCounter;
  /** Set when the reported result changes. */
  readonly report?: ProbeResult;
  /** A failed liveness or startup probe stops probing until the container is replaced. */
  readonly hold: boolean;
}

export function countProbeResult(counter: ProbeCounter, result: ProbeResult, timing: ProbeTiming, type: ProbeType): ProbeCount {
  const resultRun = counter.lastResult === result ? counter.resultRun + 1 : 1;
  const threshold = result === 'failure' ? timing.failureThreshold : timing.successThreshold;
  if (resultRun < threshold) return { counter: { ...counter, lastResult: result, resultRun }, hold: false };
  const hold = type !== 'readiness' && result === 'failure';
  const next: ProbeCounter = { reported: result, lastResult: result, resultRun: hold ? 0 : resultRun };
  return { counter: next, ...(result !== counter.reported ? { report: result } : {}), hold };
}

/** What an HTTP prober needs (the adapter in @skiff/runtime does the request). */
export interface HttpProbeRequest {
  readonly scheme: 'HTTP' | 'HTTPS';
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly timeoutMs: number;
}

/** Network probes, injected (they do I/O). */
export interface Probers {
  tcp(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome>;
  http(request: HttpProbeRequest): Promise<ProbeOutcome>;
}
