// Adapter: the kubelet's HTTPS server (pkg/kubelet/server/server.go), on the node IP and
// --port (10250; 0 picks a free one). Routes and JSON are pure (@skiff/kubelet kubelet-api.ts);
// this file only moves bytes.
//
// Security (DESIGN.md §6): HTTPS always, with the certificate of kubelet-tls.ts. /healthz is
// anonymous, as Kubernetes lets it be; every other path needs `Authorization: Bearer <token>`
// with the kubelet's --auth-token-file token, and without a configured token it is refused (401).
// Kubernetes' binary defaults (anonymous auth, AlwaysAllow) would let anyone on the machine run
// commands in every pod through /run; kubeadm turns them off, and so do we.
//
// The server listens before the kubelet registers its Node (the Node names the real port in
// status.daemonEndpoints) and answers 503 until `serve` hands it the kubelet's parts.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock, ServiceLogger } from '@skiff/actors';
import { EndpointError } from '@skiff/bus';
import { KubeletApiError, kubeletPodList, routeKubeletRequest, statsSummary, type ContainerLogsQuery, type ContainerRuntime, type KubeletApiRequest, type StatsProvider } from '@skiff/kubelet';
import { formatForKubectl } from '@skiff/runtime';
import type { ApiPodSource } from './api-pod-source.js';
import { findContainer } from './container-logs.js';
import { ensureServingCert } from './kubelet-tls.js';
import type { PodManager } from './pod-manager.js';

/** How long POST /run may take before the command is killed. */
export const RUN_TIMEOUT_MS = 60_000;
/** The largest pod manifest POST/PUT /pods reads. */
export const MANIFEST_BYTES_MAX = 1 << 20;

export interface KubeletServerOptions {
  readonly port: number;
  readonly address: string;
  readonly hostname: string;
  readonly certDir: string;
  readonly authToken?: string;
  readonly nowMs: number;
}

export interface KubeletServerParts {
  readonly nodeName: string;
  readonly cri: ContainerRuntime;
  readonly pods: PodManager;
  readonly stats?: StatsProvider;
  readonly apiPods: ApiPodSource;
  readonly clock: Clock;
  readonly logger: ServiceLogger;
  readonly startTimeMs: number;
}

export interface KubeletServer {
  readonly port: number;
  /** https://<node IP>:<port> */
  readonly url: string;
  /** The self-signed serving certificate: what a client trusts. */
  readonly caCertPem: string;
  serve(parts: KubeletServerParts): void;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function httpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof KubeletApiError) return new HttpError(err.code, err.message);
  if (err instanceof EndpointError) return new HttpError(err.code === 'NotFound' ? 404 : err.code === 'BadRequest' ? 400 : 500, err.message);
  return new HttpError(500, err instanceof Error ? err.message : String(err));
}

function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return false;
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  if (m === null) return false;
  const given = Buffer.from(m[1]!);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

function send(res: ServerResponse, code: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const json = (res: ServerResponse, code: number, value: unknown): void => send(res, code, JSON.stringify(value), 'application/json');

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MANIFEST_BYTES_MAX) throw new HttpError(413, `a manifest is at most ${MANIFEST_BYTES_MAX} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function containerLogs(parts: KubeletServerParts, q: ContainerLogsQuery, res: ServerResponse): Promise<void> {
  const id = await findContainer(parts.cri, parts.pods, q);
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const options = {
    ...(q.tailLines !== undefined ? { tailLines: q.tailLines } : {}),
    ...(q.sinceTimeMs !== undefined ? { sinceTimeMs: q.sinceTimeMs } : {}),
    ...(q.follow ? { follow: true, signal: abort.signal } : {}),
  };
  const lines = parts.cri.readContainerLogs(id, options)[Symbol.asyncIterator]();
  // The first line (or the end) decides the status: an error before any output is still an HTTP error.
  const first = await lines.next();
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', ...(q.follow ? { 'cache-control': 'no-cache' } : {}) });
  try {
    for (let next = first; next.done !== true && !abort.signal.aborted; next = await lines.next()) res.write(formatForKubectl(next.value, q.timestamps));
  } catch (err) {
    parts.logger.debug({ err: String(err) }, 'container log stream ended');
  } finally {
    res.end();
  }
}

async function run(parts: KubeletServerParts, r: Extract<KubeletApiRequest, { type: 'run' }>, res: ServerResponse): Promise<void> {
  const id = await findContainer(parts.cri, parts.pods, r);
  const out = await parts.cri.execSync(id, r.cmd, RUN_TIMEOUT_MS);
  const text = out.stdout + out.stderr;
  if (out.timedOut) return send(res, 500, `${text}command timed out after ${RUN_TIMEOUT_MS} ms\n`);
  if (out.exitCode !== 0) return send(res, 500, `${text}command terminated with non-zero exit code: ${out.exitCode}\n`);
  send(res, 200, text);
}

async function handle(parts: KubeletServerParts, r: KubeletApiRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
  switch (r.type) {
    case 'healthz':
      return send(res, 200, 'ok');
    case 'pods':
      return json(res, 200, kubeletPodList(parts.pods.pods(), (p) => parts.pods.status(p.metadata.uid ?? '')));
    case 'statsSummary': {
      const stats = (await parts.stats?.summary()) ?? { node: {}, pods: [] };
      return json(res, 200, statsSummary({ nodeName: parts.nodeName, nodeStartTimeMs: parts.startTimeMs, nowMs: parts.clock.now(), stats, pods: parts.pods.activePods() }));
    }
    case 'containerLogs':
      return containerLogs(parts, r, res);
    case 'run':
      return run(parts, r, res);
    case 'putPod': {
      const { pod, created } = await parts.apiPods.put(await readBody(req));
      return json(res, created ? 201 : 200, pod);
    }
    case 'deletePod':
      return json(res, 200, await parts.apiPods.delete(r.namespace, r.name));
  }
}

export async function listenKubeletServer(opts: KubeletServerOptions): Promise<KubeletServer> {
  const cert = await ensureServingCert(opts.certDir, opts.hostname, opts.address, opts.nowMs);
  let parts: KubeletServerParts | undefined;
  const server: Server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    void (async () => {
      try {
        if (parts === undefined) throw new HttpError(503, 'the kubelet is starting');
        const r = routeKubeletRequest(req.method ?? 'GET', req.url ?? '/', parts.clock.now());
        if (r.type !== 'healthz' && !authorized(req, opts.authToken)) throw new HttpError(401, 'Unauthorized: a bearer token of this kubelet is required');
        await handle(parts, r, req, res);
      } catch (err) {
        const e = httpError(err);
        if (e.code >= 500) parts?.logger.warn({ err: e.message, url: req.url }, 'kubelet API request failed');
        if (!res.headersSent) send(res, e.code, `${e.message}\n`);
        else res.end();
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `https://${opts.address}:${port}`,
    caCertPem: cert.certPem,
    serve: (p) => {
      parts = p;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
