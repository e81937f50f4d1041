import { startNatsServer, type NatsServerProcess } from '../src/index.js';
import { afterAll, beforeAll } from 'vitest';
import { NatsBus } from '../src/nats-bus.js';
import { busContract } from './bus-contract.js';

let server: NatsServerProcess;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server?.dispose();
});

busContract('NatsBus on nats-server', async () => ({
  connect: (name) => NatsBus.connect({ servers: [server.url], name }),
}));
