// Adapter: runs `nats-server` binaries as child processes, for integration tests, benchmarks and
// `skiff up`. Each server gets a config file in its own temp dir (fast pings so that dead peers and
// dead clients are noticed within ~3 s) and an HTTP monitoring port, which is how readiness and
// cluster routes are observed (`/varz`, `/routez`, NATS monitoring docs).

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface NatsServerOptions {
  host?: string;
  /** Client port; a free one when absent. */
  port?: number;
  /** Monitoring (HTTP) port; a free one when absent. */
  httpPort?: number;
  /** `server_name`; defaults to `nats-<port>`. */
  name?: string;
  clusterName?: string;
  /** Route listener port; a free one when `clusterName` is set and this is absent. */
  clusterPort?: number;
  /** Route URLs of the other members, e.g. `nats://127.0.0.1:6223`. */
  routes?: readonly string[];
  /** Enables JetStream with this store directory. */
  storeDir?: string;
  extraArgs?: readonly string[];
  /** Server log goes to this file instead of the captured stderr. */
  logFile?: string;
  /** Path of the binary; found on PATH or in /usr/sbin when absent. */
  binary?: string;
  readyTimeoutMs?: number;
}

export interface NatsServerProcess {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** `nats://host:port` */
  readonly url: string;
  readonly httpPort: number;
  /** `http://host:httpPort` */
  readonly monitorUrl: string;
  readonly clusterPort: number | undefined;
  /** `nats://host:clusterPort`, for other members' `routes`. */
  readonly routeUrl: string | undefined;
  readonly configFile: string;
  /** Process id of the current incarnation (changes on restart); undefined while stopped. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Last lines the server printed (for error messages). */
  output(): string;
  /** SIGTERM and wait for the exit (SIGKILL after a grace period). Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit: a crash. Idempotent. */
  kill(): Promise<void>;
  /** Stops if running, then starts again on the same ports with the same config. */
  restart(): Promise<void>;
  /** Stops and removes the temp dir. */
  dispose(): Promise<void>;
}

export class NatsServerError extends Error {
  override readonly name: string = 'NatsServerError';
}

export class NatsServerNotFoundError extends NatsServerError {
  override readonly name = 'NatsServerNotFoundError';
  constructor() {
    super('nats-server binary not found on PATH or in /usr/sbin: install it with `apt-get install nats-server`');
  }
}

export class PortInUseError extends NatsServerError {
  override readonly name = 'PortInUseError';
  constructor(readonly host: string, readonly port: number, what: string) {
    super(`${what} port ${host}:${port} is already in use`);
  }
}

const OUTPUT_LINES_MAX = 200;
const STOP_GRACE_MS = 5_000;
const POLL_INTERVAL_MS = 25;

/** Asks the OS for a port nobody listens on (it may be taken again before use: a small race). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** True when something accepts TCP connections on host:port. */
export function portAccepts(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function assertPortFree(host: string, port: number, what: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
  if (!free) throw new PortInUseError(host, port, what);
}

export function findNatsServerBinary(): string {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, 'nats-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  throw new NatsServerNotFoundError();
}

/** GETs a monitoring endpoint (`/varz`, `/routez`, ...) and parses its JSON. */
export function monitorGet(monitorUrl: string, path: string, timeoutMs = 1_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${monitorUrl}${path}`, { timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`${path}: HTTP ${res.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${path}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}

interface ServerConfig {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly httpPort: number;
  readonly clusterName: string | undefined;
  readonly clusterPort: number | undefined;
  readonly routes: readonly string[];
  readonly storeDir: string | undefined;
  readonly logFile: string | undefined;
}

/** The config file text. Fast pings: a dead peer is noticed after ping_interval * ping_max. */
export function renderNatsConfig(c: ServerConfig): string {
  const lines = [
    `server_name: ${JSON.stringify(c.name)}`,
    `listen: "${c.host}:${c.port}"`,
    `http: "${c.host}:${c.httpPort}"`,
    'ping_interval: "1s"',
    'ping_max: 2',
    // Room for the store's largest value (1.5 MiB, as etcd) plus its envelope; NATS defaults to 1 MiB.
    'max_payload: 8MB',
  ];
  if (c.logFile !== undefined) lines.push(`log_file: ${JSON.stringify(c.logFile)}`);
  if (c.storeDir !== undefined) lines.push(`jetstream { store_dir: ${JSON.stringify(c.storeDir)} }`);
  if (c.clusterName !== undefined && c.clusterPort !== undefined) {
    const routes = c.routes.map((r) => JSON.stringify(r)).join(', ');
    lines.push(`cluster { name: ${JSON.stringify(c.clusterName)}, listen: "${c.host}:${c.clusterPort}", routes: [${routes}] }`);
  }
  return lines.join('\n') + '\n';
}

const START_ATTEMPTS_MAX = 3;

export async function startNatsServer(opts: NatsServerOptions = {}): Promise<NatsServerProcess> {
  const binary = opts.binary ?? findNatsServerBinary();
  const host = opts.host ?? '127.0.0.1';
  if (opts.port !== undefined) await assertPortFree(host, opts.port, 'client');
  if (opts.clusterPort !== undefined) await assertPortFree(host, opts.clusterPort, 'cluster');
  // A port picked by freePort can be taken by someone else before the server binds it: pick again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, host, opts);
    } catch (err) {
      const picked = err instanceof PortInUseError && !requestedPorts(opts).includes(err.port);
      if (!picked || attempt >= START_ATTEMPTS_MAX) throw err;
    }
  }
}

