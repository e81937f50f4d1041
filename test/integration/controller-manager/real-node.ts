// A test cluster (cluster.ts) with real nodes: kubelets with the process runtime (the image
// does not matter, the command runs on this host) and the real scheduler, for controllers whose
// pods must really run (Job, CronJob, Deployment, DaemonSet, node lifecycle).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '@skiff/core';
import { startKubelet, type Kubelet, type KubeletOptions } from '@skiff/kubelet-service';
import { startSchedulerProcess, type SchedulerProcess } from '@skiff/kube-scheduler';
import { child, CLUSTER, startTestCluster, type TestCluster } from '@skiff/kube-controller-manager/testing';
import type { ControllerManagerProcessOptions } from '@skiff/kube-controller-manager';

export interface RealNode {
  readonly name: string;
  readonly ip: string;
  readonly podCIDR: string;
}

export interface RealNodeCluster {
  readonly c: TestCluster;
  /** Runs kubectl; throws with its stderr when it fails. */
  kubectl(args: string[]): Promise<string>;
  /** `kubectl apply -f` of this YAML. */
  apply(name: string, yaml: string): Promise<void>;
  /** Stops one node's kubelet (a node failure: its Lease and status stop being renewed). */
  stopKubelet(nodeName: string): Promise<void>;
  stop(): Promise<void>;
}

export interface RealNodeOptions {
  /** Extra controller-manager options (e.g. a short nodeMonitorGracePeriodMs). */
  readonly kcm?: Partial<ControllerManagerProcessOptions>;
  /** Extra options of every kubelet (e.g. a leaseRenewIntervalMs well under that grace period). */
  readonly kubelet?: Partial<KubeletOptions>;
}

/** One node or several, each kubelet with its own root dir. */
export async function startRealNodeCluster(controllers: readonly string[], node: RealNode | readonly RealNode[], opts: RealNodeOptions = {}): Promise<RealNodeCluster> {
  const nodes: readonly RealNode[] = Array.isArray(node) ? node : [node as RealNode];
  const first = nodes[0]?.name ?? 'none';
  const c = await startTestCluster();
  const kubelets = new Map<string, Kubelet>();
  let scheduler: SchedulerProcess | undefined;
  const stop = async (): Promise<void> => {
    for (const k of kubelets.values()) await k.stop();
    kubelets.clear();
    await scheduler?.stop();
    await c.stop();
  };
  try {
    await c.startControllerManager(`kcm-${first}`, { ...opts.kcm, controllers });
    scheduler = await startSchedulerProcess({ natsUrls: [c.natsUrl], cluster: CLUSTER, schedulerName: 'default-scheduler', instance: `sched-${first}`, version: '0.1.0', clock: c.clock, random: new SeededRandom(3), logger: child(c.logger, { part: 'scheduler' }) });
    for (const [i, n] of nodes.entries()) {
      const rootDir = nodes.length === 1 ? join(c.dir, 'kubelet') : join(c.dir, `kubelet-${n.name}`);
      const kubelet = await startKubelet({ ...opts.kubelet, natsUrls: [c.natsUrl], cluster: CLUSTER, nodeName: n.name, nodeIP: n.ip, podCIDR: n.podCIDR, rootDir, clock: c.clock, random: new SeededRandom(5 + i), logger: child(c.logger, { part: `kubelet-${n.name}` }) });
      kubelets.set(n.name, kubelet);
      await kubelet.ready;
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const kubectl = async (args: string[]): Promise<string> => {
    const r = await c.kubectl(args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.code} ${r.stderr}`);
    return r.stdout;
  };
  return {
    c,
    kubectl,
    async apply(name, yaml) {
      const file = join(c.dir, `${name}.yaml`);
      writeFileSync(file, yaml);
      await kubectl(['apply', '-f', file]);
    },
    async stopKubelet(nodeName) {
      const k = kubelets.get(nodeName);
      if (k === undefined) throw new Error(`no running kubelet for node ${nodeName}`);
      kubelets.delete(nodeName);
      await k.stop();
    },
    stop,
  };
}
