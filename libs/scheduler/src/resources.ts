// Resource arithmetic in plain numbers: milli-CPU, bytes, pod counts. Quantities are parsed once
// (memoized by their text) with @skiff/apimachinery's exact parser, then the scheduler's hot loops
// compare numbers. Pod requests follow Kubernetes' PodRequests (component-helpers/resource):
// max(sum(containers) + sidecars, max(init container + sidecars started before it)) + overhead.
import { parseQuantity, quantityMilliValue, quantityValue } from '@skiff/apimachinery';
import type { Container, Pod, ResourceList } from './types.js';

export const ResourceName = { CPU: 'cpu', Memory: 'memory', EphemeralStorage: 'ephemeral-storage', Pods: 'pods' } as const;

/** schedutil.DefaultMilliCPURequest / DefaultMemoryRequest: what scoring assumes for a container without requests. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST_BYTES = 200 * 1024 * 1024;

export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  allowedPodNumber: number;
  /** Extended and hugepages resources, by name; absent when none. */
  scalar: Map<string, number> | undefined;
}

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: undefined };
}

export function cloneResource(r: Resource): Resource {
  return { ...r, scalar: r.scalar === undefined ? undefined : new Map(r.scalar) };
}

export class InvalidQuantityError extends Error {
  override readonly name = 'InvalidQuantityError';
}

const milliCache = new Map<string | number, number>();
const valueCache = new Map<string | number, number>();
const CACHE_LIMIT = 10_000;

/** Quantity.MilliValue() of a resource quantity; throws InvalidQuantityError for bad text. */
export function milliValue(quantity: string | number): number {
  return memo(milliCache, quantity, quantityMilliValue);
}

/** Quantity.Value(), rounded up as Kubernetes does ("100m" of memory is 1 byte). */
export function value(quantity: string | number): number {
  return memo(valueCache, quantity, quantityValue);
}

function memo(cache: Map<string | number, number>, quantity: string | number, read: (q: ReturnType<typeof parseQuantity>) => number): number {
  const hit = cache.get(quantity);
  if (hit !== undefined) return hit;
  let result: number;
  try {
    result = read(parseQuantity(quantity));
  } catch (error) {
    throw new InvalidQuantityError(`invalid quantity ${JSON.stringify(quantity)}: ${(error as Error).message}`);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(quantity, result);
  return result;
}

/** Resource.Add(ResourceList). */
export function addResourceList(r: Resource, list: ResourceList | undefined): void {
  if (list === undefined) return;
  for (const name in list) {
    const q = list[name];
    if (q === undefined) continue;
    switch (name) {
      case ResourceName.CPU:
        r.milliCPU += milliValue(q);
        break;
      case ResourceName.Memory:
        r.memory += value(q);
        break;
      case ResourceName.EphemeralStorage:
        r.ephemeralStorage += value(q);
        break;
      case ResourceName.Pods:
        r.allowedPodNumber += value(q);
        break;
      default:
        addScalar(r, name, value(q));
    }
  }
}

function addScalar(r: Resource, name: string, amount: number): void {
  r.scalar ??= new Map();
  r.scalar.set(name, (r.scalar.get(name) ?? 0) + amount);
}

export function addResource(into: Resource, r: Resource, sign = 1): void {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  into.allowedPodNumber += sign * r.allowedPodNumber;
  if (r.scalar !== undefined) for (const [name, amount] of r.scalar) addScalar(into, name, sign * amount);
}

function maxResource(into: Resource, r: Resource): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  if (r.scalar === undefined) return;
  for (const [name, amount] of r.scalar) {
    into.scalar ??= new Map();
    into.scalar.set(name, Math.max(into.scalar.get(name) ?? 0, amount));
  }
}

function containerRequests(c: Container, nonZero: boolean): Resource {
  const r = emptyResource();
  const requests = c.resources?.requests;
  addResourceList(r, requests);
  if (nonZero) {
    if (requests?.[ResourceName.CPU] === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (requests?.[ResourceName.Memory] === undefined) r.memory = DEFAULT_MEMORY_REQUEST_BYTES;
  }
  return r;
}

/**
 * The pod's effective request. `nonZero` substitutes the scoring defaults for containers that
 * request no CPU or memory (GetNonzeroRequests), so that best-effort pods still spread.
 */
export function podRequests(pod: Pod, nonZero = false): Resource {
  const reqs = emptyResource();
  for (const c of pod.spec?.containers ?? []) addResource(reqs, containerRequests(c, nonZero));
  const sidecars = emptyResource();
  const initMax = emptyResource();
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      // A sidecar keeps running: it adds to the steady state and to every later init container.
      addResource(reqs, r);
      addResource(sidecars, r);
      maxResource(initMax, sidecars);
    } else {
      addResource(r, sidecars);
      maxResource(initMax, r);
    }
  }
  maxResource(reqs, initMax);
  addResourceList(reqs, pod.spec?.overhead);
  reqs.allowedPodNumber = 0;
  return reqs;
}

/** The node's allocatable resources (status.allocatable, falling back to capacity). */
export function nodeAllocatable(list: ResourceList | undefined): Resource {
  const r = emptyResource();
  addResourceList(r, list);
  return r;
}
