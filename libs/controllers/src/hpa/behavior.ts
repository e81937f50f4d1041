// Turning a metric proposal into the replicas to set (pkg/controller/podautoscaler/horizontal.go):
// stabilization over recent recommendations, then rate limits. With spec.behavior the
// autoscaling/v2 rules apply (defaults: scale up by max(100%, 4 pods) per 15 s without a window,
// scale down 100% per 15 s after a 300 s window); without it the legacy rules (300 s scale-down
// window, scale up to at most max(2 x current, 4)).
import type { HorizontalPodAutoscaler } from '@skiff/api';

export interface TimestampedValue {
  readonly timestampMs: number;
  readonly value: number;
}

/** What the autoscaler remembers about one HPA between syncs. */
export interface HpaState {
  readonly recommendations: readonly TimestampedValue[];
  /** Replicas added (scale up) or removed (scale down) by past rescales. */
  readonly scaleUpEvents: readonly TimestampedValue[];
  readonly scaleDownEvents: readonly TimestampedValue[];
}

export const emptyHpaState: HpaState = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };

export interface ScalingPolicy {
  readonly type: string;
  readonly value: number;
  readonly periodSeconds: number;
}

export interface ScalingRules {
  readonly stabilizationWindowSeconds: number;
  readonly selectPolicy: string;
  readonly policies: readonly ScalingPolicy[];
}

/** --horizontal-pod-autoscaler-downscale-stabilization. */
export const DOWNSCALE_STABILIZATION_SECONDS = 300;

type Rules = NonNullable<NonNullable<NonNullable<HorizontalPodAutoscaler['spec']>['behavior']>['scaleUp']>;

