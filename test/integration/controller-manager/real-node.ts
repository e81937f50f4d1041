// A test cluster (cluster.ts) with one real node: a kubelet with the process runtime (the image
// does not matter, the command runs on this host) and the real scheduler, for controllers whose
// pods must really run and finish (Job, CronJob).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '@skiff/core';
import { startKubelet, type Kubelet } from '@skiff/kubelet-service';
import { startSchedulerProcess, type SchedulerProcess } from '@skiff/kube-scheduler';
import { child, CLUSTER, startTestCluster, type TestCluster } from '@skiff/kube-controller-manager/testing';

export interface RealNodeCluster {
  readonly c: TestCluster;
  /** Runs kubectl; throws with its stderr when it fails. */
  kubectl(args: string[]): Promise<string>;
  /** `kubectl apply -f` of this YAML. */
  apply(name: string, yaml: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startRealNodeCluster(controllers: readonly string[], node: { name: string; ip: string; podCIDR: string }): Promise<RealNodeCluster> {
  const c = await startTestCluster();
  let kubelet: Kubelet | undefined;
  let scheduler: SchedulerProcess | undefined;
  const stop = async (): Promise<void> => {
    await kubelet?.stop();
    await scheduler?.stop();
    await c.stop();
  };
  try {
    await c.startControllerManager(`kcm-${node.name}`, { controllers });
    scheduler = await startSchedulerProcess({ natsUrls: [c.natsUrl], cluster: CLUSTER, schedulerName: 'default-scheduler', instance: `sched-${node.name}`, version: '0.1.0', clock: c.clock, random: new SeededRandom(3), logger: child(c.logger, { part: 'scheduler' }) });
    kubelet = await startKubelet({ natsUrls: [c.natsUrl], cluster: CLUSTER, nodeName: node.name, nodeIP: node.ip, podCIDR: node.podCIDR, rootDir: join(c.dir, 'kubelet'), clock: c.clock, random: new SeededRandom(5), logger: child(c.logger, { part: 'kubelet' }) });
    await kubelet.ready;
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
    stop,
  };
}
