// A service host on its own NATS connection: what every component process starts with. The host
// owns the connection (its stop() drains it); if the host cannot start, the connection is closed
// here so a failed start leaves nothing open.

import { NatsBus } from '@skiff/bus';
import { startServiceHost, type ServiceHost, type ServiceHostOptions } from './service-host.js';

export async function startNatsServiceHost(natsUrls: readonly string[], opts: Omit<ServiceHostOptions, 'bus'>): Promise<ServiceHost> {
  const bus = await NatsBus.connect({ servers: [...natsUrls], name: `skiff-${opts.cluster}-${opts.instance}` });
  try {
    return await startServiceHost({ ...opts, bus });
  } catch (err) {
    await bus.close();
    throw err;
  }
}
