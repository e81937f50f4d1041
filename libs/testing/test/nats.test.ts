import { afterAll, describe, expect, it } from 'vitest';
import { monitorGet, PortInUseError, portAccepts } from '@skiff/bus';
import { startNatsCluster, startNatsServer, type NatsCluster } from '../src/nats.js';

describe('startNatsServer', () => {
  it('starts on a free port, stops, restarts on the same port', async () => {
    const server = await startNatsServer();
    try {
      expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
      expect(await portAccepts('127.0.0.1', server.port)).toBe(true);
      const firstPid = server.pid;
      await server.stop();
      expect(server.running).toBe(false);
      expect(await portAccepts('127.0.0.1', server.port)).toBe(false);
      await server.restart();
      expect(server.pid).not.toBe(firstPid);
      expect(await portAccepts('127.0.0.1', server.port)).toBe(true);
      await server.kill();
      expect(server.running).toBe(false);
    } finally {
      await server.dispose();
    }
  }, 20_000);

  it('fails with PortInUseError when the client port is taken', async () => {
    const first = await startNatsServer();
    try {
      await expect(startNatsServer({ port: first.port })).rejects.toBeInstanceOf(PortInUseError);
    } finally {
      await first.dispose();
    }
  }, 20_000);

  it('writes fast ping settings into its config', async () => {
    const server = await startNatsServer();
    try {
      const varz = (await monitorGet(server.monitorUrl, '/varz')) as { ping_interval: number; ping_max: number };
      expect(varz.ping_max).toBe(2);
      expect(varz.ping_interval).toBe(1_000_000_000);
    } finally {
      await server.dispose();
    }
  }, 20_000);
});

describe('startNatsCluster', () => {
  let cluster: NatsCluster | undefined;
  afterAll(async () => cluster?.stop());

  it('starts 3 routed servers, survives a kill and a restart of one', async () => {
    cluster = await startNatsCluster(3);
    expect(cluster.urls).toHaveLength(3);
    for (const s of cluster.servers) {
      const routez = (await monitorGet(s.monitorUrl, '/routez')) as { num_routes: number };
      expect(routez.num_routes).toBeGreaterThanOrEqual(2);
    }
    await cluster.kill(1);
    expect(cluster.servers[1]!.running).toBe(false);
    await cluster.restart(1);
    const routez = (await monitorGet(cluster.servers[1]!.monitorUrl, '/routez')) as { num_routes: number };
    expect(routez.num_routes).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
