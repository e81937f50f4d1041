// HorizontalPodAutoscaler controller, autoscaling/v2 (pkg/controller/podautoscaler/horizontal.go
// reconcileAutoscaler) for Resource metrics (Utilization and AverageValue targets):
//   no scale            -> AbleToScale False FailedGetScale
//   target at 0         -> ScalingActive False ScalingDisabled
//   outside min..max    -> clamp
//   else                -> the highest metric proposal, stabilized and rate limited
//   a change            -> patch the target's scale subresource, SuccessfulRescale
// then status (currentReplicas, desiredReplicas, currentMetrics, lastScaleTime, conditions
// AbleToScale / ScalingActive / ScalingLimited). Metrics come in as data (the metrics API is the
// service's business); what the autoscaler remembers between syncs is HpaState.
import { formatQuantity, newMilliQuantity, parseQuantity, quantityMilliValue, type LabelSelectorObject } from '@skiff/apimachinery';
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus, Pod } from '@skiff/api';
import { Resources, eventFor, type Action, type ResourceType, type SyncResult } from '../actions.js';
import { splitKey, type ListerView } from '../lister.js';
import { deepEqual } from '../util/equal.js';
import { matchesSelector, selectorOf } from '../util/selector.js';
import { formatTime } from '../util/time.js';
import { emptyHpaState, normalizeLegacy, normalizeWithBehaviors, storeScaleEvent, type HpaState } from './behavior.js';
import { ReplicaCalculationError, defaultReplicaCalculatorConfig, rawResourceReplicas, resourceReplicas, type PodMetrics, type ReplicaCalculatorConfig } from './replica-calculator.js';

/** --horizontal-pod-autoscaler-sync-period. */
export const HPA_SYNC_PERIOD_MS = 15_000;

export interface ScaleTarget {
  readonly resource: ResourceType;
  readonly name: string;
  /** scale.spec.replicas. */
  readonly replicas: number;
  /** The target's pod selector (scale.status.selector). */
  readonly selector: LabelSelectorObject | undefined;
}

export interface HpaListers {
  readonly horizontalPodAutoscalers: ListerView<HorizontalPodAutoscaler>;
  readonly pods: ListerView<Pod>;
}

export interface HpaSyncContext {
  readonly nowMs: number;
  readonly state: HpaState | undefined;
  /** The target's scale, or why it could not be read. */
  readonly scale: ScaleTarget | { readonly error: string };
  /** Pod metrics of the namespace (metrics.k8s.io), or why they could not be read. */
  readonly metrics: PodMetrics | { readonly error: string };
  readonly config?: ReplicaCalculatorConfig;
  /** --horizontal-pod-autoscaler-downscale-stabilization, for HPAs that set no window of their own. */
  readonly downscaleStabilizationSeconds?: number;
}

export interface HpaSyncResult extends SyncResult {
  readonly state: HpaState;
}

type HpaCondition = { type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string };

/** The scale of a workload, for the service (what GET .../scale would say). */
export function scaleTargetOf(resource: ResourceType, obj: { metadata: { name?: string }; spec?: { replicas?: number; selector?: LabelSelectorObject } }): ScaleTarget {
  return { resource, name: obj.metadata.name ?? '', replicas: obj.spec?.replicas ?? 1, selector: obj.spec?.selector };
}

/** The scalable kinds Kubernetes knows, by scaleTargetRef kind. */
export function scaleTargetResource(kind: string): ResourceType | undefined {
  return { Deployment: Resources.deployments, ReplicaSet: Resources.replicaSets, StatefulSet: Resources.statefulSets, ReplicationController: Resources.replicationControllers }[kind];
}

const DEFAULT_METRICS: MetricSpec[] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];

class HpaWork {
  readonly hpa: HorizontalPodAutoscaler;
  readonly actions: Action[] = [];
  readonly nowIso: string;
  state: HpaState;

  constructor(
    readonly original: HorizontalPodAutoscaler,
    readonly ctx: HpaSyncContext,
  ) {
    this.hpa = structuredClone(original);
    this.nowIso = formatTime(ctx.nowMs);
    this.state = ctx.state ?? emptyHpaState;
  }

