// A REST core over an in-memory store with a simulated clock, and request helpers.

import type { KubeObject, ResourceInfo } from '@skiff/api';
import { isApiError, type Status } from '@skiff/apimachinery';
import { SeededRandom, SimulationClock } from '@skiff/core';
import { createApiCore, type ApiCoreOptions } from '../../src/core/api-core.js';
import { MemoryStorage } from '../../src/core/storage-memory.js';
import type { ApiCore, ApiRequest, ApiResult, PatchType, WatchEvent } from '../../src/core/types.js';
import { resources } from '@skiff/api';

export const T0 = Date.parse('2026-03-01T10:00:00Z');
export const ADMIN = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };

export interface Harness {
  readonly core: ApiCore;
  readonly storage: MemoryStorage;
  readonly clock: SimulationClock;
  call(req: Partial<ApiRequest> & Pick<ApiRequest, 'verb' | 'resource'>): Promise<ApiResult>;
  /** The object of a non-watch result (throws on a watch). */
  obj(req: Partial<ApiRequest> & Pick<ApiRequest, 'verb' | 'resource'>): Promise<KubeObject & Record<string, unknown>>;
  /** The Status of a failing request (throws when it succeeds). */
  err(req: Partial<ApiRequest> & Pick<ApiRequest, 'verb' | 'resource'>): Promise<Status>;
  stop(): Promise<void>;
}

const GROUP_VERSION: Record<string, [string, string]> = {
  deployments: ['apps', 'v1'],
  replicasets: ['apps', 'v1'],
  priorityclasses: ['scheduling.k8s.io', 'v1'],
  poddisruptionbudgets: ['policy', 'v1'],
  selfsubjectaccessreviews: ['authorization.k8s.io', 'v1'],
  tokenreviews: ['authentication.k8s.io', 'v1'],
  selfsubjectreviews: ['authentication.k8s.io', 'v1'],
};

export async function startHarness(opts: Partial<ApiCoreOptions> & { resources?: readonly ResourceInfo[]; seed?: number } = {}): Promise<Harness> {
  const storage = (opts.storage as MemoryStorage | undefined) ?? new MemoryStorage();
  const clock = new SimulationClock(T0);
  const core = createApiCore({ storage, clock, random: new SeededRandom(opts.seed ?? 7), resources: opts.resources ?? resources, ...opts });
  await core.ready();
  const call = (r: Partial<ApiRequest> & Pick<ApiRequest, 'verb' | 'resource'>) => {
    const [group, version] = GROUP_VERSION[r.resource] ?? ['', 'v1'];
    return core.handle({ group, version, query: new URLSearchParams(), user: ADMIN, ...r } as ApiRequest);
  };
  return {
    core,
    storage,
    clock,
    call,
    async obj(r) {
      const res = await call(r);
      if (res.kind !== 'object') throw new Error('expected an object result');
      return res.object as KubeObject & Record<string, unknown>;
    },
    async err(r) {
      try {
        await call(r);
      } catch (e) {
        if (isApiError(e)) return e.status;
        throw e;
      }
      throw new Error(`expected ${r.verb} ${r.resource} to fail`);
    },
    stop: () => core.stop(),
  };
}

export function q(params: Record<string, string>): URLSearchParams {
  return new URLSearchParams(params);
}

export function pod(name: string, extra: Record<string, unknown> = {}, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] }, ...extra } as KubeObject;
}

export function deployment(name: string, replicas = 2): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  } as KubeObject;
}

export function patchReq(resource: string, namespace: string | undefined, name: string, patchType: PatchType, body: unknown, query = new URLSearchParams()): Partial<ApiRequest> & Pick<ApiRequest, 'verb' | 'resource'> {
  return { verb: 'patch', resource, ...(namespace === undefined ? {} : { namespace }), name, patchType, body, query };
}

/** Reads `n` events from a watch, failing instead of hanging when fewer arrive (the caller ends the stream). */
export async function nextEvents(it: AsyncIterator<WatchEvent>, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  for (let i = 0; i < n; i++) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

/** Lets the cacher deliver what the store already committed (microtask turns, no timers). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
