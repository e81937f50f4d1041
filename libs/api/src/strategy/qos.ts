// Pod QoS class (pkg/apis/core/helper/qos.ComputePodQOS): Guaranteed when every container limits
// cpu and memory and requests equal limits; BestEffort when nothing is requested or limited.
import { parseQuantityNanos } from '../quantity.js';
import type { Container } from '../schema/container.schema.js';
import type { Pod } from '../schema/pod.schema.js';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const qosResources = new Set(['cpu', 'memory']);

function addPositive(sum: Map<string, bigint>, list: Record<string, unknown> | undefined, found?: Set<string>): void {
  for (const [name, q] of Object.entries(list ?? {})) {
    if (!qosResources.has(name)) continue;
    const n = parseQuantityNanos(q);
    if (n === undefined || n <= 0n) continue;
    found?.add(name);
    sum.set(name, (sum.get(name) ?? 0n) + n);
  }
}

export function podQOSClass(pod: Pod): QOSClass {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  const containers: Container[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const c of containers) {
    addPositive(requests, c.resources?.requests);
    const found = new Set<string>();
    addPositive(limits, c.resources?.limits, found);
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      if (limits.get(name) !== req) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
