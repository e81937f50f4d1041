// UDP forwarding over real sockets on 127.0.0.0/8: datagram backends on 127.0.1.1..3 answering
// their name, behind a Proxier listening on a ClusterIP.
import dgram from 'node:dgram';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProxyMetrics, listenerKey, Proxier, type Listener, type ProxierOptions } from '../src/index.js';

interface UdpBackend {
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  readonly socket: dgram.Socket;
}

async function startUdpBackend(name: string, ip: string): Promise<UdpBackend> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => socket.send(`${name} ${String(msg)}`, rinfo.port, rinfo.address));
  await new Promise<void>((resolve) => socket.bind(0, ip, resolve));
  return { name, ip, port: socket.address().port, socket };
}

async function client(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

/** Sends `msg` and waits for one reply; resends a bounded number of times, as DNS clients do. */
async function ask(socket: dgram.Socket, host: string, port: number, msg: string, tries = 10): Promise<string> {
  for (let i = 0; i < tries; i++) {
    const reply = await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => {
        socket.off('message', onMessage);
        resolve(undefined);
      }, 300);
      const onMessage = (m: Buffer) => {
        clearTimeout(timer);
        socket.off('message', onMessage);
        resolve(String(m));
      };
      socket.on('message', onMessage);
      socket.send(msg, port, host);
    });
    if (reply !== undefined) return reply;
  }
  throw new Error(`no reply to ${msg} after ${tries} tries`);
}

async function eventually(check: () => boolean, what: string, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never happened: ${what}`);
}

const IP = '127.96.0.53';
const PORT = 5353;
const KEY = listenerKey(IP, PORT, 'UDP');
let backends: UdpBackend[] = [];
const proxiers: Proxier[] = [];
const clients: dgram.Socket[] = [];

function udpListener(eps: { ip: string; port: number; ready?: boolean }[]): Listener {
  return {
    key: KEY,
    ip: IP,
    port: PORT,
    protocol: 'UDP',
    kind: 'ClusterIP',
    service: { namespace: 'kube-system', name: 'dns', portName: 'dns' },
    endpoints: eps.map((e) => ({ ip: e.ip, port: e.port, ready: e.ready ?? true })),
    affinity: { type: 'None' },
  };
}

async function started(opts: ProxierOptions, listener: Listener): Promise<Proxier> {
  const p = new Proxier(opts);
  proxiers.push(p);
  expect(p.sync([listener]).open).toHaveLength(1);
  await p.whenServing(KEY);
  return p;
}

async function newClient(): Promise<dgram.Socket> {
  const c = await client();
  clients.push(c);
  return c;
}

beforeAll(async () => {
  backends = await Promise.all([1, 2, 3].map((n) => startUdpBackend(`u${n}`, `127.0.1.${n}`)));
});

afterEach(async () => {
  await Promise.all(proxiers.splice(0).map((p) => p.stop()));
  for (const c of clients.splice(0)) c.close();
});

afterAll(() => {
  for (const b of backends) b.socket.close();
});

describe('UDP forwarding', () => {
  it('each client session goes to one endpoint; sessions spread round-robin', async () => {
    const p = await started({}, udpListener(backends));
    const counts: Record<string, number> = {};
    for (let i = 0; i < 30; i++) {
      const c = await newClient();
      const first = (await ask(c, IP, PORT, `q${i}`)).split(' ')[0]!;
      // Later datagrams of the same client ip:port stay in its session.
      for (let j = 0; j < 3; j++) expect((await ask(c, IP, PORT, `again${j}`)).split(' ')[0]).toBe(first);
      counts[first] = (counts[first] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(['u1', 'u2', 'u3']);
    for (const n of Object.values(counts)) expect(n).toBeGreaterThanOrEqual(6);
    expect(p.listeners()[0]).toMatchObject({ state: 'serving', activeConnections: 30 });
  });

  it('replies carry the payload back', async () => {
    await started({}, udpListener([backends[0]!]));
    expect(await ask(await newClient(), IP, PORT, 'hello')).toBe('u1 hello');
  });

  it('an endpoint that refuses (ICMP port unreachable) is skipped; the client\'s resend lands elsewhere', async () => {
    const gone = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => gone.bind(0, '127.0.1.4', resolve));
    const gonePort = gone.address().port;
    gone.close();
    const metrics = createProxyMetrics();
    await started({ metrics }, udpListener([{ ip: '127.0.1.4', port: gonePort }, backends[0]!]));
    for (let i = 0; i < 6; i++) expect((await ask(await newClient(), IP, PORT, `q${i}`)).split(' ')[0]).toBe('u1');
    expect((await metrics.render()).text).toMatch(/skiff_proxy_errors_total\{namespace="kube-system",service="dns",port="dns",reason="refused"\} [1-9]/);
  });

  it('an endpoint turned not ready loses its sessions: the next datagram goes elsewhere', async () => {
    const p = await started({}, udpListener(backends));
    const c = await newClient();
    const first = (await ask(c, IP, PORT, 'a')).split(' ')[0]!;
    p.sync([udpListener(backends.map((b) => ({ ...b, ready: b.name !== first })))]);
    const next = (await ask(c, IP, PORT, 'b')).split(' ')[0]!;
    expect(next).not.toBe(first);
  });

  it('idle sessions end after sessionIdleMs', async () => {
    const p = await started({ udp: { sessionIdleMs: 100 } }, udpListener(backends));
    await ask(await newClient(), IP, PORT, 'x');
    expect(p.listeners()[0]!.activeConnections).toBe(1);
    await eventually(() => p.listeners()[0]!.activeConnections === 0, 'idle session ended');
  });
});
