// What the HPA reads from outside its informers, turned into the pure sync's inputs: a
// metrics.k8s.io/v1beta1 PodMetrics list becomes PodMetrics (the resource metrics client of
// pkg/controller/podautoscaler/metrics/client.go: usage summed over the pod's containers, a pod
// missing the resource in any container left out), and a Scale's status.selector string becomes
// the LabelSelector object the sync matches pods with.
import { parseLabelSelector, parseQuantity, quantityMilliValue, SelectorOperator, tryParseGoDurationMs, type LabelSelectorObject } from '@skiff/apimachinery';
import type { PodMetric, PodMetrics } from './replica-calculator.js';
import { parseTime } from '../util/time.js';

/** metrics.k8s.io/v1beta1 PodMetrics, as far as the autoscaler reads it. */
export interface PodMetricsObject {
  readonly metadata: { readonly name?: string };
  readonly timestamp?: string;
  /** A Go duration: "30s", "1m0s", "10.5s". */
  readonly window?: string;
  readonly containers?: readonly { readonly name?: string; readonly usage?: Readonly<Record<string, string>> }[];
}

/** One pod's sample; undefined when a container lacks the resources asked for or the sample is malformed. */
function podMetric(item: PodMetricsObject, resources: readonly string[]): PodMetric | undefined {
  const timestampMs = parseTime(item.timestamp);
  const windowMs = tryParseGoDurationMs(item.window ?? '');
  const containers = item.containers ?? [];
  if (timestampMs === undefined || windowMs === undefined || containers.length === 0) return undefined;
  const usageMilli: Record<string, number> = {};
  for (const resource of resources) {
    let sum = 0;
    for (const c of containers) {
      const q = c.usage?.[resource];
      if (q === undefined) return undefined;
      try {
        sum += quantityMilliValue(parseQuantity(q));
      } catch {
        return undefined;
      }
    }
    usageMilli[resource] = sum;
  }
  return { timestampMs, windowMs, usageMilli };
}

/** The samples by pod name; pods without a usable sample are left out (the calculator counts them missing). */
export function podMetricsFromList(items: readonly PodMetricsObject[], resources: readonly string[] = ['cpu', 'memory']): PodMetrics {
  const out = new Map<string, PodMetric>();
  for (const item of items) {
    const name = item.metadata.name;
    const metric = podMetric(item, resources);
    if (name !== undefined && name !== '' && metric !== undefined) out.set(name, metric);
  }
  return out;
}

const EXPRESSION_OPERATOR: Readonly<Record<string, 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'>> = {
  [SelectorOperator.In]: 'In',
  [SelectorOperator.Equals]: 'In',
  [SelectorOperator.DoubleEquals]: 'In',
  [SelectorOperator.NotIn]: 'NotIn',
  [SelectorOperator.NotEquals]: 'NotIn',
  [SelectorOperator.Exists]: 'Exists',
  [SelectorOperator.DoesNotExist]: 'DoesNotExist',
};

/**
 * A Scale's status.selector (labels.Parse) as a LabelSelector object; undefined when empty or not
 * a selector (the sync then reports SelectorRequired / InvalidSelector and scales nothing).
 */
export function selectorObjectFromString(text: string): LabelSelectorObject | undefined {
  if (text.trim() === '') return undefined;
  let parsed;
  try {
    parsed = parseLabelSelector(text);
  } catch {
    return undefined;
  }
  if (parsed.type === 'nothing') return undefined;
  const matchExpressions = [];
  for (const r of parsed.requirements) {
    const operator = EXPRESSION_OPERATOR[r.operator];
    if (operator === undefined) return undefined;
    matchExpressions.push(operator === 'Exists' || operator === 'DoesNotExist' ? { key: r.key, operator } : { key: r.key, operator, values: [...r.values] });
  }
  return { matchExpressions };
}
