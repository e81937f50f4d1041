// Two ways to run the same client suite: over a MemoryNetwork (auto delivery) with a
// SimulationClock that jumps to the next timer whenever nothing else can happen, and over NatsBus
// on a real nats-server with the real clock. Both use a SeededRandom for the client's jitter.

import { RealClock, SeededRandom, SimulationClock, type Clock } from '@skiff/actors';
import { MemoryNetwork, NatsBus, type Bus } from '@skiff/bus';
import { startNatsServer, type NatsServerProcess } from '@skiff/testing';

export interface Harness {
  readonly label: string;
  readonly clock: Clock;
  /** Whether time is simulated (waits cost nothing). */
  readonly simulated: boolean;
  connect(name: string): Promise<Bus>;
  /** Awaits `p`, letting time pass as needed. */
  run<T>(p: Promise<T>): Promise<T>;
  /** Lets `ms` of time pass. */
  sleep(ms: number): Promise<void>;
  /** Per-attempt deadline for clients: short on a real server so lost replies are retried soon. */
  readonly requestTimeoutMs: number;
  dispose(): Promise<void>;
}

const STEPS_MAX = 200_000;

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function memoryHarness(seed: number): Harness {
  const clock = new SimulationClock(1_000_000);
  const network = new MemoryNetwork({ random: new SeededRandom(seed), clock, mode: 'auto' });
  const buses: Bus[] = [];
  const run = async <T>(p: Promise<T>): Promise<T> => {
    let settled = false;
    p.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let i = 0; i < STEPS_MAX && !settled; i++) {
      await macrotask();
      if (settled) break;
      if (!clock.step()) {
        await macrotask();
        if (!settled) throw new Error('simulation stuck: the promise waits and no timer is pending');
      }
    }
    if (!settled) throw new Error(`simulation did not settle in ${STEPS_MAX} steps`);
    return p;
  };
  return {
    label: `MemoryBus (seed ${seed})`,
    clock,
    simulated: true,
    requestTimeoutMs: 2_000,
    connect: async (name) => {
      const bus = network.connect(name);
      buses.push(bus);
      return bus;
    },
    run,
    sleep: (ms) => run(new Promise<void>((resolve) => clock.setTimeout(resolve, ms))),
    dispose: async () => {
      await Promise.all(buses.map((b) => b.close()));
    },
  };
}

export async function natsHarness(server: NatsServerProcess): Promise<Harness> {
  const clock = new RealClock();
  const buses: Bus[] = [];
  return {
    label: 'NatsBus on nats-server',
    clock,
    simulated: false,
    requestTimeoutMs: 250,
    connect: async (name) => {
      const bus = await NatsBus.connect({ servers: [server.url], name });
      buses.push(bus);
      return bus;
    },
    run: (p) => p,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    dispose: async () => {
      await Promise.all(buses.map((b) => b.close()));
    },
  };
}

export { startNatsServer, type NatsServerProcess };