/** GenerateHPAScaleUpRules / GenerateHPAScaleDownRules: missing fields take the defaults. */
export function scaleUpRules(r: Rules | undefined): ScalingRules {
  return {
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? 0,
    selectPolicy: r?.selectPolicy ?? 'Max',
    policies: r?.policies ?? [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

/** `defaultWindowSeconds` fills an unset window (maybeInitScaleDownStabilizationWindow: the flag). */
export function scaleDownRules(r: Rules | undefined, defaultWindowSeconds = DOWNSCALE_STABILIZATION_SECONDS): ScalingRules {
  return {
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? defaultWindowSeconds,
    selectPolicy: r?.selectPolicy ?? 'Max',
    policies: r?.policies ?? [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  };
}

export interface Limited {
  readonly replicas: number;
  readonly reason: string;
  readonly message: string;
}

export interface Normalized {
  readonly replicas: number;
  readonly state: HpaState;
  /** AbleToScale reason and message (ReadyForNewScale, ScaleUpStabilized, ScaleDownStabilized). */
  readonly ableToScale: { readonly reason: string; readonly message: string };
  /** ScalingLimited: status True when the limit changed the stabilized recommendation. */
  readonly limited: Limited & { readonly status: 'True' | 'False' };
}

const readyForNewScale = { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };

/** Records a sample, reusing the slot of one older than every window (as Kubernetes does). */
function record(list: readonly TimestampedValue[], sample: TimestampedValue, isOld: (t: TimestampedValue) => boolean): TimestampedValue[] {
  const out = [...list];
  const old = out.findLastIndex(isOld);
  if (old >= 0) out[old] = sample;
  else out.push(sample);
  return out;
}

/** stabilizeRecommendationWithBehaviors. */
function stabilize(state: HpaState, current: number, desired: number, up: ScalingRules, down: ScalingRules, nowMs: number): { replicas: number; state: HpaState } {
  const upCutoff = nowMs - up.stabilizationWindowSeconds * 1000;
  const downCutoff = nowMs - down.stabilizationWindowSeconds * 1000;
  let upRec = desired;
  let downRec = desired;
  for (const r of state.recommendations) {
    if (r.timestampMs > upCutoff) upRec = Math.min(upRec, r.value);
    if (r.timestampMs > downCutoff) downRec = Math.max(downRec, r.value);
  }
  const replicas = Math.min(Math.max(current, upRec), downRec);
  const recommendations = record(state.recommendations, { timestampMs: nowMs, value: desired }, (r) => r.timestampMs < upCutoff && r.timestampMs < downCutoff);
  return { replicas, state: { ...state, recommendations } };
}

/** getReplicasChangePerPeriod. */
function changeInPeriod(events: readonly TimestampedValue[], periodSeconds: number, nowMs: number): number {
  const cutoff = nowMs - periodSeconds * 1000;
  return events.filter((e) => e.timestampMs > cutoff).reduce((n, e) => n + e.value, 0);
}

export function scaleUpLimit(current: number, state: HpaState, rules: ScalingRules, nowMs: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Infinity : -Infinity;
  for (const p of rules.policies) {
    const start = current - changeInPeriod(state.scaleUpEvents, p.periodSeconds, nowMs) + changeInPeriod(state.scaleDownEvents, p.periodSeconds, nowMs);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

export function scaleDownLimit(current: number, state: HpaState, rules: ScalingRules, nowMs: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? -Infinity : Infinity;
  for (const p of rules.policies) {
    const start = current - changeInPeriod(state.scaleUpEvents, p.periodSeconds, nowMs) + changeInPeriod(state.scaleDownEvents, p.periodSeconds, nowMs);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** convertDesiredReplicasWithBehaviorRate. */
function limitByRate(current: number, desired: number, min: number, max: number, state: HpaState, up: ScalingRules, down: ScalingRules, nowMs: number): Limited {
  if (desired > current) {
    const limit = Math.max(scaleUpLimit(current, state, up, nowMs), current);
    const [allowed, reason, message] =
      max > limit
        ? [limit, 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate']
        : [max, 'TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
    if (desired > allowed) return { replicas: allowed, reason, message };
  } else if (desired < current) {
    const limit = Math.min(scaleDownLimit(current, state, down, nowMs), current);
    const [allowed, reason, message] =
      min < limit
        ? [limit, 'ScaleDownLimit', 'the desired replica count is decreasing faster than the maximum scale rate']
        : [min, 'TooFewReplicas', 'the desired replica count is less than the minimum replica count'];
    if (desired < allowed) return { replicas: allowed, reason, message };
  }
  return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
}

/** normalizeDesiredReplicasWithBehaviors. */
export function normalizeWithBehaviors(
  hpa: HorizontalPodAutoscaler,
  state: HpaState,
  current: number,
  desired: number,
  min: number,
  nowMs: number,
  downscaleStabilizationSeconds = DOWNSCALE_STABILIZATION_SECONDS,
): Normalized {
  const up = scaleUpRules(hpa.spec?.behavior?.scaleUp);
  const down = scaleDownRules(hpa.spec?.behavior?.scaleDown, downscaleStabilizationSeconds);
  const s = stabilize(state, current, desired, up, down, nowMs);
  const ableToScale =
    s.replicas === desired
      ? readyForNewScale
      : desired >= current
        ? { reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
        : { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
  const limited = limitByRate(current, s.replicas, min, hpa.spec?.maxReplicas ?? min, s.state, up, down, nowMs);
  return { replicas: limited.replicas, state: s.state, ableToScale, limited: { ...limited, status: limited.replicas === s.replicas ? 'False' : 'True' } };
}

/** normalizeDesiredReplicas: the legacy rules, for an HPA without spec.behavior. */
export function normalizeLegacy(
  hpa: HorizontalPodAutoscaler,
  state: HpaState,
  current: number,
  desired: number,
  min: number,
  nowMs: number,
  downscaleStabilizationSeconds = DOWNSCALE_STABILIZATION_SECONDS,
): Normalized {
  const cutoff = nowMs - downscaleStabilizationSeconds * 1000;
  let stabilized = desired;
  for (const r of state.recommendations) if (r.timestampMs >= cutoff) stabilized = Math.max(stabilized, r.value);
  const recommendations = record(state.recommendations, { timestampMs: nowMs, value: desired }, (r) => r.timestampMs < cutoff);
  const ableToScale =
    stabilized === desired ? readyForNewScale : { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
  const max = hpa.spec?.maxReplicas ?? min;
  const upLimit = Math.max(2 * current, 4);
  const [maxAllowed, reason, message] =
    max > upLimit
      ? [upLimit, 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate']
      : [max, 'TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
  let limited: Limited = { replicas: stabilized, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
  if (stabilized < min) limited = { replicas: min, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
  else if (stabilized > maxAllowed) limited = { replicas: maxAllowed, reason, message };
  return { replicas: limited.replicas, state: { ...state, recommendations }, ableToScale, limited: { ...limited, status: limited.replicas === stabilized ? 'False' : 'True' } };
}

/** storeScaleEvent (only with spec.behavior, as Kubernetes). */
export function storeScaleEvent(hpa: HorizontalPodAutoscaler, state: HpaState, previous: number, next: number, nowMs: number): HpaState {
  if (hpa.spec?.behavior === undefined) return state;
  const longest = (rules: ScalingRules): number => Math.max(0, ...rules.policies.map((p) => p.periodSeconds)) * 1000;
  if (next > previous) {
    const cutoff = nowMs - longest(scaleUpRules(hpa.spec.behavior.scaleUp));
    return { ...state, scaleUpEvents: record(state.scaleUpEvents, { timestampMs: nowMs, value: next - previous }, (e) => e.timestampMs < cutoff) };
  }
  const cutoff = nowMs - longest(scaleDownRules(hpa.spec.behavior.scaleDown));
  return { ...state, scaleDownEvents: record(state.scaleDownEvents, { timestampMs: nowMs, value: previous - next }, (e) => e.timestampMs < cutoff) };
}
