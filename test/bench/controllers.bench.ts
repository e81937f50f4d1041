// Controllers benchmark (issue 7): in one process, a nats-server, a store member, the API server,
// the scheduler, the controller manager (every controller, as in `skiff up`) and N hollow kubelets
// (shared NATS connection, simulated containers). Two phases, each bounded by a time cap:
//   1. create: a Deployment of R replicas -> every pod Ready and status.availableReplicas = R;
//   2. rolling update: the container image changes (what `kubectl set image` sends, as a merge
//      patch of the pod template) -> updatedReplicas = availableReplicas = R, observedGeneration
//      current, and the old ReplicaSet scaled to 0 with no pods.
// Progress is printed every few seconds; a phase that reaches its cap is recorded as partial with
// its last status.
//
//   npm run bench:controllers [-- --nodes 50 --replicas 1000 --cap-seconds 600]
//
// Writes bench/results/controllers.json.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Deployment, Pod, ReplicaSet } from '@skiff/api';
import { createInformer, Resources, type ApiClient, type Informer } from '@skiff/client';
import { SeededRandom } from '@skiff/core';
import { startHollowNodes } from '@skiff/kubelet-service';
import { child, startControlPlane } from './cluster/control-plane.js';
import { round } from './store/stats.js';

const argv = process.argv.slice(2);
const num = (name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`--${name} must be a positive whole number`);
  return v;
};
const NODES = num('nodes', 50);
const REPLICAS = num('replicas', 1000);
const CAP_MS = num('cap-seconds', 600) * 1000;
const PROGRESS_MS = 5_000;
const CLUSTER = 'ctrlbench';
const NS = 'default';
const NAME = 'bench';
const MiB = 1024 * 1024;

interface Sample {
  readonly atS: number;
  /** From a pod watch: pods that exist (not deleting), are bound, are Ready. */
  readonly pods: number;
  readonly bound: number;
  readonly podsReady: number;
  readonly replicas: number;
  readonly updated: number;
  readonly ready: number;
  readonly available: number;
}

interface PhaseResult {
  readonly phase: 'create' | 'rollingUpdate';
  readonly ok: boolean;
  readonly seconds: number;
  readonly podsPerSecond: number;
  readonly final: Sample & { readonly oldReplicaSetReplicas?: number; readonly readyPodsOfNewTemplate?: number };
  /** Lowest Deployment availableReplicas seen while rolling (maxUnavailable 25% allows R - R/4). */
  readonly minAvailable?: number;
  /** From the pod watch, sampled every second: most pods not deleting (maxSurge 25% allows R + R/4), fewest Ready. */
  readonly maxPods: number;
  readonly minReadyPods: number;
  readonly progress: readonly Sample[];
}

const deployment = (): Deployment =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME, namespace: NS },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: NAME } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: NAME } },
        spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      },
    },
  }) as Deployment;

function podCounts(pods: Informer<Pod>): { pods: number; bound: number; podsReady: number } {
  let n = 0;
  let bound = 0;
  let podsReady = 0;
  for (const p of pods.store.list()) {
    if (p.metadata.deletionTimestamp !== undefined) continue;
    n++;
    if ((p.spec?.nodeName ?? '') !== '') bound++;
    if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false) podsReady++;
  }
  return { pods: n, bound, podsReady };
}

function sampleOf(d: Deployment | undefined, t0: number, pods: Informer<Pod>): Sample {
  const s = d?.status;
  return { atS: round((performance.now() - t0) / 1000, 1), ...podCounts(pods), replicas: s?.replicas ?? 0, updated: s?.updatedReplicas ?? 0, ready: s?.readyReplicas ?? 0, available: s?.availableReplicas ?? 0 };
}

const line = (phase: string, s: Sample): string => `  ${phase} ${String(s.atS).padStart(6)} s  pods ${s.pods} bound ${s.bound} ready ${s.podsReady} | deployment: replicas ${s.replicas}  updated ${s.updated}  ready ${s.ready}  available ${s.available}\n`;

/** From the watch cache: a plain list of 1000 pods is over the bus's 1 MiB reply limit. */
function readyPodsWithImage(pods: Informer<Pod>, image: string): number {
  return pods.store.list().filter((p) => p.metadata.deletionTimestamp === undefined && p.spec?.containers[0]?.image === image && (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false)).length;
}

async function oldReplicaSetReplicas(client: ApiClient, image: string): Promise<number> {
  const rss = await client.list<ReplicaSet>(Resources.replicaSets, { namespace: NS });
  return rss.items.filter((rs) => rs.spec?.template?.spec?.containers[0]?.image !== image).reduce((n, rs) => n + (rs.spec?.replicas ?? 0) + (rs.status?.replicas ?? 0), 0);
}

