// Integration harness: the shared control plane (a real nats-server, one store member, the real
// API server with a kubeconfig for kubectl, an API client; `@skiff/apiserver/testing`) and helpers
// to start scheduler instances (in this process or as processes of their own). One member keeps
// it quick; the store's own suites cover quorums.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startControlPlane, type ControlPlane } from '@skiff/apiserver/testing';
import { startSchedulerProcess, type SchedulerProcess } from '../src/start.js';

export { child, eventually } from '@skiff/apiserver/testing';

export const CLUSTER = 'sched';

export interface TestCluster extends ControlPlane {
  startScheduler(instance: string, schedulerName?: string): Promise<SchedulerProcess>;
  /** A scheduler as its own OS process (services/scheduler/src/main.ts), so a test can kill -9 it. */
  spawnScheduler(instance: string, args?: readonly string[]): ChildProcess;
  /** The real kubectl against this API server; rejects with kubectl's stderr on a non-zero exit. */
  kubectl(...args: string[]): Promise<string>;
}

const MAIN = resolve(import.meta.dirname, '../src/main.ts');
const run = promisify(execFile);

export async function startTestCluster(): Promise<TestCluster> {
  const plane = await startControlPlane({ cluster: CLUSTER, name: 'sched' });
  return {
    ...plane,
    spawnScheduler(instance, args = []) {
      const out = openSync(join(plane.dir, `${instance}.log`), 'a');
      const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, '--nats', plane.natsUrl, '--cluster', CLUSTER, '--instance', instance, ...args], { stdio: ['ignore', out, out] });
      plane.adopt({ stop: () => (proc.exitCode === null && proc.signalCode === null ? killed(proc) : Promise.resolve()) });
      return proc;
    },
    async kubectl(...args) {
      const { stdout } = await run('/usr/bin/kubectl', args, { env: { ...process.env, KUBECONFIG: plane.kubeconfigPath, HOME: plane.dir }, timeout: 60_000 });
      return stdout;
    },
    async startScheduler(instance, schedulerName = 'default-scheduler') {
      const s = await startSchedulerProcess({
        natsUrls: [plane.natsUrl],
        cluster: CLUSTER,
        schedulerName,
        instance,
        version: '0.1.0',
        clock: plane.clock,
        logger: plane.child({ scheduler: instance }),
        // Short lease so that a crashed leader's successor needs no 15 s; a clean stop releases it anyway.
        leaderElection: { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 300 },
        queue: { initialBackoffMs: 100, maxBackoffMs: 500 },
      });
      plane.adopt(s);
      return s;
    },
  };
}

async function killed(proc: ChildProcess): Promise<void> {
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
}