  /** setCondition: lastTransitionTime moves only when the status does. */
  condition(type: string, status: string, reason: string, message: string): void {
    const st = (this.hpa.status ??= { desiredReplicas: 0 });
    const list = [...((st.conditions ?? []) as HpaCondition[])];
    const i = list.findIndex((c) => c.type === type);
    const prev = list[i];
    const next: HpaCondition = { type, status, lastTransitionTime: prev !== undefined && prev.status === status ? (prev.lastTransitionTime ?? this.nowIso) : this.nowIso, reason, message };
    if (i >= 0) list[i] = next;
    else list.push(next);
    st.conditions = list;
  }

  event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.actions.push(eventFor(Resources.horizontalPodAutoscalers, this.original, type, reason, message));
  }

  finish(): HpaSyncResult {
    if (!deepEqual(this.original.status ?? {}, this.hpa.status ?? {})) this.actions.push({ type: 'updateStatus', resource: Resources.horizontalPodAutoscalers, object: this.hpa });
    return { actions: this.actions, state: this.state, requeueAfterMs: HPA_SYNC_PERIOD_MS };
  }
}

interface MetricsOutcome {
  readonly replicas: number;
  readonly metricName: string;
  readonly statuses: MetricStatus[];
  readonly error?: string;
}

export function syncHorizontalPodAutoscaler(key: string, listers: HpaListers, ctx: HpaSyncContext): HpaSyncResult {
  const { namespace, name } = splitKey(key);
  const hpa = listers.horizontalPodAutoscalers.get(name, namespace);
  if (hpa === undefined) return { actions: [], state: emptyHpaState };
  const w = new HpaWork(hpa, ctx);
  if ('error' in ctx.scale) {
    w.event('Warning', 'FailedGetScale', ctx.scale.error);
    w.condition('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${ctx.scale.error}`);
    return w.finish();
  }
  const scale = ctx.scale;
  w.condition('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
  const current = scale.replicas;
  if (w.state.recommendations.length === 0) w.state = { ...w.state, recommendations: [{ timestampMs: ctx.nowMs, value: current }] };
  const min = hpa.spec?.minReplicas ?? 1;
  const max = hpa.spec?.maxReplicas ?? min;
  let desired = 0;
  let reason = '';
  let statuses: MetricStatus[] = [];
  let rescale = true;
  if (current === 0 && min !== 0) {
    rescale = false;
    w.condition('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
  } else if (current > max) {
    reason = 'Current number of replicas above Spec.MaxReplicas';
    desired = max;
  } else if (current < min) {
    reason = 'Current number of replicas below Spec.MinReplicas';
    desired = min;
  } else {
    const outcome = computeReplicasForMetrics(w, scale, listers.pods.namespace(namespace).list());
    statuses = outcome.statuses;
    if (outcome.replicas === -1) {
      setStatus(w, current, hpa.status?.desiredReplicas ?? 0, statuses, false);
      w.event('Warning', 'FailedComputeMetricsReplicas', outcome.error ?? '');
      return w.finish();
    }
    desired = outcome.replicas;
    if (desired > current) reason = `${outcome.metricName} above target`;
    if (desired < current) reason = 'All metrics below target';
    const normalized = (hpa.spec?.behavior === undefined ? normalizeLegacy : normalizeWithBehaviors)(hpa, w.state, current, desired, min, ctx.nowMs, ctx.downscaleStabilizationSeconds);
    w.state = normalized.state;
    w.condition('AbleToScale', 'True', normalized.ableToScale.reason, normalized.ableToScale.message);
    w.condition('ScalingLimited', normalized.limited.status, normalized.limited.reason, normalized.limited.message);
    desired = normalized.replicas;
    rescale = desired !== current;
  }
  if (rescale) {
    w.actions.push({ type: 'patch', resource: scale.resource, namespace, name: scale.name, patchType: 'merge', subresource: 'scale', patch: { spec: { replicas: desired } } });
    w.condition('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
    w.event('Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`);
    w.state = storeScaleEvent(hpa, w.state, current, desired, ctx.nowMs);
  } else {
    desired = current;
  }
  setStatus(w, current, desired, statuses, rescale);
  return w.finish();
}

function setStatus(w: HpaWork, current: number, desired: number, statuses: MetricStatus[], rescale: boolean): void {
  const old = w.hpa.status;
  w.hpa.status = {
    ...(w.hpa.metadata.generation === undefined ? {} : { observedGeneration: w.hpa.metadata.generation }),
    currentReplicas: current,
    desiredReplicas: desired,
    ...(rescale ? { lastScaleTime: w.nowIso } : old?.lastScaleTime === undefined ? {} : { lastScaleTime: old.lastScaleTime }),
    ...(statuses.length === 0 ? {} : { currentMetrics: statuses }),
    ...(old?.conditions === undefined ? {} : { conditions: old.conditions }),
  };
}

/** computeReplicasForMetrics: the highest proposal; -1 when every metric (or, scaling down, any) failed. */
function computeReplicasForMetrics(w: HpaWork, scale: ScaleTarget, namespacePods: readonly Pod[]): MetricsOutcome {
  if (scale.selector === undefined) {
    w.event('Warning', 'SelectorRequired', 'selector is required');
    w.condition('ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector");
    return { replicas: -1, metricName: '', statuses: [], error: 'selector is required' };
  }
  const selector = selectorOf(scale.selector);
  const pods = namespacePods.filter((p) => matchesSelector(selector, p.metadata.labels));
  const specs = w.hpa.spec?.metrics ?? DEFAULT_METRICS;
  let replicas = 0;
  let metricName = '';
  let invalid = 0;
  let firstError: { message: string; reason: string; condition: string } | undefined;
  const statuses: MetricStatus[] = [];
  for (const spec of specs) {
    const r = computeReplicasForMetric(w, scale, pods, spec);
    if ('error' in r) {
      invalid++;
      firstError ??= r.error;
      continue;
    }
    statuses.push(r.status);
    if (replicas === 0 || r.replicas > replicas) {
      replicas = r.replicas;
      metricName = r.metricName;
    }
  }
  const error = firstError === undefined ? undefined : `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError.message}`;
  if (firstError !== undefined && (invalid >= specs.length || replicas < scale.replicas)) {
    w.condition('ScalingActive', 'False', firstError.reason, firstError.condition);
    return { replicas: -1, metricName: '', statuses, error: error ?? '' };
  }
  w.condition('ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metricName}`);
  return { replicas, metricName, statuses, ...(error === undefined ? {} : { error }) };
}

type MetricResult = { replicas: number; metricName: string; status: MetricStatus } | { error: { message: string; reason: string; condition: string } };

function computeReplicasForMetric(w: HpaWork, scale: ScaleTarget, pods: readonly Pod[], spec: MetricSpec): MetricResult {
  const fail = (reason: string, inner: string, outer: string): MetricResult => {
    w.event('Warning', reason, inner);
    return { error: { message: outer, reason, condition: `the HPA was unable to compute the replica count: ${inner}` } };
  };
  if (spec.type !== 'Resource' || spec.resource === undefined) {
    const reason = { Pods: 'FailedGetPodsMetric', Object: 'FailedGetObjectMetric', External: 'FailedGetExternalMetric', ContainerResource: 'FailedGetContainerResourceMetric' }[spec.type] ?? 'InvalidMetricSourceType';
    const message = `metrics of type ${spec.type} are not supported`;
    return fail(reason, message, message);
  }
  const resource = spec.resource.name;
  const target = spec.resource.target;
  const outer = (inner: string): string => `failed to get ${resource} resource metric value: ${inner}`;
  const ctx = w.ctx;
  try {
    if ('error' in ctx.metrics) throw new ReplicaCalculationError(`unable to get metrics for resource ${resource}: ${ctx.metrics.error}`);
    const calc = { pods, metrics: ctx.metrics, resource, currentReplicas: scale.replicas, nowMs: ctx.nowMs, config: ctx.config ?? defaultReplicaCalculatorConfig };
    if (target.averageValue !== undefined) {
      const p = rawResourceReplicas(calc, quantityMilliValue(parseQuantity(target.averageValue)));
      return { replicas: p.replicas, metricName: `${resource} resource`, status: { type: 'Resource', resource: { name: resource, current: { averageValue: formatQuantity(newMilliQuantity(p.rawAverageMilli, 'DecimalSI')) } } } };
    }
    if (target.averageUtilization === undefined) {
      const inner = 'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set';
      return fail('FailedGetResourceMetric', inner, outer(inner));
    }
    const p = resourceReplicas(calc, target.averageUtilization);
    return {
      replicas: p.replicas,
      metricName: `${resource} resource utilization (percentage of request)`,
      status: { type: 'Resource', resource: { name: resource, current: { averageUtilization: p.utilization ?? 0, averageValue: formatQuantity(newMilliQuantity(p.rawAverageMilli, 'DecimalSI')) } } },
    };
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    const what = target.averageValue !== undefined ? 'usage' : 'utilization';
    const inner = `failed to get ${resource} ${what}: ${err.message}`;
    return fail('FailedGetResourceMetric', inner, outer(inner));
  }
}
