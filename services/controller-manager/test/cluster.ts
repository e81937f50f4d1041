// Integration harness: the shared control plane (a real nats-server, one store member, the real
// API server with HTTPS for kubectl, an API client; `@skiff/apiserver/testing`), the real kubectl
// as an async child, and a helper to start controller-manager instances. No scheduler and no
// kubelets: tests bind pods and report their status themselves.

import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import type { Pod } from '@skiff/api';
import { startControlPlane, type ControlPlane } from '@skiff/apiserver/testing';
import { Resources, type ApiClient, type KubeObject } from '@skiff/client';
import { startControllerManagerProcess, type ControllerManagerProcess, type ControllerManagerProcessOptions } from '../src/start.js';

export { child, eventually } from '@skiff/apiserver/testing';

export const CLUSTER = 'kcm';

export interface TestCluster extends ControlPlane {
  startControllerManager(instance: string, opts?: Partial<ControllerManagerProcessOptions>): Promise<ControllerManagerProcess>;
  kubectl(args: readonly string[]): Promise<KubectlResult>;
  /** kubectl that must succeed (the test fails with its stderr otherwise); its stdout. */
  kubectlOk(args: readonly string[]): Promise<string>;
}

export async function startTestCluster(): Promise<TestCluster> {
  const plane = await startControlPlane({ cluster: CLUSTER, name: 'kcm' });
  const kubectlEnv = { ...process.env, KUBECONFIG: plane.kubeconfigPath, HOME: plane.dir };
  return {
    ...plane,
    async startControllerManager(instance, extra = {}) {
      const s = await startControllerManagerProcess({
        natsUrls: [plane.natsUrl],
        cluster: CLUSTER,
        instance,
        version: '0.1.0',
        clock: plane.clock,
        logger: plane.child({ kcm: instance }),
        // Short lease so that a crashed leader's successor needs no 15 s; a clean stop releases it anyway.
        leaderElection: { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 300 },
        ...extra,
      });
      plane.adopt(s);
      return s;
    },
    kubectl: (args) => runKubectl(args, kubectlEnv),
    kubectlOk: async (args) => {
      const r = await runKubectl(args, kubectlEnv);
      expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
      return r.stdout;
    },
  };
}

export interface KubectlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const KUBECTL_TIMEOUT_MS = 60_000;

/** Runs /usr/bin/kubectl as an async child (a sync one would block the in-process API server). */
function runKubectl(args: readonly string[], env: NodeJS.ProcessEnv): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn('/usr/bin/kubectl', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => proc.kill('SIGKILL'), KUBECTL_TIMEOUT_MS);
    proc.on('error', reject);
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

type PodObj = Pod & KubeObject;

/** Pods of `labelSelector` in `namespace` that are not being deleted. */
export async function livePods(client: ApiClient, labelSelector: string, namespace = 'default'): Promise<PodObj[]> {
  return (await client.list<PodObj>(Resources.pods, { namespace, labelSelector })).items.filter((p) => p.metadata.deletionTimestamp === undefined);
}

export function isReady(p: Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** A ReplicaSet of `replicas` nginx pods labelled app=<name>, in default. */
export function replicaSetObject(name: string, replicas: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  } as unknown as KubeObject;
}