/** Polls the Deployment every second until `done` or the cap; prints a line every PROGRESS_MS. */
async function runPhase(client: ApiClient, pods: Informer<Pod>, phase: PhaseResult['phase'], start: () => Promise<unknown>, done: (d: Deployment) => Promise<boolean>): Promise<PhaseResult> {
  const t0 = performance.now();
  await start();
  const progress: Sample[] = [];
  let last: Deployment | undefined;
  let minAvailable = Number.POSITIVE_INFINITY;
  let maxPods = 0;
  let minReadyPods = Number.POSITIVE_INFINITY;
  let ok = false;
  let lastPrint = 0;
  for (let i = 0; performance.now() - t0 < CAP_MS && i < CAP_MS / 500; i++) {
    last = await client.get<Deployment>(Resources.deployments, NAME, { namespace: NS }).catch(() => last);
    const s = sampleOf(last, t0, pods);
    if (phase === 'rollingUpdate') minAvailable = Math.min(minAvailable, s.available);
    maxPods = Math.max(maxPods, s.pods);
    minReadyPods = Math.min(minReadyPods, s.podsReady);
    if (last !== undefined && (await done(last))) {
      ok = true;
      break;
    }
    if (performance.now() - lastPrint >= PROGRESS_MS) {
      progress.push(s);
      process.stdout.write(line(phase, s));
      lastPrint = performance.now();
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  const seconds = round((performance.now() - t0) / 1000, 1);
  const final = sampleOf(last, t0, pods);
  process.stdout.write(`${line(phase, final).trimEnd()}  ${ok ? 'done' : `CAP REACHED (${CAP_MS / 1000} s)`}\n`);
  return { phase, ok, seconds, podsPerSecond: round(REPLICAS / seconds, 1), final, ...(phase === 'rollingUpdate' ? { minAvailable } : {}), maxPods, minReadyPods, progress };
}

async function main(): Promise<void> {
  process.stdout.write(`controllers bench: ${NODES} hollow nodes, a Deployment of ${REPLICAS} replicas, cap ${CAP_MS / 1000} s a phase\n`);
  const t0 = performance.now();
  const cp = await startControlPlane({ cluster: CLUSTER, scheduler: true, controllers: ['*'] });
  const hollow = await startHollowNodes({ natsUrls: [cp.natsUrl], cluster: CLUSTER, count: NODES, clock: cp.clock, random: new SeededRandom(1), logger: child(cp.logger, { part: 'hollow' }) });
  const phases: PhaseResult[] = [];
  let nodesReadyS = NaN;
  let stopPods = (): void => undefined;
  try {
    await hollow.whenReady(60_000 + 300 * NODES);
    nodesReadyS = round((performance.now() - t0) / 1000, 1);
    process.stdout.write(`control plane and ${NODES} hollow nodes Ready in ${nodesReadyS} s\n`);
    const client = cp.client;
    const pods = createInformer<Pod>({ client, clock: cp.clock, random: new SeededRandom(2), resource: Resources.pods, scope: { namespace: NS } });
    stopPods = () => pods.stop();
    pods.start();
    await pods.whenSynced();
    const v1 = 'registry.k8s.io/pause:3.9';
    const v2 = 'registry.k8s.io/pause:3.10';
    const complete = async (d: Deployment, image: string): Promise<boolean> => {
      if (readyPodsWithImage(pods, image) !== REPLICAS) return false;
      const s = d.status;
      const settled = (s?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && s?.replicas === REPLICAS && s.updatedReplicas === REPLICAS && s.availableReplicas === REPLICAS && s.readyReplicas === REPLICAS;
      return settled && (await oldReplicaSetReplicas(client, image)) === 0;
    };
    // What the phase left behind, read as it ends (before the next phase changes it).
    const withCheck = async (p: PhaseResult, image: string): Promise<PhaseResult> => ({ ...p, final: { ...p.final, oldReplicaSetReplicas: await oldReplicaSetReplicas(client, image), readyPodsOfNewTemplate: readyPodsWithImage(pods, image) } });
    phases.push(await withCheck(await runPhase(client, pods, 'create', () => client.create(Resources.deployments, deployment(), { namespace: NS }), (d) => complete(d, v1)), v1));
    if (phases[0]?.ok === true) {
      const patch = { spec: { template: { spec: { containers: [{ name: 'app', image: v2, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } } } };
      phases.push(await withCheck(await runPhase(client, pods, 'rollingUpdate', () => client.patch(Resources.deployments, NAME, 'merge', patch, { namespace: NS }), (d) => complete(d, v2)), v2));
    } else {
      process.stdout.write('rolling update skipped: the create phase did not finish\n');
    }
  } finally {
    const mem = process.memoryUsage();
    stopPods();
    await hollow.stop();
    await cp.stop();
    write({ nodesReadyS, phases, memory: { rssMiB: round(mem.rss / MiB, 0), heapUsedMiB: round(mem.heapUsed / MiB, 0) } });
  }
}

function write(result: object): void {
  const report = {
    bench: 'controllers',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryGiB: round(totalmem() / 1024 ** 3, 1), loadavg1m: round(loadavg()[0] ?? 0, 2), node: process.version },
    setup: `one process: nats-server (child), 1 store member (fsync off), API server, scheduler, controller manager (all controllers), ${NODES} hollow kubelets (4 cpu / 16 GiB / 110 pods each, 0 ms container start) on one NATS connection`,
    nodes: NODES,
    replicas: REPLICAS,
    capSeconds: CAP_MS / 1000,
    strategy: { maxSurge: '25%', maxUnavailable: '25%' },
    ...result,
  };
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'controllers.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
}

await main();
process.exit(0);
