// One fake apiserver and clients on a MemoryNetwork under a SimulationClock: time moves only when a
// test says so, and the network delivers in microtasks (auto mode), so `run(ms)` = advance the
// clock in small steps and let the promises settle after each.

import { MemoryNetwork, type MemoryBus } from '@skiff/bus';
import { SeededRandom, SimulationClock } from '@skiff/core';
import { createApiClient, type ApiClient, type ApiClientOptions } from '../src/api-client.js';
import { FakeApiServer } from './fake-api-server.js';
import type { KubeObject } from '../src/types.js';

export const T0 = Date.parse('2026-03-01T10:00:00Z');

export interface Harness {
  readonly clock: SimulationClock;
  readonly network: MemoryNetwork;
  readonly serverBus: MemoryBus;
  readonly server: FakeApiServer;
  readonly client: ApiClient;
  /** Another client on its own connection. */
  connect(name: string, opts?: Partial<ApiClientOptions>): ApiClient;
  settle(rounds?: number): Promise<void>;
  /** Advances the clock by `ms` in steps of `stepMs`, settling after each step. */
  run(ms: number, stepMs?: number): Promise<void>;
  /** Runs until `done()` holds (checked after each step), at most `maxMs`; returns whether it held. */
  until(done: () => boolean, maxMs?: number, stepMs?: number): Promise<boolean>;
}

export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export function startHarness(opts: { seed?: number; heartbeatMs?: number; client?: Partial<ApiClientOptions> } = {}): Harness {
  const seed = opts.seed ?? 1;
  const clock = new SimulationClock(T0);
  const network = new MemoryNetwork({ random: new SeededRandom(seed), clock });
  const serverBus = network.connect('apiserver');
  const server = new FakeApiServer({ bus: serverBus, clock, ...(opts.heartbeatMs === undefined ? {} : { heartbeatMs: opts.heartbeatMs }) }).start();
  let clients = 0;
  const connect = (name: string, extra: Partial<ApiClientOptions> = {}): ApiClient =>
    createApiClient({ bus: network.connect(name), clock, random: new SeededRandom(seed + ++clients), requestTimeoutMs: 2_000, ...extra });
  const run = async (ms: number, stepMs = 50): Promise<void> => {
    await settle();
    for (let elapsed = 0; elapsed < ms; elapsed += stepMs) {
      clock.advance(Math.min(stepMs, ms - elapsed));
      await settle();
    }
  };
  const until = async (done: () => boolean, maxMs = 60_000, stepMs = 50): Promise<boolean> => {
    await settle();
    for (let elapsed = 0; elapsed < maxMs && !done(); elapsed += stepMs) {
      clock.advance(stepMs);
      await settle();
    }
    return done();
  };
  return { clock, network, serverBus, server, client: connect('client', opts.client), connect, settle, run, until };
}

export function pod(name: string, opts: { namespace?: string; labels?: Record<string, string>; nodeName?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.namespace ?? 'default', ...(opts.labels === undefined ? {} : { labels: opts.labels }) },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...(opts.nodeName === undefined ? {} : { nodeName: opts.nodeName }) },
  };
}