function requestedPorts(opts: NatsServerOptions): number[] {
  return [opts.port, opts.httpPort, opts.clusterPort].filter((p): p is number => p !== undefined);
}

async function startOnce(binary: string, host: string, opts: NatsServerOptions): Promise<NatsServerProcess> {
  const port = opts.port ?? (await freePort(host));
  const httpPort = opts.httpPort ?? (await freePort(host));
  const clustered = opts.clusterName !== undefined || opts.clusterPort !== undefined || (opts.routes?.length ?? 0) > 0;
  const clusterPort = clustered ? (opts.clusterPort ?? (await freePort(host))) : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'skiff-nats-'));
  const config: ServerConfig = {
    name: opts.name ?? `nats-${port}`,
    host,
    port,
    httpPort,
    clusterName: clustered ? (opts.clusterName ?? 'skiff') : undefined,
    clusterPort,
    routes: opts.routes ?? [],
    storeDir: opts.storeDir,
    logFile: opts.logFile,
  };
  const configFile = join(dir, 'nats.conf');
  writeFileSync(configFile, renderNatsConfig(config));
  const server = new ManagedNatsServer(binary, config, configFile, dir, opts.extraArgs ?? [], opts.readyTimeoutMs ?? 10_000);
  try {
    await server.start();
  } catch (err) {
    await server.dispose();
    throw err;
  }
  return server;
}

// Children are killed with the test process, so a crashed test run leaves no server behind.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
}

class ManagedNatsServer implements NatsServerProcess {
  readonly url: string;
  readonly monitorUrl: string;
  readonly routeUrl: string | undefined;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly lines: string[] = [];
  private disposed = false;

  constructor(
    private readonly binary: string,
    private readonly config: ServerConfig,
    readonly configFile: string,
    private readonly dir: string,
    private readonly extraArgs: readonly string[],
    private readonly readyTimeoutMs: number,
  ) {
    this.url = `nats://${config.host}:${config.port}`;
    this.monitorUrl = `http://${config.host}:${config.httpPort}`;
    this.routeUrl = config.clusterPort === undefined ? undefined : `nats://${config.host}:${config.clusterPort}`;
  }

  get name(): string {
    return this.config.name;
  }
  get host(): string {
    return this.config.host;
  }
  get port(): number {
    return this.config.port;
  }
  get httpPort(): number {
    return this.config.httpPort;
  }
  get clusterPort(): number | undefined {
    return this.config.clusterPort;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }
  get running(): boolean {
    return this.child !== undefined;
  }

  output(): string {
    return this.lines.join('\n');
  }

  async start(): Promise<void> {
    if (this.disposed) throw new NatsServerError(`nats-server ${this.name} was disposed`);
    if (this.child !== undefined) return;
    // Its own process group: a terminal's Ctrl-C reaches the owner only, which stops its services
    // over NATS first and the server last.
    const child = spawn(this.binary, ['-c', this.configFile, ...this.extraArgs], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    track(child);
    this.child = child;
    let exitCode: number | null | undefined;
    let rejectSpawn: (err: Error) => void = () => {};
    const spawnError = new Promise<Error>((resolve) => (rejectSpawn = resolve));
    this.exited = new Promise((resolve) => {
      const gone = (code: number | null): void => {
        exitCode = code;
        if (this.child === child) this.child = undefined;
        resolve();
      };
      child.once('exit', gone);
      // A binary that cannot be spawned emits 'error' and never 'exit'.
      child.once('error', (err) => {
        rejectSpawn(err);
        if (child.pid === undefined) gone(null);
      });
    });
    const capture = (chunk: Buffer): void => this.capture(chunk);
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    const deadline = Date.now() + this.readyTimeoutMs;
    for (;;) {
      const failure = await Promise.race([spawnError, sleep(POLL_INTERVAL_MS).then(() => undefined)]);
      if (failure !== undefined) throw new NatsServerError(`cannot run ${this.binary}: ${failure.message}`);
      if (exitCode !== undefined) throw this.startFailure(exitCode);
      if (await this.ready()) return;
      if (Date.now() > deadline) {
        await this.kill();
        throw new NatsServerError(`nats-server ${this.name} not ready after ${this.readyTimeoutMs} ms:\n${this.output()}`);
      }
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.disposed = true;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async ready(): Promise<boolean> {
    if (!(await portAccepts(this.host, this.port))) return false;
    try {
      await monitorGet(this.monitorUrl, '/varz');
      return true;
    } catch {
      return false;
    }
  }

  private startFailure(code: number | null): Error {
    const out = this.output();
    const inUse = /address already in use/i.test(out);
    if (inUse) {
      const clusterBusy = this.config.clusterPort !== undefined && out.includes(`:${this.config.clusterPort}`);
      const httpBusy = out.includes(`:${this.config.httpPort}`);
      if (clusterBusy) return new PortInUseError(this.host, this.config.clusterPort!, 'cluster');
      if (httpBusy) return new PortInUseError(this.host, this.config.httpPort, 'monitoring');
      return new PortInUseError(this.host, this.port, 'client');
    }
    return new NatsServerError(`nats-server ${this.name} exited with code ${code} while starting:\n${out}`);
  }

  private capture(chunk: Buffer): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line === '') continue;
      this.lines.push(line);
      if (this.lines.length > OUTPUT_LINES_MAX) this.lines.shift();
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
