import { afterAll, beforeAll } from 'vitest';
import { storeClientSuite } from './client-suite.js';
import { natsHarness, startNatsServer, type NatsServerProcess } from './harness.js';

let server: NatsServerProcess | undefined;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server?.dispose();
});

storeClientSuite('NatsBus on nats-server', () => natsHarness(server!));
