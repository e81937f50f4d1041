// The cluster supervisor as a component: hosts cluster.machine.ts in a service host (so `skiff
// inspect` shows a live `cluster` actor and the NATS service framework lists it), and mirrors
// the runner's lifecycle reports into it. Listed first, so it is stopped last and sees the
// other components stop.

import { startServiceHost } from '@skiff/actors';
import { NatsBus } from '@skiff/bus';
import { clusterMachine } from './cluster.machine.js';
import type { Component, ComponentContext, ComponentHandle } from './component.js';

export const SUPERVISOR = 'supervisor';

export const supervisorComponent: Component = {
  name: SUPERVISOR,
  title: 'Cluster supervisor',
  start: startSupervisor,
};

async function startSupervisor(ctx: ComponentContext): Promise<ComponentHandle> {
  const bus = await NatsBus.connect({ servers: ctx.natsUrls, name: `skiff-${ctx.cluster}-${SUPERVISOR}` });
  let host;
  try {
    host = await startServiceHost({
      bus,
      cluster: ctx.cluster,
      service: SUPERVISOR,
      instance: ctx.instance,
      version: ctx.version,
      description: `Lifecycle of the local cluster ${ctx.cluster}`,
      clock: ctx.clock,
      logger: ctx.logger,
    });
  } catch (err) {
    await bus.close();
    throw err;
  }
  const actor = host.spawn(clusterMachine, { id: 'cluster', input: { cluster: ctx.cluster, components: ctx.components } });
  const unsubscribe = ctx.events.subscribe((event) => actor.send(event));
  host.setReady(true);
  let stopping: Promise<void> | undefined;
  return {
    ready: Promise.resolve(),
    stop: () =>
      (stopping ??= (async () => {
        // Its own stop is the last report the machine gets: it ends in `stopped`.
        actor.send({ type: 'component.stopped', name: SUPERVISOR });
        unsubscribe();
        // The host stops its actors and endpoints, then drains and closes the bus.
        await host.stop();
      })()),
  };
}
