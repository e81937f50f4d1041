// Rough throughput of the hot pure functions (not a test: numbers vary run to run).
// Run: node --import tsx libs/apimachinery/bench/apimachinery.bench.ts
import { applyPatch, parseLabelSelector, labelSelectorMatches, parseQuantity, strategicMergePatch, trackUpdate, type JsonObject } from '../src/index.js';

function rate(name: string, iterations: number, fn: (i: number) => unknown): void {
  for (let i = 0; i < Math.min(iterations, 200); i++) fn(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(i);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`${name.padEnd(44)} ${Math.round((iterations / ms) * 1000).toLocaleString('en-US')}/s`);
}

const deployment = (replicas: number, image: string): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'fe' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'web', image, ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], resources: { limits: { cpu: '500m', memory: '128Mi' } } },
          { name: 'sidecar', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }] },
        ],
        volumes: [{ name: 'data', emptyDir: {} }],
      },
    },
  },
});

const selector = parseLabelSelector('app=web,tier in (fe,be),!canary');
rate('parseLabelSelector (3 requirements)', 100_000, () => parseLabelSelector('app=web,tier in (fe,be),!canary'));
rate('labelSelectorMatches', 1_000_000, () => labelSelectorMatches(selector, { app: 'web', tier: 'fe' }));
rate('parseQuantity', 500_000, (i) => parseQuantity(i % 2 === 0 ? '1536Mi' : '250m'));
const live = applyPatch(undefined, deployment(2, 'nginx:1'), { manager: 'kubectl', force: false, nowIso: '2026-01-01T00:00:00Z', strategyFor: 'apps/Deployment' });
if (live.type !== 'applied') throw new Error('setup failed');
rate('strategicMergePatch (image, $setElementOrder)', 20_000, (i) =>
  strategicMergePatch('apps/Deployment', live.object, {
    spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }], containers: [{ name: 'web', image: `nginx:${i}` }] } } },
  }),
);
rate('applyPatch (Deployment, one field changed)', 5_000, (i) =>
  applyPatch(live.object, deployment(2, `nginx:${i}`), { manager: 'kubectl', force: false, nowIso: '2026-01-01T00:00:01Z', strategyFor: 'apps/Deployment' }),
);
rate('trackUpdate (Deployment, replicas changed)', 5_000, (i) =>
  trackUpdate(live.object, { ...live.object, spec: { ...(live.object.spec as JsonObject), replicas: i } }, { manager: 'kubectl-edit', nowIso: '2026-01-01T00:00:02Z', strategyFor: 'apps/Deployment' }),
);
