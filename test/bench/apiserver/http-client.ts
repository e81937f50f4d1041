// A bare HTTPS client for the API server benchmark: node:https with keep-alive, the cluster CA and
// the admin bearer token, so a request costs what a client-go request costs on the wire (no
// client-side library overhead in the numbers). Watches read the newline-delimited JSON stream
// (Kubernetes "watch" encoding: one {"type","object"} per line).

import { Agent, request } from 'node:https';

export interface ApiResponse {
  readonly status: number;
  readonly body: string;
}

export interface ApiHttp {
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<ApiResponse>;
  watch(path: string, onEvent: (event: WatchEvent) => void): Watcher;
  close(): void;
}

export interface WatchEvent {
  readonly type: string;
  readonly object: { metadata?: { name?: string; resourceVersion?: string } };
}

export interface Watcher {
  /** Resolves once the response headers came (the watch is registered). */
  readonly opened: Promise<void>;
  stop(): void;
}

export function apiHttp(opts: { url: string; caCertPem: string; token: string; maxSockets: number }): ApiHttp {
  const base = new URL(opts.url);
  const agent = new Agent({ ca: opts.caCertPem, keepAlive: true, maxSockets: opts.maxSockets, maxFreeSockets: opts.maxSockets });
  const headers = { authorization: `Bearer ${opts.token}`, accept: 'application/json' };
  const target = (path: string) => ({ agent, host: base.hostname, port: base.port, path });
  return {
    call: (method, path, body, contentType = 'application/json') =>
      new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const req = request({ ...target(path), method, headers: payload === undefined ? headers : { ...headers, 'content-type': contentType } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(payload);
      }),
    watch: (path, onEvent) => {
      let stopped = false;
      const req = request({ ...target(path), method: 'GET', headers });
      const opened = new Promise<void>((resolve, reject) => {
        req.on('response', (res) => {
          if (res.statusCode !== 200) {
            reject(new Error(`watch ${path}: HTTP ${res.statusCode}`));
            res.resume();
            return;
          }
          resolve();
          let buffered = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            buffered += d;
            let nl = buffered.indexOf('\n');
            while (nl >= 0) {
              const line = buffered.slice(0, nl).trim();
              buffered = buffered.slice(nl + 1);
              if (line !== '') onEvent(JSON.parse(line) as WatchEvent);
              nl = buffered.indexOf('\n');
            }
          });
          res.on('error', () => undefined);
        });
        req.on('error', (err) => (stopped ? resolve() : reject(err)));
      });
      req.end();
      return {
        opened,
        stop: () => {
          stopped = true;
          req.destroy();
        },
      };
    },
    close: () => agent.destroy(),
  };
}
