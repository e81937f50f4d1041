// autoscaling/v1 <-> autoscaling/v2 HorizontalPodAutoscaler (pkg/apis/autoscaling/v1/conversion.go).
// v2 is the stored version. v1 carries one CPU utilization target; what v1 cannot say rides in
// annotations so that a v1 read-modify-write loses nothing, as in Kubernetes:
//   autoscaling.alpha.kubernetes.io/metrics          spec.metrics other than the CPU utilization one
//   autoscaling.alpha.kubernetes.io/behavior         spec.behavior
//   autoscaling.alpha.kubernetes.io/current-metrics  status.currentMetrics other than CPU utilization
//   autoscaling.alpha.kubernetes.io/conditions       status.conditions
// Skiff writes the annotations' metric lists in the v2 shape (Kubernetes uses v1's legacy
// MetricSpec there); only Skiff reads them back. Pure: plain objects in, new objects out.
import type { KubeObject } from '../types.js';

export const HPA_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const HPA_BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
export const HPA_CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const HPA_CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
const ANNOTATIONS = [HPA_METRICS_ANNOTATION, HPA_BEHAVIOR_ANNOTATION, HPA_CURRENT_METRICS_ANNOTATION, HPA_CONDITIONS_ANNOTATION];

type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const mapAt = (obj: unknown, key: string): Json | undefined => (isMap(obj) && isMap(obj[key]) ? obj[key] : undefined);

/** The metric a v1 CPU target stands for. */
function isCpuUtilization(m: unknown): boolean {
  const resource = mapAt(m, 'resource');
  return isMap(m) && m['type'] === 'Resource' && resource?.['name'] === 'cpu' && mapAt(resource, 'target')?.['type'] === 'Utilization';
}

function parseAnnotation(annotations: Json, key: string): unknown {
  const text = annotations[key];
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // A hand-edited annotation that is not JSON carries nothing v2 can use.
    return undefined;
  }
}

function withoutUndefined(obj: Json): Json {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

/** The object's metadata with the conversion annotations removed or set. */
function metadataWith(metadata: unknown, set: Record<string, string | undefined>): Json {
  const meta: Json = isMap(metadata) ? { ...metadata } : {};
  const annotations: Json = { ...(mapAt(meta, 'annotations') ?? {}) };
  for (const key of ANNOTATIONS) delete annotations[key];
  for (const [key, value] of Object.entries(set)) if (value !== undefined) annotations[key] = value;
  if (Object.keys(annotations).length === 0) delete meta['annotations'];
  else meta['annotations'] = annotations;
  return meta;
}

/** autoscaling/v1 -> autoscaling/v2 (what is stored). */
export function hpaV1ToV2(v1: KubeObject): KubeObject {
  const annotations = mapAt(v1.metadata, 'annotations') ?? {};
  const spec = mapAt(v1, 'spec');
  const status = mapAt(v1, 'status');
  const out: Json = { ...v1, apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: metadataWith(v1.metadata, {}) };
  if (spec !== undefined) {
    const { targetCPUUtilizationPercentage: target, ...rest } = spec;
    const others = parseAnnotation(annotations, HPA_METRICS_ANNOTATION);
    const metrics = [
      ...(target === undefined ? [] : [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }]),
      ...(Array.isArray(others) ? others.filter((m) => !isCpuUtilization(m)) : []),
    ];
    const behavior = parseAnnotation(annotations, HPA_BEHAVIOR_ANNOTATION);
    out['spec'] = withoutUndefined({ ...rest, metrics: metrics.length === 0 ? undefined : metrics, behavior: isMap(behavior) ? behavior : undefined });
  }
  if (status !== undefined) {
    const { currentCPUUtilizationPercentage: current, ...rest } = status;
    const others = parseAnnotation(annotations, HPA_CURRENT_METRICS_ANNOTATION);
    const currentMetrics = [
      ...(current === undefined ? [] : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }]),
      ...(Array.isArray(others) ? others : []),
    ];
    const conditions = parseAnnotation(annotations, HPA_CONDITIONS_ANNOTATION);
    out['status'] = withoutUndefined({ ...rest, currentMetrics: currentMetrics.length === 0 ? undefined : currentMetrics, conditions: Array.isArray(conditions) ? conditions : undefined });
  }
  return out as KubeObject;
}

/** autoscaling/v2 (stored) -> autoscaling/v1. A bookmark (metadata only) keeps only metadata. */
export function hpaV2ToV1(v2: KubeObject): KubeObject {
  const spec = mapAt(v2, 'spec');
  const status = mapAt(v2, 'status');
  const out: Json = { ...v2, apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler' };
  const set: Record<string, string | undefined> = {};
  if (spec !== undefined) {
    const { metrics, behavior, ...rest } = spec;
    const list = Array.isArray(metrics) ? metrics : [];
    const cpu = list.find(isCpuUtilization);
    const others = list.filter((m) => !isCpuUtilization(m));
    if (others.length > 0) set[HPA_METRICS_ANNOTATION] = JSON.stringify(others);
    if (behavior !== undefined) set[HPA_BEHAVIOR_ANNOTATION] = JSON.stringify(behavior);
    out['spec'] = withoutUndefined({ ...rest, targetCPUUtilizationPercentage: mapAt(mapAt(cpu, 'resource'), 'target')?.['averageUtilization'] });
  }
  if (status !== undefined) {
    const { currentMetrics, conditions, ...rest } = status;
    const list = Array.isArray(currentMetrics) ? currentMetrics : [];
    const isCpu = (m: unknown): boolean => isMap(m) && m['type'] === 'Resource' && mapAt(m, 'resource')?.['name'] === 'cpu';
    const cpu = list.find(isCpu);
    const others = list.filter((m) => !isCpu(m));
    if (others.length > 0) set[HPA_CURRENT_METRICS_ANNOTATION] = JSON.stringify(others);
    if (Array.isArray(conditions) && conditions.length > 0) set[HPA_CONDITIONS_ANNOTATION] = JSON.stringify(conditions);
    out['status'] = withoutUndefined({ currentReplicas: 0, ...rest, currentCPUUtilizationPercentage: mapAt(mapAt(cpu, 'resource'), 'current')?.['averageUtilization'] });
  }
  out['metadata'] = metadataWith(v2.metadata, set);
  return out as KubeObject;
}
