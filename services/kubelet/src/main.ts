// `node --import tsx services/kubelet/src/main.ts --node-name N --nats URLS [...]`: one kubelet
// as a process. Only wiring: parse, start, stop on signals (the pods are stopped with it).
import { createLogger, onShutdownSignals, RealClock, systemRandom } from '@skiff/actors';
import { kubeletProgram, type KubeletArgs } from './args.js';
import { startKubelet } from './kubelet.js';

async function run(args: KubeletArgs): Promise<void> {
  const logger = createLogger({ component: 'kubelet', instance: args.nodeName });
  const kubelet = await startKubelet({ ...args, clock: new RealClock(), random: systemRandom(), logger });
  onShutdownSignals({ stop: () => kubelet.stop() }, { logger });
  await kubelet.ready;
  logger.info({ node: args.nodeName }, 'kubelet ready');
}

await kubeletProgram(run).parseAsync(process.argv);
