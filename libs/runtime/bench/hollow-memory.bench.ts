// Memory of hollow nodes: N nodes, each a HollowRuntime, its KubeletRuntime glue, a node agent
// and one pod worker per pod, all on one SimulationClock, run until every pod is Running.
// Run: node --expose-gc --import tsx libs/runtime/bench/hollow-memory.bench.ts [nodes] [podsPerNode]
import { createActor, type AnyActorRef } from 'xstate';
import { SeededRandom, SimulationClock } from '@skiff/core';
import { containerExitFromEvent, KubeletRuntime, nodeAgentMachine, podWorkerMachine } from '@skiff/kubelet';
import { HollowRuntime } from '../src/hollow-runtime.js';
import { pod, run } from '../test/sim.js';

const nodes = Number(process.argv[2] ?? 200);
const podsPerNode = Number(process.argv[3] ?? 10);
const gc = (globalThis as { gc?: () => void }).gc;

function heapMiB(): number {
  gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function main(): Promise<void> {
  const clock = new SimulationClock();
  const random = new SeededRandom(1);
  const before = heapMiB();
  const workers: AnyActorRef[] = [];
  for (let n = 0; n < nodes; n++) {
    const cri = new HollowRuntime({ clock, random: random.fork(), startLatencyMs: { minMs: 50, maxMs: 500 } });
    const runtime = new KubeletRuntime({
      cri,
      runtimeName: 'hollow',
      hostIP: '127.0.0.1',
      podsDir: '/pods',
      volumes: { setUp: async () => undefined, tearDown: async () => undefined },
      lookup: { configMap: () => undefined, secret: () => undefined },
      services: () => [],
      probers: { tcp: async () => ({ result: 'success', output: '' }), http: async () => ({ result: 'success', output: '' }) },
      clock,
    });
    createActor(nodeAgentMachine, { clock, input: { nodeName: `node-${n}`, registerNode: async () => undefined, now: () => clock.now() } }).start();
    const byUid = new Map<string, AnyActorRef>();
    cri.getContainerEvents((e) => {
      const exit = containerExitFromEvent(e);
      if (exit !== undefined) byUid.get(exit.podUID)?.send({ type: 'CONTAINER_EXITED', exit: exit.exit });
    });
    for (let p = 0; p < podsPerNode; p++) {
      const uid = `uid-${n}-${p}`;
      const actor = createActor(podWorkerMachine, { clock, input: { pod: pod({}, `pod-${p}`, uid), runtime, now: () => clock.now() } }).start();
      byUid.set(uid, actor);
      workers.push(actor);
    }
  }
  await run(clock, 5_000);
  const running = workers.filter((w) => (w.getSnapshot() as { value: unknown }).value === 'running').length;
  const after = heapMiB();
  const perNodeKiB = ((after - before) * 1024) / nodes;
  console.log(JSON.stringify({ nodes, podsPerNode, running, heapMiB: Number((after - before).toFixed(1)), perNodeKiB: Math.round(perNodeKiB), perPodKiB: Math.round(perNodeKiB / podsPerNode) }));
}

void main();
