// Rough per-sync costs of the pure controllers on this machine:
//   node --import tsx libs/controllers/bench/controllers.bench.ts
import { performance } from 'node:perf_hooks';
import type { KubeObject, Pod, ReplicaSet, Service } from '@skiff/api';
import { SeededRandom } from '@skiff/core';
import { Resources, listerOf, noExpectations, planGarbageCollection, syncEndpoints, syncReplicaSet } from '../src/index.js';

function time(label: string, runs: number, fn: () => void): void {
  fn();
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  const ms = (performance.now() - start) / runs;
  console.log(`${label.padEnd(48)} ${ms.toFixed(3)} ms/op`);
}

const labels = { app: 'web' };
const rs: ReplicaSet = { metadata: { name: 'web', namespace: 'default', uid: 'rs', generation: 1 }, spec: { replicas: 900, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'a', image: 'x' }] } } }, status: { replicas: 1000 } };
const pods: Pod[] = Array.from({ length: 1000 }, (_, i) => ({
  metadata: { name: `web-${i}`, namespace: 'default', uid: `p${i}`, labels, creationTimestamp: new Date(1_700_000_000_000 + i * 1000).toISOString(), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs', controller: true }] },
  spec: { nodeName: `n${i % 50}`, containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80, name: 'http' }] }] },
  status: { phase: 'Running', podIP: `10.0.${i >> 8}.${i & 255}`, conditions: [{ type: 'Ready', status: i % 7 === 0 ? 'False' : 'True', lastTransitionTime: new Date(1_700_000_000_000 + i * 500).toISOString() }] },
}));
const now = 1_700_100_000_000;
const random = new SeededRandom(1);
time('ReplicaSet sync, 1000 pods, scale down by 100', 50, () => syncReplicaSet('default/web', { replicaSets: listerOf([rs]), pods: listerOf(pods) }, { nowMs: now, random, expectations: noExpectations }));
const svc: Service = { metadata: { name: 'web', namespace: 'default' }, spec: { selector: labels, ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }], clusterIP: '10.96.0.1' } };
time('Endpoints sync, 1000 pods', 50, () => syncEndpoints('default/web', { services: listerOf([svc]), pods: listerOf(pods), endpoints: listerOf([]) }));
const objects: KubeObject[] = Array.from({ length: 10_000 }, (_, i) => ({ metadata: { name: `o${i}`, namespace: 'default', uid: `o${i}`, ownerReferences: i === 0 ? [] : [{ apiVersion: 'v1', kind: 'Pod', name: `o${i - 1}`, uid: `o${i - 1}` }] } }));
time('GC pass, 10000 objects in a chain', 10, () => planGarbageCollection([{ resource: Resources.pods, objects }]));
