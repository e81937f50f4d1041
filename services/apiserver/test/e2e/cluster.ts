// End-to-end harness: the shared control plane (../control-plane.ts) with a 3-member store, and the
// real kubectl (/usr/bin/kubectl) pointed at the kubeconfig the server writes. Everything runs in this process except nats-server
// and kubectl, so kubectl runs as an async child (a sync one would block the server it talks to).
// HOME points into the run's directory, so kubectl's discovery and OpenAPI caches start empty.

import { spawn, type ChildProcess } from 'node:child_process';
import type { ClusterApiServer } from '../../src/start.js';
import { startControlPlane } from '../control-plane.js';

export const KUBECTL = '/usr/bin/kubectl';
const CLUSTER = 'e2e';

export interface KubectlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TestCluster {
  readonly dir: string;
  readonly api: ClusterApiServer;
  readonly kubeconfig: string;
  readonly logFile: string;
  /** Runs kubectl to its end (bounded); `input` goes to its stdin. */
  kubectl(args: readonly string[], input?: string): Promise<KubectlResult>;
  /** Starts a long-running kubectl (get -w) and reads its output as it comes. */
  kubectlStream(args: readonly string[]): KubectlStream;
  stop(): Promise<void>;
}

export interface KubectlStream {
  /** Resolves with the output so far once `match` holds for it (bounded), rejects otherwise. */
  waitFor(match: (stdout: string) => boolean, timeoutMs?: number): Promise<string>;
  stop(): Promise<KubectlResult>;
}


export async function startTestCluster(opts: { members?: number } = {}): Promise<TestCluster> {
  const plane = await startControlPlane({ cluster: CLUSTER, name: 'e2e', storeMembers: opts.members ?? 3, logLevel: 'debug' });
  const env = { ...process.env, KUBECONFIG: plane.kubeconfigPath, HOME: plane.dir };
  return {
    dir: plane.dir,
    api: plane.api,
    kubeconfig: plane.kubeconfigPath,
    logFile: plane.logFile,
    kubectl: (args, input) => runKubectl(args, env, input),
    kubectlStream: (args) => streamKubectl(args, env),
    stop: () => plane.stop(),
  };
}

const KUBECTL_TIMEOUT_MS = 60_000;

function runKubectl(args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(KUBECTL, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
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
    proc.stdin.end(input ?? '');
  });
}

function streamKubectl(args: readonly string[], env: NodeJS.ProcessEnv): KubectlStream {
  const proc: ChildProcess = spawn(KUBECTL, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exited: number | null | undefined;
  const listeners = new Set<() => void>();
  const poke = (): void => listeners.forEach((l) => l());
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    poke();
  });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<void>((resolve) =>
    proc.on('close', (code) => {
      exited = code;
      poke();
      resolve();
    }),
  );
  return {
    waitFor: (match, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (match(stdout)) {
            done();
            resolve(stdout);
          } else if (exited !== undefined) {
            done();
            reject(new Error(`kubectl exited (${exited}) before the expected output; stdout: ${stdout} stderr: ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`expected output did not come within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    stop: async () => {
      if (exited === undefined) proc.kill('SIGTERM');
      await closed;
      return { code: exited ?? null, stdout, stderr };
    },
  };
}
